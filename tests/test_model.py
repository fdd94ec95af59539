"""Scoring, pass rules, tone profile, and choice judging."""

from __future__ import annotations

import pytest

from skischool.loader import rubric_from_dict
from skischool.model import ChoiceRubric, ReplyRubric

from .conftest import criterion, reply_rubric_data


def reply(*criteria: dict, **extra: object) -> ReplyRubric:
    r = rubric_from_dict(reply_rubric_data(list(criteria), **extra))
    assert isinstance(r, ReplyRubric)
    return r


def test_score_is_weighted_share_of_met_criteria() -> None:
    r = reply(
        criterion("move", "a", phrases=["sorry"], weight=3),
        criterion("move", "b", phrases=["thanks"], weight=1),
    )
    assert r.check("sorry").score == 75
    assert r.check("thanks").score == 25
    assert r.check("sorry thanks").score == 100
    assert r.check("sorry").summary == "1 of 2 criteria met"


def test_error_severity_blocks_a_pass_even_with_high_score() -> None:
    r = reply(
        criterion("avoid", "no-dm", phrases=["dm us"], severity="error", weight=1),
        criterion("move", "a", phrases=["sorry"], weight=9),
        pass_score=50,
    )
    result = r.check("sorry, dm us")
    # 90% of the weight is met, but a red flag scales the score below the pass mark.
    assert result.score == round(90 * 49 / 100) and not result.passed
    assert r.check("sorry").passed and r.check("sorry").score == 100


def test_a_blocked_score_keeps_its_order_below_the_pass_mark() -> None:
    r = reply(
        criterion("avoid", "no-dm", phrases=["dm us"], severity="error", weight=1),
        criterion("move", "a", phrases=["sorry"], weight=5),
        criterion("move", "b", phrases=["today"], weight=4),
        pass_score=70,
    )
    better, worse = r.check("sorry, dm us today"), r.check("dm us")
    assert worse.score < better.score < 70


def test_pass_score_threshold() -> None:
    r = reply(
        criterion("move", "a", phrases=["sorry"]),
        criterion("move", "b", phrases=["thanks"]),
        pass_score=60,
    )
    assert not r.check("sorry").passed
    assert r.check("sorry thanks").passed


def test_not_applicable_criteria_leave_the_total() -> None:
    r = reply(criterion("move", "a", phrases=["sorry"]), criterion("address", "name"))
    result = r.check("sorry")
    assert result.criteria_total == 1 and result.score == 100
    named = reply(
        criterion("move", "a", phrases=["sorry"]),
        criterion("address", "name"),
        scenario={"platform": "x", "author": {"name": "Lee"}, "post": "hi"},
    )
    assert named.check("sorry").criteria_total == 2
    assert named.check("sorry Lee").score == 100


def test_findings_quote_the_learners_words_with_position() -> None:
    r = reply(
        criterion(
            "avoid",
            "no-dm",
            phrases=[{"phrase": "please DM us", "suggest": "fix it here"}],
            message="“{match}” hides it",
        )
    )
    text = "Hi!\nOh no, PLEASE  dm us now"
    (f,) = r.check(text).findings
    assert f.quote == "PLEASE dm us"  # quotes fold runs of spaces
    assert (f.start, f.end) == (11, 24)
    assert text[f.start : f.end] == "PLEASE  dm us"
    assert (f.line, f.column) == (2, 8)
    assert (
        f.message == "“PLEASE dm us” hides it"
        or f.message == "“PLEASE  dm us” hides it".replace("  ", " ")
    )
    assert "fix it here" in f.suggestion


def test_curly_and_straight_apostrophes_match_alike() -> None:
    r = reply(criterion("move", "a", phrases=["I'll"]), criterion("move", "b", phrases=["we’re"]))
    assert r.check("I’ll do it, we're on it").score == 100
    assert r.check("Ill do it, were on it").score == 0


def test_matching_is_word_bounded() -> None:
    r = reply(criterion("avoid", "a", phrases=["DM"]))
    assert r.check("admin dms").criteria[0].met is True
    assert r.check("send a DM.").criteria[0].met is False


def test_tone_profile_from_criteria() -> None:
    r = reply(
        criterion("move", "warm", phrases=["sorry"], tone=["warmth"]),
        criterion("avoid", "excuse", phrases=["our policy"], tone=["defensiveness"]),
        criterion("move", "own", phrases=["on us"], tone=["ownership"]),
    )
    tone = r.check("sorry, our policy").tone.values
    assert tone["warmth"] == 100
    assert tone["defensiveness"] == 100
    assert tone["ownership"] == 0
    assert tone["clarity"] is None
    calm = r.check("sorry, that's on us").tone.values
    assert calm["defensiveness"] == 0 and calm["ownership"] == 100


def test_evidence_of_met_moves_is_the_learners_sentence() -> None:
    r = reply(criterion("move", "a", phrases=["so sorry"]))
    assert r.check("Hi Sam. I'm SO sorry! Fixed now.").criteria[0].evidence == "I'm SO sorry!"


def choice(multiple: bool = False) -> ChoiceRubric:
    options = [
        {
            "id": "public",
            "text": "Reply in public",
            "score": 100 if not multiple else 50,
            "feedback": "Yes: others see it solved.",
        },
        {
            "id": "dm",
            "text": "Ask them to DM",
            "score": 0 if not multiple else -50,
            "feedback": "That hides the fix.",
        },
        {
            "id": "ignore",
            "text": "Ignore it",
            "score": 0 if not multiple else -50,
            "feedback": "Silence reads as not caring.",
        },
    ]
    if multiple:
        options.append(
            {
                "id": "thank",
                "text": "Thank them",
                "score": 50,
                "feedback": "Yes.",
                "if_missed": "Something kind is missing.",
            }
        )
    r = rubric_from_dict(
        {
            "kind": "choice",
            "title": "t",
            "question": "q",
            "multiple": multiple,
            "options": options,
            "examples": [],
        }
    )
    assert isinstance(r, ChoiceRubric)
    return r


def test_single_choice_feedback_for_right_and_wrong() -> None:
    r = choice()
    right = r.check("public")
    assert right.passed and right.score == 100 and right.summary == "1 of 1 criterion met"
    assert right.findings[0].message == "Yes: others see it solved."
    wrong = r.check(["dm"])
    assert not wrong.passed and wrong.score == 0
    assert wrong.findings[0].message == "That hides the fix."
    assert wrong.findings[0].quote == "Ask them to DM"


def test_single_choice_odd_input() -> None:
    r = choice()
    assert not r.check(None).passed
    assert "not one of the options" in r.check(["nope"]).notes[0]
    two = r.check(["dm", "public"])
    assert two.score == 0 and any("only your first" in n for n in two.notes)


def test_multi_choice_partial_credit_and_missed_feedback() -> None:
    r = choice(multiple=True)
    full = r.check(["public", "thank"])
    assert full.passed and full.score == 100 and full.summary == "4 of 4 criteria met"
    half = r.check(["public"])
    assert half.score == 50 and not half.passed
    assert any(f.message == "Something kind is missing." for f in half.findings)
    worse = r.check(["public", "dm"])
    assert worse.score == 0
    assert (
        worse.criteria_met == 2
    )  # public chosen (right), dm chosen (wrong), ignore left (right), thank missed


@pytest.mark.parametrize("value", [0, 3.5, {"a": 1}, object()])
def test_choice_never_raises(value: object) -> None:
    result = choice().check(value)
    assert 0 <= result.score <= 100


def test_post_tasks_use_the_platforms_post_limit() -> None:
    def rubric(writes: str) -> ReplyRubric:
        return reply(
            criterion("length", "fits", max="platform"),
            scenario={"platform": "linkedin", "post": "brief", "writes": writes},
        )

    text = "x" * 2000
    assert rubric("reply").check(text).criteria[0].met is False  # a LinkedIn comment: 1,250
    assert rubric("post").check(text).criteria[0].met is True  # a LinkedIn post: 3,000


def test_overriding_the_person_keeps_the_rest_of_the_scenario() -> None:
    from skischool.criteria.base import Author, Scenario

    base = Scenario("linkedin", Author("Tom Reilly", "@tom"), "brief", "context", writes="post")
    got = base.overridden(name="Ana")
    assert got.author == Author("Ana", "@tom")
    assert (got.platform, got.post, got.context, got.writes) == (
        "linkedin",
        "brief",
        "context",
        "post",
    )
    assert base.overridden(platform="x").platform == "x"
