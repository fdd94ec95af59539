"""The conversation and triage widgets, driven as a learner drives them: values and clicks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from skischool.progress import ProgressStore
from skischool.widgets import ConversationExercise, TriageExercise, exercise

DATA = Path(__file__).parent / "data"
OWNED = "Priya, I'm so sorry your dad waited in the cold. From today we ring every family if the bus is late."
ARGUED = "With respect, the breakdown was not our fault."
PROMISE = "Yes, we'll ring you straight away if it's ever late again."


@pytest.fixture
def store(tmp_path: Path):  # type: ignore[no-untyped-def]
    with ProgressStore(tmp_path / "progress.sqlite3") as s:
        yield s


def conversation(store) -> ConversationExercise:  # type: ignore[no-untyped-def]
    ex = exercise(DATA / "conversation-sample.yaml", store=store, page="blue-square/08-x")
    assert isinstance(ex, ConversationExercise)
    return ex


def test_a_conversation_answers_back_and_records_one_attempt(store) -> None:  # type: ignore[no-untyped-def]
    ex = conversation(store)
    assert "Reply 1 of 2" in ex.turn_label.value
    ex.text.value = OWNED
    ex.send_button.click()
    assert ex.feedback.value == "", "no coaching mid-thread"
    assert store.attempts() == [], "an attempt is the whole conversation"
    owned_post = ex.rubric.turns[0].next["owned"].post
    assert json.dumps(owned_post)[1:20] in json.dumps(ex.thread.value)
    assert "Reply 2 of 2" in ex.turn_label.value
    assert ex.text.value == "", "the box empties for the next reply"
    ex.text.value = PROMISE
    ex.send_button.click()
    assert ex.done and ex.last_result is not None and ex.last_result.passed
    assert "Pass" in ex.feedback.value
    assert ex.text.layout.display == "none" and ex.restart_button.layout.display is None
    (attempt,) = store.attempts()
    assert attempt.kind == "conversation" and attempt.page == "blue-square/08-x"
    assert json.loads(attempt.answer) == [OWNED, PROMISE]
    assert ex.model_button.layout.display is None, "a pass earns the model replies"
    ex.model_button.click()
    assert "Reply 1:" in ex.model.value


def test_an_argument_brings_a_hotter_post(store) -> None:  # type: ignore[no-untyped-def]
    ex = conversation(store)
    ex.text.value = ARGUED
    ex.send_button.click()
    hotter = ex.rubric.turns[0].next["argued"].post
    assert hotter.split("?")[0] in ex.thread.value.replace("&#x27;", "'")
    ex.text.value = PROMISE
    ex.send_button.click()
    assert ex.last_result is not None and not ex.last_result.passed
    assert "argued back" in ex.feedback.value
    assert ex.model_button.layout.display == "none", "one failed attempt earns no model"
    assert "after you pass, or after 3 attempts" in ex.model_wait.value


def test_start_again_keeps_attempts_and_clears_the_thread(store) -> None:  # type: ignore[no-untyped-def]
    ex = conversation(store)
    for text in (OWNED, PROMISE):
        ex.text.value = text
        ex.send_button.click()
    ex.restart_button.click()
    assert ex.replies == [] and ex.thread.value == "" and ex.feedback.value == ""
    assert ex.text.layout.display is None and len(store.attempts()) == 1
    assert "1 attempt" in ex.attempts.value


def test_learner_markup_in_a_conversation_is_escaped(store) -> None:  # type: ignore[no-untyped-def]
    ex = conversation(store)
    ex.text.value = "<script>alert(1)</script>"
    ex.send_button.click()
    assert "<script>" not in ex.thread.value and "&lt;script&gt;" in ex.thread.value
    ex.text.value = "<img src=x onerror=alert(1)>"
    ex.send_button.click()
    assert "<img src=x" not in ex.feedback.value


def triage(store) -> TriageExercise:  # type: ignore[no-untyped-def]
    ex = exercise(DATA / "triage-sample.yaml", store=store)
    assert isinstance(ex, TriageExercise)
    return ex


def test_a_triage_marks_each_row_and_records_the_sorting(store) -> None:  # type: ignore[no-untyped-def]
    ex = triage(store)
    ex.row("c01").action.value = "reply"
    ex.row("c01").reason.value = "waiting"
    ex.row("c02").action.value = "hide"
    ex.row("c02").reason.value = "scam"
    ex.row("c03").action.value = "leave"
    ex.row("c03").note.value = "<b>not sure</b>"
    ex.check_button.click()
    result = ex.last_result
    assert result is not None and not result.passed
    assert "✓" in ex.row("c01").mark.value and "✗" in ex.row("c03").mark.value
    assert "could hurt someone" in ex.feedback.value
    (attempt,) = store.attempts()
    saved = json.loads(attempt.answer)
    assert attempt.kind == "triage" and saved["c03"] == {
        "action": "leave",
        "reason": "",
        "note": "<b>not sure</b>",
    }
    assert "c04" not in saved, "an untouched row is not stored"


def test_a_triage_with_nothing_sorted_records_nothing(store) -> None:  # type: ignore[no-untyped-def]
    ex = triage(store)
    ex.check_button.click()
    assert store.attempts() == []
    assert ex.last_result is not None and ex.last_result.answer_length == 0


def test_a_good_triage_passes_and_earns_the_sorted_queue(store) -> None:  # type: ignore[no-untyped-def]
    ex = triage(store)
    for item in ex.rubric.items:
        ex.sort(item.id, item.action, item.reasons[0])
    ex.check_button.click()
    assert ex.last_result is not None and ex.last_result.passed
    assert all("✓" in r.mark.value for r in ex.rows)
    ex.model_button.click()
    assert "→" in ex.model.value
