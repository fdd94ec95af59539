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

from ..course import KEY_RE, key_for, page_for
from ..links import LessonLinks
from ..model import PREVIEW_MAX_CHARS, ChoiceRubric, ReplyRubric
from ..platforms import limit_for
from ..render import result_html, scenario_html, tone_html
from ..result import esc
from ..reveal import is_checkpoint, model_unlocked, model_wait
from .seal import SealError, installed_key, is_sealed, unseal

if TYPE_CHECKING:
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
    rubric: str | Path | ReplyRubric | ChoiceRubric,
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


def _reply_parts(rubric: ReplyRubric, uid: str) -> list[str]:
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


def markup(rubric: ReplyRubric | ChoiceRubric, key: str, *, page: str = "") -> str:
    """A live exercise as the book page holds it before Python is ready.

    Check is disabled, and the line next to it says why: a learner never meets a button that
    looks alive and does nothing. The reply box already takes a draft.
    """
    if not KEY_RE.fullmatch(key):
        raise ValueError(f"live exercise key {key!r} is not <level>/<name>")
    uid = "ss-" + key.replace("/", "--")
    reply = isinstance(rubric, ReplyRubric)
    noun = "post" if reply and rubric.scenario and rubric.scenario.writes == "post" else "reply"
    button = f"Check my {noun}" if reply else "Check my answer"
    # Marks a checkpoint's exercise, whose model reply waits for a pass (the worker learns it
    # from the page id when the exercise opens; this makes it visible on the page too).
    checkpoint = ' data-ss-checkpoint="true"' if is_checkpoint(page) else ""
    parts = [
        f'<section class="ss-live" id="{uid}" data-ss-rubric="{esc(key)}" '
        f'data-ss-exercise="{esc(rubric.id)}" data-ss-page="{esc(page)}"{checkpoint} '
        f'data-ss-kind="{rubric.kind}" '
        f'aria-label="Exercise: {esc(rubric.title or rubric.id)}">',
        scenario_html(rubric.scenario, rubric.title, rubric.task),
        *(
            _reply_parts(rubric, uid)
            if isinstance(rubric, ReplyRubric)
            else _choice_parts(rubric, uid)
        ),
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
        '<button type="button" class="ss-show-model" hidden>Show a model reply</button>',
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
        self.rubrics: dict[str, ReplyRubric | ChoiceRubric] = {}
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
            }
        )

    def check(self, key: str, answer: str) -> str:
        """Judge an answer: a reply's text, or the picked option ids as a JSON list."""
        rubric = self.rubrics[key]
        if isinstance(rubric, ReplyRubric):
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
                "tone": tone_html(result.tone) if isinstance(rubric, ReplyRubric) else "",
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
            reason = model_wait(count, won, checkpoint)
            return json.dumps({"earned": False, "html": "", "reason": reason})
        if is_sealed(text):
            key_bytes = installed_key()
            try:
                text = unseal(text, key_bytes) if key_bytes else ""
            except SealError:
                text = ""
            if not text:
                html = (
                    '<p class="ss-model-head">The model reply could not be opened: this page '
                    "and its engine come from different builds. Reload the page to fix it.</p>"
                )
                return json.dumps({"earned": True, "html": html, "reason": ""})
        html = (
            '<p class="ss-model-head"><b>One reply that works</b> (yours can differ and still '
            f'pass):</p><div class="ss-model-text">{esc(text)}</div>'
        )
        return json.dumps({"earned": True, "html": html, "reason": ""})


def _count(value: object) -> int:
    """An attempt count from the page: a whole number of at least 0, anything else 0."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return 0
    if value != value or value in (float("inf"), float("-inf")):  # NaN, infinity
        return 0
    return max(0, int(value))
