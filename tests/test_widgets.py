"""Widgets driven headlessly: set .value, call .click(), assert on the widgets' state."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from skischool.loader import load_rubric, rubric_from_dict
from skischool.model import ChoiceRubric, ReplyRubric
from skischool.progress import open_store
from skischool.widgets import ChoiceExercise, ReplyExercise, exercise
from skischool.widgets.debounce import Debouncer

from .test_loader import GOOD


@pytest.fixture
def rubric(tmp_path: Path) -> ReplyRubric:
    p = tmp_path / "late-parcel.yaml"
    p.write_text(GOOD, encoding="utf-8")
    r = load_rubric(p)
    assert isinstance(r, ReplyRubric)
    return r


@pytest.fixture
def store(tmp_path: Path):  # type: ignore[no-untyped-def]
    s = open_store(tmp_path / "p.sqlite3")
    yield s
    s.close()


def test_reply_exercise_poor_then_good(rubric: ReplyRubric, store) -> None:  # type: ignore[no-untyped-def]
    ex = ReplyExercise(rubric, store=store)
    assert "Dana Ruiz" in ex.post.value and "Where is my parcel?" in ex.post.value
    assert ex.model_button.layout.display == "none", "no model reply before a first attempt"
    ex.text.value = "Please DM us."
    ex.check_button.click()
    assert "Not yet" in ex.feedback.value
    assert "Please DM us" in ex.feedback.value
    assert "0 of 2 criteria met" in ex.feedback.value
    assert ex.attempts.value.endswith("1 attempt</span>")
    assert ex.model_button.layout.display == "none", "one failed attempt does not earn the model"
    assert "2 to go" in ex.model_wait.value
    ex.model_button.click()
    assert ex.model.value == ""
    ex.text.value = "Sorry Dana, it ships today."
    ex.check_button.click()
    assert "Pass" in ex.feedback.value and "2 of 2 criteria met" in ex.feedback.value
    assert "2 attempts" in ex.attempts.value
    assert ex.model_button.layout.display is None, "a pass earns the model reply"
    ex.model_button.click()
    assert "Sorry Dana, it ships today." in ex.model.value
    saved = store.attempts("late-parcel")
    assert [a.passed for a in saved] == [False, True]
    assert saved[0].answer == "Please DM us." and saved[1].criteria_met == 2


def test_character_count_against_platform_limit(rubric: ReplyRubric, store) -> None:  # type: ignore[no-untyped-def]
    ex = ReplyExercise(rubric, store=store)
    assert "0 / 280 characters" in ex.count.value
    ex.text.value = "x" * 300
    assert "300 / 280 characters" in ex.count.value and "20 over the limit" in ex.count.value


def test_live_feedback_updates_while_typing(rubric: ReplyRubric, store) -> None:  # type: ignore[no-untyped-def]
    ex = ReplyExercise(rubric, store=store)
    ex.text.value = "Please DM us"
    assert "0 of 2 criteria met" in ex.live.value
    ex.text.value = "Sorry, fixed"
    assert "2 of 2 criteria met" in ex.live.value
    assert store.attempts() == [], "live feedback is not an attempt"


def test_feedback_escapes_pasted_html(rubric: ReplyRubric, store) -> None:  # type: ignore[no-untyped-def]
    ex = ReplyExercise(rubric, store=store)
    ex.text.value = "<img src=x onerror=alert(1)> please DM us <script>alert(2)</script>"
    ex.check_button.click()
    for value in (ex.feedback.value, ex.live.value, ex.tone.value):
        assert "<img" not in value and "<script" not in value


def test_huge_paste_does_not_run_live_but_checks(rubric: ReplyRubric, store) -> None:  # type: ignore[no-untyped-def]
    ex = ReplyExercise(rubric, store=store)
    ex.text.value = "sorry " * 200_000
    assert "press Check" in ex.live.value
    ex.check_button.click()
    assert "criteria met" in ex.feedback.value


def test_choice_exercise_single(store) -> None:  # type: ignore[no-untyped-def]
    r = rubric_from_dict(
        {
            "kind": "choice",
            "id": "where-to-answer",
            "title": "Where to answer",
            "question": "A customer complains on X. Where do you answer?",
            "options": [
                {
                    "id": "public",
                    "text": "Right there, in public",
                    "score": 100,
                    "feedback": "Yes: others see it solved.",
                },
                {
                    "id": "dm",
                    "text": "Ask them to DM",
                    "score": 0,
                    "feedback": "That hides the fix from everyone watching.",
                },
            ],
            "examples": [],
        }
    )
    assert isinstance(r, ChoiceRubric)
    ex = ChoiceExercise(r, store=store)
    ex.check_button.click()
    assert "Pick an option" in ex.feedback.value
    assert store.attempts() == []
    ex.picker.value = "dm"  # type: ignore[attr-defined]
    ex.check_button.click()
    assert "That hides the fix" in ex.feedback.value and "Not yet" in ex.feedback.value
    ex.picker.value = "public"  # type: ignore[attr-defined]
    ex.check_button.click()
    assert (
        "Yes: others see it solved." in ex.feedback.value
        and "1 of 1 criterion met" in ex.feedback.value
    )
    assert [a.answer for a in store.attempts()] == ["dm", "public"]


def test_choice_exercise_multi(store) -> None:  # type: ignore[no-untyped-def]
    r = rubric_from_dict(
        {
            "kind": "choice",
            "title": "t",
            "question": "Which help?",
            "multiple": True,
            "options": [
                {"id": "a", "text": "Listen first", "score": 50, "feedback": "Good."},
                {
                    "id": "b",
                    "text": "Post more",
                    "score": -50,
                    "feedback": "Volume isn't the goal.",
                },
                {
                    "id": "c",
                    "text": "Reply in public",
                    "score": 50,
                    "feedback": "Good.",
                    "if_missed": "Where will you answer?",
                },
            ],
            "examples": [],
        }
    )
    ex = exercise(r, store=store)
    assert isinstance(ex, ChoiceExercise)
    ex.boxes[0].value = True
    ex.check_button.click()
    assert "Where will you answer?" in ex.feedback.value
    ex.boxes[2].value = True
    ex.check_button.click()
    assert "Pass" in ex.feedback.value and "3 of 3 criteria met" in ex.feedback.value


def test_exercise_from_path(tmp_path: Path, store) -> None:  # type: ignore[no-untyped-def]
    p = tmp_path / "r.yaml"
    p.write_text(GOOD, encoding="utf-8")
    ex = exercise(str(p), store=store)
    assert isinstance(ex, ReplyExercise)


def test_keyboard_reachable_controls(rubric: ReplyRubric, store) -> None:  # type: ignore[no-untyped-def]
    ex = ReplyExercise(rubric, store=store)
    # Native textarea and buttons are focusable; they carry visible labels and tooltips.
    assert ex.check_button.description and ex.check_button.tooltip
    assert ex.text.placeholder
    assert 'role="article"' in ex.post.value


def test_broken_store_does_not_break_the_exercise(rubric: ReplyRubric) -> None:
    class Broken:
        def record(self, attempt: object) -> None:
            raise OSError("disk full")

    ex = ReplyExercise(rubric, store=Broken())
    ex.text.value = "Sorry"
    with pytest.warns(UserWarning, match="disk full"):
        ex.check_button.click()
    assert "criteria met" in ex.feedback.value and "1 attempt" in ex.attempts.value


def test_debouncer_coalesces_a_burst_inside_a_loop() -> None:
    calls: list[int] = []
    d = Debouncer(0.05, lambda: calls.append(1))

    async def burst() -> None:
        for _ in range(20):
            d()
            await asyncio.sleep(0.001)
        await asyncio.sleep(0.15)

    asyncio.run(burst())
    assert calls == [1], "twenty keystrokes in quick succession give one check"


def test_debouncer_runs_at_once_without_a_loop() -> None:
    calls: list[int] = []
    d = Debouncer(0.5, lambda: calls.append(1))
    d()
    d()
    assert calls == [1, 1]


def test_post_task_is_labelled_as_a_brief(store) -> None:  # type: ignore[no-untyped-def]
    data = {
        "kind": "reply",
        "title": "Tell the story",
        "scenario": {"platform": "linkedin", "post": "Tom's note", "writes": "post"},
        "criteria": [{"id": "a", "type": "move", "phrases": ["Tom"], "message": "m", "why": "w"}],
        "examples": [],
    }
    r = rubric_from_dict(data)
    assert isinstance(r, ReplyRubric)
    ex = ReplyExercise(r, store=store)
    assert "Write your post here" in ex.text.placeholder
    assert "not a reply" in ex.post.value and "The brief for your post" in ex.post.value
    assert "0 / 3000 characters" in ex.count.value


def test_widget_lesson_links_lead_from_the_notebook(store, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """A notebook's feedback links to the lesson beside it (.md on a Jupyter server, .html in
    JupyterLite), in a new tab so the kernel keeps running; a host page can pass its own."""
    import sys

    from skischool.links import BOOK_PAGE

    lesson = "lessons/blue-square/01-fix-it-where-they-said-it"
    reply = rubric_from_dict(
        {
            "kind": "reply",
            "title": "t",
            "criteria": [
                {
                    "id": "no-dm",
                    "type": "avoid",
                    "severity": "error",
                    "phrases": ["DM us"],
                    "message": "m",
                    "why": "w",
                    "lesson": lesson,
                }
            ],
            "examples": [],
        }
    )
    choice = rubric_from_dict(
        {
            "kind": "choice",
            "title": "t",
            "question": "q",
            "lesson": lesson,
            "options": [
                {"id": "a", "text": "A", "score": 100, "feedback": "Yes."},
                {"id": "b", "text": "B", "score": 0, "feedback": "No."},
            ],
            "examples": [],
        }
    )
    assert isinstance(reply, ReplyRubric) and isinstance(choice, ChoiceRubric)
    for platform, suffix in (("linux", ".md"), ("emscripten", ".html")):
        monkeypatch.setattr(sys, "platform", platform)
        rex = ReplyExercise(reply, store=store)
        rex.text.value = "Please DM us."
        rex.check()
        cex = ChoiceExercise(choice, store=store)
        cex.choose("b")
        cex.check()
        for html in (rex.feedback.value, cex.feedback.value):
            assert f'href="../../{lesson}{suffix}" data-lesson="{lesson}" target="_blank"' in html
    book = ChoiceExercise(choice, store=store, links=BOOK_PAGE)
    book.choose("b")
    book.check()
    assert f'href="../../{lesson}.html" data-lesson="{lesson}" style=' in book.feedback.value
    assert 'target="_blank"' not in book.feedback.value, "on the book page, the same tab"
