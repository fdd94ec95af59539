"""Where a learner stands (skischool.standing): passed, best, levels done, the ski pass."""

from __future__ import annotations

from pathlib import Path

from skischool.course import Course
from skischool.progress import Attempt
from skischool.standing import NOT_STARTED, PASSED, TRYING, standing

from .test_course_model import make_course


def attempt(exercise: str, score: int, time: str, page: str = "", **extra: object) -> Attempt:
    return Attempt(
        exercise=exercise, page=page, score=score, passed=score >= 70, time=time,
        criteria_met=1, criteria_total=2, kind="choice", answer="a", **extra,
    )  # fmt: skip


def test_best_pass_and_status_per_exercise(tmp_path: Path) -> None:
    course = Course.load(make_course(tmp_path))
    s = standing(
        course,
        [
            attempt("first-run-spot", 40, "2024-05-01T09:00:00Z"),
            attempt("first-run-spot", 90, "2024-05-01T09:05:00Z"),
            attempt("first-run-spot", 60, "2024-05-01T09:10:00Z"),
            attempt("first-run-cp-q1", 20, "2024-05-01T09:00:00Z", page="first-run/checkpoint"),
        ],
    )
    spot = s.of("first-run/01-spot")
    assert (spot.attempts, spot.best, spot.passed, spot.status) == (3, 90, True, PASSED)
    assert spot.passed_on.startswith("2024-05-01T09:05")
    assert spot.best_attempt is not None and spot.best_attempt.score == 90
    assert s.of("first-run/checkpoint-q1").status == TRYING
    assert s.of("first-run/checkpoint-reply").status == NOT_STARTED
    assert s.levels[0].passed == 1 and s.levels[0].total == 3
    assert not s.levels[0].done and s.levels_done == 0 and not s.ski_pass


def test_levels_done_and_the_ski_pass_dated_by_the_last_checkpoint(tmp_path: Path) -> None:
    course = Course.load(make_course(tmp_path))
    times = iter(f"2024-05-0{d}T10:00:00Z" for d in range(1, 9))
    attempts = [attempt(ex.rubric_id, 100, next(times)) for ex in course.checkpoints()]
    s = standing(course, attempts, learner="Ana")
    assert [lv.done for lv in s.levels] == [True, True] and s.levels_done == 2
    assert s.ski_pass and s.ski_pass_on.startswith("2024-05-04")
    partial = standing(course, attempts[:-1])
    assert partial.levels_done == 1 and not partial.ski_pass and partial.ski_pass_on == ""


def test_foreign_attempts_are_kept_apart_and_duplicates_count_once(tmp_path: Path) -> None:
    course = Course.load(make_course(tmp_path))
    same = attempt("first-run-spot", 50, "2024-05-01T09:00:00Z")
    wrong_page = attempt("first-run-spot", 90, "2024-05-01T09:00:00Z", page="second-run/01-spot")
    s = standing(
        course, [same, same, attempt("another-course-x", 100, "2024-05-01T09:00:00Z"), wrong_page]
    )
    assert s.of("first-run/01-spot").attempts == 1
    assert [a.exercise for a in s.unknown] == ["another-course-x", "first-run-spot"]
