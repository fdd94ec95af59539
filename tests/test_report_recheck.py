"""The criteria the class missed (skischool.report.recheck): failed replies re-checked with the
real engine and the real course's rubrics, on a bounded, deterministic sample."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from skischool.course import Course
from skischool.progress import Attempt
from skischool.report.collect import collect
from skischool.report.recheck import MAX_RECHECK_CHARS, recheck
from skischool.report.roster import Roster, roster

from .test_report_collect import attempt, export_text

ROOT = Path(__file__).resolve().parent.parent
FORUM = "green-circle/01-trail-forum-reply"
CP_CHOICE = "green-circle/checkpoint-q1"
CP_MULTI = "bunny-hill/checkpoint-q2"


@pytest.fixture(scope="module")
def course() -> Course:
    return Course.load(ROOT)


def make_class(course: Course, folder: Path, learners: dict[str, list[Attempt]]) -> Roster:
    folder.mkdir()
    for name, attempts in learners.items():
        text = export_text(attempts, course=course.id, release=course.release)
        (folder / f"{name}.json").write_text(text, encoding="utf-8")
    return roster(collect(folder, course), course)


def fail_texts(course: Course) -> list[str]:
    rubric = course.exercise(FORUM).rubric()
    return [e.text for e in rubric.examples if e.expect == "fail"]


def test_missed_criteria_are_what_the_engine_says_of_each_latest_failed_reply(
    course: Course, tmp_path: Path
) -> None:
    ex = course.exercise(FORUM)
    texts = fail_texts(course)
    learners = {f"l{i}": [attempt(ex, 30, answer=texts[i])] for i in range(4)}
    # l4 failed twice: only the later reply (texts[4]) counts
    learners["l4"] = [
        attempt(ex, 20, answer=texts[5], minute=1),
        attempt(ex, 40, answer=texts[4], minute=2),
    ]
    learners["l5"] = [attempt(ex, 100, passed=True, answer=texts[6])]  # passed: not a failed reply
    rc = recheck(make_class(course, tmp_path / "c", learners))
    rubric = ex.rubric()
    expected: Counter[str] = Counter()
    for text in texts[:5]:
        expected.update(c.id for c in rubric.check(text).criteria if c.met is False)
    rows = [m for m in rc.missed if m.exercise.key == FORUM]
    assert {m.criterion: m.missed for m in rows} == dict(expected)
    assert all((m.sampled, m.failing) == (5, 5) for m in rows)
    titles = {c.id: c.title for c in rubric.criteria}
    assert all(m.title == titles[m.criterion] for m in rows)
    assert rc.sampled == rc.failing == 5 and rc.checked == 5
    assert [m.estimate for m in rc.missed] == sorted((m.estimate for m in rc.missed), reverse=True)


def test_the_sample_is_bounded_deterministic_and_scaled_up(course: Course, tmp_path: Path) -> None:
    ex = course.exercise(FORUM)
    texts = fail_texts(course)
    r = make_class(
        course, tmp_path / "c", {f"l{i}": [attempt(ex, 30, answer=texts[i])] for i in range(6)}
    )
    first = recheck(r, sample=2)
    assert (first.sampled, first.failing, first.checked) == (2, 6, 2)
    for m in first.missed:
        assert (m.sampled, m.failing) == (2, 6)
        assert m.estimate == round(m.missed / 2 * 6)
    again = recheck(r, sample=2)
    assert [(m.criterion, m.missed) for m in again.missed] == [
        (m.criterion, m.missed) for m in first.missed
    ]


def test_identical_replies_are_checked_once_but_counted_per_learner(
    course: Course, tmp_path: Path
) -> None:
    ex = course.exercise(FORUM)
    same = fail_texts(course)[0]
    rc = recheck(
        make_class(course, tmp_path / "c", {n: [attempt(ex, 30, answer=same)] for n in "abc"})
    )
    assert rc.checked == 1 and rc.sampled == 3
    assert {m.missed for m in rc.missed} == {3}


def test_choice_answers_are_re_checked_as_option_ids(course: Course, tmp_path: Path) -> None:
    single, multi = course.exercise(CP_CHOICE), course.exercise(CP_MULTI)
    r = make_class(
        course,
        tmp_path / "c",
        {
            "a": [
                attempt(single, 20, answer="chair"),
                attempt(multi, 0, answer="owner-approves,follower-count"),
            ],
            "b": [attempt(single, 20, answer="chair")],
            "c": [attempt(single, 10, answer="intern")],
        },
    )
    rows = {(m.exercise.key, m.criterion): m for m in recheck(r).missed}
    assert rows[(CP_CHOICE, "picked:chair")].missed == 2
    assert rows[(CP_CHOICE, "picked:intern")].missed == 1
    assert "chair of trustees" in rows[(CP_CHOICE, "picked:chair")].title
    assert (CP_MULTI, "picked:owner-approves") in rows
    assert (CP_MULTI, "left out:sunday-answer") in rows
    assert (CP_MULTI, "picked:sunday-answer") not in rows


def test_the_example_reply_is_anonymised(course: Course, tmp_path: Path) -> None:
    ex = course.exercise(FORUM)
    reply = (
        "Zoë Quartermaine here from the shop, mail zoe.q@example.org or ring 07700 900123. "
        "Visit https://bikes.example/deal now! – Zoë"
    )
    rc = recheck(
        make_class(
            course,
            tmp_path / "c",
            {"zq": [attempt(ex, 10, answer=reply, learner="Zoë Quartermaine")]},
        )
    )
    example = rc.missed[0].example
    for secret in ("Zoë", "Quartermaine", "zoe.q@", "07700", "https://", "bikes.example"):
        assert secret not in example
    assert "[email]" in example and "[link]" in example and "[phone]" in example


def test_a_rubric_that_cannot_load_is_named_and_the_rest_goes_on(
    course: Course, tmp_path: Path
) -> None:
    ex, other = course.exercise(FORUM), course.exercise(CP_CHOICE)
    r = make_class(
        course,
        tmp_path / "c",
        {"a": [attempt(ex, 10, answer="hi"), attempt(other, 0, answer="chair")]},
    )

    def loader(exercise):  # type: ignore[no-untyped-def]
        if exercise.key == FORUM:
            raise ValueError("no such file")
        return exercise.rubric()

    rc = recheck(r, loader=loader)
    assert rc.problems == [f"{FORUM}: not re-checked (no such file)"]
    assert {m.exercise.key for m in rc.missed} == {CP_CHOICE}


def test_replies_that_pass_today_and_very_long_ones_are_counted_apart(
    course: Course, tmp_path: Path
) -> None:
    ex = course.exercise(FORUM)
    good = next(e.text for e in ex.rubric().examples if e.expect == "pass")
    r = make_class(
        course,
        tmp_path / "c",
        {
            "a": [attempt(ex, 10, answer=good)],
            "b": [attempt(ex, 10, answer="x " * MAX_RECHECK_CHARS)],
        },
    )
    rc = recheck(r)
    assert (rc.now_pass, rc.too_long, rc.sampled, rc.missed) == (1, 1, 1, [])


def test_two_processes_give_the_same_figures_as_one(course: Course, tmp_path: Path) -> None:
    forum, single = course.exercise(FORUM), course.exercise(CP_CHOICE)
    texts = fail_texts(course)
    learners = {
        f"l{i}": [
            attempt(forum, 30, answer=texts[i % len(texts)]),
            attempt(single, 0, answer="intern"),
        ]
        for i in range(7)
    }
    r = make_class(course, tmp_path / "c", learners)
    one, two = recheck(r, workers=1), recheck(r, workers=2)
    assert one.missed and [vars(m) for m in one.missed] == [vars(m) for m in two.missed]
    assert (
        (one.sampled, one.checked, one.failing)
        == (two.sampled, two.checked, two.failing)
        == (14, 8, 14)
    )
