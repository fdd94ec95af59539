"""Live exercises on the book's own pages: the HTML the build writes, and the worker's engine.

One module for both halves so that they cannot drift apart:

* at build time, :func:`markup` turns a rubric into the exercise's HTML (scenario, labelled
  reply box or options, a Check button that is disabled until Python is ready, and the empty
  regions the feedback goes into). ``skischool.exercise`` returns it, instead of a widget, when
  the book is being built (:data:`BOOK_ENV`), so pages carry no widget state and no 4 MB widget
  manager;
* in the learner's browser, ``skischool-live-worker.js`` runs Pyodide in a Web Worker and calls a
  :class:`Session`: it loads the page's compiled rubrics and returns verdicts as JSON, with the
  engine's own feedback HTML.

Everything a learner or a rubric wrote is escaped here or in :mod:`skischool.render`; the page's
script inserts only this HTML, and the learner's own text only through ``textContent``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..conversation import ConversationRubric
from ..course import KEY_RE, key_for, page_for
from ..links import LessonLinks
from ..model import PREVIEW_MAX_CHARS, ChoiceRubric, ReplyRubric
from ..platforms import limit_for
from ..render import bubble, result_html, scenario_html, tone_html
from ..result import esc
from ..reveal import (
    MODEL_BUTTONS,
    MODEL_HEADS,
    MODEL_NAMES,
    is_checkpoint,
    model_unlocked,
    model_wait,
)
from ..triage import ACTIONS, MAX_NOTE, TriageRubric, as_sorting, sorting_json
from .seal import has_sealed_models, opened_model

if TYPE_CHECKING:
    from ..loader import AnyRubric
    from ..progress import Store

__all__ = ["BOOK_ENV", "KEY_RE", "LiveMarkup", "Session", "exercise", "markup", "rubric_key"]

#: Set to "1" by the book's Sphinx extension (``book/_ext/live_exercise.py``) for the notebook
#: kernels it starts: ``exercise()`` then writes the live exercise's HTML instead of a widget.
BOOK_ENV = "SKISCHOOL_BOOK_BUILD"
#: The course's one id rule, ``<level>/<rubric file stem>``: where the worker finds the
#: compiled rubric (``live/rubrics/<key>.json``).
rubric_key = key_for


@dataclass(frozen=True)
class LiveMarkup:
    """What ``exercise()`` returns in the book build: notebooks show it as HTML."""

    html: str

    def _repr_html_(self) -> str:
        return self.html


def exercise(
    rubric: str | Path | AnyRubric,
    *,
    store: Store | None = None,
    learner: str = "",
    page: str = "",
) -> Any:
    """The exercise for a rubric: live HTML in the book build, an ipywidget everywhere else."""
    if os.environ.get(BOOK_ENV) == "1" and isinstance(rubric, (str, Path)):
        from ..loader import load_rubric

        path = Path(rubric).resolve()
        return LiveMarkup(markup(load_rubric(path), rubric_key(path), page=page_for(path)))
    from ..widgets import exercise as widget

    return widget(rubric, store=store, learner=learner, page=page)


# --- the HTML the build writes --------------------------------------------------------------


def _reply_parts(rubric: ReplyRubric | ConversationRubric, uid: str) -> list[str]:
    writes_post = bool(rubric.scenario and rubric.scenario.writes == "post")
    noun = "post" if writes_post else "reply"
    limit = limit_for(rubric.scenario.platform, rubric.scenario.writes) if rubric.scenario else None
    count = f"0 / {limit} characters" if limit else "0 characters"
    return [
        '<div class="ss-field">',
        f'<label class="ss-label" for="{uid}-text">Your {noun}</label>',
        f'<textarea id="{uid}-text" class="ss-text" rows="6" spellcheck="true" '
        f'aria-describedby="{uid}-count {uid}-state" '
        f'placeholder="Write your {noun} here, as you would publish it"></textarea>',
        f'<div class="ss-meta"><span id="{uid}-count" class="ss-count"'
        + (f' data-limit="{limit}"' if limit else "")
        + f">{count}</span>"
        '<span class="ss-preview"></span></div>',
        "</div>",
    ]


def _choice_parts(rubric: ChoiceRubric, uid: str) -> list[str]:
    kind = "checkbox" if rubric.multiple else "radio"
    hint = "Pick every option that applies." if rubric.multiple else "Pick one option."
    options = "".join(
        f'<div class="ss-option"><input type="{kind}" id="{uid}-{i}" name="{uid}-pick" '
        f'value="{esc(o.id)}"><label for="{uid}-{i}">{esc(o.text)}</label></div>'
        for i, o in enumerate(rubric.options)
    )
    return [
        f'<fieldset class="ss-field ss-options" aria-describedby="{uid}-state">',
        f'<legend class="ss-label">{esc(rubric.question)} <span class="ss-hint">{hint}</span></legend>',
        options,
        "</fieldset>",
    ]


def _conversation_parts(rubric: ConversationRubric, uid: str) -> list[str]:
    total = len(rubric.turns)
    return [
        # The thread grows here: the worker sends each reply and answer as escaped HTML.
        f'<div class="ss-thread" id="{uid}-thread" aria-label="The conversation so far"></div>',
        f'<p class="ss-turn" data-ss-turns="{total}">Reply 1 of {total}. They will answer back: '
        "what they say depends on your reply.</p>",
        *_reply_parts(rubric, uid),
    ]


def _triage_parts(rubric: TriageRubric, uid: str) -> list[str]:
    actions = "".join(
        f'<option value="{esc(a)}">{esc(label)}</option>' for a, label in ACTIONS.items()
    )
    reasons = "".join(f'<option value="{esc(r.id)}">{esc(r.text)}</option>' for r in rubric.reasons)
    rows = []
    for item in rubric.items:
        who = item.author.name or item.author.handle or "Someone"
        iid = f"{uid}-{esc(item.id)}"
        rows.append(
            f'<li class="ss-item" data-ss-item="{esc(item.id)}">'
            f'<div class="ss-item-post"><b>{esc(who)}</b> <span>{esc(item.text)}</span></div>'
            '<div class="ss-item-pick">'
            f'<label for="{iid}-action">What to do</label>'
            f'<select id="{iid}-action" class="ss-action"><option value="">Choose…</option>{actions}</select>'
            f'<label for="{iid}-reason">Why</label>'
            f'<select id="{iid}-reason" class="ss-reason"><option value="">Choose…</option>{reasons}</select>'
            '<span class="ss-mark" aria-live="off"></span></div>'
            # As in the notebook: a word for the team, kept with the attempt and never scored
            # (free text could only be keyword-matched, which a list of buzzwords would pass).
            f'<div class="ss-item-note"><label for="{iid}-note">Note for your team (optional, '
            f'not scored)</label><input id="{iid}-note" class="ss-note" type="text" '
            f'maxlength="{MAX_NOTE}" autocomplete="off" spellcheck="true"></div></li>'
        )
    return [
        f'<fieldset class="ss-field ss-queue" aria-describedby="{uid}-state">',
        f'<legend class="ss-label">The queue: {len(rubric.items)} comments. For each, pick what to '
        "do and why, and add a note for your team if it helps.</legend>",
        f'<ol class="ss-items">{"".join(rows)}</ol>',
        "</fieldset>",
    ]


#: The Check button's words, by kind (a reply rubric that writes a post says "post").
BUTTONS = {
    "reply": "Check my reply",
    "choice": "Check my answer",
    "conversation": "Send reply",
    "triage": "Check my sorting",
}


def markup(rubric: AnyRubric, key: str, *, page: str = "") -> str:
    """A live exercise as the book page holds it before Python is ready.

    Check is disabled, and the line next to it says why: a learner never meets a button that
    looks alive and does nothing. The reply box already takes a draft.
    """
    if not KEY_RE.fullmatch(key):
        raise ValueError(f"live exercise key {key!r} is not <level>/<name>")
    uid = "ss-" + key.replace("/", "--")
    writes_post = isinstance(rubric, ReplyRubric) and bool(
        rubric.scenario and rubric.scenario.writes == "post"
    )
    button = "Check my post" if writes_post else BUTTONS[rubric.kind]
    if isinstance(rubric, ReplyRubric):
        fields = _reply_parts(rubric, uid)
    elif isinstance(rubric, ConversationRubric):
        fields = _conversation_parts(rubric, uid)
    elif isinstance(rubric, TriageRubric):
        fields = _triage_parts(rubric, uid)
    else:
        fields = _choice_parts(rubric, uid)
    # Marks a checkpoint's exercise, whose model reply waits for a pass (the worker learns it
    # from the page id when the exercise opens; this makes it visible on the page too).
    checkpoint = ' data-ss-checkpoint="true"' if is_checkpoint(page) else ""
    parts = [
        f'<section class="ss-live" id="{uid}" data-ss-rubric="{esc(key)}" '
        f'data-ss-exercise="{esc(rubric.id)}" data-ss-page="{esc(page)}"{checkpoint} '
        f'data-ss-kind="{rubric.kind}" '
        f'aria-label="Exercise: {esc(rubric.title or rubric.id)}">',
        scenario_html(rubric.scenario, rubric.title, rubric.task),
        *fields,
        '<div class="ss-actions">',
        f'<button type="button" class="ss-check" disabled>{button}</button>',
        '<span class="ss-attempts">No attempts yet</span>',
        "</div>",
        f'<p id="{uid}-state" class="ss-state">'
        '<progress class="ss-progress" max="3" value="0" aria-hidden="true"></progress> '
        '<span class="ss-state-text">Check needs Python, which starts in your browser once '
        "this page has loaded (JavaScript must be on). You can write meanwhile.</span></p>",
        '<div class="ss-announce" role="status" aria-live="polite" aria-atomic="true"></div>',
        f'<div class="ss-feedback" id="{uid}-feedback" tabindex="-1"></div>',
        '<div class="ss-tone"></div>',
        '<p class="ss-model-wait" hidden></p>',
        '<div class="ss-model" hidden></div>',
        '<div class="ss-tools">',
        f'<button type="button" class="ss-show-model" hidden>{MODEL_BUTTONS[rubric.kind]}</button>',
        *(
            ['<button type="button" class="ss-restart" hidden>Start a new conversation</button>']
            if isinstance(rubric, ConversationRubric)
            else []
        ),
        '<button type="button" class="ss-reset" disabled>Start again</button>',
        "</div>",
        "</section>",
    ]
    return "".join(parts)


# --- the worker's engine ----------------------------------------------------------------------


class Session:
    """The rubrics of one page in the worker, and the verdicts the page asks for.

    Every method takes and returns plain JSON text, so nothing but strings crosses between
    JavaScript and Python. ``root`` is the page's path to the book's root ("../../"), for the
    lesson links in the feedback.
    """

    def __init__(self, root: str = "../../") -> None:
        self.rubrics: dict[str, AnyRubric] = {}
        # Which opened exercises sit on a level's checkpoint (from the page's data-ss-page).
        self.checkpoints: set[str] = set()
        self.root = root

    def open(self, key: str, compiled: str, page: str = "") -> str:
        """Load one compiled rubric (the JSON the build wrote); returns what the page needs.

        ``page`` is the exercise page it is placed on (``green-circle/checkpoint``): a
        checkpoint's feedback names no missed option and its model reply waits for a pass.
        """
        from ..loader import build
        from ..source import load_json

        if not KEY_RE.fullmatch(key):
            raise ValueError(f"live exercise key {key!r} is not <level>/<name>")
        # The very reader (and the very checks) that load_rubric uses for a .json file.
        rubric = build(load_json(compiled, f"live/rubrics/{key}.json"), require_examples=False)
        self.rubrics[key] = rubric
        if is_checkpoint(page):
            self.checkpoints.add(key)
        else:
            self.checkpoints.discard(key)
        return json.dumps(
            {
                "key": key,
                "id": rubric.id,
                "kind": rubric.kind,
                "has_model": bool(getattr(rubric, "model_reply", "")),
                "turns": len(rubric.turns) if isinstance(rubric, ConversationRubric) else 0,
            }
        )

    def check(self, key: str, answer: str) -> str:
        """Judge an answer: a reply's text, the picked option ids as a JSON list, a
        conversation's replies so far as a JSON list, or a triage's sorting as a JSON object.

        A conversation short of its last reply is not judged yet: the answer carries the
        learner's reply and the post that comes back, as escaped HTML, and no attempt."""
        rubric = self.rubrics[key]
        items: list[dict[str, Any]] = []
        if isinstance(rubric, ConversationRubric):
            from ..conversation import as_replies

            replies = as_replies(answer)[: len(rubric.turns)]
            if len(replies) < len(rubric.turns):
                return self._next_turn(rubric, replies)
            result = rubric.check(replies)
            stored = json.dumps(replies, ensure_ascii=False)
        elif isinstance(rubric, TriageRubric):
            try:
                data = json.loads(answer) if answer else {}
            except (ValueError, RecursionError):
                data = {}
            sorting, _ = as_sorting(data, rubric)
            result = rubric.check(data)
            stored = sorting_json(sorting) if sorting else ""
            items = [{"id": c.id, "met": c.met} for c in result.criteria]
        elif isinstance(rubric, ReplyRubric):
            result = rubric.check(answer)
            stored = answer
        else:
            picked = json.loads(answer) if answer else []
            picked = [p for p in picked if isinstance(p, str)] if isinstance(picked, list) else []
            result = rubric.check(picked, checkpoint=key in self.checkpoints)
            stored = ",".join(picked)
        html = result_html(
            result, show_tone=False, links=LessonLinks(root=self.root, suffix=".html")
        )
        return json.dumps(
            {
                "passed": result.passed,
                "score": result.score,
                "criteria_met": result.criteria_met,
                "criteria_total": result.criteria_total,
                "summary": result.summary,
                "kind": rubric.kind,
                "answer": stored,
                "html": html,
                "tone": tone_html(result.tone) if rubric.kind in ("reply", "conversation") else "",
                "items": items,
            }
        )

    @staticmethod
    def _next_turn(rubric: ConversationRubric, replies: list[str]) -> str:
        """The thread after a reply that is not the last: the reply and what comes back."""
        post = rubric.next_message(replies)
        who, text = (post.author, post.text) if post else ("", "")
        html = bubble("You", replies[-1], mine=True) + bubble(who, text) if replies else ""
        return json.dumps(
            {
                "pending": True,
                "turn": len(replies) + 1,
                "turns": len(rubric.turns),
                "html": html,
                "said": f"{who} answered: {text}" if replies else "",
            }
        )

    def preview(self, key: str, text: str) -> str:
        """The quick summary and tone meter while the learner types; no attempt is recorded."""
        rubric = self.rubrics[key]
        if not isinstance(rubric, ReplyRubric) or not text.strip():
            return json.dumps({"summary": "", "tone": ""})
        if len(text) > PREVIEW_MAX_CHARS:
            return json.dumps({"summary": "Long reply: press Check for feedback.", "tone": ""})
        result = rubric.check(text)
        mark = "✓" if result.passed else "…"
        return json.dumps(
            {"summary": f"{mark} so far: {result.summary}", "tone": tone_html(result.tone)}
        )

    def model(self, key: str, attempts: object = 0, passed: object = False) -> str:
        """The model reply as escaped HTML, once the learner has earned it (reveal.py).

        The page passes what its store knows: the attempts at this exercise and whether one
        passed. Returns JSON ``{"earned", "html", "reason"}``: before it is earned, ``html`` is
        empty and ``reason`` says what earns it, so the worker never hands the reply over early.
        In the learner edition the reply arrives sealed (``seal.py``) and is opened here, with
        the key of the build this engine came from.
        """
        rubric = self.rubrics[key]
        text = getattr(rubric, "model_reply", "")
        count = _count(attempts)
        won = passed is True
        checkpoint = key in self.checkpoints
        if not text:
            return json.dumps({"earned": False, "html": "", "reason": ""})
        if not model_unlocked(count, won, checkpoint):
            reason = model_wait(count, won, checkpoint, MODEL_NAMES[rubric.kind])
            return json.dumps({"earned": False, "html": "", "reason": reason})
        if has_sealed_models(rubric):
            text = opened_model(rubric) or ""
            if not text:
                html = (
                    '<p class="ss-model-head">The model reply could not be opened: this page '
                    "and its engine come from different builds. Reload the page to fix it.</p>"
                )
                return json.dumps({"earned": True, "html": html, "reason": ""})
        bold, rest = MODEL_HEADS[rubric.kind]
        head = f"<b>{bold}</b>{rest}"
        html = (
            f'<p class="ss-model-head">{head} (yours can differ and still pass):</p>'
            f'<div class="ss-model-text">{esc(text)}</div>'
        )
        return json.dumps({"earned": True, "html": html, "reason": ""})


def _count(value: object) -> int:
    """An attempt count from the page: a whole number of at least 0, anything else 0."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return 0
    if value != value or value in (float("inf"), float("-inf")):  # NaN, infinity
        return 0
    return max(0, int(value))
