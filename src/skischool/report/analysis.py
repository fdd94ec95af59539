"""The class's figures: pass rates, score distributions, progress per level, item analysis.

Pure arithmetic over a :class:`~skischool.report.roster.Roster`; nothing here reads files or
runs the engine, so each figure can be checked against a small class worked out by hand.

Definitions (the report states them in words too):

* an exercise's **pass rate** is the share of the learners who tried it that passed it;
* an exercise's **item analysis** looks only at the learners who tried it (one not reached is
  left out, not counted as failed). They are ranked by their average best score on the other
  exercises they tried; **discrimination** (D) is the pass rate among the top 27 % minus the
  pass rate among the bottom 27 % (Kelley's groups), and the **point-biserial** r is the
  correlation between passing the exercise and that average.
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


@dataclass(frozen=True)
class Item:
    """How well one exercise separates stronger from weaker learners, among those who tried it."""

    exercise: Exercise
    tried: int  # learners who made at least one attempt
    rate: float | None  # share of those who passed it; None if nobody tried
    ranked: int  # of those, learners with another exercise tried, so a standing to rank by
    group: int  # learners in each Kelley group (0 with fewer than two ranked)
    top: float | None  # pass rate in the top group
    bottom: float | None  # pass rate in the bottom group
    d: float | None  # top - bottom
    r: float | None  # point-biserial with the standing elsewhere; None without variance
    reading: str  # plain words

    @property
    def flagged(self) -> bool:
        return self.reading.startswith(("Negative", "Low"))


def item_analysis(r: Roster) -> list[Item]:
    """Each exercise's discrimination, judged only among the learners who tried it.

    A learner who has not reached an exercise is left out of its figures rather than counted
    as failing it, as test analysts treat items not reached: otherwise, part-way through a
    course, every late exercise would seem to separate learners when all it shows is who has
    got further. Learners are ranked by their average best score on the *other* exercises
    they tried, which does not reward having tried more of them.
    """
    rows = _rows(r)
    items = []
    for j, exercise in enumerate(r.course.exercises()):
        tried = [i for i, row in enumerate(rows) if row[j].attempts > 0]
        passed = {i: rows[i][j].passed for i in tried}
        rate = sum(passed.values()) / len(tried) if tried else None
        elsewhere: dict[int, float] = {}
        for i in tried:
            others = [e.best or 0 for k, e in enumerate(rows[i]) if k != j and e.attempts > 0]
            if others:
                elsewhere[i] = sum(others) / len(others)
        ranked = sorted(elsewhere, key=lambda i: -elsewhere[i])
        n = len(ranked)
        if n < 2 or len(set(elsewhere.values())) == 1:
            reading = _reading(rate, None, None, n, level=n >= 2)
            items.append(Item(exercise, len(tried), rate, n, 0, None, None, None, None, reading))
            continue
        k = max(1, round(GROUP_SHARE * n))
        p_top = _group_rate(ranked, elsewhere, passed, k)
        p_bottom = _group_rate(ranked[::-1], elsewhere, passed, k)
        rpb = _correlation([float(passed[i]) for i in ranked], [elsewhere[i] for i in ranked])
        d = p_top - p_bottom
        reading = _reading(rate, d, rpb, n)
        items.append(Item(exercise, len(tried), rate, n, k, p_top, p_bottom, d, rpb, reading))
    return items


def _group_rate(
    order: list[int], standing: dict[int, float], passed: dict[int, bool], k: int
) -> float:
    """The pass rate of the first ``k`` learners in ``order``. Learners tied with the k-th share
    the places left, which gives the average over every way of breaking the tie rather than
    whatever order the names happen to sort in."""
    edge = standing[order[k - 1]]
    inside = [i for i in order[:k] if standing[i] != edge]
    tied = [i for i in order if standing[i] == edge]
    share = (k - len(inside)) / len(tied)
    return (sum(passed[i] for i in inside) + share * sum(passed[i] for i in tied)) / k


def _correlation(x: list[float], y: list[float]) -> float | None:
    n = len(x)
    mx, my = sum(x) / n, sum(y) / n
    sxx = sum((a - mx) ** 2 for a in x)
    syy = sum((b - my) ** 2 for b in y)
    if sxx == 0 or syy == 0:
        return None
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True))
    return sxy / math.sqrt(sxx * syy)


def _reading(
    rate: float | None, d: float | None, rpb: float | None, n: int, *, level: bool = False
) -> str:
    if rate is None:
        return "Nobody has tried it yet"
    if rate == 1:
        return "Everyone who tried it passed: it cannot separate anyone (fine for a warm-up)"
    if rate == 0:
        return "Nobody who tried it has passed yet: nothing to compare"
    if level:
        return "Everyone who tried it has the same average elsewhere: nothing to rank by"
    if d is None:
        return "Too few learners have tried it and another exercise to compare"
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
]
