"""Exercises as ipywidgets 8 widgets; ``exercise(path)`` picks the right one for a rubric."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..conversation import ConversationRubric
from ..loader import AnyRubric, load_rubric
from ..model import ReplyRubric
from ..triage import TriageRubric
from .choice import ChoiceExercise
from .conversation import ConversationExercise
from .reply import ReplyExercise
from .triage import TriageExercise

Exercise = ReplyExercise | ChoiceExercise | ConversationExercise | TriageExercise

if TYPE_CHECKING:
    from ..progress import Store


def exercise(
    rubric: str | Path | AnyRubric,
    *,
    store: Store | None = None,
    learner: str = "",
    page: str = "",
) -> Exercise:
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
    if isinstance(r, ConversationRubric):
        return ConversationExercise(r, store=store, learner=learner, page=page)
    if isinstance(r, TriageRubric):
        return TriageExercise(r, store=store, learner=learner, page=page)
    return ChoiceExercise(r, store=store, learner=learner, page=page)


__all__ = [
    "ChoiceExercise",
    "ConversationExercise",
    "Exercise",
    "ReplyExercise",
    "TriageExercise",
    "exercise",
]
