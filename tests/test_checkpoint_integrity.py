"""Checkpoint integrity (issue 12): choice questions must not leak their answers.

* the model reply is earned: by a pass, or by three attempts outside a checkpoint; the notebook
  widget and the book page's worker obey the one rule (skischool.reveal);
* a failed checkpoint multi-select counts the good options left out and names none of them;
* the right option of a single-answer question is not, as a habit, the longest one;
* choice feedback that did not pass ends with a link to its lesson, on every surface.

Real widgets (set ``.value``, ``.click()``), real Sessions with real compiled rubrics.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from skischool.course import page_for
from skischool.links import BOOK_PAGE, for_notebook
from skischool.live.page import Session, markup, rubric_key
from skischool.loader import load_rubric
from skischool.model import ChoiceRubric, ReplyRubric
from skischool.progress import Attempt, open_store
from skischool.render import result_html, result_text
from skischool.reveal import ATTEMPTS_TO_UNLOCK, is_checkpoint, model_unlocked, model_wait
from skischool.situations import compile_yaml
from skischool.widgets import ChoiceExercise, ReplyExercise, exercise

from .conftest import EXERCISES

#: A practice reply exercise (not on a checkpoint) and a checkpoint's reply exercise.
PRACTICE_REPLY = EXERCISES / "bunny-hill" / "01-first-reply.yaml"
CHECKPOINT_REPLY = EXERCISES / "green-circle" / "checkpoint-reply.yaml"
#: A checkpoint's multi-select and a practice multi-select.
CHECKPOINT_MULTI = EXERCISES / "green-circle" / "checkpoint-q2.yaml"
PRACTICE_MULTI = EXERCISES / "green-circle" / "03-spot-the-outsider.yaml"
#: The share of single-answer questions whose right option may be the longest one.
LONGEST_RIGHT_MAX_SHARE = 0.40
ANCHOR = re.compile(r'<a href="([^"]*)" data-lesson="([^"]*)"[^>]*>Revisit the lesson')
FAILING_REPLY = "ok"


def _reply(path: Path) -> ReplyRubric:
    rubric = load_rubric(path)
    assert isinstance(rubric, ReplyRubric) and rubric.model_reply, path
    assert not rubric.check(FAILING_REPLY).passed, "the test needs a reply that fails"
    return rubric


def _choice(path: Path) -> ChoiceRubric:
    rubric = load_rubric(path)
    assert isinstance(rubric, ChoiceRubric), path
    return rubric


@pytest.fixture
def store(tmp_path: Path):  # type: ignore[no-untyped-def]
    s = open_store(tmp_path / "p.sqlite3")
    yield s
    s.close()


# --- the rule --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("attempts", "passed", "checkpoint", "unlocked"),
    [
        (0, False, False, False),
        (1, False, False, False),
        (2, False, False, False),
        (3, False, False, True),
        (7, False, False, True),
        (1, True, False, True),
        (0, False, True, False),
        (3, False, True, False),
        (50, False, True, False),
        (1, True, True, True),
        (4, True, True, True),
        (-5, False, False, False),
    ],
)
def test_the_unlock_rule(attempts: int, passed: bool, checkpoint: bool, unlocked: bool) -> None:
    assert model_unlocked(attempts, passed, checkpoint) is unlocked
    wait = model_wait(attempts, passed, checkpoint)
    assert (wait == "") is unlocked
    if not unlocked and checkpoint:
        assert "pass this checkpoint question" in wait and "attempts" not in wait
    elif not unlocked:
        left = ATTEMPTS_TO_UNLOCK - max(0, attempts)
        assert f"after {ATTEMPTS_TO_UNLOCK} attempts ({left} to go)" in wait


def test_checkpoint_pages_are_the_levels_checkpoints() -> None:
    assert ATTEMPTS_TO_UNLOCK == 3
    assert is_checkpoint("green-circle/checkpoint")
    assert page_for(CHECKPOINT_REPLY) == "green-circle/checkpoint"
    for page in ("", "green-circle/01-trail-forum-reply", "checkpoint", "a/checkpoint-q1"):
        assert not is_checkpoint(page), page


# --- the notebook widget ---------------------------------------------------------------------


def _visible(ex: ReplyExercise) -> bool:
    return ex.model_button.layout.display != "none"


def test_practice_widget_offers_the_model_only_after_the_third_failed_attempt(store) -> None:  # type: ignore[no-untyped-def]
    rubric = _reply(PRACTICE_REPLY)
    ex = exercise(PRACTICE_REPLY, store=store)
    assert isinstance(ex, ReplyExercise) and not ex.checkpoint
    for n in (1, 2):
        ex.text.value = FAILING_REPLY
        ex.check_button.click()
        assert not _visible(ex), f"no model reply after {n} failed attempt(s)"
        ex.model_button.click()  # even a forced click shows nothing
        assert ex.model.value == ""
        assert f"({ATTEMPTS_TO_UNLOCK - n} to go)" in ex.model_wait.value
    ex.text.value = FAILING_REPLY
    ex.check_button.click()
    assert _visible(ex) and ex.model_wait.value == ""
    ex.model_button.click()
    assert html.escape(rubric.model_reply.split()[0]) in ex.model.value


def test_practice_widget_offers_the_model_after_a_first_pass(store) -> None:  # type: ignore[no-untyped-def]
    rubric = _reply(PRACTICE_REPLY)
    ex = exercise(PRACTICE_REPLY, store=store)
    assert isinstance(ex, ReplyExercise)
    ex.text.value = rubric.model_reply
    ex.check_button.click()
    assert ex.last_result is not None and ex.last_result.passed
    assert _visible(ex)


def test_checkpoint_widget_never_offers_the_model_before_a_pass(store) -> None:  # type: ignore[no-untyped-def]
    rubric = _reply(CHECKPOINT_REPLY)
    ex = exercise(CHECKPOINT_REPLY, store=store)
    assert isinstance(ex, ReplyExercise) and ex.checkpoint
    for _ in range(ATTEMPTS_TO_UNLOCK + 2):
        ex.text.value = FAILING_REPLY
        ex.check_button.click()
        assert not _visible(ex)
        ex.model_button.click()
        assert ex.model.value == ""
        assert "pass this checkpoint question" in ex.model_wait.value
    ex.text.value = rubric.model_reply
    ex.check_button.click()
    assert ex.last_result is not None and ex.last_result.passed
    assert _visible(ex) and ex.model_wait.value == ""
    ex.model_button.click()
    assert html.escape(rubric.model_reply.split()[0]) in ex.model.value


def test_a_pass_saved_earlier_unlocks_a_new_widget(store) -> None:  # type: ignore[no-untyped-def]
    rubric = _reply(CHECKPOINT_REPLY)
    page = page_for(CHECKPOINT_REPLY)
    fresh = exercise(CHECKPOINT_REPLY, store=store)
    assert not _visible(fresh) and fresh.model_wait.value == "", "quiet before any attempt"
    store.record(
        Attempt(
            exercise=rubric.id,
            score=90,
            passed=True,
            criteria_met=4,
            criteria_total=4,
            kind="reply",
            answer=rubric.model_reply,
            page=page,
        )
    )
    again = exercise(CHECKPOINT_REPLY, store=store)
    assert _visible(again)


def test_the_wait_line_escapes_nothing_it_should_not(store) -> None:  # type: ignore[no-untyped-def]
    ex = exercise(PRACTICE_REPLY, store=store)
    assert isinstance(ex, ReplyExercise)
    ex.text.value = "<script>alert(1)</script>"
    ex.check_button.click()
    assert "<script" not in ex.model_wait.value and "<script" not in ex.feedback.value


# --- the book page's worker --------------------------------------------------------------------


def _session(*paths: Path) -> Session:
    session = Session("../../")
    for path in paths:
        session.open(rubric_key(path), compile_yaml(path, positions=False), page_for(path))
    return session


def _model(session: Session, path: Path, attempts: object, passed: object) -> dict[str, object]:
    answer = json.loads(session.model(rubric_key(path), attempts, passed))
    assert set(answer) == {"earned", "html", "reason"}
    return answer


def test_session_refuses_the_model_until_it_is_earned() -> None:
    rubric = _reply(PRACTICE_REPLY)
    session = _session(PRACTICE_REPLY)
    first = rubric.model_reply.split()[0]
    for attempts in (0, 1, 2):
        answer = _model(session, PRACTICE_REPLY, attempts, False)
        assert answer["earned"] is False and answer["html"] == ""
        assert f"({ATTEMPTS_TO_UNLOCK - attempts} to go)" in str(answer["reason"])
    for attempts, passed in ((3, False), (1, True)):
        answer = _model(session, PRACTICE_REPLY, attempts, passed)
        assert answer["earned"] is True and answer["reason"] == ""
        assert html.escape(first) in str(answer["html"])


def test_session_refuses_a_checkpoint_model_until_a_pass() -> None:
    rubric = _reply(CHECKPOINT_REPLY)
    session = _session(CHECKPOINT_REPLY)
    for attempts in (1, 3, 40):
        answer = _model(session, CHECKPOINT_REPLY, attempts, False)
        assert answer["earned"] is False and answer["html"] == ""
        assert "pass this checkpoint question" in str(answer["reason"])
    answer = _model(session, CHECKPOINT_REPLY, 2, True)
    assert answer["earned"] is True
    assert html.escape(rubric.model_reply.split()[0]) in str(answer["html"])


@pytest.mark.parametrize(
    ("attempts", "passed"),
    [("3", False), (None, False), (float("nan"), False), (2.5, False), (3, "true"), (3, 1)],
)
def test_session_takes_only_real_counts_and_a_real_true(attempts: object, passed: object) -> None:
    session = _session(CHECKPOINT_REPLY)
    assert _model(session, CHECKPOINT_REPLY, attempts, passed)["earned"] is False
    practice = _session(PRACTICE_REPLY)
    earned = _model(practice, PRACTICE_REPLY, attempts, passed)["earned"]
    assert earned is (isinstance(attempts, int) and attempts >= ATTEMPTS_TO_UNLOCK)


def test_session_unseals_a_sealed_model_only_once_earned(monkeypatch: pytest.MonkeyPatch) -> None:
    """The learner edition's model reply is sealed: it is opened only when it is handed over."""
    from skischool.live import seal
    from skischool.live.seal import for_learners, new_key

    rubric = _reply(CHECKPOINT_REPLY)
    key = new_key()
    sealed = for_learners(compile_yaml(CHECKPOINT_REPLY, positions=False), key)
    assert " ".join(rubric.model_reply.split()[:4]) not in sealed
    session = Session("../../")
    session.open(rubric_key(CHECKPOINT_REPLY), sealed, page_for(CHECKPOINT_REPLY))
    opened: list[int] = []

    def installed() -> bytes:
        opened.append(1)
        return key

    monkeypatch.setattr(seal, "installed_key", installed)
    assert _model(session, CHECKPOINT_REPLY, 9, False)["html"] == ""
    assert opened == [], "nothing is unsealed before the reply is earned"
    shown = str(_model(session, CHECKPOINT_REPLY, 1, True)["html"])
    assert html.escape(" ".join(rubric.model_reply.split()[:4])) in shown and opened == [1]


def test_the_checkpoint_markup_says_so() -> None:
    page = page_for(CHECKPOINT_REPLY)
    there = markup(load_rubric(CHECKPOINT_REPLY), rubric_key(CHECKPOINT_REPLY), page=page)
    assert 'data-ss-checkpoint="true"' in there and 'class="ss-model-wait" hidden' in there
    page = page_for(PRACTICE_REPLY)
    elsewhere = markup(load_rubric(PRACTICE_REPLY), rubric_key(PRACTICE_REPLY), page=page)
    assert "data-ss-checkpoint" not in elsewhere


# --- checkpoint multi-select feedback -----------------------------------------------------------


def _missed_case(rubric: ChoiceRubric) -> tuple[list[str], list[str]]:
    """A failing pick that leaves good options out: one bad option and one good one."""
    good = [o.id for o in rubric.options if o.score > 0]
    bad = [o.id for o in rubric.options if o.score <= 0]
    picked = [bad[0], good[0]]
    assert not rubric.check(picked).passed and good[1:]
    return picked, good[1:]


def _clues(rubric: ChoiceRubric, option_ids: list[str]) -> list[str]:
    """What would identify an option in prose: its text and its if_missed feedback."""
    out = []
    for oid in option_ids:
        o = rubric.option(oid)
        assert o is not None
        out += [" ".join(o.text.split()), " ".join(o.if_missed.split())]
    return [c for c in out if c]


def _plain(text: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


@pytest.mark.parametrize(
    "path",
    sorted(
        p
        for p in EXERCISES.glob("*/checkpoint*.yaml")
        if isinstance(r := load_rubric(p), ChoiceRubric) and r.multiple
    ),
    ids=lambda p: f"{p.parent.name}/{p.stem}",
)
def test_a_failed_checkpoint_multi_select_names_no_missed_option(path: Path) -> None:
    rubric = _choice(path)
    picked, missed = _missed_case(rubric)
    result = rubric.check(picked, checkpoint=True)
    assert not result.passed
    shown = _plain(result_html(result))
    text = result_text(result)
    for clue in _clues(rubric, missed):
        assert clue not in shown, f"the feedback names a missed option: {clue!r}"
        assert clue not in text, f"the text form names a missed option: {clue!r}"
    for oid in missed:  # the text form labels each finding with its criterion: never these
        assert f"[{oid}]" not in text and f'"{oid}"' not in result_html(result)
    n = len(missed)
    assert f"You left out {n} good option{'s' if n != 1 else ''}." in shown
    assert "Reread the scenario" in shown
    # What the learner picked is still explained, and the score is unchanged.
    for oid in picked:
        option = rubric.option(oid)
        assert option is not None and " ".join(option.feedback.split()) in shown
    plain = rubric.check(picked)
    assert (result.score, result.summary) == (plain.score, plain.summary)


def test_outside_a_checkpoint_a_missed_option_is_still_explained() -> None:
    rubric = _choice(PRACTICE_MULTI)
    picked, missed = _missed_case(rubric)
    shown = _plain(result_html(rubric.check(picked)))
    helpful = [rubric.option(m) for m in missed]
    assert any(
        o is not None and o.if_missed and " ".join(o.if_missed.split()) in shown for o in helpful
    )
    assert "You left out" not in shown


def test_a_passed_checkpoint_multi_select_keeps_its_full_feedback() -> None:
    rubric = _choice(CHECKPOINT_MULTI)
    example = next(e for e in rubric.examples if e.expect == "pass" and len(e.choose) == 2)
    result = rubric.check(list(example.choose), checkpoint=True)
    assert result.passed and "You left out" not in result_html(result)


def test_the_widget_and_the_session_both_hide_missed_options_on_the_checkpoint(store) -> None:  # type: ignore[no-untyped-def]
    rubric = _choice(CHECKPOINT_MULTI)
    picked, missed = _missed_case(rubric)
    ex = exercise(CHECKPOINT_MULTI, store=store)
    assert isinstance(ex, ChoiceExercise) and ex.checkpoint
    for box, option in zip(ex.boxes, rubric.options, strict=True):
        box.value = option.id in picked
    ex.check_button.click()
    verdict = json.loads(
        _session(CHECKPOINT_MULTI).check(rubric_key(CHECKPOINT_MULTI), json.dumps(picked))
    )
    for shown in (_plain(ex.feedback.value), _plain(verdict["html"])):
        assert "You left out" in shown
        for clue in _clues(rubric, missed):
            assert clue not in shown
    # The same question placed on a practice page explains what was missed.
    practice = ChoiceExercise(rubric, store=store, page="green-circle/02-where-to-listen")
    practice.choose(*picked)
    practice.check_button.click()
    assert "You left out" not in practice.feedback.value


# --- the longest option is not the tell ---------------------------------------------------------


def _single_answer_questions() -> list[ChoiceRubric]:
    found = []
    for path in sorted(EXERCISES.glob("*/*.yaml")):
        rubric = load_rubric(path)
        if isinstance(rubric, ChoiceRubric) and not rubric.multiple:
            found.append(rubric)
    return found


def right_is_longest(rubric: ChoiceRubric) -> bool:
    """Whether the highest-scoring option is longer than every other (a tie is no tell)."""
    right = max(rubric.options, key=lambda o: o.score)
    length = len(" ".join(right.text.split()))
    return all(length > len(" ".join(o.text.split())) for o in rubric.options if o is not right)


def test_right_is_longest_tells_a_longest_right_option_apart() -> None:
    rubric = _single_answer_questions()[0]
    right = max(rubric.options, key=lambda o: o.score)
    longest = max(len(o.text) for o in rubric.options)
    stretched = [
        o if o is not right else type(o)(o.id, "x" * (longest + 1), o.score, o.feedback)
        for o in rubric.options
    ]
    trimmed = [
        o if o is not right else type(o)(o.id, "x", o.score, o.feedback) for o in rubric.options
    ]
    assert right_is_longest(type(rubric)(**{**vars(rubric), "options": stretched}))
    assert not right_is_longest(type(rubric)(**{**vars(rubric), "options": trimmed}))


def test_the_right_option_is_rarely_the_longest() -> None:
    questions = _single_answer_questions()
    assert len(questions) >= 10, "the course has its single-answer questions"
    longest = [r.file for r in questions if right_is_longest(r)]
    share = len(longest) / len(questions)
    assert share <= LONGEST_RIGHT_MAX_SHARE, (
        f"the right option is the longest in {len(longest)} of {len(questions)} single-answer "
        f"questions ({share:.0%}, at most {LONGEST_RIGHT_MAX_SHARE:.0%}): " + ", ".join(longest)
    )


# --- choice feedback links to its lesson ---------------------------------------------------------


def test_failed_choice_feedback_ends_with_its_lesson_on_every_surface(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rubric = _choice(CHECKPOINT_MULTI)
    picked, _missed = _missed_case(rubric)
    docname = rubric.lesson
    for checkpoint in (False, True):
        result = rubric.check(picked, checkpoint=checkpoint)
        book = result_html(result, links=BOOK_PAGE)
        assert ANCHOR.findall(book) == [(f"../../{docname}.html", docname)]
        assert book.rstrip().endswith("Revisit the lesson</a></div></div>")
        server = result_html(result, links=for_notebook())
        assert ANCHOR.findall(server) == [(f"../../{docname}.md", docname)]
        assert result_text(result).endswith(f"  lesson: {docname}.md")
    monkeypatch.setattr("skischool.links.sys.platform", "emscripten")  # JupyterLite
    lite = result_html(rubric.check(picked), links=for_notebook())
    assert ANCHOR.findall(lite) == [(f"../../{docname}.html", docname)]


def test_the_widget_and_the_page_link_a_failed_choice_to_its_lesson(store) -> None:  # type: ignore[no-untyped-def]
    path = EXERCISES / "bunny-hill" / "04-outsource-or-learn.yaml"
    rubric = _choice(path)
    wrong = min(rubric.options, key=lambda o: o.score)
    ex = exercise(path, store=store)
    assert isinstance(ex, ChoiceExercise)
    ex.picker.value = wrong.id  # type: ignore[attr-defined]
    ex.check_button.click()
    assert ANCHOR.findall(ex.feedback.value) == [(f"../../{rubric.lesson}.md", rubric.lesson)]
    verdict = json.loads(_session(path).check(rubric_key(path), json.dumps([wrong.id])))
    assert ANCHOR.findall(verdict["html"]) == [(f"../../{rubric.lesson}.html", rubric.lesson)]
