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


def two_scores(folder: Path, e: list, rows: list[tuple[str, int, int]]) -> None:  # type: ignore[type-arg]
    """Each learner hands in one attempt at the first exercise and one at the second."""
    for name, first, second in rows:
        hand_in(folder, f"{name}.json", [attempt(e[0], first), attempt(e[1], second)])


def analysed(folder: Path, course: Course) -> list[an.Item]:
    return an.item_analysis(roster(collect(folder, course), course))


def test_item_analysis_looks_only_at_learners_who_tried_the_exercise(four: Roster) -> None:
    items = an.item_analysis(four)
    assert [(x.tried, x.ranked, x.group) for x in items] == [
        (4, 4, 1),
        (3, 3, 1),
        (2, 2, 0),
        (1, 1, 0),
        (0, 0, 0),
        (2, 2, 1),
    ]
    assert [x.rate for x in items] == [0.75, 2 / 3, 0.5, 1.0, None, 1.0]  # as exercise_rates
    # spot1: averages on the other exercises tried are A 100, B 75, C 65, D 80, so the top
    # group is A and the bottom C, who both passed; D failed with 80, the passers' mean.
    assert (items[0].top, items[0].bottom, items[0].d) == (1.0, 1.0, 0.0)
    assert items[0].r == pytest.approx(0.0, abs=1e-12)
    assert items[0].reading.startswith("Low")
    # cp-q1: A 100 and B 75 passed, C 95 failed: r is negative, and D cannot show it (0).
    expected_r = statistics.correlation([1.0, 1.0, 0.0], [100.0, 75.0, 95.0])
    assert items[1].d == 0.0 and items[1].r == pytest.approx(expected_r)
    assert items[1].flagged and items[1].reading.startswith("Negative")
    # cp-reply: A and B both average 100 elsewhere, so there is no order to compare.
    assert items[2].d is None and items[2].reading.startswith("Everyone who tried it has the same")
    assert items[3].d is None and items[3].reading.startswith("Everyone who tried it passed")
    assert items[4].reading == "Nobody has tried it yet" and not items[4].flagged
    # cp-reply-2: C and D both passed; C ranks above D, but there is nothing to separate.
    assert items[5].d == 0.0 and items[5].reading.startswith("Everyone who tried it passed")


def test_a_learner_who_has_not_reached_an_exercise_does_not_count_as_failing_it(
    tiny: Course, tmp_path: Path
) -> None:
    e = list(tiny.exercises())
    folder = tmp_path / "class"
    two_scores(folder, e, [("P", 100, 90), ("Q", 30, 60), ("R", 80, 70), ("S", 20, 40)])
    before = analysed(folder, tiny)[0]
    # Three fast learners who have only reached cp-q1 (and did well on it) join the class.
    for name in "TUV":
        hand_in(folder, f"{name}.json", [attempt(e[1], 100)])
    after = analysed(folder, tiny)[0]
    assert (after.tried, after.rate, after.d, after.r) == (
        before.tried,
        before.rate,
        before.d,
        before.r,
    )
    assert after.tried == 4 and after.rate == 0.5


def test_a_tie_at_the_edge_of_a_group_is_shared_not_broken_by_name(
    tiny: Course, tmp_path: Path
) -> None:
    e = list(tiny.exercises())
    folder = tmp_path / "class"
    # spot1 is the item; cp-q1 gives each learner's standing: P and Q tie at the top with 90.
    two_scores(folder, e, [("P", 100, 90), ("Q", 30, 90), ("R", 30, 50), ("S", 100, 40)])
    item = analysed(folder, tiny)[0]
    assert item.group == 1  # 27 % of 4
    assert item.top == 0.5  # P (passed) and Q (failed) share the one place; by name, P alone: 1.0
    assert item.bottom == 1.0  # S, alone at the bottom, passed
    assert item.d == -0.5 and item.flagged


def test_everyone_passing_cannot_separate_and_is_not_flagged(tiny: Course, tmp_path: Path) -> None:
    e = list(tiny.exercises())
    folder = tmp_path / "class"
    two_scores(folder, e, [("P", 100, 100), ("Q", 100, 60), ("R", 100, 20)])
    items = analysed(folder, tiny)
    assert items[0].reading.startswith("Everyone who tried it passed") and not items[0].flagged
    assert items[0].r is None  # no variance, no correlation


def test_one_learner_gives_figures_to_nobody(tiny: Course, tmp_path: Path) -> None:
    hand_in(tmp_path / "class", "solo.json", [attempt(next(tiny.exercises()), 60)])
    items = analysed(tmp_path / "class", tiny)
    assert items[0].tried == 1 and items[0].d is None and items[0].group == 0
    assert items[0].reading == "Nobody who tried it has passed yet: nothing to compare"
    assert all(item.d is None for item in items)
