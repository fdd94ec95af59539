"""Learner progress store: every exercise attempt, kept safely in a local SQLite file.

Why SQLite: one file, standard library, atomic transactions. An attempt is committed in
its own transaction, so a kernel crash or a killed notebook can lose at most the attempt
being written, never an earlier one, and two notebooks writing at once simply queue up
(WAL journal + busy timeout).

Why so defensive: recording is a side effect of doing an exercise. If the store cannot be
used (read-only disk, a file that is not a database, sqlite3 missing in the browser), the
learner gets a :class:`ProgressWarning` and the exercise keeps working. A file that is not
ours is never overwritten or deleted.

The module is pure standard library and import-light: ``sqlite3`` is imported only when a
store is opened, because in Pyodide it is a separately loaded package. No threads are used.
"""

from __future__ import annotations

import json
import os
import warnings
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import sqlite3

__all__ = [
    "ENV_VAR",
    "SCHEMA_VERSION",
    "Attempt",
    "NullStore",
    "ProgressStore",
    "ProgressStoreError",
    "ProgressWarning",
    "default_path",
    "open_store",
    "parse_export",
]

#: Environment variable naming the progress file, or switching recording off.
ENV_VAR = "SKISCHOOL_PROGRESS"
#: Values of :data:`ENV_VAR` (case-insensitive) that turn recording off.
OFF_VALUES = frozenset({"off", "0", "false", "none"})
#: Stored in ``PRAGMA user_version``; bump it and add a migration when the schema changes.
SCHEMA_VERSION = 1
#: Seconds a writer waits for another notebook's transaction before giving up.
DEFAULT_TIMEOUT = 10.0
#: Identifies the document produced by :meth:`ProgressStore.export_json`.
EXPORT_FORMAT = "skischool-progress"

KINDS = ("reply", "choice")

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
        kind           TEXT    NOT NULL CHECK (kind IN ('reply', 'choice')),
        -- UTF-8 (surrogatepass) bytes: a BLOB keeps NUL and any Python str exactly.
        answer         BLOB    NOT NULL,
        learner        TEXT    NOT NULL DEFAULT ''
    )
    """,
    "CREATE INDEX attempts_by_exercise ON attempts (exercise, time, id)",
)
_COLUMNS = "exercise, time, score, passed, criteria_met, criteria_total, kind, answer, learner"


class ProgressWarning(UserWarning):
    """Recording progress failed; the exercise itself is unaffected. Filterable by category."""


class ProgressStoreError(Exception):
    """The progress file cannot be opened or read; the message names the path and the cause."""


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
        raise ValueError(f"time is not ISO-8601: {value!r}") from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"time needs a UTC offset (e.g. '+00:00' or 'Z'): {value!r}")
    return moment.astimezone(timezone.utc).isoformat(timespec="microseconds")


def _check_int(name: str, value: object) -> int:
    """Accept real integers only: a float score or a bool would hide an engine bug."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be an int, got {value!r}")
    return int(value)


@dataclass(frozen=True, kw_only=True, slots=True)
class Attempt:
    """One learner attempt at one exercise, validated on creation so bad data never lands.

    ``time`` is normalised to UTC with microseconds (``2024-05-01T09:30:00.000000+00:00``).
    ``answer`` is the learner's text, or the chosen option ids joined by ``","``.
    """

    exercise: str
    time: str = field(default_factory=_utc_now)
    score: int
    passed: bool
    criteria_met: int
    criteria_total: int
    kind: Literal["reply", "choice"]
    answer: str
    learner: str = ""

    def __post_init__(self) -> None:
        """Reject malformed attempts early: the engine's bug, not the learner's problem."""
        if not isinstance(self.exercise, str) or not self.exercise:
            raise ValueError(f"exercise must be a non-empty str, got {self.exercise!r}")
        object.__setattr__(self, "time", _normalize_time(self.time))
        score = _check_int("score", self.score)
        if not 0 <= score <= 100:
            raise ValueError(f"score must be between 0 and 100, got {score}")
        if not isinstance(self.passed, bool):
            raise ValueError(f"passed must be a bool, got {self.passed!r}")
        met = _check_int("criteria_met", self.criteria_met)
        total = _check_int("criteria_total", self.criteria_total)
        if not 0 <= met <= total:
            raise ValueError(f"need 0 <= criteria_met <= criteria_total, got {met}/{total}")
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {self.kind!r}")
        if not isinstance(self.answer, str):
            raise ValueError(f"answer must be a str, got {type(self.answer).__name__}")
        if not isinstance(self.learner, str):
            raise ValueError(f"learner must be a str, got {type(self.learner).__name__}")

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict (for export and workshop collection)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Attempt:
        """Inverse of :meth:`to_dict`; unknown keys are ignored so newer exports still load."""
        known = {name: data[name] for name in cls.__dataclass_fields__ if name in data}
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


def parse_export(text: str, *, source: str = "progress file") -> list[Attempt]:
    """The attempts of an :meth:`ProgressStore.export_json` document, or a clear error.

    Why strict: this reads a file the learner's browser kept or a learner handed in; a
    damaged one must be named and explained, never half-imported.
    """
    try:
        document = json.loads(text)
    except (TypeError, ValueError) as exc:
        raise ProgressStoreError(f"{source}: is not JSON ({exc})") from None
    if not isinstance(document, dict) or document.get("format") != EXPORT_FORMAT:
        raise ProgressStoreError(
            f"{source}: is not a skischool progress export "
            f'(expected an object with "format": "{EXPORT_FORMAT}")'
        )
    version = document.get("version")
    if isinstance(version, bool) or version != SCHEMA_VERSION:  # True == 1 in Python
        raise ProgressStoreError(
            f"{source}: export version {version!r}, this skischool understands {SCHEMA_VERSION}"
        )
    records = document.get("attempts")
    if not isinstance(records, list):
        raise ProgressStoreError(f'{source}: field "attempts" must be a list')
    attempts = []
    for i, record in enumerate(records):
        if not isinstance(record, dict):
            raise ProgressStoreError(f"{source}: attempts[{i}] must be an object")
        try:
            attempts.append(Attempt.from_dict(record))
        except ValueError as exc:
            raise ProgressStoreError(f"{source}: attempts[{i}]: {exc}") from None
    return attempts


# --------------------------------------------------------------------------------------
# Stores
# --------------------------------------------------------------------------------------


def _export(attempts: list[Attempt]) -> str:
    """Self-describing JSON; ASCII-escaped so any answer (even lone surrogates) survives."""
    document = {
        "format": EXPORT_FORMAT,
        "version": SCHEMA_VERSION,
        "exported": _utc_now(),
        "attempts": [attempt.to_dict() for attempt in attempts],
    }
    return json.dumps(document, ensure_ascii=True, indent=1)


class ProgressStore:
    """Attempts in one SQLite file, safe against crashes and against concurrent notebooks."""

    path: Path | None
    #: The journal actually in use: ``"wal"`` normally, e.g. ``"delete"`` where WAL is impossible.
    journal_mode: str

    def __init__(self, path: str | os.PathLike[str], *, timeout: float = DEFAULT_TIMEOUT) -> None:
        """Open (creating if needed) the store; raises :class:`ProgressStoreError` if unusable.

        ``timeout`` is how long to wait for another writer holding the lock.
        """
        memory = os.fspath(path) == ":memory:"
        self.path = None if memory else Path(path)
        self.timeout = float(timeout)
        self._where = ":memory:" if self.path is None else str(self.path)
        self._conn: sqlite3.Connection | None = None
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

    def _describe(self, exc: BaseException) -> str:
        """Error text naming the file, with a hint when the file is not a database."""
        text = f"{self._where}: {exc}"
        if "not a database" in str(exc):
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
        self._check_ours(conn)
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
        version, tables = conn.execute(
            "SELECT (SELECT user_version FROM pragma_user_version), count(*) FROM sqlite_master"
        ).fetchone()
        if version == 0:
            if tables:
                raise ProgressStoreError(
                    f"{self._where}: is an SQLite database of another program, "
                    "not a skischool progress store (left untouched)"
                )
        elif version != SCHEMA_VERSION:
            raise ProgressStoreError(
                f"{self._where}: progress store has schema version {version}, this "
                f"skischool understands {SCHEMA_VERSION}; upgrade skischool "
                "(file left untouched)"
            )
        return version

    def _ensure_schema(self, conn: sqlite3.Connection) -> None:
        """Create the schema in a new, empty file; a no-op (and no lock) for existing stores."""
        if self._user_version(conn) == SCHEMA_VERSION:
            return
        conn.execute("BEGIN IMMEDIATE")  # another notebook may be creating it right now
        try:
            if self._check_ours(conn) == 0:
                for statement in _SCHEMA:
                    conn.execute(statement)
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
                conn.execute(f"INSERT INTO attempts ({_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?)", row)
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        except (sqlite3.Error, OSError, UnicodeError, ProgressStoreError) as exc:
            _warn(
                f"skischool: could not record attempt at {attempt.exercise!r} in "
                f"{self._describe(exc)}; the exercise still works"
            )

    # -- reading ------------------------------------------------------------------------

    def _query(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
        """Run a read, turning SQLite errors into :class:`ProgressStoreError` with the path."""
        try:
            return self._connection().execute(sql, params).fetchall()
        except self._sqlite3.Error as exc:
            raise ProgressStoreError(self._describe(exc)) from exc

    def attempts(self, exercise: str | None = None, *, learner: str | None = None) -> list[Attempt]:
        """Attempts oldest first, optionally for one exercise and/or one learner."""
        where, params = _filters(exercise, learner)
        rows = self._query(f"SELECT {_COLUMNS} FROM attempts{where} ORDER BY time, id", params)
        return [_attempt_from_row(row) for row in rows]

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

    def export_json(self) -> str:
        """All attempts as a JSON document, for download or collection at a workshop."""
        return _export(self.attempts())

    def import_attempts(self, attempts: list[Attempt]) -> int:
        """Add attempts (e.g. from :func:`parse_export`) in one transaction; returns how many.

        All or nothing: a failure part-way leaves the store as it was, and raises
        :class:`ProgressStoreError`.
        """
        try:
            rows = [_row(a) for a in attempts]
            conn = self._connection()
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.executemany(
                    f"INSERT INTO attempts ({_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?)", rows
                )
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        except (self._sqlite3.Error, UnicodeError) as exc:
            raise ProgressStoreError(self._describe(exc)) from exc
        return len(rows)

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
    if exercise is not None:
        clauses.append("exercise = ?")
        params.append(exercise)
    if learner is not None:
        clauses.append("learner = ?")
        params.append(learner)
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
    )


def _attempt_from_row(row: tuple[Any, ...]) -> Attempt:
    exercise, time, score, passed, met, total, kind, answer, learner = row
    if isinstance(answer, bytes):
        answer = answer.decode("utf-8", "surrogatepass")
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
    )


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

    def export_json(self) -> str:
        return _export([])

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
