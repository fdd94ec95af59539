"""``answer(rubric, response)``: a learner's answer written into the notebook itself.

Why a function next to the widgets: a widget's reply lives in the kernel and is gone when the
notebook is saved, so nothing in the file can be checked later. An answer written as text in an
``answer("checkpoint-q1.yaml", ["aisha"])`` call stays in the notebook, and ``skischool grade``
reads it from there in CI without running anything. In the notebook the call does what Check
does: it judges the answer, saves an attempt in the learner's progress store, and shows the
feedback.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .render import result_html, result_text
from .result import Result, esc

if TYPE_CHECKING:
    from .course import Course
    from .progress import Store


class AnswerError(ValueError):
    """The call cannot be judged as written (no such rubric, an answer of the wrong shape)."""


@dataclass(frozen=True)
class Answered:
    """What ``answer()`` returns: the verdict, shown as HTML in a notebook and as text elsewhere."""

    result: Result
    key: str  # the exercise, "green-circle/checkpoint-q1" (or the rubric's path outside a course)
    title: str
    page: str
    saved: bool
    note: str = ""  # why the attempt was not saved, when it was not

    @property
    def passed(self) -> bool:
        return self.result.passed

    @property
    def score(self) -> int:
        return self.result.score

    def _footer(self) -> str:
        if self.saved:
            return f"Saved as an attempt at {self.title} ({self.key})."
        return f"Not saved: {self.note}" if self.note else "Not saved."

    def _repr_html_(self) -> str:
        from .links import for_notebook

        return (
            result_html(self.result, links=for_notebook())
            + '<div class="ss-answer-note" style="color:#475467;font-size:.85em;'
            f'font-family:system-ui,sans-serif;margin-top:.3em">{esc(self._footer())}</div>'
        )

    def __str__(self) -> str:
        return result_text(self.result) + "\n" + self._footer()

    def __repr__(self) -> str:
        return self.__str__()


def _course_here(folder: Path) -> Course | None:
    """The course above ``folder``, or None (outside a course, or PyYAML missing)."""
    from .course import CourseError, course_root, load

    root = course_root(folder)
    if root is None:
        return None
    try:
        return load(root)
    except (CourseError, ImportError, OSError):
        return None


def _shaped(kind: str, rubric: str, response: object) -> tuple[Any, str]:
    """The response as the engine takes it, and as the attempt stores it; or an
    :class:`AnswerError` saying how to write it for this kind of exercise."""
    if kind == "reply":
        if isinstance(response, str):
            return response, response
        raise AnswerError(
            f"{rubric} is a reply exercise: write your reply as text in quotes, as in "
            f'answer("{rubric}", "Hi Noor, ...")'
        )
    if kind == "conversation":
        if (
            isinstance(response, Sequence)
            and not isinstance(response, str)
            and all(isinstance(r, str) for r in response)
        ):
            replies = list(response)
            stored = (
                json.dumps(replies, ensure_ascii=False) if any(r.strip() for r in replies) else ""
            )
            return replies, stored
        raise AnswerError(
            f"{rubric} is a conversation: write your replies as a list of text, one per turn, "
            f'as in answer("{rubric}", ["First reply ...", "Second reply ..."])'
        )
    if kind == "triage":
        if isinstance(response, Mapping):
            data = {str(k): v for k, v in response.items()}
            return data, json.dumps(data, ensure_ascii=False, default=str) if data else ""
        raise AnswerError(
            f"{rubric} is a triage: map each item id to an action and a reason, as in "
            f'answer("{rubric}", {{"c01": "reply waiting", "c02": "hide scam"}})'
        )
    if isinstance(response, str):
        return [response], response
    if isinstance(response, Sequence) and all(isinstance(r, str) for r in response):
        return list(response), ",".join(response)
    raise AnswerError(
        f"{rubric} is a choice exercise: write the ids of the options you pick as a list of "
        f'text, as in answer("{rubric}", ["first-id", "second-id"])'
    )


def answer(
    rubric: str | Path,
    response: str | Sequence[str] | Mapping[str, object],
    *,
    page: str = "",
    store: Store | None = None,
    learner: str = "",
) -> Answered:
    """Judge ``response`` against ``rubric``, save the attempt, and show the feedback.

    ``response`` is the reply text for a reply exercise, the ids of the picked options for a
    choice exercise, the replies (one per turn) for a conversation, or item id to "action
    reason" for a triage. ``rubric`` is the rubric's file name as the exercise page writes it; from a
    notebook kept elsewhere (``work/green-circle/``) it is found in the course. Write both as
    text in the call: ``skischool grade`` reads them from the saved notebook.
    """
    from .grading.resolve import RubricNotFound, resolve
    from .loader import load_rubric

    written = str(rubric)
    folder = Path.cwd()
    try:
        target = resolve(written, folder, lambda: _course_here(folder), page=page)
    except RubricNotFound as exc:
        raise AnswerError(str(exc)) from None
    loaded: Any = load_rubric(target.path)
    shaped, text = _shaped(loaded.kind, written, response)
    if not page:
        if target.exercise is not None:
            page = target.exercise.page
        else:
            from .course import page_for

            page = page_for(target.path)
    if loaded.kind == "choice":
        from .reveal import is_checkpoint

        # On a checkpoint, a failed multi-select must not name the options that were missed.
        result: Result = loaded.check(shaped, checkpoint=is_checkpoint(page))
    else:
        result = loaded.check(shaped)
    saved, note = False, ""
    if not text.strip():
        note = "there is no answer yet. Write it in the call, then run the cell again."
    else:
        saved, note = _save(loaded, result, text, page, store, learner)
    return Answered(result, target.key, loaded.title, page, saved, note)


def _save(
    rubric: Any, result: Result, text: str, page: str, store: Store | None, learner: str
) -> tuple[bool, str]:
    """Record the attempt; a store that fails never stops the feedback from showing."""
    from .progress import NullStore, open_store

    target = store if store is not None else open_store()
    try:
        if isinstance(target, NullStore):
            return False, f"progress is not being recorded ({target.reason})."
        return _record(target, rubric, result, text, page, learner)
    finally:
        if store is None:  # opened here, so closed here: a notebook may answer many times
            target.close()


def _record(
    target: Any, rubric: Any, result: Result, text: str, page: str, learner: str
) -> tuple[bool, str]:
    from .progress import Attempt

    attempt = Attempt.of(
        result, exercise=rubric.id, kind=rubric.kind, answer=text, learner=learner, page=page
    )
    try:
        target.record(attempt)
    except Exception as exc:  # the feedback matters more than the log
        warnings.warn(f"Could not save this attempt: {exc}", stacklevel=4)
        return False, f"the attempt could not be saved ({exc})."
    return True, ""


__all__ = ["AnswerError", "Answered", "answer"]
