"""``skischool progress export`` and ``skischool progress show``, run as a learner would: the
file handed in round-trips, nothing is overwritten by mistake, and the numbers shown are the
standing's."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from skischool.cli import main
from skischool.course import Course
from skischool.progress import Attempt, ProgressStore, read_export
from skischool.standing import standing

from .test_course_model import make_course


def attempt(exercise: str, score: int, day: int, learner: str = "") -> Attempt:
    return Attempt(
        exercise=exercise, score=score, passed=score >= 70, kind="reply", criteria_met=1,
        criteria_total=2, answer="Sorry \x1b[2J <b>", learner=learner,
        time=f"2025-02-{day:02d}T10:00:00Z",
    )  # fmt: skip


ATTEMPTS = [
    attempt("first-run-spot", 90, 1),
    attempt("first-run-cp-q1", 100, 2),
    attempt("first-run-cp-reply", 40, 3),
    attempt("first-run-cp-reply", 75, 4),
    attempt("second-run-cp-q1", 20, 5),
    attempt("retired-rubric", 100, 6),
]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def course(tmp_path: Path) -> Course:
    (tmp_path / "course").mkdir()
    return Course.load(make_course(tmp_path / "course"))


@pytest.fixture
def store(tmp_path: Path) -> Path:
    path = tmp_path / "mine.sqlite3"
    with ProgressStore(path) as s:
        for a in ATTEMPTS:
            s.record(a)
    return path


# --- export -------------------------------------------------------------------------------------


def test_export_round_trips_every_attempt_with_course_and_release(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], course: Course, store: Path
) -> None:
    out = tmp_path / "hand-in.json"
    status, said, _ = run(
        capsys, "progress", "export", "--store", str(store), "--out", str(out),
        "--root", str(course.root),
    )  # fmt: skip
    assert status == 0 and f"wrote 6 attempts to {out}" in said
    export = read_export(out.read_text(encoding="utf-8"), source=str(out))
    assert (export.course, export.release) == ("tiny-course", "1")
    with ProgressStore(store) as s:
        assert [a.to_dict() for a in export.attempts] == [a.to_dict() for a in s.attempts()]


def test_export_writes_into_the_current_folder_by_default(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], course: Course, store: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.chdir(course.root)  # inside the course: it is found upwards
    monkeypatch.setenv("SKISCHOOL_PROGRESS", str(store))  # the learner's own store
    status, _, _ = run(capsys, "progress", "export")
    assert status == 0
    export = read_export((course.root / "skischool-progress.json").read_text(encoding="utf-8"))
    assert export.course == "tiny-course" and len(export.attempts) == len(ATTEMPTS)


def test_export_refuses_to_overwrite_a_different_file_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], course: Course, store: Path
) -> None:
    out = tmp_path / "notes.json"
    out.write_text("my own notes\n", encoding="utf-8")
    args = ["progress", "export", "--store", str(store), "--out", str(out)]
    status, _, err = run(capsys, *args, "--root", str(course.root))
    assert status == 1 and "already exists" in err and "--force" in err
    assert out.read_text(encoding="utf-8") == "my own notes\n"
    # Another learner's export is "different" too: its attempts are not in this store.
    other = tmp_path / "other.sqlite3"
    with ProgressStore(other) as s:
        s.record(attempt("first-run-spot", 10, 9, learner="Ben"))
    assert (
        run(capsys, "progress", "export", "--store", str(other), "--out", str(out), "--force")[0]
        == 0
    )
    status, _, err = run(capsys, *args)
    assert status == 1 and "already exists" in err
    assert run(capsys, *args, "--force")[0] == 0
    assert len(read_export(out.read_text(encoding="utf-8")).attempts) == len(ATTEMPTS)


def test_export_replaces_an_earlier_export_of_the_same_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], course: Course, store: Path
) -> None:
    out = tmp_path / "hand-in.json"
    args = ["progress", "export", "--store", str(store), "--out", str(out)]
    assert run(capsys, *args)[0] == 0
    with ProgressStore(store) as s:
        s.record(attempt("second-run-cp-reply", 95, 7))
    status, said, _ = run(capsys, *args)
    assert status == 0 and "wrote 7 attempts" in said  # nothing lost: no --force needed
    assert len(read_export(out.read_text(encoding="utf-8")).attempts) == 7


def test_export_of_one_learner_and_of_an_unknown_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], course: Course
) -> None:
    shared = tmp_path / "shared.sqlite3"
    with ProgressStore(shared) as s:
        s.record(attempt("first-run-spot", 90, 1, learner="Ana"))
        s.record(attempt("first-run-spot", 60, 2, learner="Ben"))
    out = tmp_path / "ana.json"
    base = ["progress", "export", "--store", str(shared), "--root", str(course.root)]
    assert run(capsys, *base, "--out", str(out), "--learner", "Ana")[0] == 0
    export = read_export(out.read_text(encoding="utf-8"))
    assert [a.learner for a in export.attempts] == ["Ana"] and export.course == "tiny-course"
    status, _, err = run(capsys, *base, "--out", str(tmp_path / "x.json"), "--learner", "Cy")
    assert status == 1 and "no attempts by 'Cy'" in err and "Ana, Ben" in err
    assert not (tmp_path / "x.json").exists()


def test_export_without_a_course_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], store: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    lone = tmp_path / "elsewhere"
    lone.mkdir()
    monkeypatch.chdir(lone)
    status, said, _ = run(capsys, "progress", "export", "--store", str(store))
    assert status == 0 and "no course.yml was found" in said
    document = json.loads((lone / "skischool-progress.json").read_text(encoding="utf-8"))
    assert "course" not in document and len(document["attempts"]) == len(ATTEMPTS)


def test_export_of_a_store_that_is_not_there_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "typo.sqlite3"
    status, _, err = run(capsys, "progress", "export", "--store", str(missing))
    assert status == 1 and f"{missing}: no progress store there" in err
    assert not missing.exists()  # never created by mistake


# --- show ---------------------------------------------------------------------------------------


def test_show_json_numbers_are_the_standing(
    capsys: pytest.CaptureFixture[str], course: Course, store: Path
) -> None:
    status, said, _ = run(
        capsys, "progress", "show", "--json", "--store", str(store), "--root", str(course.root)
    )
    assert status == 0
    data = json.loads(said)
    s = standing(course, ATTEMPTS)
    assert (data["levels_done"], data["levels_total"], data["ski_pass"]) == (1, 2, False)
    assert data["levels_done"] == s.levels_done and data["unknown_attempts"] == len(s.unknown) == 1
    assert data["exercises_passed"] == sum(e.passed for e in s.exercises) == 3
    for shown, level in zip(data["levels"], s.levels, strict=True):
        assert (shown["passed"], shown["total"], shown["done"], shown["done_on"]) == (
            level.passed, level.total, level.done, level.done_on,
        )  # fmt: skip
        rows = {e["key"]: e for lesson in shown["lessons"] for e in lesson["exercises"]}
        assert sorted(rows) == sorted(e.exercise.key for e in level.exercises)
        for e in level.exercises:
            row = rows[e.exercise.key]
            assert (row["best"], row["attempts"], row["status"]) == (e.best, e.attempts, e.status)


def test_show_prints_levels_bars_lessons_and_exercises(
    capsys: pytest.CaptureFixture[str], course: Course, store: Path
) -> None:
    status, said, _ = run(
        capsys, "progress", "show", "--store", str(store), "--root", str(course.root)
    )
    assert status == 0
    lines = said.splitlines()
    assert lines[0] == "A tiny course (release 1)"
    assert "1 of 2 levels done" in lines
    assert (
        "Level 1 · First Run  [####################]  3 of 3 passed · "
        "checkpoint done 4 February 2025" in lines
    )
    assert (
        "Level 2 · Second Run  [--------------------]  0 of 3 passed · checkpoint 0 of 2" in lines
    )
    assert "    trying      best  20  1 attempt   Pick one (checkpoint)" in lines
    assert "(1 attempt at an exercise this course does not have was left out)" in lines


def test_show_reads_a_handed_in_file_and_names_a_broken_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], course: Course, store: Path
) -> None:
    out = tmp_path / "hand-in.json"
    assert run(capsys, "progress", "export", "--store", str(store), "--out", str(out))[0] == 0
    status, said, _ = run(
        capsys, "progress", "show", "--file", str(out), "--root", str(course.root)
    )
    assert status == 0 and "1 of 2 levels done" in said and f"Progress from {out}" in said
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "something-else"}', encoding="utf-8")
    status, _, err = run(
        capsys, "progress", "show", "--file", str(broken), "--root", str(course.root)
    )
    assert status == 1 and err.count("\n") == 1
    assert str(broken) in err and "is not a skischool progress export" in err


def test_show_before_any_exercise_is_all_not_started(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], course: Course
) -> None:
    own = Path(os.environ["SKISCHOOL_PROGRESS"])  # set per test by conftest; not made yet
    assert not own.exists()
    status, said, _ = run(capsys, "progress", "show", "--root", str(course.root))
    assert status == 0 and "0 of 2 levels done" in said and "nothing recorded yet" in said
    assert not own.exists()
    status, _, err = run(
        capsys, "progress", "show", "--store", str(own), "--root", str(course.root)
    )
    assert status == 1 and "no progress store there" in err
