"""The class's figures (skischool.report.analysis), checked against a class worked by hand.

The tiny course has six exercises: first-run/01-spot, checkpoint-q1, checkpoint-reply, then the
same three in second-run. Four learners (a score >= 70 passes):

    learner  spot1   cp-q1  cp-reply  spot2  cp-q1-2  cp-reply-2   total
    A        40,100  100    100       100    -        -            400
    B        100     100    50        -      -        -            250
    C        100     40     -         -      -        90           230
    D        30      -      -         -      -        80           110
"""

from __future__ import annotations

import statistics
from pathlib import Path

import pytest

from skischool.course import Course
from skischool.report import analysis as an
from skischool.report.collect import collect
from skischool.report.roster import Roster, roster

from .test_report_collect import attempt, hand_in, tiny_course


@pytest.fixture
def tiny(tmp_path: Path) -> Course:
    return tiny_course(tmp_path)


@pytest.fixture
def four(tiny: Course, tmp_path: Path) -> Roster:
    e = list(tiny.exercises())
    folder = tmp_path / "class"
    hand_in(
        folder,
        "A.json",
        [
            attempt(e[0], 40, minute=1),
            attempt(e[0], 100, minute=2),
            attempt(e[1], 100),
            attempt(e[2], 100),
            attempt(e[3], 100),
        ],
    )
    hand_in(folder, "B.json", [attempt(e[0], 100), attempt(e[1], 100), attempt(e[2], 50)])
    hand_in(folder, "C.json", [attempt(e[0], 100), attempt(e[1], 40), attempt(e[5], 90)])
    hand_in(folder, "D.json", [attempt(e[0], 30), attempt(e[5], 80)])  # fmt: skip
    return roster(collect(folder, tiny), tiny)


def test_pass_rate_is_passed_over_tried_per_exercise(four: Roster) -> None:
    rates = an.exercise_rates(four)
    assert [(x.tried, x.passed) for x in rates] == [(4, 3), (3, 2), (2, 1), (1, 1), (0, 0), (2, 2)]
    assert [x.rate for x in rates] == [0.75, 2 / 3, 0.5, 1.0, None, 1.0]
    assert an.overall(rates) == (9, 12)


def test_scores_fall_in_ten_point_bands_per_level(four: Roster) -> None:
    bins = an.score_bins(four)
    first = [0] * 10
    first[9], first[5], first[4], first[3] = 6, 1, 1, 1
    second = [0] * 10
    second[9], second[8] = 2, 1
    assert bins == {"first-run": first, "second-run": second}


def test_progress_grid_says_done_trying_or_not_started(four: Roster) -> None:
    grid = {learner.name: [c.status for c in cells] for learner, cells in an.progress_grid(four)}
    assert grid == {
        "A": [an.DONE, an.TRYING],
        "B": [an.TRYING, an.NOT_STARTED],
        "C": [an.TRYING, an.TRYING],
        "D": [an.TRYING, an.TRYING],
    }
    cells = dict((lr.name, c) for lr, c in an.progress_grid(four))
    assert (cells["A"][0].passed, cells["A"][0].total) == (3, 3)


def test_discrimination_compares_the_top_and_bottom_groups(four: Roster) -> None:
    items, group = an.item_analysis(four)
    assert group == 1  # 27 % of 4, rounded, at least one
    # top = A (400), bottom = D (110)
    assert [item.d for item in items] == [1.0, 1.0, 1.0, 1.0, 0.0, -1.0]
    assert [item.rate for item in items] == [0.75, 0.5, 0.25, 0.25, 0.0, 0.5]
    assert items[4].reading.startswith("Nobody has passed")
    assert items[5].flagged and items[5].reading.startswith("Negative")
    assert not items[0].flagged
    # the point-biserial correlates passing with the total of the *other* exercises
    rest = [400 - 0, 250 - 0, 230 - 90, 110 - 80]
    assert items[5].r == pytest.approx(statistics.correlation([0, 0, 1, 1], rest))
    assert items[0].r == pytest.approx(statistics.correlation([1, 1, 1, 0], [300, 150, 130, 80]))


def test_everyone_passing_cannot_separate_and_is_not_flagged(tiny: Course, tmp_path: Path) -> None:
    ex = next(tiny.exercises())
    folder = tmp_path / "class"
    for name in "PQR":
        hand_in(folder, f"{name}.json", [attempt(ex, 100)])
    items, _ = an.item_analysis(roster(collect(folder, tiny), tiny))
    assert items[0].reading.startswith("Everyone passed") and not items[0].flagged
    assert items[0].r is None  # no variance, no correlation


def test_one_learner_gives_no_item_analysis(tiny: Course, tmp_path: Path) -> None:
    hand_in(tmp_path / "class", "solo.json", [attempt(next(tiny.exercises()), 100)])
    assert an.item_analysis(roster(collect(tmp_path / "class", tiny), tiny)) == ([], 0)
