"""``skischool report FOLDER`` end to end (skischool.commands.report): the files it writes, the
summary it prints, and its exit status."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from skischool.cli import main
from skischool.course import Course
from skischool.progress import Attempt

from .test_report_collect import attempt, export_text

ROOT = Path(__file__).resolve().parent.parent
FIRST = "bunny-hill/01-first-reply"


@pytest.fixture(scope="module")
def course() -> Course:
    return Course.load(ROOT)


def hand_in(of: Course, folder: Path, name: str, attempts: list[Attempt], **kw: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    meta = {"course": of.id, "release": of.release} | kw
    (folder / name).write_text(export_text(attempts, **meta), encoding="utf-8")
    return folder / name


def test_a_class_folder_gives_a_report_and_each_bad_file_is_named(
    course: Course, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "class"
    first = course.exercise(FIRST)
    ana = hand_in(
        course,
        folder,
        "ana.json",
        [attempt(first, 30, answer="hi", minute=1), attempt(first, 95, answer="better", minute=2)],
    )
    hand_in(course, folder, "ben.json", [attempt(first, 20, answer="no")])
    (folder / "ana-copy.json").write_bytes(ana.read_bytes())
    (folder / "cut.json").write_text(ana.read_text(encoding="utf-8")[:80], encoding="utf-8")
    hand_in(course, folder, "elsewhere.json", [attempt(first, 99)], course="another-course")
    assert main(["report", str(folder), "--course", str(ROOT)]) == 0
    out = capsys.readouterr().out
    assert f"Files: 5 in {folder}, 2 counted, 3 not counted; learners: 2" in out
    assert "  ana-copy.json: is an exact copy of ana.json" in out
    assert "  cut.json: is not JSON" in out
    assert "  elsewhere.json: is from the course 'another-course'" in out
    assert "Overall pass rate: 50% (1 of 2 exercises tried were passed)" in out
    assert "Criteria missed most (from 2 failed replies re-checked):" in out
    assert f"Wrote report.html, gradebook.csv, gradebook-canvas.csv in {folder / 'report'}" in out
    book = list(
        csv.reader(
            io.StringIO((folder / "report" / "gradebook.csv").read_text(encoding="utf-8-sig"))
        )
    )
    column = book[0].index(FIRST)
    assert {row[0]: row[column] for row in book[2:]} == {"ana": "95", "ben": "20"}
    assert (
        (folder / "report" / "report.html")
        .read_text(encoding="utf-8")
        .startswith("<!DOCTYPE html>")
    )
    canvas = (folder / "report" / "gradebook-canvas.csv").read_text(encoding="utf-8")
    assert canvas.startswith("Student,ID,SIS User ID,SIS Login ID,Section,")
    # Run again: the report's own folder is not read as a hand-in.
    assert main(["report", str(folder), "--course", str(ROOT)]) == 0
    assert f"Files: 5 in {folder}, 2 counted" in capsys.readouterr().out


def test_nothing_counted_means_exit_1_and_nothing_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "class"
    folder.mkdir()
    assert main(["report", str(folder), "--course", str(ROOT)]) == 1
    assert "nothing was written" in capsys.readouterr().out
    (folder / "notes.txt").write_text("hello", encoding="utf-8")
    assert main(["report", str(folder), "--course", str(ROOT)]) == 1
    out = capsys.readouterr().out
    assert "  notes.txt: is not a progress file" in out and "nothing was written" in out
    assert not (folder / "report").exists()


def test_a_missing_folder_or_course_is_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", str(tmp_path / "nope"), "--course", str(ROOT)]) == 1
    assert "does not exist; expected the folder of progress files" in capsys.readouterr().err
    assert main(["report", str(tmp_path), "--course", str(tmp_path / "nope.json")]) == 1
    assert "--course" in capsys.readouterr().err


def test_a_built_course_file_and_out_dir_and_hidden_names(
    course: Course, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    built = tmp_path / "site" / "course.json"
    built.parent.mkdir()
    built.write_text(course.to_json(), encoding="utf-8")
    folder = tmp_path / "class"
    hand_in(
        course,
        folder,
        "x.json",
        [attempt(course.exercise(FIRST), 10, answer="no", learner="Zed Quill")],
    )
    (folder / "zed-quill-old.json").write_text("{", encoding="utf-8")
    out_dir = tmp_path / "out"
    assert (
        main(["report", str(folder), "--course", str(built), "--out", str(out_dir), "--hide-names"])
        == 0
    )
    out = capsys.readouterr().out
    assert f"{FIRST}: not re-checked" in out  # no rubrics beside the built course file
    assert "zed-quill-old.json: is not JSON" in out
    page = (out_dir / "report.html").read_text(encoding="utf-8")
    assert "Zed" not in page and "zed" not in page and "Learner 1" in page
    assert "1 file not counted" in page
    assert "Zed Quill" in (out_dir / "gradebook.csv").read_text(encoding="utf-8")
