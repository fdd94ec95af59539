"""The reply exercise: a realistic post, a text box, live feedback, and a Check button."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import ipywidgets as w

from ..links import LessonLinks, for_notebook
from ..model import PREVIEW_MAX_CHARS, ReplyRubric
from ..render import result_html, scenario_html, tone_html
from ..result import Result, esc
from ..reveal import is_checkpoint
from .common import AttemptRecorder, ModelOffer, OffersModel, attempts_label
from .debounce import Debouncer

if TYPE_CHECKING:
    from ..progress import Store

LIVE_DELAY = 0.15  # seconds of quiet typing before live feedback refreshes


class ReplyExercise(OffersModel, w.VBox):
    """A complete reply exercise. Everything it shows from the learner is escaped."""

    def __init__(
        self,
        rubric: ReplyRubric,
        *,
        store: Store | None = None,
        learner: str = "",
        links: LessonLinks | None = None,
        page: str = "",
    ) -> None:
        self.rubric = rubric
        # Where lesson links lead from: a notebook unless the host page says otherwise.
        self.links = for_notebook() if links is None else links
        self.recorder = AttemptRecorder(rubric.id, "reply", store=store, learner=learner, page=page)
        self.last_result: Result | None = None
        self.limit: int | None = _limit(rubric)

        self.post = w.HTML(scenario_html(rubric.scenario, rubric.title, rubric.task))
        writes_post = bool(rubric.scenario and rubric.scenario.writes == "post")
        self.text = w.Textarea(
            value="",
            placeholder=(
                "Write your post here, as you would publish it…"
                if writes_post
                else "Write your reply here, as you would post it…"
            ),
            continuous_update=True,
            layout=w.Layout(width="98%", max_width="40em", height="8em"),
        )
        self.text.add_class("ss-reply-input")
        self.count = w.HTML(self._count_html(0))
        self.live = w.HTML("")
        self.check_button = w.Button(
            description="Check my post" if writes_post else "Check my reply",
            button_style="primary",
            icon="check",
            layout=w.Layout(width="auto", min_width="9em"),  # the label must never be cut off
            tooltip="Check your reply against the rubric",
        )
        self.feedback = w.HTML("")
        self.tone = w.HTML("")
        self.attempts = w.HTML(attempts_label(self.recorder.count))
        self.checkpoint = is_checkpoint(page)
        self.reveal = ModelOffer(
            "reply", rubric.model_reply, self.recorder, checkpoint=self.checkpoint
        )
        self._live = Debouncer(LIVE_DELAY, self.update_live)

        self.text.observe(self._on_type, names="value")
        self.check_button.on_click(lambda _b: self.check())
        super().__init__(
            [
                self.post,
                self.text,
                w.HBox(
                    [self.count, self.live], layout=w.Layout(flex_flow="row wrap", grid_gap="1em")
                ),
                w.HBox(
                    [self.check_button, self.attempts],
                    layout=w.Layout(align_items="center", grid_gap="1em"),
                ),
                self.feedback,
                self.tone,
                *self.reveal.widgets,
            ],
            layout=w.Layout(grid_gap="0.4em"),
        )
        self.add_class("ss-exercise")

    # -- live feedback ---------------------------------------------------------------------------
    def _count_html(self, n: int) -> str:
        if self.limit is None:
            return f'<span class="ss-count">{n} characters</span>'
        over = n > self.limit
        color = "#b42318" if over else "#475467"
        extra = f" — {n - self.limit} over the limit" if over else ""
        return (
            f'<span class="ss-count" style="color:{color}" aria-live="polite">'
            f"{n} / {self.limit} characters{extra}</span>"
        )

    def _on_type(self, change: dict[str, Any]) -> None:
        text = change["new"] if isinstance(change.get("new"), str) else ""
        self.count.value = self._count_html(len(text))
        self._live()

    def update_live(self) -> None:
        """Refresh the quick summary and tone meter as the learner types (no attempt recorded)."""
        text = self.text.value
        if not text.strip():
            self.live.value = ""
            self.tone.value = ""
            return
        if len(text) > PREVIEW_MAX_CHARS:  # the same limit as on the book page
            self.live.value = '<span class="ss-live">Long reply: press Check for feedback.</span>'
            return
        result = self.rubric.check(text)
        mark = "✓" if result.passed else "…"
        self.live.value = f'<span class="ss-live" style="color:#475467">{mark} so far: {esc(result.summary)}</span>'
        self.tone.value = tone_html(result.tone)

    # -- actions ---------------------------------------------------------------------------------
    def check(self) -> Result:
        """What the Check button does: full feedback, an attempt recorded, the model offered."""
        self._live.cancel()
        result = self.rubric.check(self.text.value)
        self.last_result = result
        self.feedback.value = result_html(result, show_tone=False, links=self.links)
        self.tone.value = tone_html(result.tone)
        self.live.value = ""
        n = self.recorder.record(result, self.text.value)
        self.attempts.value = attempts_label(n)
        self.reveal.offer(result.passed)
        return result


def _limit(rubric: ReplyRubric) -> int | None:
    from ..platforms import limit_for

    if rubric.scenario is None:
        return None
    return limit_for(rubric.scenario.platform, rubric.scenario.writes)
