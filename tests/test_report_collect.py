"""Reading a folder of handed-in progress files (skischool.report.collect).

Every bad file is named with its reason and nothing in it is counted; attempts that arrive
twice (a copy, a re-export) are counted once. The helpers here build progress files from real
:class:`Attempt` objects; the other report tests import them.
"""

from __future__ import annotations

import json
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from skischool.course import Course, Exercise
from skischool.progress import Attempt
from skischool.report.collect import collect

from .test_course_model import make_course

START = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)


def attempt(
    ex: Exercise,
    score: int,
    *,
    passed: bool | None = None,
    minute: int = 0,
    answer: str = "a",
    learner: str = "",
    **extra: object,
) -> Attempt:
    """An attempt at ``ex`` (passed when score >= 70 unless told), ``minute`` minutes in."""
    return Attempt(
        exercise=ex.rubric_id,
        page=ex.page,
        score=score,
        passed=score >= 70 if passed is None else passed,
        time=(START + timedelta(minutes=minute)).isoformat(),
        criteria_met=1,
        criteria_total=2,
        kind=ex.kind,
        answer=answer,
        learner=learner,
        **extra,  # type: ignore[arg-type]
    )


def export_text(
    attempts: list[Attempt],
    course: str | None = "tiny-course",
    release: str | None = "1",
    exported: str = "2026-03-02T10:00:00Z",
) -> str:
    doc: dict[str, object] = {"format": "skischool-progress", "version": 1, "exported": exported}
    if course is not None:
        doc["course"] = course
    if release is not None:
        doc["release"] = release
    doc["attempts"] = [a.to_dict() for a in attempts]
    return json.dumps(doc, ensure_ascii=True)


def hand_in(folder: Path, name: str, attempts: list[Attempt], **kw: object) -> Path:
    """Write one learner's progress file into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(export_text(attempts, **kw), encoding="utf-8")  # type: ignore[arg-type]
    return path


def tiny_course(tmp_path: Path) -> Course:
    """The two-level course of tests/test_course_model.py, in ``tmp_path/course``."""
    (tmp_path / "course").mkdir()
    return Course.load(make_course(tmp_path / "course"))


@pytest.fixture
def tiny(tmp_path: Path) -> Course:
    return tiny_course(tmp_path)


def spot(course: Course) -> Exercise:
    return course.exercise("first-run/01-spot")


def test_good_files_are_counted_and_each_bad_file_is_named_with_its_reason(
    tiny: Course, tmp_path: Path
) -> None:
    folder = tmp_path / "class"
    ex = spot(tiny)
    hand_in(folder, "ana.json", [attempt(ex, 90)])
    hand_in(folder, "ben.json", [attempt(ex, 40)])
    (folder / "malformed.json").write_text("{not json at all", encoding="utf-8")
    whole = export_text([attempt(ex, 80)])
    (folder / "truncated.json").write_text(whole[: len(whole) // 2], encoding="utf-8")
    (folder / "other-format.json").write_text('{"format": "something-else"}', encoding="utf-8")
    (folder / "notes.txt").write_text("bring snacks", encoding="utf-8")
    hand_in(folder, "other-course.json", [attempt(ex, 100)], course="another-course")
    hand_in(folder, "old-release.json", [attempt(ex, 100)], release="0")
    (folder / "binary.json").write_bytes(b"\xff\xfe\x00garbage")
    (folder / "sub").mkdir()
    (folder / "gone.json").symlink_to(folder / "nowhere.json")  # unreadable: a dangling link
    (folder / ".DS_Store").write_bytes(b"\x00")
    got = collect(folder, tiny)
    assert [f.name for f in got.files] == ["ana.json", "ben.json"]
    reasons = {s.name: s.reason for s in got.skipped}
    assert set(reasons) == {
        "malformed.json", "truncated.json", "other-format.json", "notes.txt",
        "other-course.json", "old-release.json", "binary.json", "sub", "gone.json",
    }  # fmt: skip
    assert reasons["malformed.json"].startswith("is not JSON")
    assert "cut short" in reasons["truncated.json"]
    assert "is not a skischool progress export" in reasons["other-format.json"]
    assert "not a progress file" in reasons["notes.txt"]
    assert (
        "'another-course'" in reasons["other-course.json"]
        and "'tiny-course'" in reasons["other-course.json"]
    )
    assert "release '0'" in reasons["old-release.json"]
    assert "UTF-8" in reasons["binary.json"]
    assert "folder" in reasons["sub"]
    assert reasons["gone.json"].startswith("cannot be read")
    assert got.seen == 11  # the hidden file is passed over


def test_a_file_over_the_size_cap_is_named_not_read(tiny: Course, tmp_path: Path) -> None:
    folder = tmp_path / "class"
    hand_in(folder, "big.json", [attempt(spot(tiny), 90, answer="x" * 5000)])
    hand_in(folder, "small.json", [attempt(spot(tiny), 90)])
    got = collect(folder, tiny, max_bytes=2000)
    assert [f.name for f in got.files] == ["small.json"]
    assert [s.name for s in got.skipped] == ["big.json"]
    assert "over the 50 MB" in got.skipped[0].reason


def test_an_exact_copy_is_named_and_its_attempts_counted_once(tiny: Course, tmp_path: Path) -> None:
    folder = tmp_path / "class"
    path = hand_in(folder, "ana.json", [attempt(spot(tiny), 90), attempt(spot(tiny), 50)])
    (folder / "ana (1).json").write_bytes(path.read_bytes())
    got = collect(folder, tiny)
    assert [f.name for f in got.files] == ["ana.json"]
    assert sum(len(f.attempts) for f in got.files) == 2
    assert [str(s) for s in got.skipped] == ["ana (1).json: is an exact copy of ana.json"]


def test_the_same_attempts_in_a_re_export_are_counted_once(tiny: Course, tmp_path: Path) -> None:
    folder = tmp_path / "class"
    first, second, third = (
        attempt(spot(tiny), s, minute=m) for m, s in ((1, 20), (2, 50), (3, 90))
    )
    hand_in(folder, "ana-monday.json", [first, second], exported="2026-03-02T10:00:00Z")
    hand_in(folder, "ana-again.json", [first, second], exported="2026-03-02T11:00:00Z")
    hand_in(folder, "ana-friday.json", [first, second, third], exported="2026-03-06T10:00:00Z")
    got = collect(folder, tiny)
    assert [f.name for f in got.files] == ["ana-friday.json"]
    assert [a.id for a in got.files[0].attempts] == [first.id, second.id, third.id]
    reasons = {s.name: s.reason for s in got.skipped}
    assert "every attempt in it is also in ana-friday.json" in reasons["ana-again.json"]
    assert "every attempt in it is also in ana-friday.json" in reasons["ana-monday.json"]


def test_identical_attempt_sets_are_called_the_same(tiny: Course, tmp_path: Path) -> None:
    folder = tmp_path / "class"
    one = attempt(spot(tiny), 90)
    hand_in(folder, "a.json", [one], exported="2026-03-02T10:00:00Z")
    hand_in(folder, "b.json", [one], exported="2026-03-02T11:00:00Z")
    got = collect(folder, tiny)
    assert [f.name for f in got.files] == ["a.json"]
    assert [str(s) for s in got.skipped] == [
        "b.json: has the same attempts as a.json; counted once"
    ]


def test_overlapping_files_both_count_but_shared_attempts_only_once(
    tiny: Course, tmp_path: Path
) -> None:
    folder = tmp_path / "class"
    shared = attempt(spot(tiny), 90, minute=1)
    hand_in(folder, "a.json", [shared, attempt(spot(tiny), 10, minute=2)])
    hand_in(
        folder,
        "b.json",
        [shared, attempt(spot(tiny), 30, minute=3), attempt(spot(tiny), 40, minute=4)],
    )
    got = collect(folder, tiny)
    ids = [a.id for f in got.files for a in f.attempts]
    assert len(ids) == len(set(ids)) == 4
    assert [str(n) for n in got.notes] == [
        "a.json: 1 of its attempts are also in b.json; each was counted once"
    ]


def test_a_file_without_course_or_release_is_counted_with_a_note(
    tiny: Course, tmp_path: Path
) -> None:
    folder = tmp_path / "class"
    hand_in(folder, "old.json", [attempt(spot(tiny), 90)], course=None, release=None)
    got = collect(folder, tiny)
    assert [f.name for f in got.files] == ["old.json"]
    assert "does not say which course or release" in got.notes[0].reason


def test_an_empty_folder_counts_nothing_and_the_output_folder_is_not_read(
    tiny: Course, tmp_path: Path
) -> None:
    folder = tmp_path / "class"
    folder.mkdir()
    got = collect(folder, tiny)
    assert (got.files, got.skipped, got.seen) == ([], [], 0)
    (folder / "report").mkdir()
    (folder / "report" / "report.html").write_text("<html>", encoding="utf-8")
    got = collect(folder, tiny, ignore=(folder / "report",))
    assert (got.files, got.skipped, got.seen) == ([], [], 0)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file whatever its mode")
def test_an_unreadable_file_is_named(tiny: Course, tmp_path: Path) -> None:  # pragma: no cover
    folder = tmp_path / "class"
    path = hand_in(folder, "locked.json", [attempt(spot(tiny), 90)])
    path.chmod(0)
    got = collect(folder, tiny)
    assert [s.name for s in got.skipped] == ["locked.json"]
    assert got.skipped[0].reason.startswith("cannot be read")
