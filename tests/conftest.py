"""Shared test helpers: small rubrics built from dicts, the repo's paths, and one book build."""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE_RUBRICS = ROOT / "src" / "skischool" / "rubrics"
EXERCISES = ROOT / "exercises"


def reply_rubric_data(criteria: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    """A minimal valid reply rubric around some criteria (for unit tests)."""
    data: dict[str, Any] = {"kind": "reply", "title": "Test", "criteria": criteria, "examples": []}
    data.update(extra)
    return data


def criterion(type_: str, id_: str = "c", **fields: Any) -> dict[str, Any]:
    """A criterion mapping with the required prose filled in."""
    return {"id": id_, "type": type_, "message": "msg", "why": "why", **fields}


BOOK_FIXTURES = frozenset({"book_build", "site", "instructor_build", "instructor_site"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that needs the built book is marked ``book``, whether or not its author said so.

    ``-m "not book"`` must really skip the build; a test that reaches the book fixture through
    another fixture (the browser tests' site server) gets the mark too.
    """
    for item in items:
        if BOOK_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.book)


@pytest.fixture(autouse=True)
def _no_real_progress(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never write a developer's real progress file from tests."""
    monkeypatch.setenv("SKISCHOOL_PROGRESS", str(tmp_path / "progress.sqlite3"))


# --- the book, built once per test session ----------------------------------------------------
# Shared by tests/test_book.py, tests/test_screenshots.py and any other test that needs the site.

BUILD_TIMEOUT_S = 900
ANSI_RE = re.compile(r"\x1b\[[0-9;]*m")


@dataclass
class Build:
    returncode: int
    log: str
    html: Path
    terminal: str = ""  # what build.sh itself printed (its summary), without Sphinx's log


@pytest.fixture(scope="session")
def book_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """Build the book once, with the same script a person uses (``scripts/build.sh``).

    ``SKISCHOOL_TEST_SITE=_build/html`` reuses a finished build instead, to iterate on the
    browser tests quickly; CI never sets it, so CI always builds from scratch.
    """
    reuse = os.environ.get("SKISCHOOL_TEST_SITE", "")
    if reuse and os.environ.get("CI") != "true":
        html = Path(reuse).resolve()
        return Build(0, f"reused {html} (SKISCHOOL_TEST_SITE)", html)
    out = tmp_path_factory.mktemp("book")
    try:
        proc = subprocess.run(
            ["bash", str(ROOT / "scripts" / "build.sh"), "--path-output", str(out)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=BUILD_TIMEOUT_S,
            env={**os.environ, "NO_COLOR": "1"},
        )
    except subprocess.TimeoutExpired as exc:
        log = f"{exc.stdout or ''}{exc.stderr or ''}"
        return Build(
            -1, f"build timed out after {BUILD_TIMEOUT_S} s\n{log}", out / "_build" / "html"
        )
    # build.sh keeps jupyter-book's own output in a log file and prints only a summary.
    build_log = out / "_build" / "logs" / "build.log"
    sphinx = build_log.read_text(encoding="utf-8", errors="replace") if build_log.exists() else ""
    terminal = ANSI_RE.sub("", proc.stdout + "\n" + proc.stderr)
    return Build(proc.returncode, terminal + "\n" + sphinx, out / "_build" / "html", terminal)


@pytest.fixture(scope="session")
def site(book_build: Build) -> Path:
    """The built site's root folder; fails (with the build log) if the build failed."""
    if book_build.returncode != 0 or not (book_build.html / "index.html").is_file():
        pytest.fail(
            f"the book build failed (exit {book_build.returncode}):\n{book_build.log}",
            pytrace=False,
        )
    return book_build.html


# --- the instructor edition, built once per test session, beside the learner edition -----------


@pytest.fixture(scope="session")
def instructor_build(book_build: Build) -> Build:
    """The instructor edition (``scripts/build.sh --edition instructor``), built once.

    It goes beside this session's learner edition (``<out>/_build/instructor/html``), so it
    starts from the learner edition's read of every page and its live folder: no notebook runs
    twice, and it costs the writing of the pages (under a minute), not a second full build.
    ``SKISCHOOL_TEST_INSTRUCTOR_SITE=_build/instructor/html`` reuses a finished one; CI never
    sets it. With ``SKISCHOOL_TEST_SITE`` the learner edition is the repository's own, so the
    instructor edition is built into the repository's ``_build/instructor`` (as ``make
    instructor`` would).
    """
    reuse = os.environ.get("SKISCHOOL_TEST_INSTRUCTOR_SITE", "")
    if reuse and os.environ.get("CI") != "true":
        html = Path(reuse).resolve()
        return Build(0, f"reused {html} (SKISCHOOL_TEST_INSTRUCTOR_SITE)", html)
    out = book_build.html.parent.parent
    html = out / "_build" / "instructor" / "_build" / "html"
    if book_build.returncode != 0:
        return Build(book_build.returncode, "the learner edition did not build", html)
    try:
        proc = subprocess.run(
            ["bash", str(ROOT / "scripts" / "build.sh"), "--edition", "instructor"]
            + ([] if out == ROOT else ["--path-output", str(out)]),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=BUILD_TIMEOUT_S,
            env={**os.environ, "NO_COLOR": "1"},
        )
    except subprocess.TimeoutExpired as exc:
        log = f"{exc.stdout or ''}{exc.stderr or ''}"
        return Build(-1, f"instructor build timed out after {BUILD_TIMEOUT_S} s\n{log}", html)
    build_log = out / "_build" / "logs" / "build-instructor.log"
    sphinx = build_log.read_text(encoding="utf-8", errors="replace") if build_log.exists() else ""
    terminal = ANSI_RE.sub("", proc.stdout + "\n" + proc.stderr)
    return Build(proc.returncode, terminal + "\n" + sphinx, html, terminal)


@pytest.fixture(scope="session")
def instructor_site(instructor_build: Build) -> Path:
    """The instructor edition's root folder; fails (with the build log) if it did not build."""
    if instructor_build.returncode != 0 or not (instructor_build.html / "index.html").is_file():
        pytest.fail(
            f"the instructor edition did not build (exit {instructor_build.returncode}):\n"
            f"{instructor_build.log}",
            pytrace=False,
        )
    return instructor_build.html
