"""Conversation and triage on the book page: the markup the build writes and the worker's engine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from skischool.live.page import Session, markup
from skischool.live.seal import for_learners, new_key
from skischool.loader import load_rubric
from skischool.source import load_source, to_compiled_json
from skischool.triage import MAX_NOTE

DATA = Path(__file__).parent / "data"
CONV, TRIAGE = "blue-square/conversation-sample", "blue-square/triage-sample"


def opened(name: str, key: str) -> Session:
    session = Session()
    info = json.loads(
        session.open(key, to_compiled_json(load_source(DATA / name)), "blue-square/x")
    )
    assert info["key"] == key
    return session


def test_conversation_markup_has_a_thread_a_turn_line_and_send() -> None:
    html = markup(load_rubric(DATA / "conversation-sample.yaml"), CONV, page="blue-square/x")
    assert 'data-ss-kind="conversation"' in html
    assert 'class="ss-thread"' in html and 'data-ss-turns="2"' in html
    assert ">Send reply</button>" in html and 'class="ss-restart"' in html
    assert "<textarea" in html


def test_the_worker_answers_back_until_the_last_reply() -> None:
    session = opened("conversation-sample.yaml", CONV)
    first = "<b>Sorry</b> Priya, from today we ring every family if the bus is late."
    step = json.loads(session.check(CONV, json.dumps([first])))
    assert step["pending"] is True and (step["turn"], step["turns"]) == (2, 2)
    assert "<b>Sorry</b>" not in step["html"] and "&lt;b&gt;Sorry" in step["html"]
    assert step["said"].startswith("Priya Shah answered: ")
    done = json.loads(session.check(CONV, json.dumps([first, "Yes, we'll ring you."])))
    assert "pending" not in done and done["kind"] == "conversation"
    assert json.loads(done["answer"]) == [first, "Yes, we'll ring you."]
    assert "The conversation" in done["html"]


def test_an_empty_conversation_answer_starts_the_thread() -> None:
    session = opened("conversation-sample.yaml", CONV)
    step = json.loads(session.check(CONV, "[]"))
    assert step["pending"] is True and step["turn"] == 1 and step["html"] == ""


def test_sealed_turn_models_open_only_with_the_builds_key(monkeypatch: pytest.MonkeyPatch) -> None:
    key = new_key()
    compiled = for_learners(to_compiled_json(load_source(DATA / "conversation-sample.yaml")), key)
    assert "ring every family if the bus is" not in compiled.split('"model_reply"')[1][:200]
    session = Session()
    session.open(CONV, compiled, "blue-square/x")
    monkeypatch.setattr("skischool.live.seal.installed_key", lambda: key)
    locked = json.loads(session.model(CONV, 1, False))
    assert locked["earned"] is False
    assert locked["reason"].startswith("Replies that work appear after you pass, or after 3")
    shown = json.loads(session.model(CONV, 1, True))
    assert shown["earned"] is True and "Reply 1: " in shown["html"]


def test_triage_markup_labels_every_choice() -> None:
    rubric = load_rubric(DATA / "triage-sample.yaml")
    html = markup(rubric, TRIAGE, page="blue-square/x")
    assert html.count('<li class="ss-item"') == len(rubric.items)
    assert html.count("<select") == 2 * len(rubric.items)
    assert html.count("<label for=") == 3 * len(rubric.items)  # what to do, why, and the note
    assert html.count('class="ss-note"') == len(rubric.items)
    assert f'maxlength="{MAX_NOTE}"' in html and "not scored" in html
    assert ">Check my sorting</button>" in html


def test_the_worker_judges_a_sorting_and_marks_items() -> None:
    session = opened("triage-sample.yaml", TRIAGE)
    answer = {
        "c01": {"action": "reply", "reason": "waiting"},
        "c03": {"action": "leave", "reason": ""},
    }
    verdict = json.loads(session.check(TRIAGE, json.dumps(answer)))
    assert verdict["passed"] is False
    assert {i["id"]: i["met"] for i in verdict["items"]} == {
        "c01": True,
        "c02": False,
        "c03": False,
        "c04": False,
    }
    assert json.loads(verdict["answer"])["c01"] == {"action": "reply", "reason": "waiting"}
    # A note is kept with the attempt as written (escaped wherever it is shown), never scored.
    note = "<b>Ask Priya</b> before we promise 🐐"
    noted = json.loads(
        session.check(TRIAGE, json.dumps({**answer, "c01": {**answer["c01"], "note": note}}))
    )
    assert json.loads(noted["answer"])["c01"]["note"] == note
    assert (noted["score"], noted["passed"]) == (verdict["score"], verdict["passed"])
    long = json.loads(
        session.check(TRIAGE, json.dumps({"c01": {**answer["c01"], "note": "x" * 10_000}}))
    )
    assert len(json.loads(long["answer"])["c01"]["note"]) == MAX_NOTE
    empty = json.loads(session.check(TRIAGE, "{}"))
    assert empty["answer"] == "", "nothing sorted: the page records no attempt"
    broken = json.loads(session.check(TRIAGE, "{not json"))
    assert broken["passed"] is False and broken["answer"] == ""
    deep = json.loads(session.check(TRIAGE, "[" * 100_000))
    assert deep["passed"] is False and deep["answer"] == ""
    conv = opened("conversation-sample.yaml", CONV)
    assert json.loads(conv.check(CONV, "[" * 100_000))["pending"] is True


def test_the_workers_engine_never_imports_ipywidgets() -> None:
    """The page's worker has no widget library: checking every kind must not need one."""
    import subprocess
    import sys

    code = (
        "import sys, json\n"
        "sys.modules['ipywidgets'] = None\n"  # any import of it now fails
        "from skischool.live.page import Session\n"
        "from skischool.source import load_source, to_compiled_json\n"
        f"for name, key, answer in [('conversation-sample.yaml', {CONV!r}, '[\"hi\"]'),"
        f" ('triage-sample.yaml', {TRIAGE!r}, '{{}}')]:\n"
        f"    s = Session(); s.open(key, to_compiled_json(load_source({str(DATA)!r} + '/' + name)))\n"
        "    json.loads(s.check(key, answer))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_a_sealed_model_stays_sealed_and_another_builds_key_cannot_open_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    key = new_key()
    compiled = for_learners(to_compiled_json(load_source(DATA / "conversation-sample.yaml")), key)
    session = Session()
    session.open(CONV, compiled, "blue-square/x")
    monkeypatch.setattr("skischool.live.seal.installed_key", lambda: key)
    assert "Reply 2: " in json.loads(session.model(CONV, 1, True))["html"]
    monkeypatch.setattr("skischool.live.seal.installed_key", new_key)  # another build's key
    shown = json.loads(session.model(CONV, 1, True))["html"]
    assert "could not be opened" in shown and "Reply 1:" not in shown
