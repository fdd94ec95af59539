"""``skischool report FOLDER``: the class report and gradebooks from handed-in progress files.

skischool report FOLDER [--out DIR] [--course PATH] [--hide-names] [--sample N]

Writes ``report.html``, ``gradebook.csv`` and ``gradebook-canvas.csv`` into DIR (default
``FOLDER/report``) and prints a summary: learners, files read, each file not counted and why,
the overall pass rate and the criteria missed most. Exit 0 when the report was written (even if
some files were not counted), 1 when no file could be counted or the folder or course is wrong.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..course import Course, CourseError, load
from . import CommandError


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "report", help="the class report and gradebooks from a folder of progress files"
    )
    p.add_argument("folder", metavar="FOLDER", help="the folder of handed-in progress files")
    p.add_argument("--out", metavar="DIR", help="write the report here (default: FOLDER/report)")
    p.add_argument(
        "--course",
        metavar="PATH",
        help="a course folder (with course.yml) or a built course.json (default: found upwards)",
    )
    p.add_argument(
        "--hide-names",
        action="store_true",
        help="show learners as 'Learner 1, 2, …' in the HTML report (for projecting it)",
    )
    p.add_argument(
        "--sample",
        metavar="N",
        type=_positive,
        default=None,
        help="failed replies re-checked per exercise to find the criteria missed most (default 20)",
    )
    p.set_defaults(func=run)


def _positive(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}") from None
    if not 1 <= n <= 10_000:
        raise argparse.ArgumentTypeError(f"expected a number from 1 to 10000, got {n}")
    return n


def _course(path: str | None) -> tuple[Course, Path | None]:
    """The course, and where compiled rubrics sit when it is a built ``course.json``."""
    try:
        if path is None:
            return load(), None
        where = Path(path)
        if where.is_dir():
            return Course.load(where), None
        if where.is_file():
            try:
                text = where.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise CommandError(f"report: cannot read the course file {where}: {exc}") from None
            rubrics = where.parent / "rubrics"
            return Course.from_json(text, str(where)), rubrics if rubrics.is_dir() else None
        raise CommandError(
            f"report: --course {where} does not exist; expected a course folder or course.json"
        )
    except CourseError as exc:
        raise CommandError(f"report: {exc}") from None


def run(args: argparse.Namespace) -> int:
    from ..cli import emit, write_atomic
    from ..report import build, texts
    from ..report.collect import FolderError
    from ..report.recheck import SAMPLE

    folder = Path(args.folder)
    if not folder.is_dir():
        what = "is a file" if folder.exists() else "does not exist"
        raise CommandError(f"report: {folder} {what}; expected the folder of progress files")
    course, rubric_dir = _course(args.course)
    out = Path(args.out) if args.out else folder / "report"
    try:
        report = build(
            folder,
            course,
            ignore=(out,),
            rubric_dir=rubric_dir,
            sample=args.sample or SAMPLE,
            hide_names=args.hide_names,
        )
    except FolderError as exc:
        raise CommandError(f"report: {exc}") from None
    r = report.roster
    emit(f"Class report: {course.title} (release {course.release})")
    emit(
        f"Files: {r.seen} in {folder}, {len(r.files)} counted, {len(r.skipped)} not counted; "
        f"learners: {len(r.learners)}"
    )
    if r.skipped:
        emit("Not counted:")
        for skipped in r.skipped:
            emit(f"  {skipped}")
    if r.notes:
        emit("Counted, with a note:")
        for note in r.notes:
            emit(f"  {note}")
    if not r.learners:
        emit(f"No progress file could be counted in {folder}; nothing was written.")
        return 1
    passed, tried = report.overall
    rate = f"{round(100 * passed / tried)}%" if tried else "–"
    emit(f"Overall pass rate: {rate} ({passed} of {tried} exercises tried were passed)")
    rc = report.recheck
    if rc.missed:
        replies = "failed reply" if rc.sampled == 1 else "failed replies"
        emit(f"Criteria missed most (from {rc.sampled} {replies} re-checked):")
        for m in rc.missed[:3]:
            emit(f"  {m.exercise.key}: {m.title} (about {m.estimate} of {m.failing} who failed it)")
    if rc.problems:
        emit("Not re-checked:")
        for problem in rc.problems:
            emit(f"  {problem}")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CommandError(
            f"report: cannot create the folder {out}: {exc.strerror or exc}"
        ) from None
    if not out.is_dir():
        raise CommandError(f"report: --out {out} is a file; expected a folder")
    files = texts(report)
    for name, text in files.items():
        write_atomic(out / name, text)
    emit(f"Wrote {', '.join(files)} in {out}")
    return 0
