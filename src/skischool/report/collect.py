"""Reading a folder of handed-in progress files: what counts, what does not, and why.

Why so careful: an instructor collects files from a whole class, by e-mail, USB stick or a
shared drive. Some are damaged, some are the wrong file, some are handed in twice, some come
from another course. Every file is either counted or named with the reason it was not; no
attempt is counted twice, even when the same attempts arrive in two files (a re-export, a
copy), because attempts carry a stable ``id``.

A file is read only if it is a regular file of at most :data:`MAX_BYTES`; hidden files (OS
clutter such as ``.DS_Store``) and the report's own output folder are passed over in silence.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from ..course import Course
from ..progress import Attempt, ProgressStoreError, read_export

#: Largest progress file read. A real one holds a few thousand attempts (well under 5 MB).
MAX_BYTES = 50 * 1024 * 1024
MAX_TEXT = "50 MB"


class FolderError(Exception):
    """The folder itself cannot be listed (the files in it are judged one by one)."""


@dataclass(frozen=True)
class Skipped:
    """A file that was not counted, and why (one line, for the terminal and the report)."""

    name: str
    reason: str

    def __str__(self) -> str:
        return f"{self.name}: {self.reason}"


@dataclass
class HandedIn:
    """A counted file: the attempts it adds (none already counted from another file)."""

    name: str
    attempts: list[Attempt]
    course: str = ""
    release: str = ""

    @property
    def stem(self) -> str:
        return Path(self.name).stem


@dataclass
class Collection:
    """Everything read from one folder."""

    folder: Path
    files: list[HandedIn] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    #: Counted files with something worth knowing (no course named, attempts shared).
    notes: list[Skipped] = field(default_factory=list)
    #: Files looked at (counted or not).
    seen: int = 0


@dataclass
class _Parsed:
    name: str
    attempts: list[Attempt]
    course: str
    release: str
    digest: str


def collect(
    folder: Path, course: Course, *, ignore: tuple[Path, ...] = (), max_bytes: int = MAX_BYTES
) -> Collection:
    """Read every progress file directly in ``folder`` (not its sub-folders)."""
    result = Collection(folder)
    ignored = {_real(p) for p in ignore}
    parsed: list[_Parsed] = []
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        raise FolderError(f"cannot read the folder {folder}: {exc.strerror or exc}") from None
    for entry in entries:
        if entry.name.startswith(".") or _real(Path(entry.path)) in ignored:
            continue
        result.seen += 1
        outcome = _read(Path(entry.path), course, max_bytes)
        if isinstance(outcome, Skipped):
            result.skipped.append(outcome)
            continue
        parsed.append(outcome)
        if not outcome.course or not outcome.release:
            missing = " or ".join(
                w for w, v in (("course", outcome.course), ("release", outcome.release)) if not v
            )
            result.notes.append(
                Skipped(
                    outcome.name,
                    f"does not say which {missing} it is from (an older export); "
                    f"counted as {course.id} {course.release}",
                )
            )
    _dedupe(parsed, result)
    result.skipped.sort(key=lambda s: s.name)
    result.notes.sort(key=lambda s: s.name)
    return result


def _real(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.absolute()


def _read(path: Path, course: Course, max_bytes: int) -> _Parsed | Skipped:
    name = path.name
    try:
        info = path.stat()
    except OSError as exc:
        return Skipped(name, f"cannot be read: {exc.strerror or exc}")
    if stat.S_ISDIR(info.st_mode):
        return Skipped(name, "is a folder; only files directly in the folder are read")
    if not stat.S_ISREG(info.st_mode):
        return Skipped(name, "is not a regular file (a device or a pipe); not read")
    too_big = Skipped(
        name,
        f"is {info.st_size / 1024 / 1024:.1f} MB, over the {MAX_TEXT} a progress file may be; "
        "not read",
    )
    if info.st_size > max_bytes:
        return too_big
    try:
        with path.open("rb") as f:
            data = f.read(max_bytes + 1)
    except OSError as exc:
        return Skipped(name, f"cannot be read: {exc.strerror or exc}")
    if len(data) > max_bytes:
        return too_big
    wrong_kind = path.suffix.lower() != ".json"
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        if wrong_kind:
            return Skipped(name, "is not a progress file (expected a .json file from skischool)")
        return Skipped(name, "is not UTF-8 text; expected the .json file skischool exported")
    try:
        export = read_export(text, source=name)
    except ProgressStoreError as exc:
        reason = str(exc).removeprefix(f"{name}: ")
        if wrong_kind:
            return Skipped(name, "is not a progress file (expected a .json file from skischool)")
        if (
            reason.startswith("is not JSON")
            and text.strip()[:1] in ("{", "[")
            and not text.rstrip().endswith(("}", "]"))
        ):
            reason += "; the file looks cut short: ask for a fresh download"
        return Skipped(name, _short(reason))
    if export.course and export.course != course.id:
        return Skipped(
            name,
            f"is from the course {export.course!r}; this report is for {course.id!r} "
            "(give --course for that course)",
        )
    if export.release and export.release != course.release:
        return Skipped(
            name,
            f"is from release {export.release!r} of the course; this report is for release "
            f"{course.release!r} (give --course for that release)",
        )
    return _Parsed(
        name, export.attempts, export.course, export.release, hashlib.sha256(data).hexdigest()
    )


def _short(reason: str, limit: int = 300) -> str:
    reason = " ".join(reason.split())
    return reason if len(reason) <= limit else reason[: limit - 1] + "…"


def _dedupe(parsed: list[_Parsed], result: Collection) -> None:
    """Count each attempt once. Fuller files first, so a later re-export (which holds the
    earlier one's attempts and more) is the one counted and the earlier one is named; among
    equals the shorter name ("ana.json" before its copy "ana (1).json")."""
    owner: dict[str, str] = {}
    digests: dict[str, str] = {}
    ordered = sorted(parsed, key=lambda p: (-len(p.attempts), len(p.name), p.name))
    for p in ordered:
        if p.digest in digests:
            result.skipped.append(Skipped(p.name, f"is an exact copy of {digests[p.digest]}"))
            continue
        digests[p.digest] = p.name
        fresh: list[Attempt] = []
        shared: dict[str, int] = {}
        repeated = 0
        mine: set[str] = set()
        for attempt in p.attempts:
            if attempt.id in mine:
                repeated += 1
                continue
            mine.add(attempt.id)
            if attempt.id in owner:
                other = owner[attempt.id]
                shared[other] = shared.get(other, 0) + 1
            else:
                fresh.append(attempt)
        if p.attempts and not fresh:
            others = sorted(shared, key=lambda o: (-shared[o], o))
            same = len(others) == 1 and _same_ids(p, others[0], ordered)
            where = " and ".join(others[:3]) + (" and others" if len(others) > 3 else "")
            reason = (
                f"has the same attempts as {where}; counted once"
                if same
                else f"every attempt in it is also in {where} (an earlier export?); counted once"
            )
            result.skipped.append(Skipped(p.name, reason))
            continue
        for attempt in fresh:
            owner[attempt.id] = p.name
        result.files.append(HandedIn(p.name, fresh, p.course, p.release))
        if shared:
            n = sum(shared.values())
            result.notes.append(
                Skipped(
                    p.name,
                    f"{n} of its attempts are also in {', '.join(sorted(shared))}; "
                    "each was counted once",
                )
            )
        if repeated:
            result.notes.append(
                Skipped(p.name, f"holds {repeated} attempts twice; each was counted once")
            )
    result.files.sort(key=lambda f: f.name)


def _same_ids(p: _Parsed, other: str, parsed: list[_Parsed]) -> bool:
    theirs = next(q for q in parsed if q.name == other)
    return {a.id for a in p.attempts} == {a.id for a in theirs.attempts}


__all__ = ["MAX_BYTES", "Collection", "FolderError", "HandedIn", "Skipped", "collect"]
