"""scripts/build.sh never serves stale outputs: a change to the engine, a rubric or the config
clears the execution cache and rebuilds every page; an unchanged tree builds incrementally.

A stand-in scripts/run_jupyter_book.py records the arguments it gets, and a stand-in scripts/build_live.py
records that the live exercises' files were built, so this runs the real script's logic in seconds
without building the book. (build_live.py has its own up-to-date check: tests/test_build_live.py.)
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT

FAKE_JB = """import os, pathlib, sys
repo = pathlib.Path(__file__).resolve().parent.parent
with (repo / "calls.log").open("a") as f:
    f.write(" ".join(sys.argv[1:]) + "\\n")
(repo / "_build" / ".jupyter_cache").mkdir(parents=True, exist_ok=True)
(repo / "_build" / ".jupyter_cache" / "entry").touch()
sys.exit(int(os.environ.get("FAKE_JB_EXIT", "0")))
"""

FAKE_LIVE = """import pathlib, sys
log = pathlib.Path(__file__).resolve().parent.parent / "calls.log"
with log.open("a") as f:
    f.write("live " + " ".join(sys.argv[1:]) + "\\n")
"""


def make_tree(tmp: Path) -> Path:
    repo = tmp / "repo"
    shutil.copytree(ROOT / "scripts", repo / "scripts")
    (repo / "scripts" / "build_live.py").write_text(FAKE_LIVE)
    (repo / "scripts" / "run_jupyter_book.py").write_text(FAKE_JB)
    for name in ("_config.yml", "_toc.yml", "course.yml", "package-lock.json"):
        shutil.copy(ROOT / name, repo / name)
    (repo / "src" / "skischool").mkdir(parents=True)
    (repo / "src" / "skischool" / "engine.py").write_text("VERSION = 1\n")
    (repo / "exercises" / "level").mkdir(parents=True)
    (repo / "exercises" / "level" / "r.yaml").write_text("kind: reply\n")
    (repo / "lessons" / "level").mkdir(parents=True)
    (repo / "lessons" / "level" / "01-a.md").write_text("---\nideas: [a]\n---\n# A\n")
    (repo / "book").mkdir()
    bindir = repo / ".venv" / "bin"
    bindir.mkdir(parents=True)
    (bindir / "python").symlink_to(sys.executable)
    return repo


def build(repo: Path, **env: str) -> str:
    log = repo / "calls.log"
    log.unlink(missing_ok=True)
    environ = {k: v for k, v in os.environ.items() if k != "CI"}
    environ.update({"SKISCHOOL_SETUP_DONE": "1", **env})
    proc = subprocess.run(
        ["bash", str(repo / "scripts" / "build.sh")],
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == int(env.get("FAKE_JB_EXIT", "0")), proc.stderr
    assert "No such file" not in proc.stderr, proc.stderr  # every keyed input was hashed
    return log.read_text()


def test_cache_is_keyed_on_engine_rubrics_and_ideas(tmp_path: Path) -> None:
    repo = make_tree(tmp_path)
    assert "--all" in build(repo), "first build is a full one"
    assert "--all" not in build(repo), "nothing changed: incremental"
    assert (repo / "_build" / ".jupyter_cache").exists()

    (repo / "src" / "skischool" / "engine.py").write_text("VERSION = 2\n")
    assert "--all" in build(repo), "engine changed: full rebuild"
    assert "--all" not in build(repo)

    (repo / "exercises" / "level" / "r.yaml").write_text("kind: choice\n")
    assert "--all" in build(repo), "rubric changed: full rebuild"

    with (repo / "course.yml").open("a") as course:
        course.write("\n# a comment, but the course model's file changed\n")
    assert "--all" in build(repo), "the course model changed: full rebuild"

    (repo / "lessons" / "level" / "01-a.md").write_text("---\nideas: [a]\n---\n# A, edited\n")
    assert "--all" not in build(repo), "editing a lesson's text stays incremental"
    (repo / "lessons" / "level" / "01-a.md").write_text("---\nideas: [a, b]\n---\n# A\n")
    assert "--all" in build(repo), "a lesson's ideas feed the ideas map: full rebuild"


def test_cache_is_cleared_when_keyed_inputs_change(tmp_path: Path) -> None:
    repo = make_tree(tmp_path)
    build(repo)
    marker = repo / "_build" / ".jupyter_cache" / "stale"
    marker.write_text("old output")
    (repo / "src" / "skischool" / "engine.py").write_text("VERSION = 3\n")
    build(repo)
    assert not marker.exists(), "the execution cache must be cleared when the engine changes"


def test_failed_build_forces_a_full_rebuild_next_time(tmp_path: Path) -> None:
    repo = make_tree(tmp_path)
    build(repo)
    build(repo, FAKE_JB_EXIT="1")
    assert "--all" in build(repo), (
        "after a failed build, warnings must not hide in an incremental one"
    )


def test_ci_always_builds_fresh(tmp_path: Path) -> None:
    repo = make_tree(tmp_path)
    build(repo)
    assert "--all" in build(repo, CI="true")


def test_the_live_files_are_built_after_the_book_and_only_if_it_built(tmp_path: Path) -> None:
    repo = make_tree(tmp_path)
    calls = build(repo).splitlines()
    assert len(calls) == 2 and calls[1] == f"live --output {repo}/_build/html/live", calls
    failed = build(repo, FAKE_JB_EXIT="1").splitlines()
    assert not [c for c in failed if c.startswith("live ")], "a failed book build stops there"
