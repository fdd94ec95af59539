"""Lint and format: ruff, configured in pyproject.toml ([tool.ruff])."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def ruff(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_ruff_check() -> None:
    result = ruff("check", ".")
    assert result.returncode == 0, f"ruff check . failed:\n{result.stdout}{result.stderr}"


def test_ruff_format() -> None:
    result = ruff("format", "--check", ".")
    assert result.returncode == 0, (
        f"ruff format --check . failed (fix: ruff format .):\n{result.stdout}{result.stderr}"
    )
