"""``skischool course``: show the course model, check it, write ``_toc.yml`` and ``course.json``.

skischool course show            levels, pages and exercises, in course order
skischool course check           what authors restated that disagrees (exit 1 if any)
skischool course toc --write     write _toc.yml from course.yml (--check: exit 1 if stale)
skischool course json [--out F]  the built course file, for reports and `grade`
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..course import TOC, CourseError, load, toc
from . import CommandError


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("course", help="show or check the course model; write _toc.yml")
    p.add_argument("action", choices=("show", "check", "toc", "json"))
    p.add_argument("--root", metavar="DIR", help="the course folder (default: found upwards)")
    p.add_argument("--write", action="store_true", help="toc: write _toc.yml")
    p.add_argument("--check", action="store_true", help="toc: exit 1 if _toc.yml is stale")
    p.add_argument("--out", metavar="FILE", help="json: write here instead of printing")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..cli import emit, write_atomic

    try:
        course = load(args.root)
    except CourseError as exc:
        raise CommandError(str(exc)) from None
    if args.action == "show":
        emit(f"{course.title} ({course.id}, release {course.release})")
        for level in course.levels:
            exercises = list(course.exercises(level.slug))
            # The level's overview page (its index) is a page of the level, not a lesson.
            lessons = [
                ls for ls in course.lessons if ls.level == level.slug and ls.docname != level.index
            ]
            n, m = len(lessons), len(exercises)
            emit(f"{level.label}: {n} lesson{'s' * (n != 1)}, {m} exercise{'s' * (m != 1)}")
            for ex in exercises:
                mark = " (checkpoint)" if ex.checkpoint else ""
                emit(f"  {ex.key:42} {ex.kind:12} {ex.title}{mark}")
        return 0
    if args.action == "check":
        problems = course.problems()
        for problem in problems:
            emit(str(problem))
        n = len(problems)
        emit(f"course {course.id}: " + ("ok" if not n else f"{n} problem{'s' * (n != 1)}"))
        return 1 if problems else 0
    if args.action == "toc":
        assert course.root is not None
        path = course.root / TOC
        wanted = toc(course)
        current = path.read_text(encoding="utf-8") if path.is_file() else ""
        if args.write:
            if current != wanted:
                write_atomic(path, wanted)
                emit(f"wrote {path}")
            else:
                emit(f"{path} is up to date")
            return 0
        if args.check:
            if current != wanted:
                emit(f"{path} is stale: run skischool course toc --write")
                return 1
            emit(f"{path} is up to date")
            return 0
        emit(wanted.rstrip("\n"))
        return 0
    text = course.to_json()
    if args.out:
        write_atomic(Path(args.out), text)
        emit(f"wrote {args.out}")
    else:
        emit(text.rstrip("\n"))
    return 0
