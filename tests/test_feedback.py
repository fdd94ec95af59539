"""Honest feedback: a move not found is an observation, evidence is the learner's sentence, and
keyword salad is told why it earns nothing."""

from __future__ import annotations

import pytest

from skischool.errors import RubricError
from skischool.loader import rubric_from_dict
from skischool.model import TELEGRAPHIC_NOTE
from skischool.render import result_html, result_text

from .conftest import criterion, reply_rubric_data

RUBRIC = reply_rubric_data(
    [
        criterion(
            "move",
            "owns-it",
            concepts=["ownership"],
            weight=3,
            message="I couldn't find where you say what your side got wrong.",
            hint="Say it plainly.",
        ),
        criterion("move", "thanks", concepts=["thanks"], message="I couldn't find a thank-you."),
        criterion(
            "avoid",
            "no-deflect",
            concepts=["deflect-to-private"],
            severity="error",
            message="“{match}” sends them away.",
        ),
    ],
    scenario={"platform": "x", "author": {"name": "Sam Lee"}, "post": "My order never came."},
)


def check(text: str):
    return rubric_from_dict(RUBRIC).check(text)


def test_a_missing_move_is_an_observation_with_an_invitation() -> None:
    res = check("The parcel left our depot on Monday.")
    owns = next(c for c in res.criteria if c.id == "owns-it")
    assert owns.met is False
    f = owns.findings[0]
    assert f.kind == "not-found"
    assert f.message.startswith("I couldn't find")
    assert "Say it plainly." in f.suggestion and "other words" in f.suggestion
    text = result_text(res)
    assert "? Not found" in text and "✗ Not found" not in text
    assert "Not found · worth fixing" in result_html(res)


def test_evidence_quotes_the_sentence_that_makes_the_move() -> None:
    res = check("Hi Sam. That one's on us, and I'm sorry. Thanks for flagging it.")
    owns = next(c for c in res.criteria if c.id == "owns-it")
    assert owns.met and owns.evidence == "That one's on us, and I'm sorry."
    assert next(c for c in res.criteria if c.id == "thanks").evidence == "Thanks for flagging it."


def test_negated_and_quoted_phrases_make_no_move_and_raise_no_flag() -> None:
    res = check("That wasn't down to us. Someone told you to 'DM us' but no need to email anyone.")
    by_id = {c.id: c for c in res.criteria}
    assert by_id["owns-it"].met is False
    assert by_id["no-deflect"].met is True


def test_keyword_salad_makes_no_moves_and_is_told_why() -> None:
    res = check("Apologies. Our error. Refund sent. Thanks.")
    assert TELEGRAPHIC_NOTE in res.notes
    owns = next(c for c in res.criteria if c.id == "owns-it")
    assert owns.met is False
    assert (
        "list of keywords" in owns.findings[0].message
        and "“Apologies.”" in owns.findings[0].message
    )
    assert not res.passed


def test_a_move_cannot_be_an_error() -> None:
    data = reply_rubric_data([criterion("move", concepts=["thanks"], severity="error")])
    with pytest.raises(RubricError, match=r"criteria\[0\]\.severity: a missing move can't fail"):
        rubric_from_dict(data)


def test_expected_from_lets_a_short_reply_skip_a_move_but_still_credits_it() -> None:
    data = reply_rubric_data([criterion("move", concepts=["thanks"], expected_from=60)])
    r = rubric_from_dict(data)
    assert r.check("On it, fixed now.").criteria[0].met is None
    assert r.check("Thanks, fixed now.").criteria[0].met is True
    long = "The part you asked about has been fixed now and it should work from this evening on."
    assert r.check(long).criteria[0].met is False
