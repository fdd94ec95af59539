"""The gradebooks (skischool.report.gradebook): a plain CSV and Canvas's import layout."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from skischool.course import Course
from skischool.report.collect import collect
from skischool.report.gradebook import canvas_csv, gradebook_csv, safe_cell
from skischool.report.roster import Roster, roster

from .test_report_collect import attempt, hand_in, tiny_course


@pytest.fixture
def tiny(tmp_path: Path) -> Course:
    return tiny_course(tmp_path)


@pytest.fixture
def two(tiny: Course, tmp_path: Path) -> Roster:
    e = list(tiny.exercises())
    folder = tmp_path / "class"
    # Ana passes level 1's checkpoint (cp-q1 and cp-reply) and spot after a first try
    hand_in(
        folder,
        "ana.json",
        [
            attempt(e[0], 30, minute=1),
            attempt(e[0], 85, minute=2),
            attempt(e[1], 100),
            attempt(e[2], 75),
        ],
    )
    hand_in(folder, "ben.json", [attempt(e[0], 60), attempt(e[3], 20)])  # fmt: skip
    return roster(collect(folder, tiny), tiny)


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_gradebook_has_best_scores_blanks_points_possible_and_totals(two: Roster) -> None:
    table = rows(gradebook_csv(two))
    keys = [ex.key for ex in two.course.exercises()]
    assert table[0] == ["Learner", *keys, "Total", "Exercises passed", "Levels done"]
    assert table[1] == ["Points Possible", *["100"] * 6, "600", "6", "2"]
    ana, ben = table[2], table[3]
    assert ana == ["ana", "85", "100", "75", "", "", "", "260", "3", "1"]
    assert ben == ["ben", "60", "", "", "20", "", "", "80", "0", "0"]
    assert len(table) == 4


def test_canvas_layout_matches_its_importer(two: Roster) -> None:
    table = rows(canvas_csv(two))
    keys = [ex.key for ex in two.course.exercises()]
    assert table[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", *keys]
    assert table[1] == ["Points Possible", "", "", "", "", *["100"] * 6]
    assert table[2] == ["ana", "", "", "", "", "85", "100", "75", "", "", ""]
    assert not any("Total" in cell for cell in table[0])  # Canvas would make it an assignment


@pytest.mark.parametrize("raw", ['=HYPERLINK("x")', "+1", "-2+3", "@SUM(A1)"])
def test_a_cell_that_looks_like_a_formula_is_made_text(raw: str) -> None:
    assert safe_cell(raw) == "'" + raw


def test_control_characters_and_line_breaks_do_not_split_a_cell() -> None:
    assert safe_cell("Ana\r\nLopez\x1b[31m\t") == "Ana Lopez [31m"
    assert safe_cell("Zoë 🎿") == "Zoë 🎿"
    assert safe_cell("\n=1") == "'=1"  # a formula hidden behind a line break is still caught


def test_hostile_learner_names_stay_in_their_cell(tiny: Course, tmp_path: Path) -> None:
    folder = tmp_path / "class"
    e = next(tiny.exercises())
    hand_in(folder, "x.json", [attempt(e, 90, learner='=cmd|"/c calc"!A1,\nEvil')])
    table = rows(gradebook_csv(roster(collect(folder, tiny), tiny)))
    assert len(table) == 3
    assert table[2][0] == '\'=cmd|"/c calc"!A1, Evil'
    assert table[2][1] == "90"
