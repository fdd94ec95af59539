"""The command line, run as a real subprocess like a user or CI would."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from .conftest import PACKAGE_RUBRICS
from .test_loader import GOOD

GOOD_REPLY = (
    "That's frustrating, and I'm sorry. The parcel should have reached you last week and that's "
    "on us. I've sent a replacement by express, and it will reach you by Friday. Thanks for telling us."
)


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "skischool", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        encoding="utf-8",
    )


def test_validate_all_shipped_rubrics() -> None:
    proc = run("validate", str(PACKAGE_RUBRICS))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "problems" not in proc.stdout and "checked: ok" in proc.stdout


def test_validate_lists_every_error_and_exits_1(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(
        GOOD.replace("severity: error", "severty: error"), encoding="utf-8"
    )
    (tmp_path / "b.yaml").write_text(
        GOOD.replace("title: Late parcel\n", "title: x\ntitle: y\n"), encoding="utf-8"
    )
    (tmp_path / "ok.yaml").write_text(GOOD, encoding="utf-8")
    proc = run("validate", str(tmp_path))
    assert proc.returncode == 1
    assert "a.yaml:10:5: criteria[0].severty: unknown key" in proc.stdout
    assert "b.yaml:3:1: title: duplicate key 'title'" in proc.stdout
    assert "3 rubric files checked: 2 problems" in proc.stdout
    as_json = json.loads(run("validate", "--json", str(tmp_path)).stdout)
    assert len(as_json["problems"]) == 2 and as_json["files"] == 3


def test_check_situation_pass_and_fail() -> None:
    ok = run("check", "--situation", "complaint", "--text", GOOD_REPLY)
    assert ok.returncode == 0, ok.stdout
    assert "PASS" in ok.stdout and "criteria met" in ok.stdout
    bad = run("check", "--situation", "complaint", "--text", "Please DM us.")
    assert bad.returncode == 1
    assert '"Please DM us"' in bad.stdout or "“Please DM us”" in bad.stdout


def test_check_json_output() -> None:
    proc = run("check", "--situation", "complaint", "--json", "--text", "Please DM us.")
    data = json.loads(proc.stdout)
    assert data["passed"] is False
    for key in ("score", "criteria_met", "criteria_total", "findings"):
        assert key in data
    assert any(
        f["criterion"] == "no-deflect" and f["quote"] == "Please DM us" for f in data["findings"]
    )


def test_check_reply_from_stdin_and_file(tmp_path: Path) -> None:
    rubric = tmp_path / "r.yaml"
    rubric.write_text(GOOD, encoding="utf-8")
    proc = run("check", str(rubric), "-", stdin="Sorry Dana, fixed today.")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    reply = tmp_path / "reply.txt"
    reply.write_bytes("Please DM us \xff".encode("latin-1"))
    proc = run("check", str(rubric), str(reply))
    assert proc.returncode == 1  # invalid UTF-8 in the reply is replaced, not a crash
    proc = run("check", "--situation", "complaint", str(reply))
    assert proc.returncode == 1


def test_check_bad_usage_exits_2(tmp_path: Path) -> None:
    assert run("check", "--text", "x").returncode == 2  # no rubric or situation
    assert run("check", "--situation", "nope", "--text", "x").returncode == 2
    assert run("check", "--situation", "complaint").returncode == 2  # no reply
    assert run("frobnicate").returncode == 2
    broken = tmp_path / "broken.yaml"
    broken.write_text("kind: reply\n", encoding="utf-8")
    proc = run("check", str(broken), "--text", "x")
    assert proc.returncode == 2 and "missing required key 'title'" in proc.stderr


def test_check_scenario_overrides() -> None:
    proc = run(
        "check",
        "--situation",
        "complaint",
        "--platform",
        "x",
        "--name",
        "Dana",
        "--json",
        "--text",
        "x" * 400,
    )
    data = json.loads(proc.stdout)
    fits = next(c for c in data["criteria"] if c["id"] == "fits")
    assert fits["met"] is False


def test_list_shows_situations(tmp_path: Path) -> None:
    proc = run("list")
    assert proc.returncode == 0
    for name in ("complaint", "question", "praise", "troll", "rant", "misinformation", "crisis"):
        assert name in proc.stdout
    data = json.loads(run("list", "--json", str(PACKAGE_RUBRICS)).stdout)
    assert len(data["situations"]) == 7 and len(data["rubrics"]) >= 7


def test_console_script_is_installed() -> None:
    exe = Path(sys.executable).parent / "skischool"
    proc = subprocess.run([str(exe), "--version"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "skischool" in proc.stdout


CHOICE = """\
kind: choice
title: Where to answer
question: A customer complains on X. Where do you answer?
options:
  - {id: public, text: Right there, score: 100, feedback: Others see it solved.}
  - {id: dm, text: Ask them to DM, score: 0, feedback: That hides the fix.}
examples:
  - {choose: [public], expect: pass}
  - {choose: [dm], expect: fail}
  - {choose: [], expect: fail}
  - {choose: [dm, public], expect: fail}
"""


def test_check_choice_rubric_with_choose(tmp_path: Path) -> None:
    rubric = tmp_path / "q.yaml"
    rubric.write_text(CHOICE, encoding="utf-8")
    ok = run("check", str(rubric), "--choose", "public")
    assert ok.returncode == 0 and "Others see it solved." in ok.stdout
    bad = run("check", str(rubric), "--choose", "dm", "--json")
    assert bad.returncode == 1 and json.loads(bad.stdout)["passed"] is False
    missing = run("check", str(rubric))
    assert missing.returncode == 2 and "--choose IDS (from: public, dm)" in missing.stderr
    assert run("check", "--situation", "complaint", "--choose", "a").returncode == 2
