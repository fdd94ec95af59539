"""Where a learner stands: each exercise's best attempt, each level's checkpoint, the ski pass.

One place computes it, from a learner's attempts and the course model, so the progress view,
the class report, ``grade`` and the ski pass never disagree about what "passed" means:

* an exercise is **passed** when any attempt at it passed; its **best** is its highest score;
* a level is **done** when every exercise of its checkpoint is passed;
* the **ski pass** is earned when every level is done; it is dated by the attempt that
  completed the last checkpoint.

Attempts at exercises the course does not have (another course, a renamed rubric) are kept
apart in :attr:`Standing.unknown`, never silently counted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .course import Course, Exercise, Level
from .progress import Attempt

#: What a learner has done with one exercise, in the words the course uses.
NOT_STARTED, TRYING, PASSED = "not started", "trying", "passed"


@dataclass(frozen=True)
class ExerciseStanding:
    """One exercise for one learner."""

    exercise: Exercise
    attempts: int = 0
    best: int | None = None  # highest score, None before any attempt
    passed: bool = False
    passed_on: str = ""  # time of the first passing attempt
    best_attempt: Attempt | None = None  # the attempt with the best score (latest on ties)

    @property
    def status(self) -> str:
        if self.passed:
            return PASSED
        return TRYING if self.attempts else NOT_STARTED


@dataclass(frozen=True)
class LevelStanding:
    """One level for one learner."""

    level: Level
    exercises: tuple[ExerciseStanding, ...]

    @property
    def passed(self) -> int:
        return sum(e.passed for e in self.exercises)

    @property
    def total(self) -> int:
        return len(self.exercises)

    @property
    def checkpoint(self) -> tuple[ExerciseStanding, ...]:
        return tuple(e for e in self.exercises if e.exercise.checkpoint)

    @property
    def done(self) -> bool:
        """Every exercise of the level's checkpoint passed (a level without one is never done)."""
        return bool(self.checkpoint) and all(e.passed for e in self.checkpoint)

    @property
    def done_on(self) -> str:
        """When the checkpoint was completed: the latest first-pass among its exercises."""
        return max((e.passed_on for e in self.checkpoint), default="") if self.done else ""


@dataclass(frozen=True)
class Standing:
    """A learner's standing in the whole course."""

    course: Course
    learner: str
    levels: tuple[LevelStanding, ...]
    unknown: tuple[Attempt, ...] = ()

    @property
    def exercises(self) -> tuple[ExerciseStanding, ...]:
        return tuple(e for level in self.levels for e in level.exercises)

    @property
    def levels_done(self) -> int:
        return sum(level.done for level in self.levels)

    @property
    def ski_pass(self) -> bool:
        return bool(self.levels) and all(level.done for level in self.levels)

    @property
    def ski_pass_on(self) -> str:
        """The time the last checkpoint was completed, or "" when the pass is not earned."""
        return max(level.done_on for level in self.levels) if self.ski_pass else ""

    def of(self, key: str) -> ExerciseStanding:
        for e in self.exercises:
            if e.exercise.key == key:
                return e
        raise KeyError(f"no exercise {key!r} in course {self.course.id!r}")


def standing(course: Course, attempts: Iterable[Attempt], learner: str = "") -> Standing:
    """Fold a learner's attempts (any order, duplicates by id counted once) into a standing."""
    by_key: dict[str, list[Attempt]] = {}
    unknown: list[Attempt] = []
    seen: set[str] = set()
    for attempt in attempts:
        if attempt.id in seen:
            continue
        seen.add(attempt.id)
        exercise = course.for_attempt(attempt.exercise, attempt.page)
        if exercise is None:
            unknown.append(attempt)
        else:
            by_key.setdefault(exercise.key, []).append(attempt)
    levels = []
    for level in course.levels:
        rows = []
        for exercise in course.exercises(level.slug):
            mine = sorted(by_key.get(exercise.key, ()), key=lambda a: (a.time, a.id))
            if not mine:
                rows.append(ExerciseStanding(exercise))
                continue
            passes = [a for a in mine if a.passed]
            best = max(mine, key=lambda a: (a.score, a.time))
            rows.append(
                ExerciseStanding(
                    exercise,
                    attempts=len(mine),
                    best=best.score,
                    passed=bool(passes),
                    passed_on=passes[0].time if passes else "",
                    best_attempt=best,
                )
            )
        levels.append(LevelStanding(level, tuple(rows)))
    return Standing(course, learner, tuple(levels), tuple(unknown))


__all__ = [
    "NOT_STARTED",
    "PASSED",
    "TRYING",
    "ExerciseStanding",
    "LevelStanding",
    "Standing",
    "standing",
]
