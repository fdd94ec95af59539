"""Exercises as ipywidgets 8 widgets; ``exercise(path)`` picks the right one for a rubric."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..loader import load_rubric
from ..model import ChoiceRubric, ReplyRubric
from .choice import ChoiceExercise
from .reply import ReplyExercise


def exercise(
    rubric: str | Path | ReplyRubric | ChoiceRubric, *, store: Any = None, learner: str = ""
) -> ReplyExercise | ChoiceExercise:
    """Build the exercise widget for a rubric file (or a loaded rubric)."""
    r = load_rubric(rubric) if isinstance(rubric, (str, Path)) else rubric
    if isinstance(r, ReplyRubric):
        return ReplyExercise(r, store=store, learner=learner)
    return ChoiceExercise(r, store=store, learner=learner)


__all__ = ["ChoiceExercise", "ReplyExercise", "exercise"]
