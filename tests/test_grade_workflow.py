"""The "Check my work" workflow a learner's fork runs on every push.

It is read as YAML and its own steps are run here: the check for a work/ folder (with bash, as
GitHub does), and the grading command (on a copy of the sample work in a linked fork), so the
workflow cannot drift from what the suite checks.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import ROOT
from .test_grade import FAILING, PASSING, mini_fork

WORKFLOW = ROOT / ".github" / "workflows" / "check-my-work.yml"
GUARD = "steps.work.outputs.found == 'true'"


def workflow() -> dict[str, Any]:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def steps() -> list[dict[str, Any]]:
    (job,) = workflow()["jobs"].values()
    return job["steps"]


def step(name: str) -> dict[str, Any]:
    return next(s for s in steps() if s.get("name") == name)


def test_it_runs_on_every_push_with_read_only_access() -> None:
    data = workflow()
    on = data.get("on", data.get(True))  # YAML 1.1 reads a bare `on` as true
    assert "push" in on
    assert data["permissions"] == {"contents": "read"}


def test_only_official_actions_are_used() -> None:
    used = [s["uses"] for s in steps() if "uses" in s]
    assert {u.split("@")[0] for u in used} == {
        "actions/checkout",
        "actions/setup-python",
        "actions/upload-artifact",
    }
    assert all(u.startswith("actions/") and "@v" in u for u in used)


def test_every_step_after_the_check_waits_for_work() -> None:
    names = [s["name"] for s in steps()]
    after = steps()[names.index("Look for work to check") + 1 :]
    assert after and all(GUARD in s.get("if", "") for s in after)
    # The results are shown and kept when grading fails too: that is when they are read.
    for name in ("Show the results on the summary page", "Keep the results"):
        assert step(name)["if"].startswith("always() && ")


def _grade_command() -> list[str]:
    command = shlex.split(step("Grade the answers")["run"])
    assert command[:3] == ["skischool", "grade", "work/"]
    return command


def test_the_grade_step_is_the_command_the_suite_runs() -> None:
    command = _grade_command()
    assert "--junit" in command and "--summary-md" in command
    assert command[command.index("--require") + 1] == "attempted"
    install = step("Install skischool")["run"]
    assert "pip install -e ." in install and "pyyaml" in install
    upload = step("Keep the results")["with"]["path"].split()
    assert set(upload) == {
        command[command.index("--junit") + 1],
        command[command.index("--summary-md") + 1],
    }
    assert (
        command[command.index("--summary-md") + 1]
        in step("Show the results on the summary page")["run"]
    )


def _run_step(name: str, cwd: Path, tmp: Path) -> tuple[subprocess.CompletedProcess[str], str, str]:
    out, summary = tmp / "github-output", tmp / "step-summary"
    out.write_text("", encoding="utf-8")
    summary.write_text("", encoding="utf-8")
    proc = subprocess.run(
        ["bash", "-e", "-c", step(name)["run"]],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "GITHUB_OUTPUT": str(out), "GITHUB_STEP_SUMMARY": str(summary)},
    )
    return proc, out.read_text(encoding="utf-8"), summary.read_text(encoding="utf-8")


def test_without_a_work_folder_the_job_says_so_and_passes(tmp_path: Path) -> None:
    fork = tmp_path / "fork"
    fork.mkdir()
    proc, output, summary = _run_step("Look for work to check", fork, tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert output.strip() == "found=false"
    assert "nothing to check yet" in proc.stdout and "nothing to check yet" in summary
    (fork / "work").mkdir()
    proc, output, _ = _run_step("Look for work to check", fork, tmp_path)
    assert proc.returncode == 0 and output.strip() == "found=true"


def _run_grade(fork: Path) -> subprocess.CompletedProcess[str]:
    command = _grade_command()
    return subprocess.run(
        [sys.executable, "-m", "skischool", *command[1:]],
        cwd=fork,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )


@pytest.mark.parametrize(("sample", "status"), [(PASSING, 0), (FAILING, 1)])
def test_the_grade_step_grades_a_forks_work(tmp_path: Path, sample: Path, status: int) -> None:
    fork = mini_fork(tmp_path)
    shutil.copytree(sample, fork / "work")
    proc = _run_grade(fork)
    assert proc.returncode == status, proc.stdout + proc.stderr
    command = _grade_command()
    junit = fork / command[command.index("--junit") + 1]
    summary = fork / command[command.index("--summary-md") + 1]
    root = ET.parse(junit).getroot()
    assert int(root.get("tests", "0")) == 5
    assert int(root.get("failures", "0")) == (0 if status == 0 else 3)
    assert summary.read_text(encoding="utf-8").startswith("## Ski school: ")
    # The summary step appends the table to the page GitHub shows.
    proc, _, page = _run_step("Show the results on the summary page", fork, tmp_path)
    assert proc.returncode == 0 and page == summary.read_text(encoding="utf-8")


def test_the_book_page_shows_the_same_command() -> None:
    page = ROOT / "book" / "instructors" / "checking-work-in-ci.md"
    text = " ".join(page.read_text(encoding="utf-8").split())
    assert " ".join(_grade_command()) in text
    assert WORKFLOW.relative_to(ROOT).as_posix() in text
