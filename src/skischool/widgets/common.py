"""What both exercise widgets share: counting and recording attempts."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

import ipywidgets as w

from ..result import Result, esc
from ..reveal import MODEL_BUTTONS, MODEL_HEADS, MODEL_NAMES, model_unlocked, model_wait

if TYPE_CHECKING:
    from ..progress import Store


def attempts_label(n: int) -> str:
    if n == 0:
        return '<span class="ss-attempts" style="color:#475467">No attempts yet</span>'
    word = "attempt" if n == 1 else "attempts"
    return f'<span class="ss-attempts" style="color:#475467">{n} {word}</span>'


class AttemptRecorder:
    """Counts attempts and saves each one; a failing store never breaks the exercise."""

    def __init__(
        self,
        exercise: str,
        kind: str,
        *,
        store: Store | None = None,
        learner: str = "",
        page: str = "",
    ) -> None:
        self.exercise = exercise
        self.kind = kind
        self.learner = learner
        self.page = page  # with the rubric id, the attempt's key in the course
        self._store = store
        # Start from what is already saved, so "3 attempts" survives a kernel restart or a
        # browser reload instead of silently resetting to zero.
        self.count = self._saved_count()

    def _saved_count(self) -> int:
        try:
            return len(self.store.attempts(self.exercise, learner=self.learner))
        except Exception:  # an unreadable store must not stop the exercise from opening
            return 0

    def passed_before(self) -> bool:
        """Whether a saved attempt at this exercise passed; an unreadable store says no, so
        the model reply stays locked rather than the exercise failing to open."""
        try:
            saved = self.store.attempts(self.exercise, learner=self.learner)
        except Exception:
            return False
        return any(a.passed for a in saved)

    @property
    def store(self) -> Store:
        if self._store is None:
            from ..progress import open_store

            self._store = open_store()
        return self._store

    def record(self, result: Result, answer: str) -> int:
        from ..progress import Attempt

        self.count += 1
        attempt = Attempt.of(
            result,
            exercise=self.exercise,
            kind=self.kind,
            answer=answer,
            learner=self.learner,
            page=self.page,
        )
        try:
            self.store.record(attempt)
        except Exception as exc:  # the learner's practice matters more than the log
            warnings.warn(f"Could not save this attempt: {exc}", stacklevel=2)
        return self.count


class ModelOffer:
    """The model answer, once earned (reveal.py): by a pass, or by a few honest attempts
    outside a checkpoint. A pass saved earlier (another session, a kernel restart) counts too.

    Owns the line that says what earns it, the button, and the box the model appears in; the
    exercise widget places them and calls :meth:`offer` after every recorded attempt.
    """

    def __init__(
        self, kind: str, model: str, recorder: AttemptRecorder, *, checkpoint: bool = False
    ) -> None:
        self.kind, self.text, self.recorder, self.checkpoint = kind, model, recorder, checkpoint
        self.passed = recorder.passed_before()
        self.wait = w.HTML("")
        self.button = w.Button(
            description=MODEL_BUTTONS[kind],
            tooltip="Shown after a pass, or after a few attempts",
            layout=w.Layout(width="auto", display="none"),
        )
        self.box = w.HTML("")
        self.button.on_click(lambda _b: self.show())
        self.offer()

    @property
    def widgets(self) -> list[w.Widget]:
        return [self.wait, self.button, self.box]

    @property
    def earned(self) -> bool:
        """Whether this learner has earned the model here (the rule in reveal.py)."""
        return bool(self.text) and model_unlocked(self.recorder.count, self.passed, self.checkpoint)

    def offer(self, passed: bool = False) -> None:
        """Show the button once the model is earned; until then, say what earns it."""
        self.passed = self.passed or passed
        earned = self.earned
        self.button.layout.display = None if earned else "none"
        count = self.recorder.count
        waiting = bool(self.text) and not earned and count > 0
        what = MODEL_NAMES[self.kind]
        wait = model_wait(count, self.passed, self.checkpoint, what) if waiting else ""
        self.wait.value = (
            f'<span class="ss-model-wait" style="color:#475467;font-size:.9em">{esc(wait)}</span>'
            if wait
            else ""
        )

    def show(self) -> None:
        if not self.earned:
            return
        bold, rest = MODEL_HEADS[self.kind]
        self.box.value = (
            '<div class="ss-model" style="border:1px dashed #98a2b3;border-radius:.6em;'
            f'padding:.6em;max-width:40em"><b>{bold}</b>{rest} (yours can differ and still '
            f'pass):<div style="white-space:pre-wrap;margin-top:.3em">{esc(self.text)}'
            "</div></div>"
        )


class OffersModel:
    """The model offer's widgets under the names notebooks and tests use on every exercise
    widget (``model_wait``, ``model_button``, ``model``); one definition instead of one copy
    of the aliases per widget. The widget sets :attr:`reveal`."""

    reveal: ModelOffer

    @property
    def model_wait(self) -> w.HTML:
        return self.reveal.wait

    @property
    def model_button(self) -> w.Button:
        return self.reveal.button

    @property
    def model(self) -> w.HTML:
        return self.reveal.box
