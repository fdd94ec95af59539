"""The choice exercise: options, a Check button, and feedback on each option picked."""

from __future__ import annotations

from typing import TYPE_CHECKING

import ipywidgets as w

from ..links import LessonLinks, for_notebook
from ..model import ChoiceRubric
from ..render import result_html, scenario_html
from ..result import Result, esc
from ..reveal import is_checkpoint
from .common import AttemptRecorder, attempts_label

if TYPE_CHECKING:
    from ..progress import Store

CHOICE_CSS = (
    "<style>"
    ".ss-choice .widget-radio-box label,.ss-choice .widget-checkbox label,"
    ".ss-choice .widget-checkbox .widget-label-basic"
    "{white-space:normal!important;height:auto!important;overflow:visible!important;"
    "line-height:1.35!important;text-overflow:clip!important}"
    # ipywidgets puts the text before the <input> inside each radio label: reverse the row so
    # the button sits on the left, where people look for it.
    ".ss-choice .widget-radio-box label{display:flex!important;flex-wrap:nowrap!important;"
    "flex-direction:row-reverse!important;justify-content:flex-end!important;"
    "align-items:flex-start!important;gap:.45em;margin:.25em 0!important}"
    ".ss-choice .widget-radio-box label input{flex:none}"
    ".ss-choice .widget-checkbox{height:auto!important;margin:.25em 0!important;align-items:flex-start}"
    ".ss-choice .widget-radio-box input,.ss-choice .widget-checkbox input{margin-top:.2em!important}"
    "</style>"
)


class ChoiceExercise(w.VBox):
    def __init__(
        self,
        rubric: ChoiceRubric,
        *,
        store: Store | None = None,
        learner: str = "",
        links: LessonLinks | None = None,
        page: str = "",
    ) -> None:
        self.rubric = rubric
        # Where lesson links lead from: a notebook unless the host page says otherwise.
        self.links = for_notebook() if links is None else links
        self.recorder = AttemptRecorder(
            rubric.id, "choice", store=store, learner=learner, page=page
        )
        self.last_result: Result | None = None
        # On a checkpoint page a failed multi-select does not name the options left out.
        self.checkpoint = is_checkpoint(page)
        self.post = w.HTML(scenario_html(rubric.scenario, rubric.title, rubric.task))
        self.question = w.HTML(f"<b>{esc(rubric.question)}</b>")
        if rubric.multiple:
            self.boxes = [
                w.Checkbox(
                    value=False, description=o.text, indent=False, layout=w.Layout(width="auto")
                )
                for o in rubric.options
            ]
            self.picker: w.Widget = w.VBox(self.boxes)
            hint = "Pick every option that applies."
        else:
            self.boxes = []
            self.picker = w.RadioButtons(
                options=[(o.text, o.id) for o in rubric.options],
                value=None,
                layout=w.Layout(width="auto"),
            )
            hint = "Pick one option."
        # Long option labels must wrap instead of being cut off or overlapping (ipywidgets gives
        # labels one fixed-height, no-wrap line). Scoped to this exercise's class.
        self.hint = w.HTML(f'{CHOICE_CSS}<span style="color:#475467;font-size:.9em">{hint}</span>')
        self.check_button = w.Button(
            description="Check my answer",
            button_style="primary",
            icon="check",
            layout=w.Layout(width="auto", min_width="9em"),  # the label must never be cut off
            tooltip="Check your answer",
        )
        self.attempts = w.HTML(attempts_label(self.recorder.count))
        self.feedback = w.HTML("")
        self.check_button.on_click(lambda _b: self.check())
        super().__init__(
            [
                self.post,
                self.question,
                self.hint,
                self.picker,
                w.HBox(
                    [self.check_button, self.attempts],
                    layout=w.Layout(align_items="center", grid_gap="1em"),
                ),
                self.feedback,
            ],
            layout=w.Layout(grid_gap="0.4em"),
        )
        self.add_class("ss-exercise")
        self.add_class("ss-choice")

    @property
    def chosen(self) -> list[str]:
        if self.rubric.multiple:
            return [
                o.id for o, box in zip(self.rubric.options, self.boxes, strict=True) if box.value
            ]
        value = self.picker.value  # type: ignore[attr-defined]
        return [value] if value else []

    def choose(self, *option_ids: str) -> None:
        """Select options programmatically (instructors' demos, tests)."""
        if self.rubric.multiple:
            for o, box in zip(self.rubric.options, self.boxes, strict=True):
                box.value = o.id in option_ids
        else:
            self.picker.value = option_ids[0] if option_ids else None  # type: ignore[attr-defined]

    def check(self) -> Result:
        chosen = self.chosen
        result = self.rubric.check(chosen, checkpoint=self.checkpoint)
        self.last_result = result
        self.feedback.value = result_html(result, links=self.links)
        if chosen:
            n = self.recorder.record(result, ",".join(chosen))
            self.attempts.value = attempts_label(n)
        return result
