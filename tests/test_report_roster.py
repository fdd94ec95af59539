"""Who is in the class (skischool.report.roster): identity, merged files, unknown exercises."""

from __future__ import annotations

from pathlib import Path

import pytest

from skischool.course import Course
from skischool.report.collect import collect
from skischool.report.roster import roster

from .test_report_collect import attempt, hand_in, spot, tiny_course


@pytest.fixture
def tiny(tmp_path: Path) -> Course:
    return tiny_course(tmp_path)


def test_a_learner_is_named_by_the_learner_field_else_by_the_file(
    tiny: Course, tmp_path: Path
) -> None:
    folder = tmp_path / "class"
    ex = spot(tiny)
    hand_in(folder, "ana-lopez.json", [attempt(ex, 90)])
    hand_in(folder, "download.json", [attempt(ex, 40, learner="Ben Okafor")])
    hand_in(folder, "cara.json", [])
    r = roster(collect(folder, tiny), tiny)
    assert [learner.name for learner in r.learners] == ["ana-lopez", "Ben Okafor", "cara"]
    by_name = {learner.name: learner for learner in r.learners}
    assert by_name["ana-lopez"].standing.of(ex.key).passed
    assert by_name["Ben Okafor"].standing.of(ex.key).best == 40
    assert by_name["cara"].standing.of(ex.key).attempts == 0
    assert r.files == ["ana-lopez.json", "cara.json", "download.json"]


def test_unnamed_attempts_belong_to_the_one_learner_a_file_names(
    tiny: Course, tmp_path: Path
) -> None:
    folder = tmp_path / "class"
    ex = spot(tiny)
    hand_in(folder, "f.json", [attempt(ex, 40, minute=1), attempt(ex, 90, learner="Ana", minute=2)])
    hand_in(
        folder,
        "g.json",
        [attempt(ex, 40), attempt(ex, 90, learner="Ben"), attempt(ex, 10, learner="Cy")],
    )
    r = roster(collect(folder, tiny), tiny)
    assert {lr.name: lr.standing.of(ex.key).attempts for lr in r.learners} == {
        "Ana": 2,
        "Ben": 1,
        "Cy": 1,
        "g": 1,
    }


def test_two_files_of_one_learner_are_one_learner(tiny: Course, tmp_path: Path) -> None:
    folder = tmp_path / "class"
    ex = spot(tiny)
    hand_in(folder, "ben-laptop.json", [attempt(ex, 40, learner="Ben", minute=1)])
    hand_in(folder, "ben-browser.json", [attempt(ex, 95, learner="Ben", minute=2)])
    r = roster(collect(folder, tiny), tiny)
    assert [learner.name for learner in r.learners] == ["Ben"]
    assert r.learners[0].standing.of(ex.key).attempts == 2
    assert r.learners[0].files == ("ben-browser.json", "ben-laptop.json")
    assert any("counted as one learner" in n.reason for n in r.notes)


def test_a_huge_or_spaced_out_learner_field_is_tidied(tiny: Course, tmp_path: Path) -> None:
    folder = tmp_path / "class"
    ex = spot(tiny)
    hand_in(folder, "a.json", [attempt(ex, 90, learner="  Ana\n  Lopez ")])
    hand_in(folder, "b.json", [attempt(ex, 90, learner="word " * 100_000)])
    names = [lr.name for lr in roster(collect(folder, tiny), tiny).learners]
    assert names[0] == "Ana Lopez"
    assert len(names[1]) == 100 and names[1].endswith("…")


def test_one_file_holding_two_learners_gives_two(tiny: Course, tmp_path: Path) -> None:
    folder = tmp_path / "class"
    ex = spot(tiny)
    hand_in(
        folder, "shared-pc.json", [attempt(ex, 90, learner="Ana"), attempt(ex, 20, learner="Ben")]
    )
    r = roster(collect(folder, tiny), tiny)
    assert {lr.name: lr.standing.of(ex.key).best for lr in r.learners} == {"Ana": 90, "Ben": 20}


def test_attempts_at_unknown_exercises_are_named_and_left_out(tiny: Course, tmp_path: Path) -> None:
    folder = tmp_path / "class"
    ex = spot(tiny)
    stranger = attempt(ex, 100).to_dict() | {"exercise": "renamed-rubric", "page": "", "id": "x1"}
    from skischool.progress import Attempt

    hand_in(folder, "ana.json", [attempt(ex, 50), Attempt.from_dict(stranger)])
    hand_in(folder, "zed.json", [Attempt.from_dict(stranger | {"id": "x2"})])
    r = roster(collect(folder, tiny), tiny)
    assert [lr.name for lr in r.learners] == ["ana"]
    assert r.learners[0].standing.of(ex.key).best == 50  # the unknown 100 is not counted
    assert [str(n) for n in r.notes] == [
        "ana.json: 1 attempt at exercises this course does not have (renamed-rubric) left out"
    ]
    assert [s.name for s in r.skipped] == ["zed.json"]
    assert "none of its 1 attempts is at an exercise of tiny-course" in r.skipped[0].reason
    assert r.files == ["ana.json"]
