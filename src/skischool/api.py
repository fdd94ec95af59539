"""One-call checking for notebooks and scripts: ``skischool.check(reply, situation="complaint")``."""

from __future__ import annotations

from pathlib import Path

from .criteria.base import Scenario
from .result import Result


def check(
    reply: str,
    rubric: str | Path | None = None,
    *,
    situation: str | None = None,
    platform: str = "",
    name: str = "",
    handle: str = "",
) -> Result:
    """Judge a reply against a rubric file or a general situation rubric."""
    from .loader import load_rubric
    from .model import ReplyRubric
    from .situations import load_situation

    if (rubric is None) == (situation is None):
        raise ValueError("give either a rubric path or situation=, not both or neither")
    r = load_situation(situation) if situation else load_rubric(rubric)  # type: ignore[arg-type]
    if not isinstance(r, ReplyRubric):
        raise ValueError(f"{r.file} is a choice rubric; call its .check(option_ids) instead")
    scenario = r.scenario
    if platform or name or handle:
        scenario = (scenario or Scenario()).overridden(platform, name, handle)
    return r.check(reply, scenario)
