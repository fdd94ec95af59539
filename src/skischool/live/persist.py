"""Progress in the browser: a store in memory, mirrored to a JSON file after every attempt.

Why not the SQLite file directly: in JupyterLite, SQLite cannot lock or sync files on the
browser-backed ``/drive`` (it fails with "disk I/O error"), while whole-file writes there are
kept in the browser's storage and survive a reload. So attempts go into an in-memory store,
and after each one the complete export (the same JSON a learner downloads) is written to the
mirror file, first to a temporary name and then renamed, so a crash mid-write leaves the
previous copy intact. On start, the mirror is read back.
"""

from __future__ import annotations

import base64
import html
import os
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..progress import Attempt, ProgressStore, ProgressStoreError, ProgressWarning, parse_export

__all__ = ["DOWNLOAD_NAME", "MirroredStore", "download_link_html"]

DOWNLOAD_NAME = "skischool-progress.json"


class MirroredStore:
    """A :class:`ProgressStore` in memory whose every attempt is also saved to ``mirror``."""

    def __init__(self, mirror: str | os.PathLike[str]) -> None:
        self.mirror = Path(mirror)
        self.inner = ProgressStore(":memory:")
        self.listeners: list[Callable[[Attempt], None]] = []
        #: Why the mirror could not be read back, if it could not (shown to the learner).
        self.restore_problem = ""
        self._restore()

    def _read_mirror(self) -> list[Attempt]:
        """The attempts in the mirror file ([] if there is none); damage raises ProgressStoreError."""
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
        return parse_export(text, source=str(self.mirror))

    def _restore(self) -> None:
        try:
            self.inner.import_attempts(self._read_mirror())
        except ProgressStoreError as exc:
            self.restore_problem = str(exc)
            if not self.mirror.is_file():
                return  # unreadable, not damaged: leave it be
            # Keep the damaged file for a person to look at; start afresh beside it.
            aside = self.mirror.with_name(self.mirror.name + ".damaged")
            try:
                self.mirror.replace(aside)
                self.restore_problem += f" (kept as {aside.name})"
            except OSError:
                pass

    def _merge_others(self) -> None:
        """Take in attempts another tab (a notebook, a second room) saved since we last looked.

        Each tab's Python has its own in-memory store and all write the same mirror, so
        without this the last tab to save would silently drop the others' attempts.
        """
        try:
            theirs = self._read_mirror()
        except ProgressStoreError:
            return
        ours = {_key(a) for a in self.inner.attempts()}
        new = [a for a in theirs if _key(a) not in ours]
        if new:
            self.inner.import_attempts(new)

    def record(self, attempt: Attempt) -> None:
        self.inner.record(attempt)
        self.save()
        for listener in list(self.listeners):
            listener(attempt)

    def save(self) -> None:
        """Write the whole export to the mirror; warn (never raise) if the browser refuses."""
        self._merge_others()
        text = self.inner.export_json()
        tmp = self.mirror.with_name(self.mirror.name + ".tmp")
        try:
            self.mirror.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(text, encoding="utf-8")
            try:
                tmp.replace(self.mirror)
            except OSError:  # some browser filesystems cannot rename: write in place
                self.mirror.write_text(text, encoding="utf-8")
                tmp.unlink(missing_ok=True)
        except OSError as exc:
            warnings.warn(
                f"skischool: could not save progress to {self.mirror} ({exc}); "
                "use the download link to keep it",
                ProgressWarning,
                stacklevel=2,
            )

    def attempts(self, exercise: str | None = None, *, learner: str | None = None) -> list[Attempt]:
        return self.inner.attempts(exercise, learner=learner)

    def summary(self, *, learner: str | None = None) -> dict[str, dict[str, Any]]:
        return self.inner.summary(learner=learner)

    def export_json(self) -> str:
        return self.inner.export_json()

    def close(self) -> None:
        self.inner.close()


def _key(attempt: Attempt) -> tuple[object, ...]:
    return tuple(attempt.to_dict().values())


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
