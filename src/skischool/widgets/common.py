"""What both exercise widgets share: counting and recording attempts."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

from ..result import Result

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
