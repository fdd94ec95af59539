"""Exercises as ipywidgets 8 widgets; ``exercise(path)`` picks the right one for a rubric."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..loader import load_rubric
from ..model import ChoiceRubric, ReplyRubric
from .choice import ChoiceExercise
from .reply import ReplyExercise

if TYPE_CHECKING:
    from ..progress import Store


def exercise(
    rubric: str | Path | ReplyRubric | ChoiceRubric,
    *,
    store: Store | None = None,
    learner: str = "",
    page: str = "",
) -> ReplyExercise | ChoiceExercise:
    """Build the exercise widget for a rubric file (or a loaded rubric).

    ``page`` is the exercise page it is placed on (``green-circle/checkpoint``), recorded with
    every attempt; for a rubric file of the course it is found beside the file when not given.
    """
    if isinstance(rubric, (str, Path)):
        if not page:
            from ..course import page_for

            page = page_for(rubric)
        r = load_rubric(rubric)
    else:
        r = rubric
    if isinstance(r, ReplyRubric):
        return ReplyExercise(r, store=store, learner=learner, page=page)
    return ChoiceExercise(r, store=store, learner=learner, page=page)


__all__ = ["ChoiceExercise", "ReplyExercise", "exercise"]
