"""Tests for the learner progress store: real SQLite files, real subprocesses, no mocks."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
import warnings
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from skischool.live.persist import MirroredStore
from skischool.progress import (
    ENV_VAR,
    EXPORT_VERSION,
    SCHEMA_VERSION,
    Attempt,
    NullStore,
    ProgressStore,
    ProgressStoreError,
    ProgressWarning,
    default_path,
    open_store,
    parse_export,
    read_export,
)

# Any ProgressWarning not expected via pytest.warns() means the store silently degraded.
pytestmark = pytest.mark.filterwarnings("error::skischool.progress.ProgressWarning")

WEIRD_ANSWERS = [
    "",
    "plain reply",
    "nul\x00in\x00the\x00middle\x00",
    "emoji 🎿⛷️🏔️ and 👩🏽‍💻, RTL ‏שלום‏, combining é",
    "lone surrogate \ud800 kept",
    "line\r\nbreaks\ttabs\x1b[31m escapes ' \" ; DROP TABLE attempts; --",
    "x" * 1_000_000 + "\x00end",
]

CHILD_TIMEOUT = 120


def make(exercise: str = "ex1", **overrides: object) -> Attempt:
    fields: dict[str, object] = {
        "exercise": exercise,
        "score": 75,
        "passed": True,
        "criteria_met": 3,
        "criteria_total": 4,
        "kind": "reply",
        "answer": "hello",
    }
    fields.update(overrides)
    return Attempt(**fields)  # type: ignore[arg-type]


def raw(path: Path) -> sqlite3.Connection:
    """An independent connection, to look at the file without the store's help."""
    return sqlite3.connect(path, timeout=30)


def run_child(code: str, *args: str) -> subprocess.Popen[str]:
    """Start a Python subprocess that treats any ProgressWarning as a failure."""
    return subprocess.Popen(
        [sys.executable, "-W", "error::UserWarning", "-c", textwrap.dedent(code), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "progress.sqlite3"


# -- Attempt ---------------------------------------------------------------------------


def test_attempt_dict_round_trip_and_fields() -> None:
    attempt = make(kind="choice", answer="b,d", learner="Ana", time="2024-05-01T09:30:00Z")
    data = attempt.to_dict()
    assert len(data["id"]) == 36 and data["id"] != make().id, "a fresh random id per attempt"
    assert data == {
        "exercise": "ex1",
        "time": "2024-05-01T09:30:00.000000+00:00",
        "score": 75,
        "passed": True,
        "criteria_met": 3,
        "criteria_total": 4,
        "kind": "choice",
        "answer": "b,d",
        "learner": "Ana",
        "id": attempt.id,
        "page": "",
    }
    assert Attempt.from_dict(data) == attempt
    assert Attempt.from_dict(json.loads(json.dumps(data))) == attempt
    # Unknown keys (from a newer export) are ignored; missing required ones are not.
    assert Attempt.from_dict({**data, "future_field": 1}) == attempt
    with pytest.raises(ValueError, match="not an attempt"):
        Attempt.from_dict({k: v for k, v in data.items() if k != "score"})


def test_attempt_defaults_time_now_utc_and_empty_learner() -> None:
    before = time.time()
    attempt = make()
    after = time.time()
    assert attempt.learner == ""
    assert attempt.time.endswith("+00:00")
    stamp = datetime.fromisoformat(attempt.time).timestamp()
    assert before - 1 <= stamp <= after + 1


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("2024-05-01T09:30:00Z", "2024-05-01T09:30:00.000000+00:00"),
        ("2024-05-01T11:30:00.500+02:00", "2024-05-01T09:30:00.500000+00:00"),
        ("2024-05-01T09:30:00.123456+00:00", "2024-05-01T09:30:00.123456+00:00"),
    ],
)
def test_attempt_time_normalised_to_utc(given: str, stored: str) -> None:
    assert make(time=given).time == stored


@pytest.mark.parametrize(
    "bad",
    [
        {"exercise": ""},
        {"score": 101},
        {"score": -1},
        {"score": 99.5},
        {"score": True},
        {"passed": 1},
        {"passed": "yes"},
        {"criteria_met": 5, "criteria_total": 4},
        {"criteria_met": -1},
        {"criteria_total": 4.0},
        {"kind": "essay"},
        {"answer": None},
        {"answer": b"bytes"},
        {"learner": None},
        {"time": "yesterday"},
        {"time": "2024-05-01T09:30:00"},  # naive: which zone?
    ],
)
def test_attempt_rejects_malformed(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        make(**bad)


# -- ProgressStore basics --------------------------------------------------------------


@pytest.mark.parametrize("answer", WEIRD_ANSWERS, ids=range(len(WEIRD_ANSWERS)))
def test_round_trip_every_field(db: Path, answer: str) -> None:
    attempt = make(
        "lesson-2/reply-to-troll 🎿",
        score=0,
        passed=False,
        criteria_met=0,
        criteria_total=7,
        kind="reply",
        answer=answer,
        learner="Zoë \U0001f600",
    )
    with open_store(db) as store:
        assert isinstance(store, ProgressStore)
        store.record(attempt)
        assert store.attempts() == [attempt]
    # And from a fresh connection, i.e. really on disk.
    with ProgressStore(db) as store:
        (back,) = store.attempts()
    assert back == attempt
    assert back.answer == answer and len(back.answer) == len(answer)
    assert type(back.passed) is bool and type(back.score) is int


def test_store_creates_parent_dirs_wal_and_schema_version(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "c" / "progress.sqlite3"
    with ProgressStore(path) as store:
        assert store.path == path
        assert store.journal_mode == "wal"
        store.record(make())
    conn = raw(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 4
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("SELECT count(*) FROM attempts").fetchone()[0] == 1
    conn.close()


def test_attempts_oldest_first_and_filters(db: Path) -> None:
    t = "2024-05-01T09:{:02d}:00+00:00"
    recorded = [
        make("b", time=t.format(30), answer="b-late"),
        make("a", time=t.format(10), answer="a-early", learner="Ana"),
        make("b", time=t.format(20), answer="b-early", learner="Ana"),
        make("a", time=t.format(40), answer="a-late"),
        # Same instant: ties keep recording order.
        make("a", time=t.format(40), answer="a-late-2"),
    ]
    with ProgressStore(db) as store:
        for attempt in recorded:
            store.record(attempt)
        answers = [a.answer for a in store.attempts()]
        assert answers == ["a-early", "b-early", "b-late", "a-late", "a-late-2"]
        assert [a.answer for a in store.attempts("a")] == ["a-early", "a-late", "a-late-2"]
        assert [a.answer for a in store.attempts(exercise="b")] == ["b-early", "b-late"]
        assert [a.answer for a in store.attempts(learner="Ana")] == ["a-early", "b-early"]
        assert [a.answer for a in store.attempts("a", learner="Ana")] == ["a-early"]
        assert store.attempts("nope") == []


def test_summary(db: Path) -> None:
    t = "2024-05-01T10:{:02d}:00+00:00"
    with ProgressStore(db) as store:
        assert store.summary() == {}
        store.record(make("intro", time=t.format(1), score=40, passed=False))
        store.record(make("intro", time=t.format(2), score=90, passed=True))
        store.record(make("intro", time=t.format(3), score=60, passed=False, learner="Bo"))
        store.record(make("troll", time=t.format(4), score=10, passed=False, kind="choice"))
        summary = store.summary()
        assert list(summary) == ["intro", "troll"]  # in the order first attempted
        assert summary == {
            "intro": {
                "attempts": 3,
                "best_score": 90,
                "passed": True,
                "last_time": "2024-05-01T10:03:00.000000+00:00",
            },
            "troll": {
                "attempts": 1,
                "best_score": 10,
                "passed": False,
                "last_time": "2024-05-01T10:04:00.000000+00:00",
            },
        }
        assert store.summary(learner="Bo") == {
            "intro": {
                "attempts": 1,
                "best_score": 60,
                "passed": False,
                "last_time": "2024-05-01T10:03:00.000000+00:00",
            }
        }


def test_export_json_parses_and_round_trips(db: Path) -> None:
    with ProgressStore(db) as store:
        for i, answer in enumerate(WEIRD_ANSWERS):
            store.record(make(f"ex{i % 3}", answer=answer, learner="Ana"))
        document = json.loads(store.export_json())
        expected = store.attempts()
    assert document["format"] == "skischool-progress"
    assert document["version"] == EXPORT_VERSION == 1
    assert document["exported"].endswith("+00:00")
    assert [Attempt.from_dict(item) for item in document["attempts"]] == expected
    assert len(expected) == len(WEIRD_ANSWERS)


def test_memory_store_works_without_wal() -> None:
    """``:memory:`` cannot use WAL: the store must fall back to the journal it gets."""
    with ProgressStore(":memory:") as store:
        assert store.path is None
        assert store.journal_mode != "wal"
        store.record(make())
        assert len(store.attempts()) == 1


def test_each_record_is_committed_immediately(db: Path) -> None:
    with ProgressStore(db) as store:
        store.record(make(answer="first"))
        # Visible to another connection while the store is still open: committed.
        conn = raw(db)
        assert conn.execute("SELECT count(*) FROM attempts").fetchone()[0] == 1
        store.record(make(answer="second"))
        assert conn.execute("SELECT count(*) FROM attempts").fetchone()[0] == 2
        conn.close()


def test_record_rejects_non_attempt(db: Path) -> None:
    with ProgressStore(db) as store, pytest.raises(TypeError):
        store.record({"exercise": "ex1"})  # type: ignore[arg-type]


def test_import_is_light() -> None:
    code = (
        "import sys, skischool.progress\n"
        "heavy = {'sqlite3', '_sqlite3', 'threading', 'yaml', 'ipywidgets'} & set(sys.modules)\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=CHILD_TIMEOUT)


def test_missing_sqlite3_degrades_to_warning(tmp_path: Path) -> None:
    """As in Pyodide before the sqlite3 package is loaded: warn, record nothing, go on."""
    code = """
import sys, warnings
sys.modules["sqlite3"] = None  # makes `import sqlite3` raise ImportError
from skischool.progress import Attempt, NullStore, ProgressWarning, open_store
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    store = open_store(sys.argv[1])
    store.record(Attempt(exercise="ex", score=1, passed=False, criteria_met=0,
                         criteria_total=1, kind="reply", answer="a"))
assert isinstance(store, NullStore), store
assert len(caught) == 1 and caught[0].category is ProgressWarning, caught
print(caught[0].message)
"""
    path = tmp_path / "sub" / "progress.sqlite3"
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert str(path) in done.stdout and "sqlite3 module is not available" in done.stdout
    assert not (tmp_path / "sub").exists()


# -- location and the off switch -------------------------------------------------------


def test_default_path_env_var(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    target = tmp_path / "mine.db"
    monkeypatch.setenv(ENV_VAR, str(target))
    assert default_path() == target
    store = open_store()
    assert isinstance(store, ProgressStore) and store.path == target
    store.record(make())
    store.close()
    assert target.is_file()
    with ProgressStore(target) as again:
        assert len(again.attempts()) == 1


def test_default_path_env_var_expands_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv(ENV_VAR, "~/ski/progress.db")
    assert default_path() == tmp_path / "ski" / "progress.db"


def test_default_path_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    expected = tmp_path / "xdg" / "skischool" / "progress.sqlite3"
    assert default_path() == expected
    with open_store() as store:
        store.record(make())
    assert expected.is_file()


def test_default_path_home_fallback(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    expected = tmp_path / ".local" / "share" / "skischool" / "progress.sqlite3"
    assert default_path() == expected
    monkeypatch.setenv("XDG_DATA_HOME", "relative/dir")  # invalid per XDG spec: ignored
    assert default_path() == expected
    monkeypatch.setenv(ENV_VAR, "")  # empty means unset
    assert default_path() == expected


@pytest.mark.parametrize("value", ["off", "OFF", "0", "false", "False", "none", " None "])
def test_off_switch(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, value: str) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv(ENV_VAR, value)
    assert default_path() is None
    with open_store() as store:
        assert isinstance(store, NullStore)
        store.record(make())
        assert store.attempts() == []
        assert store.attempts("ex1") == []
        assert store.summary() == {}
        assert json.loads(store.export_json())["attempts"] == []
    assert list(tmp_path.rglob("*")) == []  # nothing written anywhere


def test_explicit_path_wins_over_off_switch(monkeypatch: pytest.MonkeyPatch, db: Path) -> None:
    monkeypatch.setenv(ENV_VAR, "off")
    with open_store(db) as store:
        assert isinstance(store, ProgressStore)
        store.record(make())
        assert len(store.attempts()) == 1


def test_null_store_still_rejects_non_attempts() -> None:
    with pytest.raises(TypeError):
        NullStore().record("not an attempt")  # type: ignore[arg-type]


# -- crashes ----------------------------------------------------------------------------

CRASH_IN_TRANSACTION = """
import os, sys
from skischool.progress import Attempt, ProgressStore

path, n = sys.argv[1], int(sys.argv[2])
store = ProgressStore(path)
for i in range(n):
    store.record(Attempt(exercise="ex", score=i % 101, passed=True, criteria_met=1,
                         criteria_total=1, kind="reply", answer=f"committed-{i}"))
conn = store._conn
conn.execute("PRAGMA cache_size = 2")  # spill uncommitted pages to disk before COMMIT
conn.execute("BEGIN IMMEDIATE")
for j in range(8):
    conn.execute(
        "INSERT INTO attempts (exercise, time, score, passed, criteria_met, criteria_total,"
        " kind, answer) VALUES ('ex', '2024-01-01T00:00:00.000000+00:00', 1, 0, 0, 1,"
        " 'reply', ?)",
        (os.urandom(1_000_000),),
    )
os._exit(9)  # die inside the open transaction: no rollback, no close, no checkpoint
"""


def test_crash_inside_open_transaction_loses_nothing_committed(db: Path) -> None:
    n = 25
    child = run_child(CRASH_IN_TRANSACTION, str(db), str(n))
    _out, err = child.communicate(timeout=CHILD_TIMEOUT)
    assert child.returncode == 9, err
    # The uncommitted megabytes really reached the disk (WAL) before the crash.
    wal = db.with_name(db.name + "-wal")
    assert wal.stat().st_size > 2_000_000
    conn = raw(db)
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    conn.close()
    with ProgressStore(db) as store:
        assert [a.answer for a in store.attempts()] == [f"committed-{i}" for i in range(n)]
        store.record(make(answer="after the crash"))
        assert store.attempts()[-1].answer == "after the crash"
        assert len(store.attempts()) == n + 1


KEEP_WRITING = """
import sys
from skischool.progress import Attempt, ProgressStore

store = ProgressStore(sys.argv[1])
i = 0
while True:
    store.record(Attempt(exercise="ex", score=50, passed=False, criteria_met=0,
                         criteria_total=2, kind="reply",
                         answer=f"{i}:" + "\\x00🎿" * 40_000))
    print(i, flush=True)
    i += 1
"""


def test_sigkill_while_writing(db: Path) -> None:
    child = run_child(KEEP_WRITING, str(db))
    assert child.stdout is not None
    confirmed = -1
    deadline = time.monotonic() + CHILD_TIMEOUT
    while confirmed < 40 and time.monotonic() < deadline:
        line = child.stdout.readline()
        assert line, child.stderr.read() if child.stderr else ""
        confirmed = int(line)
    os.kill(child.pid, signal.SIGKILL)
    out, _ = child.communicate(timeout=CHILD_TIMEOUT)
    assert child.returncode == -signal.SIGKILL
    for line in out.split():
        confirmed = int(line)
    conn = raw(db)
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    conn.close()
    with ProgressStore(db) as store:
        answers = [a.answer for a in store.attempts()]
        indices = [int(a.split(":", 1)[0]) for a in answers]
        # Every confirmed attempt is there, complete; at most the in-flight one besides.
        assert indices == list(range(len(indices)))
        assert confirmed + 1 <= len(indices) <= confirmed + 2
        assert all(a.endswith("\x00🎿" * 40_000) and len(a) > 80_000 for a in answers)
        store.record(make(answer="still writable"))
        assert store.attempts()[-1].answer == "still writable"


# -- concurrency ------------------------------------------------------------------------

WRITER = """
import os, sys, time
from skischool.progress import Attempt, ProgressStore

path, who, n, go = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
while not os.path.exists(go):  # start together, on a file none of us has created yet
    time.sleep(0.001)
with ProgressStore(path) as store:
    for i in range(n):
        store.record(Attempt(exercise=f"ex{i % 5}", score=i % 101, passed=i % 2 == 0,
                             criteria_met=0, criteria_total=3, kind="choice",
                             answer=f"{who}:{i}", learner=who))
print("done", flush=True)
"""


def test_concurrent_writers_all_succeed(tmp_path: Path) -> None:
    db = tmp_path / "shared" / "progress.sqlite3"
    go = tmp_path / "go"
    writers, n = 4, 200
    children = [run_child(WRITER, str(db), f"w{k}", str(n), str(go)) for k in range(writers)]
    time.sleep(0.3)  # let every interpreter start and wait at the barrier
    go.touch()
    for child in children:
        out, err = child.communicate(timeout=CHILD_TIMEOUT)
        assert child.returncode == 0, err
        assert out.strip() == "done"
        assert err == ""  # in particular no ProgressWarning (they would be errors anyway)
    with ProgressStore(db) as store:
        attempts = store.attempts()
        answers = [a.answer for a in attempts]
        assert len(answers) == writers * n
        assert sorted(answers) == sorted(f"w{k}:{i}" for k in range(writers) for i in range(n))
        for k in range(writers):
            mine = [int(a.answer.split(":")[1]) for a in store.attempts(learner=f"w{k}")]
            assert mine == list(range(n))  # each writer's own attempts in its order
        assert sum(s["attempts"] for s in store.summary().values()) == writers * n
    conn = raw(db)
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    conn.close()


# -- unusable locations ------------------------------------------------------------------


def test_unwritable_location_degrades_to_warning(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where a directory should be")
    path = blocker / "skischool" / "progress.sqlite3"
    with pytest.warns(ProgressWarning, match=str(path)) as caught:
        store = open_store(path)
    assert isinstance(store, NullStore)
    assert "progress will not be recorded" in str(caught[0].message)
    store.record(make())  # the exercise keeps working
    assert store.attempts() == []
    assert blocker.read_text() == "a file where a directory should be"


def test_path_is_a_directory_degrades_to_warning(tmp_path: Path) -> None:
    with pytest.warns(ProgressWarning, match=str(tmp_path)):
        store = open_store(tmp_path)
    assert isinstance(store, NullStore)


READ_ONLY_PROBE = """
import sys, warnings
from skischool.progress import NullStore, open_store, Attempt
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    store = open_store(sys.argv[1])
    store.record(Attempt(exercise="e", score=1, passed=False, criteria_met=0, criteria_total=1, kind="reply", answer="x"))
print(type(store).__name__, any(sys.argv[1] in str(w.message) for w in caught))
"""


def test_read_only_directory_degrades_to_warning(tmp_path: Path) -> None:
    """As root permissions are not enforced, so the probe runs as the unprivileged 'nobody'."""
    if os.geteuid() != 0:
        locked = tmp_path / "locked"
        locked.mkdir()
        locked.chmod(0o500)
        try:
            with pytest.warns(ProgressWarning, match=str(locked)):
                store = open_store(locked / "progress.sqlite3")
            store.record(make())
        finally:
            locked.chmod(0o700)
        return
    import shutil
    import tempfile

    setpriv = shutil.which("setpriv")
    assert setpriv, "setpriv (util-linux) is needed to test as an unprivileged user"
    base = Path(tempfile.mkdtemp(prefix="skischool-ro-"))
    try:
        base.chmod(0o755)
        # The checkout may sit in a private folder (mode 0700, as under /root or a home), which
        # 'nobody' cannot enter: copy the package somewhere readable and use a system Python.
        package = Path(__file__).resolve().parent.parent / "src" / "skischool"
        shutil.copytree(
            package, base / "src" / "skischool", ignore=shutil.ignore_patterns("__pycache__")
        )
        for folder in [base / "src", *(base / "src").rglob("*")]:
            folder.chmod(0o755 if folder.is_dir() else 0o644)
        python = next(
            (p for p in ("/usr/bin/python3", "/usr/local/bin/python3") if os.access(p, os.X_OK)),
            sys.executable,
        )
        locked = base / "locked"
        locked.mkdir(mode=0o555)
        target = locked / "progress.sqlite3"
        proc = subprocess.run(
            [
                setpriv,
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                python,
                "-s",
                "-c",
                READ_ONLY_PROBE,
                str(target),
            ],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "HOME": str(base), "PYTHONPATH": str(base / "src")},
            cwd=base,
        )
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.split() == ["NullStore", "True"], proc.stdout + proc.stderr
        assert not target.exists()
    finally:
        shutil.rmtree(base, ignore_errors=True)


def test_write_failure_after_open_warns_and_recovers(db: Path) -> None:
    """Another notebook holding the write lock too long: warn, don't raise, keep going."""
    store = ProgressStore(db, timeout=0.2)
    store.record(make(answer="before"))
    blocker = raw(db)
    blocker.execute("BEGIN EXCLUSIVE")
    with pytest.warns(ProgressWarning, match=rf"could not record attempt.*{db.name}.*locked"):
        store.record(make(answer="blocked"))
    blocker.rollback()
    blocker.close()
    store.record(make(answer="after"))
    assert [a.answer for a in store.attempts()] == ["before", "after"]
    store.close()


def test_record_after_close_warns(db: Path) -> None:
    store = ProgressStore(db)
    store.close()
    store.close()  # idempotent
    with pytest.warns(ProgressWarning, match="closed"):
        store.record(make())
    with pytest.raises(ProgressStoreError, match="closed"):
        store.attempts()


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def test_corrupt_file_left_untouched_and_reported(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite3"
    garbage = bytes(range(256)) * 64 + b"definitely not SQLite"
    path.write_bytes(garbage)
    before = _snapshot(tmp_path)
    with pytest.warns(ProgressWarning, match=rf"{path}.*not a database.*untouched") as caught:
        store = open_store(path)
    assert len(caught) == 1
    assert isinstance(store, NullStore)
    store.record(make())
    with pytest.raises(ProgressStoreError, match="not a database"):
        ProgressStore(path)
    assert _snapshot(tmp_path) == before  # same bytes, no journal/WAL files created
    assert path.read_bytes() == garbage


def test_other_programs_database_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    conn = raw(path)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.execute("INSERT INTO notes VALUES ('keep me')")
    conn.commit()
    conn.close()
    before = _snapshot(tmp_path)
    with pytest.warns(ProgressWarning, match=rf"{path}.*another program"):
        store = open_store(path)
    assert isinstance(store, NullStore)
    assert _snapshot(tmp_path) == before


def test_newer_schema_version_refused(db: Path) -> None:
    with ProgressStore(db) as store:
        store.record(make())
    conn = raw(db)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.warns(ProgressWarning, match=rf"{db}.*schema version 99"):
        store = open_store(db)
    assert isinstance(store, NullStore)
    conn = raw(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 99
    assert conn.execute("SELECT count(*) FROM attempts").fetchone()[0] == 1
    conn.close()


def test_no_warning_on_the_happy_path(db: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with open_store(db) as store:
            store.record(make())
        with open_store(db) as store:
            assert len(store.attempts()) == 1


# -- export, parse_export, import_attempts ----------------------------------------------


def test_export_parse_import_round_trip(tmp_path: Path) -> None:
    """A learner's export read back into a fresh store gives the very same attempts."""
    t = "2024-05-01T09:{:02d}:00+00:00"
    with ProgressStore(tmp_path / "a.sqlite3") as store:
        for i, answer in enumerate(WEIRD_ANSWERS):
            store.record(
                make(
                    f"ex{i % 3}",
                    answer=answer,
                    learner=["", "Ana", "Zoë \U0001f600"][i % 3],
                    kind=["reply", "choice"][i % 2],
                    time=t.format(i),
                    score=i * 10,
                    passed=i % 2 == 0,
                )
            )
        original = store.attempts()
        summary = store.summary()
        export = store.export_json()
    parsed = parse_export(export, source="a.json")
    assert parsed == original
    assert len(parsed) == len(WEIRD_ANSWERS)
    assert [a.answer for a in parsed] == WEIRD_ANSWERS  # NUL, emoji, lone surrogate, 1 MB
    with ProgressStore(tmp_path / "b.sqlite3") as fresh:
        assert fresh.import_attempts(parsed) == len(WEIRD_ANSWERS)
        assert fresh.attempts() == original
        assert fresh.summary() == summary
    # Committed: a new connection sees them, and exports the same attempts again.
    with ProgressStore(tmp_path / "b.sqlite3") as again:
        assert again.attempts() == original
        assert parse_export(again.export_json()) == original
    with ProgressStore(":memory:") as memory:
        assert memory.import_attempts(parsed) == len(WEIRD_ANSWERS)
        assert memory.attempts() == original


def test_import_adds_to_existing_attempts(db: Path) -> None:
    with ProgressStore(db) as store:
        store.record(make("b", time="2024-05-01T10:00:00Z", answer="already here"))
        imported = [
            make("a", time="2024-05-01T09:00:00Z", answer="earlier"),
            make("c", time="2024-05-01T11:00:00Z", answer="later"),
        ]
        assert store.import_attempts(imported) == 2
        assert [a.answer for a in store.attempts()] == ["earlier", "already here", "later"]
        assert store.import_attempts([]) == 0
        assert len(store.attempts()) == 3


def test_parse_empty_export() -> None:
    assert parse_export(NullStore().export_json()) == []
    with ProgressStore(":memory:") as store:
        assert parse_export(store.export_json()) == []


def test_parse_export_ignores_unknown_fields() -> None:
    """Newer exports may carry more fields; the attempts still load."""
    attempt = make(answer="x", time="2024-05-01T09:00:00Z")
    document = {
        "format": "skischool-progress",
        "version": EXPORT_VERSION,
        "exported": "2024-05-02T00:00:00+00:00",
        "device": "phone",
        "attempts": [{**attempt.to_dict(), "future_field": [1, 2]}],
    }
    assert parse_export(json.dumps(document)) == [attempt]


def _export_doc(**changes: object) -> dict[str, object]:
    document: dict[str, object] = {
        "format": "skischool-progress",
        "version": EXPORT_VERSION,
        "exported": "2024-05-02T00:00:00+00:00",
        "attempts": [make(time="2024-05-01T09:00:00Z").to_dict()],
    }
    document.update(changes)
    return document


def _with_attempt(**changes: object) -> str:
    record = {**make(time="2024-05-01T09:00:00Z").to_dict(), **changes}
    return json.dumps(_export_doc(attempts=[make().to_dict(), record]))


def _without_field(name: str) -> str:
    record = make(time="2024-05-01T09:00:00Z").to_dict()
    del record[name]
    return json.dumps(_export_doc(attempts=[record]))


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        pytest.param("not json at all", "is not JSON", id="not-json"),
        pytest.param("", "is not JSON", id="empty"),
        pytest.param('{"format": "skischool-progress", ', "is not JSON", id="truncated"),
        pytest.param(None, "is not JSON", id="none"),
        pytest.param("[]", 'expected an object with "format": "skischool-progress"', id="list"),
        pytest.param(
            json.dumps(_export_doc(format="skischool-live-catalogue")),
            "is not a skischool progress export",
            id="wrong-format",
        ),
        pytest.param(
            json.dumps({k: v for k, v in _export_doc().items() if k != "format"}),
            "is not a skischool progress export",
            id="no-format",
        ),
        pytest.param(
            json.dumps(_export_doc(version=2)),
            f"export version 2, this skischool understands {EXPORT_VERSION}",
            id="newer-version",
        ),
        pytest.param(json.dumps(_export_doc(version="1")), "export version '1'", id="version-str"),
        pytest.param(
            json.dumps({k: v for k, v in _export_doc().items() if k != "version"}),
            "export version None",
            id="no-version",
        ),
        pytest.param(
            json.dumps(_export_doc(version=True)),
            "export version True",
            id="version-bool",
        ),
        pytest.param(
            json.dumps(_export_doc(attempts={"0": {}})),
            'field "attempts" must be a list',
            id="attempts-object",
        ),
        pytest.param(
            json.dumps({k: v for k, v in _export_doc().items() if k != "attempts"}),
            'field "attempts" must be a list',
            id="no-attempts",
        ),
        pytest.param(
            json.dumps(_export_doc(attempts=[make().to_dict(), "ex1,75"])),
            "attempts[1] must be an object",
            id="attempt-not-object",
        ),
        pytest.param(
            _with_attempt(score=101),
            "attempts[1]: score must be between 0 and 100, got 101",
            id="score-too-high",
        ),
        pytest.param(
            _with_attempt(score="75"), "attempts[1]: score must be an int", id="score-str"
        ),
        pytest.param(
            _with_attempt(score=7.5), "attempts[1]: score must be an int", id="score-float"
        ),
        pytest.param(_with_attempt(kind="essay"), "attempts[1]: kind must be one of", id="kind"),
        pytest.param(_with_attempt(time="yesterday"), "attempts[1]: time is not ISO", id="time"),
        pytest.param(_with_attempt(answer=None), "attempts[1]: answer must be a str", id="answer"),
        pytest.param(
            _without_field("score"), "attempts[0]: not an attempt record", id="missing-score"
        ),
    ],
)
def test_parse_export_errors_name_source_and_problem(text: str | None, problem: str) -> None:
    with pytest.raises(ProgressStoreError) as caught:
        parse_export(text, source="handed-in/ana.json")  # type: ignore[arg-type]
    message = str(caught.value)
    assert message.startswith("handed-in/ana.json: "), message
    assert problem in message, message


def test_parse_export_default_source_is_named() -> None:
    with pytest.raises(ProgressStoreError, match=r"^progress file: is not JSON"):
        parse_export("{")


def test_import_is_all_or_nothing(db: Path) -> None:
    """A row refused part-way through rolls back the rows before it, and the store goes on."""
    with ProgressStore(db) as store:
        store.record(make(answer="kept", time="2024-05-01T08:00:00Z"))
        # Another program's trigger refuses one row: a real failure inside the transaction,
        # after the first rows were already inserted.
        conn = raw(db)
        conn.execute(
            "CREATE TRIGGER refuse BEFORE INSERT ON attempts WHEN NEW.exercise = 'boom' "
            "BEGIN SELECT RAISE(ABORT, 'refused by trigger'); END"
        )
        conn.commit()
        batch = [
            make("a", answer="one", time="2024-05-01T09:00:00Z"),
            make("b", answer="two", time="2024-05-01T09:01:00Z"),
            make("boom", answer="three", time="2024-05-01T09:02:00Z"),
            make("c", answer="four", time="2024-05-01T09:03:00Z"),
        ]
        with pytest.raises(ProgressStoreError, match=rf"{db}.*refused by trigger"):
            store.import_attempts(batch)
        assert [a.answer for a in store.attempts()] == ["kept"]
        assert conn.execute("SELECT count(*) FROM attempts").fetchone()[0] == 1
        # Not stuck in a transaction: the store still records and imports.
        conn.execute("DROP TRIGGER refuse")
        conn.commit()
        conn.close()
        store.record(make(answer="after", time="2024-05-01T10:00:00Z"))
        assert store.import_attempts(batch) == 4
        assert len(store.attempts()) == 6


def test_import_while_locked_raises_and_adds_nothing(db: Path) -> None:
    store = ProgressStore(db, timeout=0.2)
    store.record(make(answer="before"))
    blocker = raw(db)
    blocker.execute("BEGIN EXCLUSIVE")
    with pytest.raises(ProgressStoreError, match=rf"{db}.*locked"):
        store.import_attempts([make(answer="x"), make(answer="y")])
    blocker.rollback()
    blocker.close()
    assert [a.answer for a in store.attempts()] == ["before"]
    store.close()


def test_import_after_close_raises(db: Path) -> None:
    store = ProgressStore(db)
    store.close()
    with pytest.raises(ProgressStoreError, match="closed"):
        store.import_attempts([make()])
    with ProgressStore(db) as again:
        assert again.attempts() == []


def test_null_store_import_drops_everything() -> None:
    store = NullStore()
    assert store.import_attempts([make(), make("ex2")]) == 0
    assert store.attempts() == [] and store.summary() == {}
    assert parse_export(store.export_json()) == []


# -- hostile exports: a located error, never a traceback -------------------------------------


def _export_text(*records: dict[str, object]) -> str:
    return json.dumps(_export_doc(attempts=list(records)))


def _record(**changes: object) -> dict[str, object]:
    return {**make(time="2024-05-01T09:00:00Z").to_dict(), **changes}


DEEP = 100_000

HOSTILE_EXPORTS = [
    pytest.param(
        _export_text(_record(time="99999-01-01T00:00:00Z")),
        "attempts[0]: time is not ISO-8601",
        id="year-99999",
    ),
    pytest.param(
        _export_text(_record(), _record(time="9999-12-31T23:00:00-05:00")),
        "attempts[1]: time is out of range",
        id="year-10000-in-utc",
    ),
    pytest.param(
        _export_text(_record(time="0001-01-01T00:00:00+01:00")),
        "attempts[0]: time is out of range",
        id="year-0-in-utc",
    ),
    pytest.param(
        _export_text(_record(time=1e300)), "time must be an ISO-8601 string, got float", id="1e300"
    ),
    pytest.param(
        _export_text(_record(time=-(10**400))), "time must be an ISO-8601 string", id="-10**400"
    ),
    pytest.param(
        _export_text(_record(time=float("nan"))), "time must be an ISO-8601 string", id="time-NaN"
    ),
    pytest.param(
        _export_text(_record(score=float("inf"))), "score must be an int, got inf", id="Infinity"
    ),
    pytest.param(
        _export_text(_record(score=float("nan"))), "score must be an int, got nan", id="score-NaN"
    ),
    pytest.param(
        _export_text(_record(criteria_total=10**30)),
        "criteria_total <= 10000",
        id="huge-total",
    ),
    pytest.param(
        _export_text(_record(criteria_met=-(10**30))), "0 <= criteria_met", id="huge-negative"
    ),
    pytest.param(
        '{"format": "skischool-progress", "version": 1, "attempts": [{"score": 1'
        + "0" * 5000
        + "}]}",
        "is not JSON",
        id="5000-digit-int",
    ),
    pytest.param("[" * DEEP + "]" * DEEP, "JSON nested too deeply", id="deep-top"),
    pytest.param(
        '{"format": "skischool-progress", "version": 1, "attempts": ['
        + "[" * DEEP
        + "]" * DEEP
        + "]}",
        "JSON nested too deeply",
        id="deep-inside",
    ),
    pytest.param(
        _export_text(_record(exercise=json.loads("[" * 500 + "]" * 500))),
        "attempts[0]: exercise must be a non-empty str, got [[[...]]]",
        id="500-deep-field",
    ),
    pytest.param(_export_text(_record(id=5)), "attempts[0]: id must be a str", id="id-int"),
    pytest.param(
        _export_text(_record(id="x" * 101)), "id must be a str of at most 100", id="id-long"
    ),
    pytest.param(
        _export_text(_record(kind="k" * 1_000_000)), "attempts[0]: kind must be one of", id="1MB"
    ),
]


@pytest.mark.parametrize(("text", "problem"), HOSTILE_EXPORTS)
def test_parse_export_hostile_documents_give_located_errors(text: str, problem: str) -> None:
    with pytest.raises(ProgressStoreError) as caught:
        parse_export(text, source="handed-in/bo.json")
    message = str(caught.value)
    assert message.startswith("handed-in/bo.json: "), message
    assert problem in message, message
    assert len(message) < 400, "a hostile value is shown shortened"


@pytest.mark.parametrize(("text", "problem"), [HOSTILE_EXPORTS[i] for i in (0, 1, 3, 6, 8, 11, 12)])
def test_browser_store_sets_a_hostile_mirror_aside(tmp_path: Path, text: str, problem: str) -> None:
    mirror = tmp_path / "drive" / "progress.json"
    mirror.parent.mkdir()
    mirror.write_text(text, encoding="ascii")
    store = MirroredStore(mirror)  # no traceback, and (as before) no warning: see restore_problem
    assert store.restore_problem.startswith(f"{mirror}: "), store.restore_problem
    assert problem in store.restore_problem
    assert "(kept as progress.json.damaged)" in store.restore_problem
    assert mirror.with_name("progress.json.damaged").read_text(encoding="ascii") == text
    assert not mirror.exists()
    attempt = make(answer="after the damage")
    store.record(attempt)
    assert MirroredStore(mirror).attempts() == [attempt]


def test_second_damaged_mirror_does_not_replace_the_first(tmp_path: Path) -> None:
    mirror = tmp_path / "progress.json"
    mirror.write_text("first damage", encoding="utf-8")
    assert "kept as progress.json.damaged)" in MirroredStore(mirror).restore_problem
    mirror.write_text("second damage", encoding="utf-8")
    assert "kept as progress.json.damaged-2)" in MirroredStore(mirror).restore_problem
    assert mirror.with_name("progress.json.damaged").read_text() == "first damage"
    assert mirror.with_name("progress.json.damaged-2").read_text() == "second damage"


# -- lone surrogates in every text field --------------------------------------------------------


def test_lone_surrogates_in_text_fields_are_saved_and_round_trip(tmp_path: Path) -> None:
    attempt = make("ex-\ud800", learner="Ana \udfff", answer="kept \ud800 exactly")
    assert (attempt.exercise, attempt.learner) == ("ex-\ufffd", "Ana \ufffd")
    with ProgressStore(tmp_path / "a.sqlite3") as store:
        store.record(attempt)  # before: a ProgressWarning, and the attempt was lost
        assert store.attempts() == [attempt]
        assert store.attempts("ex-\ud800", learner="Ana \udfff") == [attempt]
        export = store.export_json()
    assert export.isascii()
    (back,) = parse_export(export)
    assert back == attempt and back.answer == "kept \ud800 exactly"
    with ProgressStore(tmp_path / "b.sqlite3") as other:
        assert other.import_attempts([back]) == 1
        assert other.attempts() == [attempt]
    # A hand-made export with surrogates everywhere (escaped, as JSON allows) imports too.
    text = _export_text(_record(exercise="\ud83d", learner="\udc00", id="id-\ud800"))
    (odd,) = parse_export(text)
    assert (odd.exercise, odd.learner, odd.id) == ("\ufffd", "\ufffd", "id-\ufffd")
    with ProgressStore(":memory:") as memory:
        assert memory.import_attempts([odd]) == 1
        assert memory.attempts() == [odd]


def test_browser_store_keeps_an_attempt_with_a_lone_surrogate(tmp_path: Path) -> None:
    mirror = tmp_path / "progress.json"
    attempt = make(learner="Zo\ud800", answer="\udfff")
    MirroredStore(mirror).record(attempt)
    again = MirroredStore(mirror)
    assert again.restore_problem == ""
    assert again.attempts() == [attempt]
    assert parse_export(again.export_json()) == [attempt]


# -- a damaged store file ----------------------------------------------------------------------


def _store_with_pages(path: Path, n: int) -> list[Attempt]:
    with ProgressStore(path) as store:
        store.import_attempts([make(f"ex{i % 7}", answer=f"{i}:" + "x" * 400) for i in range(n)])
        attempts = store.attempts()
    assert not path.with_name(path.name + "-wal").exists(), "closing checkpointed the WAL"
    return attempts


def test_corruption_in_the_middle_is_noticed_and_set_aside(db: Path) -> None:
    _store_with_pages(db, 400)
    size = db.stat().st_size
    page = 4096
    assert size // page > 40, "several pages of attempts"
    data = bytearray(db.read_bytes())
    middle = (size // page // 2) * page
    data[middle : middle + page] = bytes(range(256)) * (page // 256)
    db.write_bytes(bytes(data))
    damaged = db.read_bytes()
    # SQLite itself opens it without complaint: only a query touching the page would fail.
    conn = raw(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()
    with pytest.warns(ProgressWarning, match=rf"{db} is damaged \(.*kept as {db}.damaged"):
        store = open_store(db)
    assert isinstance(store, ProgressStore)
    assert store.damaged_copy == db.with_name(db.name + ".damaged")
    assert store.damaged_copy.read_bytes() == damaged, "kept byte for byte"
    assert store.attempts() == []
    store.record(make(answer="fresh"))
    store.close()
    with ProgressStore(db) as again:  # sound now: no warning (they are errors here)
        assert [a.answer for a in again.attempts()] == ["fresh"]


def test_sound_store_passes_the_check(db: Path) -> None:
    attempts = _store_with_pages(db, 50)
    with ProgressStore(db) as store:
        assert store.damaged_copy is None
        assert store.attempts() == attempts
    assert sorted(p.name for p in db.parent.iterdir()) == [db.name]


# -- stable identity: idempotent imports, migration --------------------------------------------


def test_importing_the_same_export_twice_adds_nothing(tmp_path: Path) -> None:
    with ProgressStore(tmp_path / "a.sqlite3") as store:
        for i in range(5):
            store.record(make(f"ex{i}", answer=str(i)))
        export = store.export_json()
    with ProgressStore(tmp_path / "b.sqlite3") as other:
        other.record(make(answer="already there"))
        assert other.import_attempts(parse_export(export)) == 5
        assert other.import_attempts(parse_export(export)) == 0
        assert len(other.attempts()) == 6
    with ProgressStore(tmp_path / "b.sqlite3") as other:
        assert other.import_attempts(parse_export(export)) == 0
        assert len(other.attempts()) == 6


def test_export_without_ids_gets_stable_derived_ids(tmp_path: Path) -> None:
    """Exports from before ids: importing one twice still adds its attempts once."""
    document = json.loads(_export_text(_record(answer="a"), _record(answer="b")))
    for record in document["attempts"]:
        del record["id"]
    old = json.dumps(document)
    first, second = parse_export(old), parse_export(old)
    assert [a.id for a in first] == [a.id for a in second]
    assert first[0].id != first[1].id
    with ProgressStore(tmp_path / "b.sqlite3") as store:
        assert store.import_attempts(first) == 2
        assert store.import_attempts(second) == 0
        assert parse_export(store.export_json()) == first  # and now the ids travel


def test_recording_the_same_attempt_twice_keeps_one(db: Path) -> None:
    attempt = make()
    with ProgressStore(db) as store:
        store.record(attempt)
        store.record(attempt)
        store.record(make())  # equal content, but a new attempt
        assert len(store.attempts()) == 2


#: The schema of version 1, exactly as the first release created it.
SCHEMA_V1 = (
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


def test_version_1_store_is_migrated_and_its_old_export_imports_once(db: Path) -> None:
    rows = [
        ("ex1", "2024-05-01T09:00:00.000000+00:00", 50, 0, 1, 3, "reply", "a\x00\ud800", "Ana"),
        ("ex2", "2024-05-01T09:01:00.000000+00:00", 100, 1, 2, 2, "choice", "b,c", ""),
        # The same row twice: what importing an export twice used to do.
        ("ex1", "2024-05-01T09:02:00.000000+00:00", 75, 1, 3, 4, "reply", "dup", "Ana"),
        ("ex1", "2024-05-01T09:02:00.000000+00:00", 75, 1, 3, 4, "reply", "dup", "Ana"),
    ]
    conn = raw(db)
    for statement in SCHEMA_V1:
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    conn.executemany(
        "INSERT INTO attempts (exercise, time, score, passed, criteria_met, criteria_total,"
        " kind, answer, learner) VALUES (?,?,?,?,?,?,?,?,?)",
        [(*r[:7], r[7].encode("utf-8", "surrogatepass"), r[8]) for r in rows],
    )
    conn.commit()
    conn.close()
    # The export version 1 wrote for it: no ids.
    old_records = [
        dict(zip(list(make().to_dict())[:9], (*r[:3], bool(r[3]), *r[4:]), strict=True))
        for r in rows
    ]
    old_export = json.dumps(_export_doc(attempts=old_records))

    with ProgressStore(db) as store:
        migrated = store.attempts()
        assert [a.answer for a in migrated] == ["a\x00\ud800", "b,c", "dup", "dup"]
        assert len({a.id for a in migrated}) == 4, "kept every row, each with its own id"
        assert store.import_attempts(parse_export(old_export)) == 0
        store.record(make(answer="new"))
    conn = raw(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 4
    assert conn.execute("SELECT count(*) FROM attempts WHERE attempt_id IS NULL").fetchone()[0] == 0
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    conn.close()
    with ProgressStore(db) as again:
        assert again.attempts()[:4] == migrated, "ids are stored, not recomputed"
        assert len(again.attempts()) == 5


# -- browser tabs: one journal per store, merged on read -----------------------------------------

TAB = """
import os, sys, time
from skischool.live.persist import MirroredStore
from skischool.progress import Attempt

mirror, who, n, go = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
while not os.path.exists(go):  # start together
    time.sleep(0.001)
store = MirroredStore(mirror)
assert store.restore_problem == "", store.restore_problem
for i in range(n):
    store.record(Attempt(exercise=f"ex{i % 5}", score=i % 101, passed=i % 2 == 0,
                         criteria_met=0, criteria_total=3, kind="reply",
                         answer=f"{who}:{i}", learner=who))
print("done", flush=True)
"""


def test_browser_tabs_saving_at_once_lose_nothing(tmp_path: Path) -> None:
    """Three tabs (processes) on one mirror, as fast as they can: before, 324-406 of 450 kept."""
    mirror = tmp_path / "drive" / "skischool-progress" / "progress.json"
    go = tmp_path / "go"
    tabs, n = 3, 150
    children = [run_child(TAB, str(mirror), f"t{k}", str(n), str(go)) for k in range(tabs)]
    time.sleep(0.3)
    go.touch()
    for child in children:
        out, err = child.communicate(timeout=CHILD_TIMEOUT)
        assert child.returncode == 0, err
        assert (out.strip(), err) == ("done", "")  # no warning either (they are errors there)
    journals = sorted(p.name for p in mirror.parent.glob("progress.*.jsonl"))
    assert len(journals) == tabs
    fresh = MirroredStore(mirror)
    assert fresh.restore_problem == ""
    answers = [a.answer for a in fresh.attempts()]
    assert sorted(answers) == sorted(f"t{k}:{i}" for k in range(tabs) for i in range(n))
    for k in range(tabs):
        mine = [int(a.answer.split(":")[1]) for a in fresh.attempts(learner=f"t{k}")]
        assert mine == list(range(n))
    # One file to download, with everything in it.
    fresh.record(make(answer="one more"))
    assert len(parse_export(fresh.export_json())) == tabs * n + 1
    assert len(parse_export(mirror.read_text(encoding="utf-8"))) == tabs * n + 1


def test_each_store_appends_to_its_own_journal(tmp_path: Path) -> None:
    mirror = tmp_path / "progress.json"
    one, two = MirroredStore(mirror), MirroredStore(mirror)
    assert one.journal != two.journal
    a, b = make(answer="a"), make(answer="b")
    one.record(a)
    two.record(b)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["progress.json", one.journal.name, two.journal.name]
    )
    assert [json.loads(line) for line in one.journal.read_text().splitlines()] == [a.to_dict()]
    assert [json.loads(line) for line in two.journal.read_text().splitlines()] == [b.to_dict()]
    assert one.attempts() == two.attempts() == [a, b]
    # Only journals of this mirror are merged, not those of a mirror with a longer name.
    other = MirroredStore(tmp_path / "progress.old.json")
    other.record(make(answer="elsewhere"))
    assert [x.answer for x in MirroredStore(mirror).attempts()] == ["a", "b"]


def test_mirror_lost_in_a_race_is_rebuilt_from_journals(tmp_path: Path) -> None:
    mirror = tmp_path / "progress.json"
    store = MirroredStore(mirror)
    attempts = [make(answer=str(i)) for i in range(3)]
    for attempt in attempts:
        store.record(attempt)
    mirror.write_text(NullStore().export_json(), encoding="utf-8")  # a tab that knew nothing
    assert MirroredStore(mirror).attempts() == attempts


def _journal_with_torn_line(tmp_path: Path) -> tuple[Path, list[Attempt], Path]:
    mirror = tmp_path / "progress.json"
    store = MirroredStore(mirror)
    attempts = [make(answer="one"), make(answer="two")]
    for attempt in attempts:
        store.record(attempt)
    with store.journal.open("ab") as file:
        file.write(json.dumps(make(answer="torn").to_dict()).encode()[:40])
    return mirror, attempts, store.journal


def test_torn_last_journal_line_is_skipped_with_a_warning(tmp_path: Path) -> None:
    mirror, attempts, journal = _journal_with_torn_line(tmp_path)
    old = time.time() - 60
    os.utime(journal, (old, old))  # written a minute ago: that tab crashed
    with pytest.warns(ProgressWarning, match=rf"{journal}: skipped an incomplete last line"):
        store = MirroredStore(mirror)
    assert f"{journal}: skipped an incomplete last line" in store.restore_problem
    assert store.attempts() == attempts


def test_line_being_written_is_read_once_complete(tmp_path: Path) -> None:
    mirror, attempts, journal = _journal_with_torn_line(tmp_path)
    store = MirroredStore(mirror)  # fresh: a tab writing it right now; no warning (error here)
    assert store.restore_problem == ""
    assert store.attempts() == attempts
    rest = make(answer="complete")
    journal.write_bytes(b"".join(journal.read_bytes().splitlines(keepends=True)[:2]))
    with journal.open("ab") as file:
        file.write(json.dumps(rest.to_dict()).encode() + b"\n")
    assert store.attempts() == [*attempts, rest]


def test_damaged_journal_line_is_skipped_and_the_rest_kept(tmp_path: Path) -> None:
    mirror = tmp_path / "progress.json"
    journal = tmp_path / "progress.0123456789abcdef.jsonl"
    good = [make(answer="before"), make(answer="after")]
    lines = [
        json.dumps(good[0].to_dict()),
        '{"exercise": "x", "score": 900}',
        "[" * DEEP,
        json.dumps(good[1].to_dict()),
    ]
    journal.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.warns(ProgressWarning) as caught:
        store = MirroredStore(mirror)
    messages = [str(w.message) for w in caught]
    assert len(messages) == 2, messages
    assert f"{journal} (byte {len(lines[0]) + 1}): skipped a damaged line" in messages[0]
    assert "not an attempt record" in messages[0]
    assert "skipped a damaged line" in messages[1]
    assert store.attempts() == good
    assert journal.read_text(encoding="utf-8") == "\n".join(lines) + "\n", "left as it was"


def test_journal_is_rewritten_whole_where_appending_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Some browser filesystems may refuse append mode: the journal is rewritten, keeping all."""
    mirror = tmp_path / "progress.json"
    store = MirroredStore(mirror)
    first = make(answer="appended")
    store.record(first)
    real_open = Path.open

    def no_append(self: Path, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if "a" in mode:
            raise OSError(95, "Operation not supported")
        return real_open(self, mode, *args, **kwargs)

    monkeypatch.setattr(Path, "open", no_append)
    second = make(answer="rewritten")
    store.record(second)  # no warning: saved (warnings are errors here)
    monkeypatch.undo()
    lines = store.journal.read_text(encoding="ascii").splitlines()
    assert [json.loads(line)["answer"] for line in lines] == ["appended", "rewritten"]
    mirror.unlink()
    assert MirroredStore(mirror).attempts() == [first, second]


def test_journal_that_cannot_be_written_warns_but_the_mirror_keeps_it(tmp_path: Path) -> None:
    mirror = tmp_path / "progress.json"
    store = MirroredStore(mirror)
    store.journal.mkdir()  # a folder where the journal should be: it cannot be written
    attempt = make(answer="only in the mirror")
    with pytest.warns(ProgressWarning, match=rf"saved to {mirror} but not to {store.journal}"):
        store.record(attempt)
    assert parse_export(mirror.read_text(encoding="utf-8")) == [attempt]
    assert MirroredStore(mirror).attempts() == [attempt]


def test_damage_inside_rows_hides_no_other_attempt(db: Path) -> None:
    """Bytes changed inside a value pass any structure check: the other attempts still read."""
    with ProgressStore(db) as store:
        for i in range(5):
            store.record(make(f"ex{i}", answer=f"answer {i}", time=f"2024-05-01T09:0{i}:00Z"))
        kept = store.attempts()
    conn = raw(db)
    conn.execute("UPDATE attempts SET answer = X'61FF62' WHERE exercise = 'ex1'")
    conn.execute("UPDATE attempts SET learner = CAST(X'41FE' AS TEXT) WHERE exercise = 'ex2'")
    conn.execute("UPDATE attempts SET time = 'not a time' WHERE exercise = 'ex3'")
    conn.commit()
    conn.close()
    with ProgressStore(db) as store:  # quick_check passes: the structure is sound
        with pytest.warns(ProgressWarning, match=r"damaged inside: answer text of rows \[2\]"):
            attempts = store.attempts()
        assert [a.exercise for a in attempts] == ["ex0", "ex1", "ex2", "ex4"]
        assert attempts[1].answer == "a\ufffdb" and attempts[1].id == kept[1].id
        assert attempts[2].learner == "A\ufffd"
        assert parse_export(store.export_json()) == attempts  # the export still works
    conn = raw(db)
    assert conn.execute("SELECT count(*) FROM attempts").fetchone()[0] == 5, "nothing deleted"
    conn.close()


def test_version_2_store_gains_pages_and_keeps_every_attempt(db: Path) -> None:
    """Schema 3 adds the exercise page; attempts saved before keep an empty page (their rubric
    id still names the exercise) and their ids, and new attempts keep their page."""
    conn = raw(db)
    for statement in SCHEMA_V1:
        conn.execute(statement)
    conn.execute("ALTER TABLE attempts ADD COLUMN attempt_id TEXT")
    conn.execute("CREATE UNIQUE INDEX attempts_by_attempt_id ON attempts (attempt_id)")
    conn.execute("PRAGMA user_version = 2")
    conn.execute(
        "INSERT INTO attempts (exercise, time, score, passed, criteria_met, criteria_total,"
        " kind, answer, learner, attempt_id) VALUES (?,?,?,?,?,?,?,?,?,?)",
        ("ex1", "2024-05-01T09:00:00.000000+00:00", 50, 0, 1, 3, "reply", b"old", "", "id-1"),
    )
    conn.commit()
    conn.close()
    with ProgressStore(db) as store:
        (old,) = store.attempts()
        assert (old.id, old.answer, old.page) == ("id-1", "old", "")
        store.record(make(answer="new", page="green-circle/checkpoint"))
    with ProgressStore(db) as again:
        pages = [(a.answer, a.page) for a in again.attempts()]
        assert pages == [("old", ""), ("new", "green-circle/checkpoint")]
        exported = read_export(again.export_json(course="c", release="2"), source="x.json")
    assert (exported.course, exported.release) == ("c", "2")
    assert [a.page for a in exported.attempts] == ["", "green-circle/checkpoint"]
    conn = raw(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 4
    conn.close()


def test_version_3_store_takes_conversation_and_triage_attempts(db: Path) -> None:
    """Schema 4 widens the kind CHECK by rebuilding the table: every row, rowid and id survives,
    and the new kinds can be recorded afterwards (a version-3 table refuses them)."""
    conn = raw(db)
    for statement in SCHEMA_V1:
        conn.execute(statement)
    conn.execute("ALTER TABLE attempts ADD COLUMN attempt_id TEXT")
    conn.execute("CREATE UNIQUE INDEX attempts_by_attempt_id ON attempts (attempt_id)")
    conn.execute("ALTER TABLE attempts ADD COLUMN page TEXT NOT NULL DEFAULT ''")
    conn.execute("PRAGMA user_version = 3")
    conn.execute(
        "INSERT INTO attempts (id, exercise, time, score, passed, criteria_met, criteria_total,"
        " kind, answer, learner, attempt_id, page) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        (
            7,
            "ex1",
            "2024-05-01T09:00:00.000000+00:00",
            50,
            0,
            1,
            3,
            "reply",
            b"old",
            "",
            "id-7",
            "blue-square/01-the-closed-pool",
        ),
    )
    conn.commit()
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute(
            "INSERT INTO attempts (exercise, time, score, passed, criteria_met, criteria_total,"
            " kind, answer) VALUES ('x', 't', 0, 0, 0, 0, 'triage', x'')"
        )
    conn.close()
    with ProgressStore(db) as store:
        (old,) = store.attempts()
        assert (old.id, old.answer, old.page) == ("id-7", "old", "blue-square/01-the-closed-pool")
        store.record(make(answer='["hi", "again"]', kind="conversation"))
        store.record(make(answer='{"c01": {"action": "reply"}}', kind="triage"))
    with ProgressStore(db) as again:
        assert [a.kind for a in again.attempts()] == ["reply", "conversation", "triage"]
    conn = raw(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 4
    assert conn.execute("SELECT min(id) FROM attempts").fetchone()[0] == 7, "rowids kept"
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    conn.close()


@pytest.mark.parametrize(
    ("field", "value"), [("course", 3), ("release", ["x"]), ("exported", "x" * 101)]
)
def test_a_progress_file_naming_its_course_badly_is_refused_by_name(
    field: str, value: object
) -> None:
    doc = _export_doc(attempts=[])
    doc[field] = value
    with pytest.raises(ProgressStoreError, match=f'^mine.json: field "{field}" must be a str'):
        read_export(json.dumps(doc), source="mine.json")
