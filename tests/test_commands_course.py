"""``skischool course``: show, check, toc and json, run as a learner or author would."""

from __future__ import annotations

from pathlib import Path

import pytest

from skischool.cli import main
from skischool.course import Course, toc

from .test_course_model import make_course


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_show_lists_levels_and_exercises_in_course_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_course(tmp_path)
    status, out, _ = run(capsys, "course", "show", "--root", str(root))
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == "A tiny course (tiny-course, release 1)"
    assert lines[1] == "Level 1 · First Run: 1 lesson, 3 exercises"  # the index is no lesson
    assert "first-run/checkpoint-reply" in lines[4] and "(checkpoint)" in lines[4]


def test_check_exits_1_and_names_each_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_course(tmp_path)
    assert run(capsys, "course", "check", "--root", str(root))[0] == 0
    rubric = root / "exercises" / "first-run" / "01-spot.yaml"
    rubric.write_text(rubric.read_text().replace("Spot it", "Spot that"), encoding="utf-8")
    status, out, _ = run(capsys, "course", "check", "--root", str(root))
    assert status == 1
    assert "01-spot.yaml: title: 'Spot that' differs from its heading" in out
    assert out.rstrip().endswith("course tiny-course: 1 problem")


def test_toc_check_and_write(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_course(tmp_path)
    status, out, _ = run(capsys, "course", "toc", "--check", "--root", str(root))
    assert status == 1 and "is stale" in out
    assert run(capsys, "course", "toc", "--write", "--root", str(root))[0] == 0
    assert (root / "_toc.yml").read_text(encoding="utf-8") == toc(Course.load(root))
    status, out, _ = run(capsys, "course", "toc", "--check", "--root", str(root))
    assert status == 0 and "up to date" in out


def test_json_writes_the_built_course_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_course(tmp_path)
    out_file = tmp_path / "course.json"
    assert run(capsys, "course", "json", "--root", str(root), "--out", str(out_file))[0] == 0
    built = Course.from_json(out_file.read_text(encoding="utf-8"))
    assert [e.key for e in built.exercises()] == [e.key for e in Course.load(root).exercises()]


def test_a_broken_course_file_is_one_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_course(tmp_path)
    (root / "course.yml").write_text("format: skischool-course\nversion: 7\n", encoding="utf-8")
    status, out, err = run(capsys, "course", "show", "--root", str(root))
    assert status == 1 and out == ""
    assert "course.yml:2:10: version: course file version 7" in err
    assert "Traceback" not in err
