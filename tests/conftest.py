"""Shared test helpers: small rubrics built from dicts, and the repo's paths."""

from __future__ import annotations

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


@pytest.fixture(autouse=True)
def _no_real_progress(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never write a developer's real progress file from tests."""
    monkeypatch.setenv("SKISCHOOL_PROGRESS", str(tmp_path / "progress.sqlite3"))
