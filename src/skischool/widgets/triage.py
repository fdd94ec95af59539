"""The triage exercise: a queue of comments, each with an action and a reason to pick.

Every row marks itself right or not after a check, so a learner scanning a queue of twenty-five
sees at once where to look; the feedback below says why for each item.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import ipywidgets as w

from ..links import LessonLinks, for_notebook
from ..render import result_html, scenario_html
from ..result import Result, esc
from ..triage import ACTIONS, MAX_NOTE, Sorted, TriageRubric, sorting_json
from .common import AttemptRecorder, ModelOffer, OffersModel, attempts_label

if TYPE_CHECKING:
    from ..progress import Store

PICK_ACTION = "What to do…"
PICK_REASON = "Why…"


class TriageRow(w.VBox):
    """One queue item: the comment, the action, the reason, an optional note, and a mark."""

    def __init__(self, n: int, rubric: TriageRubric, item_id: str) -> None:
        item = next(i for i in rubric.items if i.id == item_id)
        self.item_id = item_id
        who = item.author.name or item.author.handle or "Someone"
        self.comment = w.HTML(
            f'<div style="font-family:system-ui,sans-serif;line-height:1.4"><b>{n}. {esc(who)}</b>'
            f'<div style="white-space:pre-wrap">{esc(item.text)}</div></div>'
        )
        self.action = w.Dropdown(
            options=[(PICK_ACTION, ""), *((label, a) for a, label in ACTIONS.items())],
            value="",
            layout=w.Layout(width="12em"),
            description_allow_html=False,
        )
        self.reason = w.Dropdown(
            options=[(PICK_REASON, ""), *((r.text, r.id) for r in rubric.reasons)],
            value="",
            layout=w.Layout(width="auto", max_width="28em"),
        )
        self.note = w.Text(
            value="",
            placeholder="Note for your team (optional, not scored)",
            layout=w.Layout(width="auto", max_width="28em"),
        )
        self.mark = w.HTML("")
        super().__init__(
            [
                self.comment,
                w.HBox(
                    [self.action, self.reason, self.mark],
                    layout=w.Layout(flex_flow="row wrap", grid_gap=".5em", align_items="center"),
                ),
                self.note,
            ],
            layout=w.Layout(border_bottom="1px solid #eaecf0", padding=".3em 0"),
        )
        self.add_class("ss-triage-item")

    @property
    def sorted(self) -> Sorted:
        note = self.note.value if isinstance(self.note.value, str) else ""
        return Sorted(self.action.value or "", self.reason.value or "", note[:MAX_NOTE])


class TriageExercise(OffersModel, w.VBox):
    """A complete triage exercise."""

    def __init__(
        self,
        rubric: TriageRubric,
        *,
        store: Store | None = None,
        learner: str = "",
        links: LessonLinks | None = None,
        page: str = "",
    ) -> None:
        self.rubric = rubric
        self.links = for_notebook() if links is None else links
        self.recorder = AttemptRecorder(
            rubric.id, "triage", store=store, learner=learner, page=page
        )
        self.last_result: Result | None = None
        self.post = w.HTML(scenario_html(rubric.scenario, rubric.title, rubric.task))
        self.rows = [TriageRow(n, rubric, item.id) for n, item in enumerate(rubric.items, 1)]
        self.check_button = w.Button(
            description="Check my sorting",
            button_style="primary",
            icon="check",
            layout=w.Layout(width="auto", min_width="10em"),
            tooltip="Check every item against the rubric",
        )
        self.attempts = w.HTML(attempts_label(self.recorder.count))
        self.feedback = w.HTML("")
        self.reveal = ModelOffer("triage", rubric.model_reply, self.recorder)
        self.check_button.on_click(lambda _b: self.check())
        super().__init__(
            [
                self.post,
                w.VBox(self.rows),
                w.HBox(
                    [self.check_button, self.attempts],
                    layout=w.Layout(align_items="center", grid_gap="1em"),
                ),
                self.feedback,
                *self.reveal.widgets,
            ],
            layout=w.Layout(grid_gap="0.4em"),
        )
        self.add_class("ss-exercise")
        self.add_class("ss-triage")

    def row(self, item_id: str) -> TriageRow:
        return next(r for r in self.rows if r.item_id == item_id)

    def sort(self, item_id: str, action: str, reason: str = "") -> None:
        """Sort one item programmatically (instructors' demos, tests)."""
        r = self.row(item_id)
        r.action.value = action
        r.reason.value = reason

    @property
    def sorting(self) -> dict[str, Sorted]:
        return {r.item_id: r.sorted for r in self.rows if r.sorted.action or r.sorted.reason}

    def check(self) -> Result:
        sorting = self.sorting
        result = self.rubric.check(
            {k: {"action": s.action, "reason": s.reason} for k, s in sorting.items()}
        )
        self.last_result = result
        self.feedback.value = result_html(result, links=self.links)
        by_id = {c.id: c for c in result.criteria}
        for r in self.rows:
            met = by_id[r.item_id].met
            r.mark.value = (
                '<span style="color:#067647" title="sorted well">✓</span>'
                if met
                else '<span style="color:#b42318" title="look again">✗</span>'
            )
        if sorting:
            n = self.recorder.record(result, sorting_json(sorting))
            self.attempts.value = attempts_label(n)
        self.reveal.offer(result.passed)
        return result
