"""The conversation exercise: a thread that answers back, one reply box, and Send.

Each Send judges the reply so far and shows what the person posts next, which depends on what
the reply did. The attempt is recorded, and the full feedback shown, once the last turn has a
reply: mid-thread coaching would turn a conversation back into single shots.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import ipywidgets as w

from ..conversation import ConversationRubric
from ..links import LessonLinks, for_notebook
from ..render import bubble, result_html, scenario_html
from ..result import Result
from ..reveal import is_checkpoint
from .common import AttemptRecorder, ModelOffer, OffersModel, attempts_label

if TYPE_CHECKING:
    from ..progress import Store


class ConversationExercise(OffersModel, w.VBox):
    """A complete conversation exercise. Everything it shows from the learner is escaped."""

    def __init__(
        self,
        rubric: ConversationRubric,
        *,
        store: Store | None = None,
        learner: str = "",
        links: LessonLinks | None = None,
        page: str = "",
    ) -> None:
        self.rubric = rubric
        self.links = for_notebook() if links is None else links
        self.recorder = AttemptRecorder(
            rubric.id, "conversation", store=store, learner=learner, page=page
        )
        self.checkpoint = is_checkpoint(page)
        self.replies: list[str] = []
        self.last_result: Result | None = None

        self.post = w.HTML(scenario_html(rubric.scenario, rubric.title, rubric.task))
        self.thread = w.HTML("")
        self.turn_label = w.HTML("")
        self.text = w.Textarea(
            value="",
            placeholder="Write your reply here, as you would post it…",
            layout=w.Layout(width="98%", max_width="40em", height="7em"),
        )
        self.send_button = w.Button(
            description="Send reply",
            button_style="primary",
            icon="paper-plane",
            layout=w.Layout(width="auto", min_width="9em"),
            tooltip="Post this reply and see what comes back",
        )
        self.restart_button = w.Button(
            description="Start again",
            layout=w.Layout(width="auto", display="none"),
            tooltip="Clear the thread and start the conversation again",
        )
        self.attempts = w.HTML(attempts_label(self.recorder.count))
        self.feedback = w.HTML("")
        self.reveal = ModelOffer(
            "conversation", rubric.model_reply, self.recorder, checkpoint=self.checkpoint
        )
        self.send_button.on_click(lambda _b: self.send())
        self.restart_button.on_click(lambda _b: self.restart())
        super().__init__(
            [
                self.post,
                self.thread,
                self.turn_label,
                self.text,
                w.HBox(
                    [self.send_button, self.restart_button, self.attempts],
                    layout=w.Layout(align_items="center", grid_gap="1em"),
                ),
                self.feedback,
                *self.reveal.widgets,
            ],
            layout=w.Layout(grid_gap="0.4em"),
        )
        self.add_class("ss-exercise")
        self.add_class("ss-conversation")
        self._show_turn()

    @property
    def done(self) -> bool:
        return len(self.replies) >= len(self.rubric.turns)

    def send(self) -> Result | None:
        """Post the reply in the box. Returns the verdict once the conversation is over."""
        if self.done:
            return self.last_result
        self.replies.append(self.text.value if isinstance(self.text.value, str) else "")
        self.text.value = ""
        self._show_turn()
        if not self.done:
            return None
        result = self.rubric.check(self.replies)
        self.last_result = result
        self.feedback.value = result_html(result, show_tone=True, links=self.links)
        n = self.recorder.record(result, json.dumps(self.replies, ensure_ascii=False))
        self.attempts.value = attempts_label(n)
        self.reveal.offer(result.passed)
        return result

    def restart(self) -> None:
        """Clear the thread for another go; saved attempts stay."""
        self.replies = []
        self.text.value = ""
        self.feedback.value = ""
        self.last_result = None
        self._show_turn()

    def _show_turn(self) -> None:
        """Draw the thread so far and ask for the next reply, or close the box when done."""
        verdicts, pending = self.rubric.walk(self.replies)
        parts = []
        for v in verdicts:
            if v.number > 1:
                parts.append(bubble(v.post.author, v.post.text))
            parts.append(bubble("You", v.reply, mine=True))
        if pending is not None and self.replies:
            parts.append(bubble(pending.author, pending.text))
        self.thread.value = "".join(parts)
        total = len(self.rubric.turns)
        if self.done:
            self.turn_label.value = (
                '<span style="color:#475467">The conversation is over. Your feedback is '
                "below.</span>"
            )
            self.text.layout.display = "none"
            self.send_button.layout.display = "none"
            self.restart_button.layout.display = None
        else:
            n = len(self.replies) + 1
            self.turn_label.value = (
                f'<span style="color:#475467">Reply {n} of {total}. They will answer back: '
                "what they say depends on your reply.</span>"
            )
            self.text.layout.display = None
            self.send_button.layout.display = None
            self.restart_button.layout.display = "none" if not self.replies else None
