"""scripts/run_jupyter_book.py: jupyter-book's command with Sphinx using every core.

The book build itself (tests/test_book.py) runs through it; these check the two things it adds.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from types import ModuleType
from typing import Any

import pytest

from .conftest import ROOT


def wrapper() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "jb_wrapper", ROOT / "scripts/run_jupyter_book.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_jobs_follow_the_environment_then_the_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    jb = wrapper()
    monkeypatch.setenv("SKISCHOOL_BUILD_JOBS", "1")
    assert jb.jobs() == 1
    monkeypatch.setenv("SKISCHOOL_BUILD_JOBS", "0")
    assert jb.jobs() == 1  # never fewer than one
    monkeypatch.setenv("SKISCHOOL_BUILD_JOBS", "two")
    with pytest.raises(SystemExit, match="whole number, not 'two'"):
        jb.jobs()
    monkeypatch.delenv("SKISCHOOL_BUILD_JOBS")
    monkeypatch.setattr(jb.os, "sched_getaffinity", lambda _pid: set(range(16)))
    assert jb.jobs() == 4  # each job runs notebook kernels: capped
    monkeypatch.setattr(jb.os, "sched_getaffinity", lambda _pid: {0, 1})
    assert jb.jobs() == 2


def test_multitoc_numbering_is_declared_parallel_safe(monkeypatch: pytest.MonkeyPatch) -> None:
    import sphinx_multitoc_numbering as numbering

    monkeypatch.setattr(numbering, "setup", numbering.setup)  # restored after the test

    class App:
        def __init__(self) -> None:
            self.connected: list[str] = []

        def connect(self, event: str, _handler: Any) -> None:
            self.connected.append(event)

    from sphinx.environment.collectors.toctree import TocTreeCollector

    monkeypatch.setattr(
        TocTreeCollector, "assign_section_numbers", TocTreeCollector.assign_section_numbers
    )
    before = numbering.setup(App())
    assert not (before or {}).get("parallel_read_safe"), "upstream now declares it: drop the patch"
    wrapper().declare_multitoc_numbering_parallel_safe()
    app = App()
    meta = numbering.setup(app)
    assert meta["parallel_read_safe"] and meta["parallel_write_safe"]
    assert app.connected == ["builder-inited"]  # its own setup still ran


def test_the_build_runs_jupyter_books_own_command() -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts/run_jupyter_book.py"), "--help"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "build" in proc.stdout and "Usage" in proc.stdout
