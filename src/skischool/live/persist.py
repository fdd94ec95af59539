"""Progress in JupyterLite's notebooks: a store in memory, saved to files after every attempt.

Why not the SQLite file directly: in JupyterLite, SQLite cannot lock or sync files on the
browser-backed ``/drive`` (it fails with "disk I/O error"), while whole-file writes there are
kept in the browser's storage and survive a reload. So attempts go into an in-memory store.

Why two kinds of file, and no lock: several tabs (several notebooks) each run their
own Python and may save at the same moment, and browser files cannot be locked. So

* each store appends every attempt, as one JSON line, to a journal of its own,
  ``<mirror stem>.<session>.jsonl`` beside the mirror. Nobody else writes that file, so no
  write can overwrite another tab's attempt. This is what makes an attempt safe.
* after each attempt the complete export (the JSON a learner downloads) is also written to the
  mirror, under a temporary name of its own and then renamed. The mirror is a convenience
  copy: two tabs racing on it may drop each other's latest attempt from it, never from the
  journals.

Reading merges the mirror and every journal, without duplicates (attempts have stable ids).
A torn last journal line (a tab killed mid-write) is skipped with a warning. Journals are
never deleted or compacted: with no lock, there is no moment when that is known to be safe.
"""

from __future__ import annotations

import base64
import contextlib
import html
import json
import os
import re
import secrets
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..progress import (
    Attempt,
    ProgressStore,
    ProgressStoreError,
    ProgressWarning,
    parse_export,
    set_aside,
)

__all__ = ["DOWNLOAD_NAME", "MirroredStore", "download_link_html"]

DOWNLOAD_NAME = "skischool-progress.json"
#: Random hex digits naming one store's journal: unique per tab without coordination.
SESSION_CHARS = 16
#: An incomplete last line in a journal changed more recently than this (seconds) is taken to
#: be a tab writing it right now, not a crash: it is read once complete, without a warning.
IN_FLIGHT_SECONDS = 5.0


class MirroredStore:
    """A :class:`ProgressStore` in memory whose every attempt is also saved beside ``mirror``."""

    def __init__(self, mirror: str | os.PathLike[str]) -> None:
        self.mirror = Path(mirror)
        #: This store's own journal: only this store ever writes it.
        self.session = secrets.token_hex(SESSION_CHARS // 2)
        self.journal = self.mirror.with_name(f"{self.mirror.stem}.{self.session}.jsonl")
        self.inner = ProgressStore(":memory:")
        self.listeners: list[Callable[[Attempt], None]] = []
        #: Why earlier progress could not (all) be read back, if so (shown to the learner).
        self.restore_problem = ""
        self._journal_name = re.compile(
            rf"{re.escape(self.mirror.stem)}\.[0-9a-f]{{{SESSION_CHARS}}}\.jsonl"
        )
        # Bytes of each journal already taken in: journals only grow, so read only the rest.
        self._offsets: dict[str, int] = {}
        self._sizes: dict[str, int] = {}  # each journal's size when last read
        self._reported: set[str] = set()
        self._mirror_seen: tuple[int, int, int] | None = None
        self._known: set[str] = set()  # ids in ``inner``: re-reading skips them cheaply
        self._torn = False  # an append failed part-way: start the next one on a new line
        self._restore()

    # -- reading ----------------------------------------------------------------------------

    def _read_mirror(self) -> list[Attempt]:
        """The mirror's attempts we lack ([] if there is none); damage raises ProgressStoreError."""
        try:
            data = self.mirror.read_bytes()
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise ProgressStoreError(f"{self.mirror}: could not be read ({exc})") from None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ProgressStoreError(f"{self.mirror}: is not UTF-8 text ({exc})") from None
        return parse_export(text, source=str(self.mirror), known_ids=self._known)

    def _mirror_signature(self) -> tuple[int, int, int] | None:
        try:
            stat = self.mirror.stat()
        except OSError:
            return None
        return (stat.st_ino, stat.st_size, stat.st_mtime_ns)

    def _take_mirror(self, problems: list[str], *, startup: bool) -> list[Attempt]:
        """The mirror's attempts if it changed since last seen; a damaged mirror is set aside.

        An unreadable mirror (no permission, a file where its folder should be) is reported
        at startup only: mid-session, writing it fails too and says so.
        """
        signature = self._mirror_signature()
        if signature is not None and signature == self._mirror_seen:
            return []
        try:
            attempts = self._read_mirror()
        except ProgressStoreError as exc:
            if self.mirror.is_file():  # damaged, not merely unreadable: keep it for a person
                try:
                    aside = set_aside(self.mirror)
                    problems.append(f"{exc} (kept as {aside.name})")
                except OSError as move:
                    problems.append(f"{exc} (could not be moved aside: {move})")
            elif startup:
                problems.append(str(exc))
            return []
        self._mirror_seen = signature
        return attempts

    def _take_journals(self, problems: list[str], *, startup: bool) -> list[Attempt]:
        """Attempts appended to any journal (ours too) since we last looked."""
        try:
            with os.scandir(self.mirror.parent) as entries:
                names = sorted(
                    e.name for e in entries if self._journal_name.fullmatch(e.name) and e.is_file()
                )
        except OSError:  # no folder yet, or not a folder: the mirror read reports it
            return []
        attempts: list[Attempt] = []
        for name in names:
            path = self.mirror.with_name(name)
            start = self._offsets.get(name, 0)
            try:
                if path.stat().st_size == self._sizes.get(name):
                    continue  # unchanged since we read it: one stat, not a read, per journal
                self._sizes.pop(name, None)
                with path.open("rb") as file:
                    file.seek(start)
                    data = file.read()
                    changed = os.fstat(file.fileno()).st_mtime
            except OSError as exc:
                problems.append(f"{path}: could not be read ({exc})")
                continue
            end = data.rfind(b"\n") + 1  # a last line without "\n" may still be being written
            for offset, line in _lines(data[:end], start):
                attempt = _parse_line(line, f"{path} (byte {offset})", problems)
                if attempt is not None:
                    attempts.append(attempt)
            self._offsets[name] = start + end
            self._sizes[name] = start + len(data)
            # A torn last line: told at startup if old enough to be a crash, not a tab
            # writing it right now. It stays last (nobody appends to a dead tab's journal).
            if end < len(data) and startup and time.time() - changed > IN_FLIGHT_SECONDS:
                problems.append(
                    f"{path}: skipped an incomplete last line at byte {start + end} "
                    f"({len(data) - end} bytes; a tab stopped while saving it)"
                )
        return attempts

    def _merge(self, *, startup: bool = False) -> tuple[list[str], list[str]]:
        """Take in what the mirror and every journal hold that we lack.

        Returns the mirror's and the journals' problems. Never raises: a file we cannot
        read must not stop the learner's exercise.
        """
        mirror_problems: list[str] = []
        journal_problems: list[str] = []
        found = self._take_mirror(mirror_problems, startup=startup)
        found += self._take_journals(journal_problems, startup=startup)
        found = [a for a in found if a.id not in self._known]
        try:
            self.inner.import_attempts(found)  # idempotent too: known ids are skipped
            self._known.update(a.id for a in found)
        except ProgressStoreError as exc:
            mirror_problems.append(str(exc))
        return mirror_problems, journal_problems

    def _refresh(self) -> None:
        """Merge, and warn about any new problem found while doing it."""
        mirror_problems, journal_problems = self._merge()
        self._report(mirror_problems + journal_problems)

    def _restore(self) -> None:
        mirror_problems, journal_problems = self._merge(startup=True)
        # The mirror's problems (a damaged file set aside, nothing lost) are kept in
        # restore_problem for whoever shows the store; journal damage also warns.
        self.restore_problem = "; ".join(mirror_problems)
        self._reported.update(mirror_problems)
        self._report(journal_problems)

    def _report(self, problems: list[str]) -> None:
        """Warn once per problem, and keep it in ``restore_problem`` for the learner."""
        new = [p for p in problems if p not in self._reported]
        self._reported.update(problems)
        for problem in new:
            if problem not in self.restore_problem:
                self.restore_problem = "; ".join(filter(None, [self.restore_problem, problem]))
            warnings.warn(
                f"skischool: saved progress: {problem}; nothing else was lost",
                ProgressWarning,
                stacklevel=3,
            )

    # -- writing ----------------------------------------------------------------------------

    def record(self, attempt: Attempt) -> None:
        """Keep the attempt in memory, append it to our journal, then refresh the mirror."""
        self.inner.record(attempt)
        self._known.add(attempt.id)
        journal_problem = self._append(attempt)
        self._refresh()
        mirror_problem = self._write_mirror()
        if mirror_problem:
            also = f"; nor to {self.journal.name} ({journal_problem})" if journal_problem else ""
            _warn_save(
                f"skischool: could not save progress to {self.mirror} ({mirror_problem}){also}; "
                "use the download link to keep it"
            )
        elif journal_problem:
            _warn_save(
                f"skischool: progress saved to {self.mirror} but not to {self.journal} "
                f"({journal_problem}); another tab saving at the same moment could overwrite "
                "it, so use the download link to keep it"
            )
        for listener in list(self.listeners):
            listener(attempt)

    def _append(self, attempt: Attempt) -> str:
        """Append one JSON line to our journal and flush it to disk; the error text, or ""."""
        line = json.dumps(attempt.to_dict(), ensure_ascii=True, separators=(",", ":"))
        data = line.encode("ascii") + b"\n"
        try:
            self.journal.parent.mkdir(parents=True, exist_ok=True)
            with self.journal.open("ab") as file:
                file.write(b"\n" + data if self._torn else data)
                file.flush()
                _fsync(file.fileno())
            self._torn = False
            return ""
        except OSError as exc:
            self._torn = True
            try:  # some browser filesystems cannot append: rewrite our own file whole,
                # keeping every byte already there (other tabs remember how far they read).
                try:
                    existing = self.journal.read_bytes()
                except FileNotFoundError:
                    existing = b""
                sep = b"\n" if existing and not existing.endswith(b"\n") else b""
                self.journal.write_bytes(existing + sep + data)
                self._torn = False
                return ""
            except OSError:
                return str(exc)

    def _write_mirror(self) -> str:
        """Write the whole export to the mirror; the error text, or "" when saved."""
        text = self.inner.export_json()
        # Our own temporary name: another tab's rename can never move our half-written file.
        tmp = self.mirror.with_name(f"{self.mirror.name}.{self.session}.tmp")
        try:
            self.mirror.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(text, encoding="utf-8")
            try:
                tmp.replace(self.mirror)
            except OSError:  # some browser filesystems cannot rename: write in place
                self.mirror.write_text(text, encoding="utf-8")
                tmp.unlink(missing_ok=True)
        except OSError as exc:
            return str(exc)
        self._mirror_seen = self._mirror_signature()  # ours: no need to read it back
        return ""

    def save(self) -> None:
        """Merge what other tabs saved and write the whole export to the mirror; warn on failure."""
        self._refresh()
        problem = self._write_mirror()
        if problem:
            _warn_save(
                f"skischool: could not save progress to {self.mirror} ({problem}); "
                "use the download link to keep it"
            )

    # -- the store interface ------------------------------------------------------------------

    def attempts(self, exercise: str | None = None, *, learner: str | None = None) -> list[Attempt]:
        self._refresh()
        return self.inner.attempts(exercise, learner=learner)

    def summary(self, *, learner: str | None = None) -> dict[str, dict[str, Any]]:
        self._refresh()
        return self.inner.summary(learner=learner)

    def export_json(self, *, course: str = "", release: str = "") -> str:
        """One export of everything every tab saved: the file a learner downloads."""
        self._refresh()
        return self.inner.export_json(course=course, release=release)

    def close(self) -> None:
        self.inner.close()


def _warn_save(message: str) -> None:
    warnings.warn(message, ProgressWarning, stacklevel=3)


def _fsync(fd: int) -> None:
    """Ask the disk to keep the line now; some (browser) filesystems cannot, which is fine."""
    with contextlib.suppress(OSError):
        os.fsync(fd)


def _lines(data: bytes, start: int) -> list[tuple[int, bytes]]:
    """Non-empty lines of complete journal data, each with its byte offset in the file."""
    found = []
    offset = start
    for line in data.split(b"\n")[:-1]:
        if line.strip():
            found.append((offset, line))
        offset += len(line) + 1
    return found


def _parse_line(line: bytes, where: str, problems: list[str]) -> Attempt | None:
    """The attempt of one journal line, or None with the problem noted (the rest still loads)."""
    try:
        record = json.loads(line)
        if not isinstance(record, dict):
            raise ValueError("not a JSON object")
        return Attempt.from_dict(record)
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        problems.append(f"{where}: skipped a damaged line ({str(exc)[:200]})")
        return None


def download_link_html(export_json: str, *, name: str = DOWNLOAD_NAME) -> str:
    """A link that downloads the export without a server: the file travels in a data: URL.

    Base64 keeps any answer (quotes, HTML, emoji) out of the markup entirely.
    """
    payload = base64.b64encode(export_json.encode("utf-8")).decode("ascii")
    return (
        f'<a class="ss-download" style="color:#175cd3;text-decoration:underline" '
        f'download="{html.escape(name)}" '
        f'href="data:application/json;charset=utf-8;base64,{payload}">'
        "Download my progress</a>"
    )
