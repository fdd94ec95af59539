"""``answer()``: an answer written into a notebook is judged, saved as an attempt and shown.

Each test works from a folder a learner's notebook could be in: beside the course's rubrics, or
in a fork's work/ folder, where the name is found through the course.
"""

from __future__ import annotations

import re
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from skischool.answering import AnswerError, answer
from skischool.course import Course
from skischool.progress import Attempt, ProgressStore, open_store

from .conftest import EXERCISES, ROOT
from .test_grade import mini_fork

COURSE = Course.load(ROOT)


def test_a_choice_answer_is_judged_saved_and_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(EXERCISES / "green-circle")
    ex = COURSE.exercise("green-circle/checkpoint-q1")
    with ProgressStore(tmp_path / "p.sqlite3") as store:
        shown = answer("checkpoint-q1.yaml", ["aisha"], store=store)
        (attempt,) = store.attempts()
    expected = ex.rubric().check(["aisha"])
    assert shown.passed and shown.score == expected.score
    assert (shown.key, shown.page) == ("green-circle/checkpoint-q1", "green-circle/checkpoint")
    assert (attempt.exercise, attempt.page, attempt.answer) == (
        ex.rubric_id,
        "green-circle/checkpoint",
        "aisha",
    )
    assert (attempt.score, attempt.passed, attempt.kind) == (expected.score, True, "choice")
    assert "Saved as an attempt at" in shown._repr_html_()
    assert str(shown).startswith("PASS")


def test_the_learners_own_store_is_used_by_default(tmp_path: Path) -> None:
    """conftest points SKISCHOOL_PROGRESS at a temporary file: the store open_store() opens."""
    rubric = EXERCISES / "bunny-hill" / "01-first-reply.yaml"
    reply = "Hi Noor, yes! We're open 9 till 2 on Sundays, and the kids are very welcome."
    shown = answer(str(rubric), reply)
    assert shown.saved
    store = open_store()
    try:
        (attempt,) = store.attempts()
    finally:
        store.close()
    assert isinstance(attempt, Attempt) and attempt.answer == reply
    assert attempt.page == "bunny-hill/01-first-reply"  # found beside the rubric, from its page


def test_from_a_work_folder_the_name_is_found_in_the_course(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = mini_fork(tmp_path) / "work" / "blue-square"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    shown = answer("checkpoint-q1.yaml", "fix-the-facts")  # one option may be given as text
    assert (shown.key, shown.page, shown.passed) == (
        "blue-square/checkpoint-q1",
        "blue-square/checkpoint",
        True,
    )
    with pytest.raises(AnswerError, match=r"no rubric 'checkpoint-q9\.yaml'"):
        answer("checkpoint-q9.yaml", ["x"])


def test_learner_html_is_escaped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(EXERCISES / "bunny-hill")
    shown = answer("01-first-reply.yaml", "<script>alert('Noor')</script> <img src=x onerror=1>")
    html = shown._repr_html_()
    assert "<script" not in html and "<img" not in html
    assert not shown.passed


@pytest.mark.parametrize(
    ("rubric", "response", "message"),
    [
        ("01-first-reply.yaml", ["Hi Noor"], "is a reply exercise: write your reply as text"),
        ("04-outsource-or-learn.yaml", {"a": 1}, "is a choice exercise: write the ids"),
        ("04-outsource-or-learn.yaml", [1, 2], "is a choice exercise"),
        ("no-such.yaml", "Hi", "no rubric 'no-such.yaml'"),
    ],
)
def test_answers_of_the_wrong_shape_say_how_to_write_them(
    monkeypatch: pytest.MonkeyPatch, rubric: str, response: object, message: str
) -> None:
    monkeypatch.chdir(EXERCISES / "bunny-hill")
    with pytest.raises(AnswerError, match=re.escape(message)):
        answer(rubric, response)  # type: ignore[arg-type]


def test_an_empty_answer_is_shown_but_not_saved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(EXERCISES / "bunny-hill")
    with ProgressStore(tmp_path / "p.sqlite3") as store:
        shown = answer("01-first-reply.yaml", "   ", store=store)
        assert store.attempts() == []
    assert not shown.saved and "there is no answer yet" in str(shown)


def test_recording_switched_off_is_said(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(EXERCISES / "bunny-hill")
    monkeypatch.setenv("SKISCHOOL_PROGRESS", "off")
    shown = answer("01-first-reply.yaml", "Hi Noor, yes, Sundays 9 to 2!")
    assert not shown.saved and "Not saved: progress is not being recorded" in str(shown)


class _BrokenStore:
    def record(self, attempt: Attempt) -> None:
        raise OSError("disk full")


def test_a_failing_store_never_hides_the_feedback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(EXERCISES / "bunny-hill")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        shown = answer("01-first-reply.yaml", "Hi Noor!", store=_BrokenStore())  # type: ignore[arg-type]
    assert not shown.saved and "disk full" in str(shown)
    assert any("Could not save this attempt" in str(w.message) for w in caught)


def test_what_answer_shows_is_what_grade_finds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same call, run in the notebook and read from the saved file, gets the same verdict."""
    work = mini_fork(tmp_path) / "work" / "green-circle"
    work.mkdir(parents=True)
    reply = "Not just you! I work at Crux Street. Tuesday 6pm is free for beginners."
    call = f"answer('checkpoint-reply.yaml', {reply!r})"
    (work / "mine.md").write_text(f"```{{code-cell}} ipython3\n{call}\n```\n", encoding="utf-8")
    monkeypatch.chdir(work)
    shown = answer("checkpoint-reply.yaml", reply)
    proc = subprocess.run(
        [sys.executable, "-m", "skischool", "grade", "work", "--quiet"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert f"(score {shown.score}, {shown.result.summary})" in proc.stdout, proc.stdout
    assert proc.returncode == (0 if shown.passed else 1)


def test_skischool_answer_works_whatever_was_imported_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Importing the module first must not replace the function on the package."""
    code = (
        "import os, skischool.answering, skischool\n"
        "os.chdir(os.environ['RUBRICS'])\n"
        "from skischool import answer\n"
        "print(answer('01-first-reply.yaml', 'Hi Noor, yes, Sundays 9 to 2!').key)\n"
        "print(skischool.answer('04-outsource-or-learn.yaml', ['x']).key)\n"
    )
    monkeypatch.setenv("RUBRICS", str(EXERCISES / "bunny-hill"))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["bunny-hill/01-first-reply", "bunny-hill/04-outsource-or-learn"]


def test_a_conversation_answer_is_a_list_of_replies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ex = next(e for e in COURSE.exercises() if e.kind == "conversation")
    monkeypatch.chdir(ex.rubric_path.parent)
    rubric = ex.rubric()
    models = [t.model_reply for t in rubric.turns]
    with ProgressStore(tmp_path / "p.sqlite3") as store:
        shown = answer(ex.rubric_path.name, models, store=store)
        (attempt,) = store.attempts()
        with pytest.raises(AnswerError, match="conversation: write your replies as a list"):
            answer(ex.rubric_path.name, "just one reply", store=store)
    assert shown.passed, str(shown)
    assert attempt.kind == "conversation" and attempt.page == ex.page
    assert rubric.check(attempt.answer).score == shown.score, "the saved answer judges again"


def test_a_triage_answer_maps_items_to_action_and_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ex = next(e for e in COURSE.exercises() if e.kind == "triage")
    monkeypatch.chdir(ex.rubric_path.parent)
    rubric = ex.rubric()
    sorting = {i.id: f"{i.action} {i.reasons[0]}" for i in rubric.items}
    with ProgressStore(tmp_path / "p.sqlite3") as store:
        shown = answer(ex.rubric_path.name, sorting, store=store)
        (attempt,) = store.attempts()
        with pytest.raises(AnswerError, match="triage: map each item id"):
            answer(ex.rubric_path.name, ["reply"], store=store)
    assert shown.passed and shown.score == 100
    assert attempt.kind == "triage"
    assert rubric.check(attempt.answer).passed
