"""The practice room: one exercise page at a time, switchable without restarting Python.

Why one widget that swaps its exercise: starting Python in the browser takes about 20 s, but
building the next exercise in the running kernel takes a fraction of a second. The learner
moves on with Previous/Next or the list, or from another page's "Practise live" button
(``channel.py``), and never waits for Python twice.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as w

from ..result import esc
from ..widgets import exercise
from .catalogue import Catalogue, LiveExercise
from .persist import download_link_html

__all__ = ["PracticeRoom"]


class PracticeRoom(w.VBox):
    """A header with navigation, the exercise widgets of one page, and the learner's progress."""

    def __init__(self, catalogue: Catalogue, start: str, *, store: Any, learner: str = "") -> None:
        self.catalogue = catalogue
        self.store = store
        self.learner = learner
        self.current: LiveExercise = catalogue.exercises[0]
        self.exercises: list[Any] = []
        #: Called with the exercise after each switch (the browser tells the page's address bar).
        self.on_open: list[Callable[[LiveExercise], None]] = []

        self.heading = w.HTML()
        self.previous = w.Button(
            description="Previous", icon="arrow-left", tooltip="Previous exercise"
        )
        self.next = w.Button(description="Next", icon="arrow-right", tooltip="Next exercise")
        self.picker = w.Dropdown(
            options=[(f"{e.level} · {e.title}", e.id) for e in catalogue.exercises],
            description="Exercise",
            layout=w.Layout(width="auto", max_width="36em"),
        )
        self.body = w.VBox(layout=w.Layout(grid_gap="1.2em"))
        self.progress = w.HTML()
        self.download = w.HTML()
        self.notice = w.HTML()

        self.previous.on_click(lambda _b: self.step(-1))
        self.next.on_click(lambda _b: self.step(+1))
        self.picker.observe(self._picked, names="value")
        if getattr(store, "listeners", None) is not None:
            store.listeners.append(lambda _attempt: self.refresh_progress())

        super().__init__(
            [
                self.heading,
                w.HBox(
                    [self.previous, self.picker, self.next],
                    layout=w.Layout(flex_flow="row wrap", align_items="center", grid_gap="0.5em"),
                ),
                self.notice,
                self.body,
                w.HBox(
                    [self.progress, self.download],
                    layout=w.Layout(flex_flow="row wrap", align_items="center", grid_gap="1em"),
                ),
            ],
            layout=w.Layout(grid_gap="0.8em"),
        )
        self.add_class("ss-room")
        self.show(start if catalogue.get(start) else catalogue.exercises[0].id)

    # -- navigation --------------------------------------------------------------------------
    def show(self, exercise_id: str) -> bool:
        """Show one exercise page; an unknown id (from a URL) keeps the current one."""
        target = self.catalogue.get(exercise_id)
        if target is None:
            self.notice.value = (
                '<p class="ss-notice" style="color:#b42318">There is no exercise called '
                f"“{esc(exercise_id[:200])}”; pick one from the list.</p>"
            )
            return False
        # Build first: if a rubric fails to load, the room still shows (and is at) the old page.
        widgets = [
            exercise(path, store=self.store, learner=self.learner)
            for path in self.catalogue.rubric_paths(target)
        ]
        self.current = target
        self.notice.value = ""
        self.exercises = widgets
        self.body.children = tuple(widgets)
        i = self.catalogue.index(target.id)
        self.heading.value = (
            '<div class="ss-room-heading"><span style="color:#475467">'
            f"{esc(target.level)} · exercise page {i + 1} of {len(self.catalogue.exercises)}"
            f"</span><h2 style='margin:.2em 0'>{esc(target.title)}</h2></div>"
        )
        self.previous.disabled = i == 0
        self.next.disabled = i == len(self.catalogue.exercises) - 1
        if self.picker.value != target.id:
            self.picker.value = target.id  # re-enters _picked, which sees it is already shown
        self.refresh_progress()
        for callback in list(self.on_open):
            callback(target)
        return True

    def step(self, delta: int) -> None:
        i = self.catalogue.index(self.current.id) + delta
        if 0 <= i < len(self.catalogue.exercises):
            self.show(self.catalogue.exercises[i].id)

    def _picked(self, change: dict[str, Any]) -> None:
        if change.get("new") and change["new"] != self.current.id:
            self.show(change["new"])

    # -- progress ----------------------------------------------------------------------------
    def refresh_progress(self) -> None:
        """Summarise what this browser has saved, and refresh the download link."""
        try:
            summary = self.store.summary(learner=self.learner or None)
            export = self.store.export_json()
        except Exception as exc:  # progress is a side show; never break the exercise
            self.progress.value = (
                f'<span class="ss-progress">Progress unavailable: {esc(str(exc))}</span>'
            )
            self.download.value = ""
            return
        attempts = sum(s["attempts"] for s in summary.values())
        passed = sum(1 for s in summary.values() if s["passed"])
        problem = getattr(self.store, "restore_problem", "")
        if attempts == 0:
            text = "Your attempts will be saved in this browser as you go."
        else:
            text = (
                f"Saved in this browser: {attempts} attempt{'s' * (attempts != 1)} at "
                f"{len(summary)} exercise{'s' * (len(summary) != 1)}, {passed} passed."
            )
        if problem:
            text += f" (Earlier progress could not be read back: {problem})"
        self.progress.value = f'<span class="ss-progress" style="color:#475467">{esc(text)}</span>'
        self.download.value = download_link_html(export) if attempts else ""
