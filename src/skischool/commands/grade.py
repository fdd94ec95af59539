"""``skischool grade``: check the answers a learner wrote in notebooks (and progress files).

skischool grade work/                                 every notebook and progress file in work/
skischool grade work/ --junit grade-results.xml       also a JUnit report, for CI's test view
skischool grade work/ --summary-md grade-summary.md   also a Markdown table, for a CI summary
skischool grade work/ --require checkpoints           every level's checkpoint must pass too

Exit status: 0 when every required exercise passed, 1 when one failed, is missing, or an answer
could not be graded, 2 when the command cannot run as asked (a PATH that does not exist, no
course for --require checkpoints, an output file that cannot be written).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..course import COURSE_FILE, Course, CourseError, course_root
from ..grading import REQUIRE, GradeUsageError, grade

EXIT_USAGE = 2


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "grade",
        help="check answers written in notebooks with answer(...), and progress files",
        description=(
            'Grade the answers a learner wrote with answer("….yaml", ...) in notebooks (.ipynb '
            "or MyST .md), and the attempts in progress files (.json), against their rubrics. "
            "Learner code is read, never run."
        ),
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="notebooks, progress files or folders")
    p.add_argument("--junit", metavar="FILE", help="write a JUnit XML report here")
    p.add_argument("--summary-md", metavar="FILE", help="write a Markdown summary table here")
    p.add_argument(
        "--require",
        choices=REQUIRE,
        default="attempted",
        help="what must pass: every exercise answered (default), also every level's "
        "checkpoint, or every exercise of the course",
    )
    p.add_argument(
        "--course", metavar="PATH", help="the course folder (default: found above here or PATH)"
    )
    p.add_argument("--quiet", action="store_true", help="one line per exercise, no feedback")
    p.set_defaults(func=run)


def _usage(message: str) -> int:
    from ..cli import clean

    print(f"skischool grade: {clean(message)}", file=sys.stderr, flush=True)
    return EXIT_USAGE


def _course(args: argparse.Namespace) -> Course | None:
    """The course to grade against: --course, or the one above here, or above the first PATH."""
    if args.course:
        given = Path(args.course)
        root = given.parent if given.name == COURSE_FILE else given
        if not (root / COURSE_FILE).is_file():
            raise GradeUsageError(f"--course {args.course}: no {COURSE_FILE} there")
    else:
        root = course_root(Path.cwd()) or course_root(Path(args.paths[0]))
        if root is None:
            return None
    try:
        return Course.load(root)
    except CourseError as exc:
        raise GradeUsageError(f"the course at {root} cannot be read: {exc}") from None
    except ImportError:
        raise GradeUsageError(
            "reading the course needs PyYAML: pip install pyyaml (or pip install 'skischool[yaml]')"
        ) from None


def _writable(option: str, value: str | None) -> Path | None:
    """Fail before grading, not after, when an output file's folder does not exist."""
    if not value:
        return None
    path = Path(value)
    if path.is_dir():
        raise GradeUsageError(f"{option} {value}: is a folder; expected a file name")
    if not path.parent.is_dir():
        raise GradeUsageError(f"{option} {value}: the folder {path.parent} does not exist")
    return path


def run(args: argparse.Namespace) -> int:
    from ..cli import emit, write_atomic
    from ..grading.outputs import junit_suites, markdown, text_lines
    from ..junit import to_xml

    try:
        junit = _writable("--junit", args.junit)
        summary_md = _writable("--summary-md", args.summary_md)
        course = _course(args)
        report = grade(args.paths, course=course, require=args.require)
    except GradeUsageError as exc:
        return _usage(str(exc))
    for line in text_lines(report, quiet=args.quiet):
        emit(line)
    for option, path, text in (
        ("--junit", junit, lambda: to_xml(junit_suites(report), "skischool grade")),
        ("--summary-md", summary_md, lambda: markdown(report)),
    ):
        if path is None:
            continue
        try:
            write_atomic(path, text())
        except OSError as exc:
            return _usage(f"{option} {path}: cannot be written ({exc.strerror or exc})")
    return report.exit_code
