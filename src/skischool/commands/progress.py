"""``skischool progress``: hand in your progress, and see where you stand.

skischool progress export [--out FILE] [--store PATH] [--learner NAME] [--force]
    write the local progress store as a progress file naming the course and its release:
    the file a learner hands in (the same format as the browser's download)
skischool progress show [--store PATH | --file progress.json] [--json]
    levels done, a bar per level, each lesson's and exercise's status

Both read the store the exercises record into unless told otherwise (``--store``, or
``$SKISCHOOL_PROGRESS``). A store or file that cannot be read is one clear line, exit 1.
"""

from __future__ import annotations

import argparse
import json
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from ..progress import (
    Attempt,
    NullStore,
    ProgressStore,
    ProgressStoreError,
    ProgressWarning,
    default_path,
    open_store,
    read_export,
)
from . import CommandError

if TYPE_CHECKING:
    from ..course import Course

DEFAULT_OUT = "skischool-progress.json"


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("progress", help="export your progress to hand in, or show where you stand")
    actions = p.add_subparsers(dest="action", required=True, metavar="{export,show}")

    ex = actions.add_parser("export", help="write your progress file (to hand in)")
    ex.add_argument("--out", metavar="FILE", default=DEFAULT_OUT, help=f"default: {DEFAULT_OUT}")
    ex.add_argument("--store", metavar="PATH", help="the progress store (default: your own)")
    ex.add_argument("--learner", metavar="NAME", help="only the attempts recorded for NAME")
    ex.add_argument("--force", action="store_true", help="replace a different existing FILE")
    ex.add_argument("--root", metavar="DIR", help="the course folder (default: found upwards)")
    ex.set_defaults(func=run_export)

    sh = actions.add_parser("show", help="levels done, and each lesson's and exercise's status")
    source = sh.add_mutually_exclusive_group()
    source.add_argument("--store", metavar="PATH", help="the progress store (default: your own)")
    source.add_argument("--file", metavar="FILE", help="a progress file (a download or export)")
    sh.add_argument("--json", action="store_true", help="print one JSON object")
    sh.add_argument("--root", metavar="DIR", help="the course folder (default: found upwards)")
    sh.set_defaults(func=run_show)


# --- reading attempts (shared with ``skischool ski-pass``) ------------------------------------


def open_progress(path: str | None) -> ProgressStore:
    """The store at ``path`` (default: the learner's own), never created by mistake."""
    if path is None:
        found = default_path()
        if found is None:
            raise CommandError("progress recording is switched off (SKISCHOOL_PROGRESS=off)")
        where = found
    else:
        where = Path(path)
    if not where.is_file():
        raise CommandError(
            f"{where}: no progress store there; expected the SQLite file your exercises "
            "record into (or give a progress file with --file)"
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ProgressWarning)
        store = open_store(where)
    if isinstance(store, NullStore):
        raise CommandError(store.reason)
    return store


def read_attempts(store: str | None, file: str | None) -> tuple[list[Attempt], str]:
    """The attempts of a progress file or a store, and where they came from. The learner's
    own store not made yet (no exercise done here) holds no attempts: that is no error."""
    if file is not None:
        path = Path(file)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or str(exc)
            raise CommandError(f"{path}: cannot be read ({reason})") from None
        try:
            return read_export(text, source=str(path)).attempts, str(path)
        except ProgressStoreError as exc:
            raise CommandError(str(exc)) from None
    own = default_path() if store is None else None
    if own is not None and not own.exists():
        return [], f"{own} (nothing recorded yet)"
    with open_progress(store) as opened:
        try:
            return opened.attempts(), str(opened.path)
        except ProgressStoreError as exc:
            raise CommandError(str(exc)) from None


def load_course(root: str | None) -> Course:
    from ..course import CourseError, load

    try:
        return load(root)
    except CourseError as exc:
        raise CommandError(str(exc)) from None


# --- export -----------------------------------------------------------------------------------


def _may_replace(path: Path, attempts: list[Attempt]) -> bool:
    """Replacing ``path`` loses nothing: it is a progress file whose every attempt is in
    ``attempts`` (an earlier export of the same store)."""
    try:
        old = read_export(path.read_text(encoding="utf-8"), source=str(path))
    except (OSError, UnicodeDecodeError, ProgressStoreError):
        return False
    ids = {a.id for a in attempts}
    return all(a.id in ids for a in old.attempts)


def run_export(args: argparse.Namespace) -> int:
    from ..cli import emit, write_atomic
    from ..course import CourseError, load

    try:
        course = load(args.root)
    except CourseError:
        course = None
    with open_progress(args.store) as store:
        try:
            attempts = store.attempts(learner=args.learner)
        except ProgressStoreError as exc:
            raise CommandError(str(exc)) from None
        if args.learner is not None and not attempts:
            names = sorted({a.learner for a in store.attempts()} - {""})
            known = f" (learners in it: {', '.join(names)})" if names else ""
            raise CommandError(f"{store.path}: no attempts by {args.learner!r}{known}")
        named = {"course": course.id, "release": course.release} if course else {}
        if args.learner is None:
            text = store.export_json(**named)
        else:  # only this learner's attempts: the same writer, on a copy in memory
            with ProgressStore(":memory:") as copy:
                copy.import_attempts(attempts)
                text = copy.export_json(**named)
    out = Path(args.out)
    if out.is_dir():
        raise CommandError(f"{out} is a folder; expected a file name for --out")
    if out.exists() and not args.force and not _may_replace(out, attempts):
        raise CommandError(
            f"{out} already exists and holds something this export would lose; "
            "use --force to replace it, or --out to write another file"
        )
    try:
        write_atomic(out, text)
    except OSError as exc:
        raise CommandError(f"cannot write {out}: {exc.strerror or exc}") from None
    n = len(attempts)
    emit(f"wrote {n} attempt{'s' * (n != 1)} to {out}")
    if course is not None:
        emit(f"for {course.title} (course {course.id}, release {course.release})")
    else:
        emit(
            "note: no course.yml was found here or above, so the file does not name its course "
            "and release; run this inside the course folder (or give --root) to include them"
        )
    emit("Hand this file to your instructor; it holds your answers, so share it with them only.")
    return 0


# --- show -------------------------------------------------------------------------------------


def run_show(args: argparse.Namespace) -> int:
    from ..cli import emit
    from ..standing import standing
    from ..standing_view import ProgressView

    course = load_course(args.root)
    attempts, source = read_attempts(args.store, args.file)
    view = ProgressView(standing(course, attempts), source=source)
    if args.json:
        emit(json.dumps(view.to_dict(), ensure_ascii=True))
    else:
        emit(view.to_text())
    return 0
