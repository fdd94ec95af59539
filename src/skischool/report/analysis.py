"""The class's figures: pass rates, score distributions, progress per level, item analysis.

Pure arithmetic over a :class:`~skischool.report.roster.Roster`; nothing here reads files or
runs the engine, so each figure can be checked against a small class worked out by hand.

Definitions (the report states them in words too):

* an exercise's **pass rate** is the share of the learners who tried it that passed it;
* a learner's **total** is the sum of their best scores (0 for an exercise not tried);
* **discrimination** (D) is the pass rate among the top 27 % of learners by total minus the
  pass rate among the bottom 27 % (Kelley's groups); the **point-biserial** r is the
  correlation between passing the exercise and the total of the *other* exercises.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from ..course import Exercise, Level
from ..standing import NOT_STARTED, TRYING, ExerciseStanding
from .roster import Learner, Roster

#: Kelley's share for the upper and lower groups.
GROUP_SHARE = 0.27
#: Below this D an exercise hardly separates stronger from weaker learners.
LOW_D = 0.2
#: Fewer learners than this make item analysis too rough to act on.
MIN_LEARNERS = 10
#: Level status in the progress grid (besides "trying" and "not started").
DONE = "done"
BIN_LABELS = (*(f"{lo}–{lo + 9}" for lo in range(0, 90, 10)), "90–100")


@dataclass(frozen=True)
class ExerciseRate:
    exercise: Exercise
    tried: int
    passed: int

    @property
    def rate(self) -> float | None:
        return self.passed / self.tried if self.tried else None


def exercise_rates(r: Roster) -> list[ExerciseRate]:
    """Each exercise in course order: how many learners tried it and how many passed."""
    rows = _rows(r)
    out = []
    for i, exercise in enumerate(r.course.exercises()):
        tried = sum(row[i].attempts > 0 for row in rows)
        passed = sum(row[i].passed for row in rows)
        out.append(ExerciseRate(exercise, tried, passed))
    return out


def _rows(r: Roster) -> list[tuple[ExerciseStanding, ...]]:
    """Each learner's exercises in course order (``Standing.exercises`` builds a new tuple)."""
    return [learner.standing.exercises for learner in r.learners]


def overall(rates: Sequence[ExerciseRate]) -> tuple[int, int]:
    """(passed, tried) over every learner and exercise: the class's overall pass rate."""
    return sum(x.passed for x in rates), sum(x.tried for x in rates)


def score_bins(r: Roster) -> dict[str, list[int]]:
    """Per level slug: how many best scores (one per learner per exercise tried) fall in each
    ten-point band, 0–9 … 90–100."""
    out: dict[str, list[int]] = {}
    for level in r.course.levels:
        out[level.slug] = [0] * len(BIN_LABELS)
    for learner in r.learners:
        for ls in learner.standing.levels:
            bins = out[ls.level.slug]
            for e in ls.exercises:
                if e.best is not None:
                    bins[min(9, e.best // 10)] += 1
    return out


@dataclass(frozen=True)
class LevelCell:
    level: Level
    status: str  # DONE, TRYING or NOT_STARTED
    passed: int
    total: int


def progress_grid(r: Roster) -> list[tuple[Learner, list[LevelCell]]]:
    """Each learner's levels: done (checkpoint passed), trying (any attempt), not started."""
    rows = []
    for learner in r.learners:
        cells = []
        for ls in learner.standing.levels:
            if ls.done:
                status = DONE
            elif any(e.attempts for e in ls.exercises):
                status = TRYING
            else:
                status = NOT_STARTED
            cells.append(LevelCell(ls.level, status, ls.passed, ls.total))
        rows.append((learner, cells))
    return rows


def total(learner: Learner) -> int:
    return sum(e.best or 0 for e in learner.standing.exercises)


@dataclass(frozen=True)
class Item:
    """How well one exercise separates stronger from weaker learners."""

    exercise: Exercise
    rate: float  # share of all learners who passed it
    top: float  # pass rate in the top group
    bottom: float  # pass rate in the bottom group
    d: float  # top - bottom
    r: float | None  # point-biserial with the rest score; None without variance
    reading: str  # plain words

    @property
    def flagged(self) -> bool:
        return self.reading.startswith(("Negative", "Low"))


def item_analysis(r: Roster) -> tuple[list[Item], int]:
    """Each exercise's discrimination, and the size of each Kelley group."""
    n = len(r.learners)
    if n < 2:
        return [], 0
    rows = _rows(r)
    totals = [sum(e.best or 0 for e in row) for row in rows]
    order = sorted(range(n), key=lambda i: (-totals[i], r.learners[i].name))
    k = max(1, round(GROUP_SHARE * n))
    top, bottom = order[:k], order[-k:]
    items = []
    for j, exercise in enumerate(r.course.exercises()):
        passed = [row[j].passed for row in rows]
        best = [row[j].best or 0 for row in rows]
        p_top = sum(passed[i] for i in top) / k
        p_bottom = sum(passed[i] for i in bottom) / k
        rest = [totals[i] - best[i] for i in range(n)]
        rpb = _correlation([float(p) for p in passed], [float(x) for x in rest])
        rate = sum(passed) / n
        items.append(
            Item(
                exercise,
                rate,
                p_top,
                p_bottom,
                p_top - p_bottom,
                rpb,
                _reading(rate, p_top - p_bottom, rpb, n),
            )
        )
    return items, k


def _correlation(x: list[float], y: list[float]) -> float | None:
    n = len(x)
    mx, my = sum(x) / n, sum(y) / n
    sxx = sum((a - mx) ** 2 for a in x)
    syy = sum((b - my) ** 2 for b in y)
    if sxx == 0 or syy == 0:
        return None
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True))
    return sxy / math.sqrt(sxx * syy)


def _reading(rate: float, d: float, rpb: float | None, n: int) -> str:
    if rate == 1:
        return "Everyone passed: it cannot separate anyone (fine for a warm-up)"
    if rate == 0:
        return "Nobody has passed yet: nothing to compare"
    rough = " (few learners: a rough guide)" if n < MIN_LEARNERS else ""
    if d < 0 or (rpb is not None and rpb < 0 and d < LOW_D):
        return "Negative: weaker learners pass it more often than stronger ones; check it" + rough
    if d < LOW_D:
        return "Low: it barely separates stronger from weaker learners" + rough
    if d < 0.4:
        return "Fair: stronger learners pass it more often" + rough
    return "Good: it clearly separates stronger from weaker learners" + rough


__all__ = [
    "BIN_LABELS",
    "DONE",
    "GROUP_SHARE",
    "LOW_D",
    "MIN_LEARNERS",
    "NOT_STARTED",
    "TRYING",
    "ExerciseRate",
    "Item",
    "LevelCell",
    "exercise_rates",
    "item_analysis",
    "overall",
    "progress_grid",
    "score_bins",
    "total",
]
