"""The test suite's own guards: it cannot hang, and ``-m "not book"`` really skips the build."""

from __future__ import annotations

import ast
import subprocess
import sys
import time
import warnings

import pytest

from .browser import bounded, descendants
from .conftest import BOOK_FIXTURES, ROOT


def test_every_test_has_a_time_limit(pytestconfig: pytest.Config) -> None:
    assert pytestconfig.pluginmanager.hasplugin("timeout"), "pytest-timeout is not installed"
    limit = float(pytestconfig.getini("timeout"))
    assert 0 < limit <= 1800


def test_a_hung_close_is_ended_by_killing_its_processes() -> None:
    """The watchdog behind every browser close, on a real process that never ends by itself."""
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    try:
        assert child.pid in descendants()
        started = time.monotonic()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with bounded("waiting for the child", timeout=0.5, victims=lambda: [child.pid]):
                child.wait()
        assert time.monotonic() - started < 10
        assert child.returncode == -9
        assert any("took over 0 s; killed processes" in str(w.message) for w in caught)
    finally:
        child.kill()
        child.wait()


def test_a_prompt_close_kills_nothing() -> None:
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    try:
        with bounded("nothing slow", timeout=5, victims=lambda: [child.pid]):
            pass
        assert child.poll() is None
    finally:
        child.kill()
        child.wait()


def _tests_needing_the_book() -> set[str]:
    """Test functions that name a book fixture among their parameters, found by reading them."""
    names = set()
    for path in sorted((ROOT / "tests").glob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.FunctionDef)
                and node.name.startswith("test_")
                and BOOK_FIXTURES & {a.arg for a in node.args.args}
            ):
                names.add(node.name)
    return names


def test_not_book_deselects_every_test_that_builds_the_book() -> None:
    needing = _tests_needing_the_book()
    assert len(needing) >= 10, needing  # the book and build-live tests, at least
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--collect-only",
            "-q",
            "-m",
            "not book",
            "-p",
            "no:cacheprovider",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    ).stdout
    collected = {line.split("::")[-1].split("[")[0] for line in out.splitlines() if "::" in line}
    assert len(collected) > 200, out[-2000:]  # distinct test names (parametrised ones once)
    assert not needing & collected, sorted(needing & collected)
