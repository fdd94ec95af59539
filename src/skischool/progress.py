"""Learner progress store: every exercise attempt, kept safely in a local SQLite file.

Why SQLite: one file, standard library, atomic transactions. An attempt is committed in
its own transaction, so a kernel crash or a killed notebook can lose at most the attempt
being written, never an earlier one, and two notebooks writing at once simply queue up
(WAL journal + busy timeout).

Why so defensive: recording is a side effect of doing an exercise. If the store cannot be
used (read-only disk, a file that is not a database, sqlite3 missing in the browser), the
learner gets a :class:`ProgressWarning` and the exercise keeps working. A file that is not
ours is never overwritten or deleted. A store of ours found damaged on open is renamed aside
(kept for recovery, never deleted) and a fresh one started, with a warning naming both.

Why every attempt has an ``id``: exports travel (browser -> download -> instructor), and the
same file may be imported twice or merged from several browser tabs. A stable identity makes
every import and merge idempotent: the same attempt is never counted twice.

The module is pure standard library and import-light: ``sqlite3`` is imported only when a
store is opened, because in Pyodide it is a separately loaded package. No threads are used.
"""

from __future__ import annotations

import json
import os
import re
import reprlib
import uuid
import warnings
from collections.abc import Container
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable

if TYPE_CHECKING:
    import sqlite3

    from .result import Result

__all__ = [
    "ENV_VAR",
    "EXPORT_VERSION",
    "SCHEMA_VERSION",
    "Attempt",
    "Export",
    "NullStore",
    "ProgressStore",
    "ProgressStoreError",
    "ProgressWarning",
    "Store",
    "default_path",
    "open_store",
    "parse_export",
    "read_export",
    "set_aside",
]

#: Environment variable naming the progress file, or switching recording off.
ENV_VAR = "SKISCHOOL_PROGRESS"
#: Values of :data:`ENV_VAR` (case-insensitive) that turn recording off.
OFF_VALUES = frozenset({"off", "0", "false", "none"})
#: Stored in ``PRAGMA user_version``; bump it and add a migration when the schema changes.
#: 1: the first release. 2: ``attempt_id`` (stable identity, unique) added.
#: 3: ``page`` (the exercise page an attempt was made on) added.
SCHEMA_VERSION = 4
#: The ``"version"`` of an export document. Still 1: later stores only added optional fields
#: (each attempt's ``"id"`` and ``"page"``; the document's ``"course"`` and ``"release"``),
#: which older readers ignore, so their exports stay readable.
EXPORT_VERSION = 1
#: Seconds a writer waits for another notebook's transaction before giving up.
DEFAULT_TIMEOUT = 10.0
#: Identifies the document produced by :meth:`ProgressStore.export_json`.
EXPORT_FORMAT = "skischool-progress"

KINDS = ("reply", "choice", "conversation", "triage")
#: Bounds that keep every number inside SQLite's 64-bit INTEGER (a huge count from a
#: hand-edited export must be a located error, not an OverflowError deep in sqlite3).
MAX_CRITERIA = 10_000
MAX_ID_CHARS = 100
#: Namespace of ids derived from an attempt's content (exports and stores made before ids).
_ID_NAMESPACE = uuid.UUID("6f1d2c55-8a3e-4c1b-9a57-2f0e5d7b3c11")
_SURROGATE = re.compile("[\ud800-\udfff]")

_SCHEMA = (
    """
    CREATE TABLE attempts (
        id             INTEGER PRIMARY KEY AUTOINCREMENT,
        exercise       TEXT    NOT NULL,
        time           TEXT    NOT NULL,
        score          INTEGER NOT NULL CHECK (score BETWEEN 0 AND 100),
        passed         INTEGER NOT NULL CHECK (passed IN (0, 1)),
        criteria_met   INTEGER NOT NULL CHECK (criteria_met >= 0),
        criteria_total INTEGER NOT NULL CHECK (criteria_total >= criteria_met),
        kind           TEXT    NOT NULL CHECK (kind IN ('reply', 'choice', 'conversation', 'triage')),
        -- UTF-8 (surrogatepass) bytes: a BLOB keeps NUL and any Python str exactly.
        answer         BLOB    NOT NULL,
        learner        TEXT    NOT NULL DEFAULT '',
        -- Attempt.id: the same attempt imported or merged twice is stored once.
        attempt_id     TEXT,
        page           TEXT    NOT NULL DEFAULT ''
    )
    """,
    "CREATE INDEX attempts_by_exercise ON attempts (exercise, time, id)",
    "CREATE UNIQUE INDEX attempts_by_attempt_id ON attempts (attempt_id)",
)
_V2_COLUMNS = (
    "exercise, time, score, passed, criteria_met, criteria_total, kind, answer, learner, attempt_id"
)
_COLUMNS = f"{_V2_COLUMNS}, page"
_INSERT = f"INSERT OR IGNORE INTO attempts ({_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?)"


class ProgressWarning(UserWarning):
    """Recording progress failed; the exercise itself is unaffected. Filterable by category."""


class ProgressStoreError(Exception):
    """The progress file cannot be opened or read; the message names the path and the cause."""


class _Damaged(Exception):
    """Our own store failed its integrity check: set it aside rather than keep writing to it."""


_short = reprlib.Repr()
_short.maxlevel, _short.maxstring, _short.maxother = 2, 80, 80
_short.maxlist = _short.maxdict = 4


def _show(value: object) -> str:
    """A bounded repr for messages: a hostile value (1 MB, 900 levels deep) stays readable."""
    try:
        return _short.repr(value)
    except (RecursionError, ValueError):  # ValueError: int too large to print
        return f"<{type(value).__name__}>"


# --------------------------------------------------------------------------------------
# Attempt
# --------------------------------------------------------------------------------------


def _utc_now() -> str:
    """Current time in the canonical form, so stored times sort chronologically as text."""
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def _normalize_time(value: object) -> str:
    """Canonical UTC ISO-8601 (fixed width, ``+00:00``), so text order equals time order."""
    if not isinstance(value, str):
        raise ValueError(f"time must be an ISO-8601 string, got {type(value).__name__}")
    text = value.strip()
    if text[-1:] in ("Z", "z"):  # fromisoformat() accepts "Z" only from Python 3.11
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"time is not ISO-8601: {_show(value)}") from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"time needs a UTC offset (e.g. '+00:00' or 'Z'): {_show(value)}")
    try:
        utc = moment.astimezone(timezone.utc)
    except OverflowError:  # e.g. 9999-12-31T23:00-05:00 is in year 10000 in UTC
        raise ValueError(f"time is out of range (years 1 to 9999 in UTC): {_show(value)}") from None
    return utc.isoformat(timespec="microseconds")


def _clean_text(value: str) -> str:
    """Lone surrogates -> U+FFFD: SQLite TEXT must be valid UTF-8, and the attempt must save."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", value)
    return value


def _new_id() -> str:
    """A fresh identity for an attempt made now, carried through every export and import."""
    return str(uuid.uuid4())


def _derive_id(values: tuple[object, ...]) -> str:
    """Deterministic id from an attempt's content, for records made before ids existed.

    The same old export imported twice, or an old store migrated and its old export imported,
    gets the same ids, so nothing is counted twice.
    """
    canonical = json.dumps(values, ensure_ascii=True, separators=(",", ":"))
    return str(uuid.uuid5(_ID_NAMESPACE, canonical))


def _check_int(name: str, value: object) -> int:
    """Accept real integers only: a float score or a bool would hide an engine bug."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be an int, got {_show(value)}")
    return int(value)


@dataclass(frozen=True, kw_only=True, slots=True)
class Attempt:
    """One learner attempt at one exercise, validated on creation so bad data never lands.

    ``time`` is normalised to UTC with microseconds (``2024-05-01T09:30:00.000000+00:00``).
    ``answer`` is the learner's text, or the chosen option ids joined by ``","``; it is kept
    exactly, even lone surrogates. In ``exercise`` and ``learner`` a lone surrogate (which
    SQLite TEXT cannot hold) becomes U+FFFD, so the attempt is saved rather than lost.
    ``id`` is the attempt's identity: random for a new attempt, derived from the content when
    empty (records from before ids existed), and kept through export and import.
    """

    exercise: str
    time: str = field(default_factory=_utc_now)
    score: int
    passed: bool
    criteria_met: int
    criteria_total: int
    kind: Literal["reply", "choice", "conversation", "triage"]
    answer: str
    learner: str = ""
    id: str = field(default_factory=_new_id)
    #: The exercise page (``green-circle/checkpoint``): with ``exercise`` (the rubric id), the
    #: attempt's key in the course. Empty in records made before pages were recorded.
    page: str = ""

    def __post_init__(self) -> None:
        """Reject malformed attempts early: the engine's bug, not the learner's problem."""
        if not isinstance(self.exercise, str) or not self.exercise:
            raise ValueError(f"exercise must be a non-empty str, got {_show(self.exercise)}")
        object.__setattr__(self, "exercise", _clean_text(self.exercise))
        object.__setattr__(self, "time", _normalize_time(self.time))
        score = _check_int("score", self.score)
        if not 0 <= score <= 100:
            raise ValueError(f"score must be between 0 and 100, got {_show(score)}")
        if not isinstance(self.passed, bool):
            raise ValueError(f"passed must be a bool, got {_show(self.passed)}")
        met = _check_int("criteria_met", self.criteria_met)
        total = _check_int("criteria_total", self.criteria_total)
        if not 0 <= met <= total <= MAX_CRITERIA:
            raise ValueError(
                "need 0 <= criteria_met <= criteria_total <= "
                f"{MAX_CRITERIA}, got {_show(met)}/{_show(total)}"
            )
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {_show(self.kind)}")
        if not isinstance(self.answer, str):
            raise ValueError(f"answer must be a str, got {type(self.answer).__name__}")
        if not isinstance(self.learner, str):
            raise ValueError(f"learner must be a str, got {type(self.learner).__name__}")
        object.__setattr__(self, "learner", _clean_text(self.learner))
        if not isinstance(self.id, str) or len(self.id) > MAX_ID_CHARS:
            raise ValueError(
                f"id must be a str of at most {MAX_ID_CHARS} characters, got {_show(self.id)}"
            )
        if self.id == "":
            object.__setattr__(self, "id", _derive_id(self._content()))
        else:
            object.__setattr__(self, "id", _clean_text(self.id))
        if not isinstance(self.page, str) or len(self.page) > MAX_ID_CHARS:
            raise ValueError(
                f"page must be a str of at most {MAX_ID_CHARS} characters, got {_show(self.page)}"
            )
        object.__setattr__(self, "page", _clean_text(self.page))

    def _content(self) -> tuple[object, ...]:
        """What a derived id is computed from: the fields records had before ids (so not
        ``page``, which came later: an old record's id must not change)."""
        return (
            self.exercise,
            self.time,
            self.score,
            self.passed,
            self.criteria_met,
            self.criteria_total,
            self.kind,
            self.answer,
            self.learner,
        )

    @classmethod
    def of(
        cls,
        result: Result,
        *,
        exercise: str,
        kind: str,
        answer: str,
        learner: str = "",
        page: str = "",
    ) -> Attempt:
        """The attempt a verdict makes: the one place the widgets and ``answer()`` build it."""
        return cls(
            exercise=exercise,
            score=result.score,
            passed=result.passed,
            criteria_met=result.criteria_met,
            criteria_total=result.criteria_total,
            kind=kind,  # type: ignore[arg-type]
            answer=answer,
            learner=learner,
            page=page,
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict (for export and workshop collection).

        Not ``dataclasses.asdict``: its deep copy made exporting thousands of attempts slow.
        """
        return {name: getattr(self, name) for name in self.__dataclass_fields__}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Attempt:
        """Inverse of :meth:`to_dict`; unknown keys are ignored so newer exports still load.

        A record without ``"id"`` (an export made before ids) gets one derived from its
        content, so importing it twice still adds it once.
        """
        known = {name: data[name] for name in cls.__dataclass_fields__ if name in data}
        known.setdefault("id", "")
        try:
            return cls(**known)
        except TypeError as exc:  # a required field is missing
            raise ValueError(f"not an attempt record: {exc}") from None


# --------------------------------------------------------------------------------------
# Location
# --------------------------------------------------------------------------------------


def default_path() -> Path | None:
    """Where progress is kept, or ``None`` when recording is switched off.

    ``$SKISCHOOL_PROGRESS`` (a file path) wins; otherwise the XDG data directory, so the
    file survives ``pip install -U`` and is not inside the course checkout.
    """
    value = os.environ.get(ENV_VAR, "").strip()
    if value.lower() in OFF_VALUES:
        return None
    if value:
        return Path(value).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME", "").strip()
    # The XDG spec says relative paths are invalid and must be ignored.
    base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".local" / "share"
    return base / "skischool" / "progress.sqlite3"


def _warn(message: str) -> None:
    """Tell the learner, without raising into their notebook."""
    warnings.warn(message, ProgressWarning, stacklevel=3)


def open_store(path: str | os.PathLike[str] | None = None) -> ProgressStore | NullStore:
    """The store to record into; never raises for an unusable location.

    An explicit ``path`` is always used. Without one, ``$SKISCHOOL_PROGRESS`` may switch
    recording off (:class:`NullStore`). If the file cannot be opened, a
    :class:`ProgressWarning` names it and a :class:`NullStore` is returned; the file is
    left exactly as it was.
    """
    if path is None:
        path = default_path()
        if path is None:
            return NullStore(reason=f"recording switched off by {ENV_VAR}")
    try:
        return ProgressStore(path)
    except ProgressStoreError as exc:
        _warn(f"skischool: progress will not be recorded: {exc}")
        return NullStore(reason=str(exc))


@dataclass(frozen=True)
class Export:
    """A progress file as read: its attempts, and the course and release it names (empty in
    files made before they were recorded)."""

    attempts: list[Attempt]
    course: str = ""
    release: str = ""
    exported: str = ""


def parse_export(
    text: str, *, source: str = "progress file", known_ids: Container[str] = ()
) -> list[Attempt]:
    """The attempts of an :meth:`ProgressStore.export_json` document (see :func:`read_export`)."""
    return read_export(text, source=source, known_ids=known_ids).attempts


def read_export(
    text: str, *, source: str = "progress file", known_ids: Container[str] = ()
) -> Export:
    """An :meth:`ProgressStore.export_json` document, or a clear error.

    Why strict: this reads a file the learner's browser kept or a learner handed in; a
    damaged one must be named and explained, never half-imported. Whatever the text, the
    only exception is :class:`ProgressStoreError`, its message starting with ``source``.

    Records whose ``"id"`` is in ``known_ids`` are left out unchecked: a caller re-reading
    a file it already holds (the browser, after every attempt) pays only for the new ones.
    """
    try:
        document = json.loads(text)
    except RecursionError:  # e.g. 100 000 nested "[": the C decoder gives up, loudly
        raise ProgressStoreError(
            f"{source}: is not a skischool progress export (JSON nested too deeply; "
            f'expected an object with "format": "{EXPORT_FORMAT}")'
        ) from None
    except (TypeError, ValueError) as exc:
        raise ProgressStoreError(f"{source}: is not JSON ({exc})") from None
    if not isinstance(document, dict) or document.get("format") != EXPORT_FORMAT:
        raise ProgressStoreError(
            f"{source}: is not a skischool progress export "
            f'(expected an object with "format": "{EXPORT_FORMAT}")'
        )
    version = document.get("version")
    if isinstance(version, bool) or version != EXPORT_VERSION:  # True == 1 in Python
        raise ProgressStoreError(
            f"{source}: export version {_show(version)}, this skischool understands "
            f"{EXPORT_VERSION}"
        )
    records = document.get("attempts")
    if not isinstance(records, list):
        raise ProgressStoreError(f'{source}: field "attempts" must be a list')
    attempts = []
    for i, record in enumerate(records):
        if not isinstance(record, dict):
            raise ProgressStoreError(f"{source}: attempts[{i}] must be an object")
        known = record.get("id")
        if known_ids and isinstance(known, str) and known in known_ids:
            continue
        try:
            attempts.append(Attempt.from_dict(record))
        except (ValueError, RecursionError) as exc:
            raise ProgressStoreError(f"{source}: attempts[{i}]: {exc}") from None
    named = {}
    for key in ("course", "release", "exported"):
        value = document.get(key, "")
        if not isinstance(value, str) or len(value) > MAX_ID_CHARS:
            raise ProgressStoreError(
                f'{source}: field "{key}" must be a str of at most {MAX_ID_CHARS} characters'
            )
        named[key] = _clean_text(value)
    return Export(attempts, **named)


def set_aside(path: Path, label: str = "damaged") -> Path:
    """Rename ``path`` to an unused ``<name>.<label>[-N]`` beside it and return the new path.

    Why never delete: a damaged file may still hold a learner's attempts that a person can
    recover. Why a fresh name each time: a second damaged file must not replace the first.
    Raises ``OSError`` if the file cannot be renamed.
    """
    for n in range(1, 1000):
        aside = path.with_name(f"{path.name}.{label}" + (f"-{n}" if n > 1 else ""))
        if not aside.exists() and not aside.is_symlink():
            path.replace(aside)
            return aside
    raise OSError(f"too many set-aside copies of {path.name} already")


# --------------------------------------------------------------------------------------
# Stores
# --------------------------------------------------------------------------------------


def _export(attempts: list[Attempt], course: str = "", release: str = "") -> str:
    """Self-describing JSON; ASCII-escaped so any answer (even lone surrogates) survives.

    One attempt per line keeps it readable, and lets the C encoder do the work: the browser
    rewrites the whole export after every attempt, and ``indent=`` is many times slower.
    """
    fields: dict[str, str | int] = {"format": EXPORT_FORMAT, "version": EXPORT_VERSION}
    if course:
        fields |= {"course": course, "release": release}
    head = json.dumps(fields | {"exported": _utc_now()}, ensure_ascii=True)
    lines = ",\n  ".join(json.dumps(a.to_dict(), ensure_ascii=True) for a in attempts)
    body = f"\n  {lines}\n " if attempts else ""
    return f'{head[:-1]},\n "attempts": [{body}]}}\n'


class ProgressStore:
    """Attempts in one SQLite file, safe against crashes and against concurrent notebooks."""

    path: Path | None
    #: The journal actually in use: ``"wal"`` normally, e.g. ``"delete"`` where WAL is impossible.
    journal_mode: str
    #: Where a damaged store found at ``path`` on open was moved (``None``: it was sound).
    damaged_copy: Path | None = None

    def __init__(self, path: str | os.PathLike[str], *, timeout: float = DEFAULT_TIMEOUT) -> None:
        """Open (creating if needed) the store; raises :class:`ProgressStoreError` if unusable.

        ``timeout`` is how long to wait for another writer holding the lock. A store of ours
        that fails ``PRAGMA quick_check`` is renamed aside (see :attr:`damaged_copy`) with a
        :class:`ProgressWarning`, and a fresh store is started at ``path``.
        """
        memory = os.fspath(path) == ":memory:"
        self.path = None if memory else Path(path)
        self.timeout = float(timeout)
        self._where = ":memory:" if self.path is None else str(self.path)
        self._conn: sqlite3.Connection | None = None
        self._identity: tuple[int, int] | None = None
        self._damage_told: tuple[list[int], list[int]] = ([], [])
        try:
            import sqlite3
        except ImportError as exc:  # Pyodide ships sqlite3 as a separate package
            raise ProgressStoreError(
                f"{self._where}: the sqlite3 module is not available ({exc}); "
                "in the browser, load the 'sqlite3' package first "
                "(e.g. pyodide.loadPackage('sqlite3'))"
            ) from exc
        self._sqlite3 = sqlite3
        try:
            self._open()
        except _Damaged as damage:
            self.close()
            self.damaged_copy = self._set_damaged_aside(str(damage))
            if self.damaged_copy is not None:
                _warn(
                    f"skischool: progress store {self._where} is damaged ({damage}); it was "
                    f"kept as {self.damaged_copy} and a fresh store was started, so new "
                    "attempts are recorded (earlier ones are in the kept copy)"
                )
            try:
                self._open()
            except _Damaged as again:  # a fresh file cannot be damaged; something else writes it
                self.close()
                raise ProgressStoreError(f"{self._where}: damaged again ({again})") from None

    def _open(self) -> None:
        """Connect, check, configure and create or migrate the schema; ProgressStoreError if not."""
        sqlite3 = self._sqlite3
        try:
            if self.path is not None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(
                self._where,
                timeout=self.timeout,
                isolation_level=None,  # autocommit: we issue BEGIN/COMMIT ourselves
                # Safe to share across threads only if SQLite itself serialises access.
                check_same_thread=sqlite3.threadsafety != 3,
            )
            self.journal_mode = self._configure(self._conn)
            self._ensure_schema(self._conn)
        except (sqlite3.Error, OSError) as exc:
            self.close()
            raise ProgressStoreError(self._describe(exc)) from exc
        except ProgressStoreError:
            self.close()
            raise

    def _set_damaged_aside(self, detail: str) -> Path | None:
        """Rename the damaged file (and its WAL/journal companions) aside, keeping it whole.

        Only the very file that was checked is moved: if another notebook already replaced
        it with a fresh store, that one is left alone (and ``None`` returned).
        """
        assert self.path is not None  # ":memory:" is never checked
        try:
            stat = self.path.stat()
            if (stat.st_dev, stat.st_ino) != self._identity:
                return None  # another notebook moved it aside first; reopen what is there now
            aside = set_aside(self.path)
            for suffix in ("-wal", "-shm", "-journal"):
                companion = self.path.with_name(self.path.name + suffix)
                if companion.exists():
                    companion.replace(aside.with_name(aside.name + suffix))
        except OSError as exc:
            raise ProgressStoreError(
                f"{self._where}: is damaged ({detail}) and could not be moved aside ({exc}); "
                f"move it aside or point {ENV_VAR} at another file to start a new store"
            ) from exc
        return aside

    def _describe(self, exc: BaseException) -> str:
        """Error text naming the file, with a hint when the file is not a database."""
        text = f"{self._where}: {exc}"
        if "not a database" in str(exc) or "malformed" in str(exc):
            text += (
                " (left untouched; move it aside or point "
                f"{ENV_VAR} at another file to start a new progress store)"
            )
        return text

    def _configure(self, conn: sqlite3.Connection) -> str:
        """Check the file is ours, then ask for WAL; keep the default journal if WAL fails."""
        sqlite3 = self._sqlite3
        conn.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
        # Read-only checks first: a non-database or another program's database must fail
        # here, before the journal-mode switch below could write to it.
        if self._check_ours(conn) and self.path is not None:
            self._check_integrity(conn)
        try:
            mode = str(conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]).lower()
        except sqlite3.OperationalError:
            # Busy (another notebook switching at the same moment) or no shared memory
            # (browser filesystems): carry on with whatever mode the file has.
            mode = str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower()
        # FULL: a committed attempt survives power loss too, not only a process crash.
        conn.execute("PRAGMA synchronous = FULL")
        return mode

    def _check_ours(self, conn: sqlite3.Connection) -> int:
        """Schema version of an empty file or our own store; refuse anything else."""
        # One statement, so one snapshot: another notebook may be creating the schema
        # right now. Raises "file is not a database" for garbage.
        version, tables, ours = conn.execute(
            "SELECT (SELECT user_version FROM pragma_user_version), count(*), "
            "count(*) FILTER (WHERE type = 'table' AND name = 'attempts') FROM sqlite_master"
        ).fetchone()
        if version == 0 or not ours:
            if tables:
                raise ProgressStoreError(
                    f"{self._where}: is an SQLite database of another program, "
                    "not a skischool progress store (left untouched)"
                )
        elif not 0 < version <= SCHEMA_VERSION:
            raise ProgressStoreError(
                f"{self._where}: progress store has schema version {version}, this "
                f"skischool understands {SCHEMA_VERSION}; upgrade skischool "
                "(file left untouched)"
            )
        return version if ours else 0

    def _check_integrity(self, conn: sqlite3.Connection) -> None:
        """Raise :class:`_Damaged` if the store's pages are corrupt, before anything is written.

        Why on every open: SQLite reports mid-file corruption only when a query happens to
        touch the bad page, which may be after many attempts have been "recorded" into a
        b-tree that loses them. ``quick_check`` reads every page once (O(size), a few ms for
        thousands of attempts) but skips the costlier index-content cross-check.
        """
        sqlite3 = self._sqlite3
        assert self.path is not None
        stat = self.path.stat()  # which file was checked, so only that one is moved aside
        self._identity = (stat.st_dev, stat.st_ino)
        try:
            rows = conn.execute("PRAGMA quick_check(5)").fetchall()
        except sqlite3.DatabaseError as exc:
            code = getattr(exc, "sqlite_errorcode", None)  # Python 3.11+
            corrupt = "malformed" in str(exc) if code is None else code & 0xFF == 11
            if not corrupt:  # 11: SQLITE_CORRUPT
                raise  # busy, I/O error...: not evidence of damage
            raise _Damaged(str(exc)) from None
        if rows != [("ok",)]:
            # One line: quick_check reports "*** in database main ***\nPage 33: ...".
            raise _Damaged("; ".join(" ".join(str(row[0]).split()) for row in rows))

    def _ensure_schema(self, conn: sqlite3.Connection) -> None:
        """Create the schema in a new file or migrate an older one; no lock when current."""
        if self._user_version(conn) == SCHEMA_VERSION:
            return
        conn.execute("BEGIN IMMEDIATE")  # another notebook may be creating it right now
        try:
            version = self._check_ours(conn)
            if version == 0:
                for statement in _SCHEMA:
                    conn.execute(statement)
            elif version < SCHEMA_VERSION:
                if version == 1:
                    _migrate_1_to_2(conn)
                if version <= 2:
                    _migrate_2_to_3(conn)
                _migrate_3_to_4(conn)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    @staticmethod
    def _user_version(conn: sqlite3.Connection) -> int:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            raise ProgressStoreError(f"{self._where}: progress store is closed")
        return self._conn

    # -- writing ------------------------------------------------------------------------

    def record(self, attempt: Attempt) -> None:
        """Commit one attempt in its own transaction; on failure warn, never raise."""
        if not isinstance(attempt, Attempt):
            raise TypeError(f"record() needs an Attempt, got {type(attempt).__name__}")
        sqlite3 = self._sqlite3
        try:
            conn = self._connection()
            row = _row(attempt)
            # IMMEDIATE takes the write lock up front, so waiting for another notebook
            # goes through the busy timeout instead of failing with SQLITE_BUSY later.
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.execute(_INSERT, row)  # the same attempt (same id) twice: stored once
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        except (sqlite3.Error, OSError, UnicodeError, OverflowError, ProgressStoreError) as exc:
            _warn(
                f"skischool: could not record attempt at {attempt.exercise!r} in "
                f"{self._describe(exc)}; the exercise still works"
            )

    # -- reading ------------------------------------------------------------------------

    def _query(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
        """Run a read, turning SQLite errors into :class:`ProgressStoreError` with the path."""
        try:
            conn = self._connection()
            try:
                return conn.execute(sql, params).fetchall()
            except self._sqlite3.OperationalError as exc:
                if "decode" not in str(exc):
                    raise
            # A damaged byte in one TEXT value (no checksum catches that) must not make
            # every attempt unreadable: read it with U+FFFD instead (slower, so only now).
            conn.text_factory = _lenient_text
            try:
                return conn.execute(sql, params).fetchall()
            finally:
                conn.text_factory = str
        except self._sqlite3.Error as exc:
            raise ProgressStoreError(self._describe(exc)) from exc

    def attempts(self, exercise: str | None = None, *, learner: str | None = None) -> list[Attempt]:
        """Attempts oldest first, optionally for one exercise and/or one learner.

        A row damaged inside (bytes changed where no structure check can see it) is not
        allowed to hide the others: a garbled answer is shown with U+FFFD, a row that is no
        valid attempt at all is skipped; both with a :class:`ProgressWarning` naming the
        rows, which stay in the file untouched.
        """
        where, params = _filters(exercise, learner)
        rows = self._query(f"SELECT id, {_COLUMNS} FROM attempts{where} ORDER BY time, id", params)
        attempts: list[Attempt] = []
        garbled: list[int] = []
        skipped: list[int] = []
        for rowid, *row in rows:
            try:
                attempts.append(_attempt_from_row(tuple(row)))
            except UnicodeDecodeError:
                try:
                    attempts.append(_attempt_from_row(tuple(row), lenient=True))
                    garbled.append(rowid)
                except (ValueError, UnicodeError):
                    skipped.append(rowid)
            except (ValueError, UnicodeError):
                skipped.append(rowid)
        problems = []
        if garbled:
            problems.append(f"answer text of rows {_show(garbled)} is damaged (shown with U+FFFD)")
        if skipped:
            problems.append(f"rows {_show(skipped)} are no valid attempts and were skipped")
        if problems and (garbled, skipped) != self._damage_told:
            self._damage_told = (garbled, skipped)
            _warn(
                f"skischool: progress store {self._where} is damaged inside: "
                f"{'; '.join(problems)} (left in the file as they are)"
            )
        return attempts

    def summary(self, *, learner: str | None = None) -> dict[str, dict[str, Any]]:
        """Per exercise (in order first attempted): attempts, best_score, passed, last_time."""
        where, params = _filters(None, learner)
        rows = self._query(
            "SELECT exercise, count(*), max(score), max(passed), max(time) "
            f"FROM attempts{where} GROUP BY exercise ORDER BY min(time), exercise",
            params,
        )
        return {
            exercise: {
                "attempts": count,
                "best_score": best,
                "passed": bool(passed),
                "last_time": last,
            }
            for exercise, count, best, passed, last in rows
        }

    def export_json(self, *, course: str = "", release: str = "") -> str:
        """All attempts as a JSON document, for download or collection at a workshop; naming
        the course and its release lets a class report spot a file from another course."""
        return _export(self.attempts(), course, release)

    def import_attempts(self, attempts: list[Attempt]) -> int:
        """Add attempts (e.g. from :func:`parse_export`) in one transaction; returns how many
        were new.

        Idempotent: an attempt already in the store (same ``id``) is skipped, so importing
        the same export twice adds 0 the second time. All or nothing: a failure part-way
        leaves the store as it was, and raises :class:`ProgressStoreError`.
        """
        try:
            rows = [_row(a) for a in attempts]
            conn = self._connection()
            conn.execute("BEGIN IMMEDIATE")
            try:
                before = conn.total_changes
                conn.executemany(_INSERT, rows)
                added = conn.total_changes - before
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        except (self._sqlite3.Error, UnicodeError, OverflowError) as exc:
            raise ProgressStoreError(self._describe(exc)) from exc
        return added

    # -- lifetime -----------------------------------------------------------------------

    def close(self) -> None:
        """Release the file (idempotent); later records warn instead of writing."""
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()

    def __enter__(self) -> ProgressStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self._conn is None else self.journal_mode
        return f"ProgressStore({self._where!r}, {state})"


def _filters(exercise: str | None, learner: str | None) -> tuple[str, tuple[str, ...]]:
    """WHERE clause for the optional filters, always parameterised."""
    clauses: list[str] = []
    params: list[str] = []
    # Cleaned as Attempt cleans them, so a name with a lone surrogate finds its attempts.
    if exercise is not None:
        clauses.append("exercise = ?")
        params.append(_clean_text(exercise))
    if learner is not None:
        clauses.append("learner = ?")
        params.append(_clean_text(learner))
    return ((" WHERE " + " AND ".join(clauses)) if clauses else ""), tuple(params)


def _row(attempt: Attempt) -> tuple[object, ...]:
    """The values of ``_COLUMNS`` for an attempt; the answer as exact UTF-8 bytes."""
    return (
        attempt.exercise,
        attempt.time,
        attempt.score,
        int(attempt.passed),
        attempt.criteria_met,
        attempt.criteria_total,
        attempt.kind,
        attempt.answer.encode("utf-8", "surrogatepass"),
        attempt.learner,
        attempt.id,
        attempt.page,
    )


def _lenient_text(data: bytes) -> str:
    """Text of a TEXT value with damaged UTF-8, its bad bytes as U+FFFD."""
    return data.decode("utf-8", "replace")


def _attempt_from_row(row: tuple[Any, ...], *, lenient: bool = False) -> Attempt:
    """The attempt of a row; a row without an id (written by hand) gets its derived one.

    ``lenient``: answer bytes that are not (surrogatepass) UTF-8 become U+FFFD.
    """
    exercise, time, score, passed, met, total, kind, answer, learner, attempt_id, *rest = row
    if isinstance(answer, bytes):
        answer = answer.decode("utf-8", "replace" if lenient else "surrogatepass")
    return Attempt(
        exercise=exercise,
        time=time,
        score=score,
        passed=bool(passed),
        criteria_met=met,
        criteria_total=total,
        kind=kind,
        answer=answer,
        learner=learner,
        id=attempt_id or "",
        page=rest[0] if rest else "",
    )


def _migrate_1_to_2(conn: sqlite3.Connection) -> None:
    """Give every attempt of a version-1 store its stable id (inside the caller's transaction).

    Ids are derived from content exactly as :meth:`Attempt.from_dict` derives them for an
    export without ids, so the old export of this store, imported later, adds nothing.
    Identical rows (e.g. the same export imported twice before ids existed) are all kept,
    each with its own id: a migration never deletes an attempt.
    """
    conn.execute("ALTER TABLE attempts ADD COLUMN attempt_id TEXT")
    used: set[str] = set()
    updates: list[tuple[str, int]] = []
    old = _V2_COLUMNS.rsplit(",", 1)[0]  # the version-1 columns
    conn.text_factory = _lenient_text  # a damaged TEXT byte must not stop the migration
    try:
        rows = conn.execute(f"SELECT id, {old} FROM attempts ORDER BY id").fetchall()
    finally:
        conn.text_factory = str
    for rowid, *values in rows:
        try:
            derived = _attempt_from_row((*values, None)).id
        except (ValueError, UnicodeError):  # not valid by today's rules: still keep it
            derived = _derive_id(tuple(repr(v) for v in values))
        attempt_id, n = derived, 1
        while attempt_id in used:
            n += 1
            attempt_id = _derive_id((derived, n))
        used.add(attempt_id)
        updates.append((attempt_id, rowid))
    conn.executemany("UPDATE attempts SET attempt_id = ? WHERE id = ?", updates)
    conn.execute(_SCHEMA[2])


def _migrate_2_to_3(conn: sqlite3.Connection) -> None:
    """Add the page column; older attempts keep an empty page (their rubric id still names
    the exercise, since rubric ids are unique in the course)."""
    conn.execute("ALTER TABLE attempts ADD COLUMN page TEXT NOT NULL DEFAULT ''")


def _migrate_3_to_4(conn: sqlite3.Connection) -> None:
    """Allow the conversation and triage kinds. SQLite cannot change a CHECK constraint, so
    the table is rebuilt inside the caller's transaction, every row and rowid copied as is."""
    create = _SCHEMA[0].replace("CREATE TABLE attempts", "CREATE TABLE attempts_v4", 1)
    conn.execute(create)
    conn.execute(
        f"INSERT INTO attempts_v4 (id, {_COLUMNS}) SELECT id, {_COLUMNS} FROM attempts ORDER BY id"
    )
    conn.execute("DROP TABLE attempts")
    conn.execute("ALTER TABLE attempts_v4 RENAME TO attempts")
    for statement in _SCHEMA[1:]:
        conn.execute(statement)


@runtime_checkable
class Store(Protocol):
    """What an exercise records attempts into: :class:`ProgressStore` (a file),
    :class:`NullStore` (recording off), ``live.persist.MirroredStore`` (JupyterLite), or a
    learner's own. ``record`` must never raise for a storage failure: it warns instead."""

    def record(self, attempt: Attempt) -> None: ...

    def attempts(
        self, exercise: str | None = None, *, learner: str | None = None
    ) -> list[Attempt]: ...

    def export_json(self, *, course: str = "", release: str = "") -> str: ...


class NullStore:
    """Same interface as :class:`ProgressStore`, records nothing: recording off or impossible."""

    path: Path | None = None
    journal_mode = "off"

    def __init__(self, reason: str = "recording switched off") -> None:
        self.reason = reason

    def record(self, attempt: Attempt) -> None:
        """Accept and drop the attempt (still type-checked, to surface engine bugs)."""
        if not isinstance(attempt, Attempt):
            raise TypeError(f"record() needs an Attempt, got {type(attempt).__name__}")

    def attempts(self, exercise: str | None = None, *, learner: str | None = None) -> list[Attempt]:
        return []

    def summary(self, *, learner: str | None = None) -> dict[str, dict[str, Any]]:
        return {}

    def export_json(self, *, course: str = "", release: str = "") -> str:
        return _export([], course, release)

    def import_attempts(self, attempts: list[Attempt]) -> int:
        return 0

    def close(self) -> None:
        pass

    def __enter__(self) -> NullStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        pass

    def __repr__(self) -> str:
        return f"NullStore({self.reason!r})"
