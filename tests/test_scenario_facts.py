"""Every reply exercise declares its scenario's facts, and catches a promise the scenario lacks.

A learner who promises "50% off" to an unhappy customer has written something no tone can fix,
and the course must say so on every reply exercise, not only on the ones that happen to mention a
price. A rubric without a ``facts`` criterion, or one that does not check offers, lets such a
promise pass silently.
"""

from __future__ import annotations

from typing import Any

import pytest

from skischool import facts as F
from skischool.course import Course, Exercise

from .conftest import ROOT

COURSE = Course.load(ROOT)
REPLY_EXERCISES = [ex for ex in COURSE.exercises() if ex.kind == "reply"]

# One plainly worded promise of each kind of offer; the first kind a rubric does not allow is used.
PROMISES: dict[str, str] = {
    "discount": "And we'll give you 50% off your next order.",
    "voucher": "And we'll send you a voucher as well.",
    "gift": "And we'll send you a little gift as well.",
    "compensation": "And we'll pay you compensation for the trouble.",
    "credit": "And we'll credit your account too.",
    "refund": "And we'll refund you in full.",
    "replacement": "And we'll send you a replacement too.",
    "free-item": "And your next coffee is on the house.",
    "upgrade": "And we'll upgrade you for nothing.",
    "bonus": "And there'll be a bit extra in your pay packet.",
}


def _facts_criteria(ex: Exercise) -> list[Any]:
    return [c for c in ex.rubric().criteria if c.data["type"] == "facts"]


def test_there_are_reply_exercises() -> None:
    """Guards the parametrised tests below against passing because they found nothing."""
    assert len(REPLY_EXERCISES) >= 4


def test_every_offer_kind_has_a_promise_that_reads_as_that_kind() -> None:
    """Each sentence below promises exactly its own kind, so the test promises what it means to."""
    assert set(PROMISES) == set(F.OFFERS)
    for kind, sentence in PROMISES.items():
        assert {s.value for s in F.offers(sentence, 0)} == {kind}, sentence


@pytest.mark.parametrize("ex", REPLY_EXERCISES, ids=lambda ex: ex.key)
def test_reply_rubric_declares_facts(ex: Exercise) -> None:
    assert _facts_criteria(ex), (
        f"{ex.rubric_path}: add a `type: facts` criterion declaring the scenario's facts and offers"
    )


@pytest.mark.parametrize("ex", REPLY_EXERCISES, ids=lambda ex: ex.key)
def test_promise_not_on_offer_is_caught(ex: Exercise) -> None:
    """The model reply plus one promise the scenario lacks fails, on that promise, by facts."""
    rubric = ex.rubric()
    criteria = _facts_criteria(ex)
    assert criteria, f"{ex.rubric_path}: no facts criterion"
    allowed: set[str] = set()
    for c in criteria:
        offers = c.data.get("offers")
        assert offers is not None, f"{ex.rubric_path}: criterion {c.id} must declare `offers:`"
        allowed |= set(offers)
    kind = next((k for k in PROMISES if k not in allowed), None)
    assert kind is not None, f"{ex.rubric_path}: allows every kind of offer"
    assert rubric.model_reply, f"{ex.rubric_path}: no model_reply"
    reply = rubric.model_reply.rstrip() + " " + PROMISES[kind]
    start = len(rubric.model_reply.rstrip()) + 1
    result = rubric.check(reply)
    ids = {c.id for c in criteria}
    on_promise = [
        f
        for f in result.findings
        if f.criterion in ids and f.start is not None and f.start >= start
    ]
    assert on_promise, f"{ex.rubric_path}: “{PROMISES[kind]}” ({kind}) was not flagged"
    assert not result.passed, f"{ex.rubric_path}: a reply promising a {kind} passed"
