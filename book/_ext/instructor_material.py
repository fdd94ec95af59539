"""What the instructor edition adds to the book, worked out from the course itself.

* ```` ```{session-plan} Title ```` : a timed plan. One row a line, ``minutes | what`` or
  ``lesson-file-stem | what``; a lesson's minutes come from the ``**Timing:**`` line of its
  facilitator notes, so the plan follows the lessons. Start times and the total are added up.
  ``:start: 9:30`` gives clock times (default: from 0:00).
* ```` ```{mistakes-to-expect} ```` : the level's most-missed criteria, from running every
  rubric of the level against its own failing examples (``mistakes.py``). ``:level:`` defaults
  to the page's folder; ``:limit:`` to 6.
* under every live exercise of an exercise page: its instructor key (model reply or right
  answers, what the rubric checks, the rubric's sample answers).

All of it is instructor material (``edition.py``): the learner edition drops it. The plans are
built while reading (they only read lessons); the mistakes and keys when the instructor edition
writes a page, so the learner edition never runs them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)

#: "**Timing:** about 40 minutes ..." in a lesson's facilitator notes.
TIMING_RE = re.compile(r"\*\*Timing:?\*\*:?\s*(?:about\s+)?(\d+)\s*min", re.IGNORECASE)
CLOCK_RE = re.compile(r"^(\d{1,2}):([0-5]\d)$")
RUBRIC_KEY_RE = re.compile(r'data-ss-rubric="([^"]+)"')
DEFAULT_LIMIT = 6


def lesson_minutes(text: str) -> int | None:
    """The minutes a lesson's facilitator notes give it, or None when they state none."""
    m = TIMING_RE.search(text)
    return int(m.group(1)) if m else None


def clock(minutes: int) -> str:
    return f"{minutes // 60}:{minutes % 60:02d}"


def duration(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest:02d} min" if rest else f"{hours} h"


def _instructor_only(kind: str, *children: nodes.Node) -> nodes.Element:
    from edition import instructor_only

    wrapper = instructor_only(kind=kind)
    wrapper.extend(children)
    return wrapper


# --- session plans ----------------------------------------------------------------------------


class SessionPlanDirective(SphinxDirective):
    has_content = True
    optional_arguments = 1
    final_argument_whitespace = True
    option_spec: ClassVar[dict[str, Any]] = {"start": directives.unchanged}

    def _warn(self, message: str) -> None:
        logger.warning(message, location=self.get_location(), type="skischool", subtype="plan")

    def run(self) -> list[nodes.Node]:
        start = 0
        if "start" in self.options:
            m = CLOCK_RE.match(self.options["start"].strip())
            if m is None:
                self._warn(
                    f"session-plan :start: {self.options['start']!r} is not a time like 9:30"
                )
            else:
                start = int(m.group(1)) * 60 + int(m.group(2))
        folder = Path(self.env.doc2path(self.env.docname)).parent
        rows: list[tuple[int, list[nodes.Node]]] = []
        for offset, line in enumerate(self.content):
            if not line.strip():
                continue
            lineno = self.content_offset + offset + 1
            left, bar, right = line.partition("|")
            left, right = left.strip(), right.strip()
            if not bar or not left or not right:
                self._warn(f"session-plan row {line.strip()!r}: expected 'minutes | what'")
                continue
            words, messages = self.state.inline_text(right, lineno)
            cell: list[nodes.Node] = [*words, *messages]
            if left.isdigit():
                rows.append((int(left), cell))
                continue
            lesson = folder / f"{left}.md"
            if not lesson.is_file():
                self._warn(f"session-plan row {left!r}: no lesson {lesson.name} beside this page")
                continue
            self.env.note_dependency(str(lesson))
            minutes = lesson_minutes(lesson.read_text(encoding="utf-8"))
            if minutes is None:
                self._warn(f"session-plan row {left!r}: its facilitator notes give no **Timing:**")
                continue
            link = addnodes.pending_xref(
                "",
                nodes.inline("", "", classes=["xref", "std", "std-doc"]),
                refdomain="std",
                reftype="doc",
                reftarget=left,
                refexplicit=False,
                refwarn=True,
                refdoc=self.env.docname,
            )
            rows.append((minutes, [nodes.strong("", "", link), nodes.Text(": "), *cell]))
        return [_instructor_only("session-plan", self._table(rows, start))]

    def _table(self, rows: list[tuple[int, list[nodes.Node]]], start: int) -> nodes.table:
        table = nodes.table(classes=["skischool-plan"])
        if self.arguments:
            words, _ = self.state.inline_text(self.arguments[0], self.lineno)
            table += nodes.title(self.arguments[0], "", *words)
        group = nodes.tgroup(cols=3)
        table += group
        for width in (12, 12, 76):
            group += nodes.colspec(colwidth=width)

        def row(*cells: list[nodes.Node] | str) -> nodes.row:
            r = nodes.row()
            for content in cells:
                entry = nodes.entry()
                para = nodes.paragraph()
                if isinstance(content, str):
                    para += nodes.Text(content)
                else:
                    para.extend(content)
                entry += para
                r += entry
            return r

        head = nodes.thead()
        head += row("Start", "Minutes", "What")
        group += head
        body = nodes.tbody()
        at = start
        for minutes, cell in rows:
            body += row(clock(at), str(minutes), cell)
            at += minutes
        total = at - start
        body += row(clock(at), str(total), [nodes.strong("", f"End. Total: {duration(total)}")])
        group += body
        return table


# --- mistakes to expect -----------------------------------------------------------------------


class mistakes_placeholder(nodes.General, nodes.Element):
    """Filled when the instructor edition writes the page."""


class MistakesDirective(SphinxDirective):
    option_spec: ClassVar[dict[str, Any]] = {
        "level": directives.unchanged,
        "limit": directives.positive_int,
    }

    def run(self) -> list[nodes.Node]:
        level = self.options.get("level") or Path(self.env.docname).parent.name
        course = getattr(self.env.app, "skischool_model", None)
        if course is not None:
            if course.level(level) is None:
                logger.warning(
                    f"mistakes-to-expect: {level!r} is not a level of the course",
                    location=self.get_location(),
                    type="skischool",
                    subtype="mistakes",
                )
            else:
                for ex in course.exercises(level):
                    if ex.rubric_path is not None:
                        self.env.note_dependency(str(ex.rubric_path))
        holder = mistakes_placeholder(level=level, limit=self.options.get("limit", DEFAULT_LIMIT))
        return [_instructor_only("mistakes", holder)]


def _uri(app: Sphinx, fromdoc: str, todoc: str) -> str:
    return app.builder.get_relative_uri(fromdoc, todoc)


def mistakes_nodes(app: Sphinx, docname: str, level: str, limit: int) -> list[nodes.Node]:
    from mistakes import level_mistakes

    course = app.skischool_model  # type: ignore[attr-defined]
    cache: dict[str, Any] = app.__dict__.setdefault("_skischool_mistakes", {})
    if level not in cache:
        cache[level] = level_mistakes(course, level)
    ranked = cache[level][:limit]
    intro = nodes.paragraph(
        "",
        "Worked out when this edition was built: every rubric of the level was run against its "
        "own wrong answers, and these are the criteria they miss most often. Each line is what "
        "a learner reads when they make that mistake.",
    )
    if not ranked:
        return [intro, nodes.paragraph("", "This level's rubrics have no failing examples yet.")]
    items = nodes.enumerated_list()
    for m in ranked:
        ex = course.exercise(m.key)
        page = course.page(ex.page) if ex else None
        head = nodes.paragraph()
        head += nodes.strong("", m.title)
        head += nodes.Text(" in ")
        if page is not None:
            head += nodes.reference("", m.exercise, refuri=_uri(app, docname, page.docname))
        else:
            head += nodes.Text(m.exercise)
        head += nodes.Text(f": missed by {m.fails} of its {m.examples} wrong answers.")
        quote = nodes.block_quote()
        quote += nodes.paragraph("", m.message)
        item = nodes.list_item()
        item += head
        item += quote
        items += item
    return [intro, items]


# --- instructor keys on exercise pages --------------------------------------------------------


def _para(*parts: nodes.Node | str) -> nodes.paragraph:
    p = nodes.paragraph()
    for part in parts:
        p += nodes.Text(part) if isinstance(part, str) else part
    return p


def _bullets(items: list[list[nodes.Node]]) -> nodes.bullet_list:
    out = nodes.bullet_list()
    for content in items:
        item = nodes.list_item()
        item.extend(content)
        out += item
    return out


def key_nodes(rubric: Any, heading: str = "") -> nodes.Element:
    """The instructor key for one exercise, from its full rubric."""
    box = nodes.admonition(classes=["instructor-key"])
    box += nodes.title("", f"Instructor key: {heading or rubric.title}")
    if rubric.kind == "conversation":
        _conversation_key(box, rubric)
    elif rubric.kind == "triage":
        _triage_key(box, rubric)
    elif rubric.kind == "reply":
        box += _para("A reply that passes (learners see it after a pass or three attempts):")
        quote = nodes.block_quote(classes=["instructor-model-reply"])
        for chunk in str(rubric.model_reply).split("\n\n"):
            if chunk.strip():
                quote += nodes.paragraph("", chunk.strip())
        box += quote
        box += _para("What the rubric checks (red flags fail a reply whatever its score):")
        box += _criteria_bullets(rubric.criteria)
    else:
        if rubric.multiple:
            box += _para("Good picks score above 0; a learner passes with enough of them.")
        else:
            box += _para(f"One answer; a pick passes at {rubric.pass_score} or more.")
        ranked = sorted(rubric.options, key=lambda o: -o.score)
        box += _bullets(
            [
                [
                    _para(
                        nodes.strong("", f"{o.score} · "),
                        o.text,
                    ),
                    _para(nodes.emphasis("", o.feedback)),
                ]
                for o in ranked
            ]
        )
    if rubric.examples:
        samples = nodes.admonition(classes=["dropdown", "instructor-samples"])
        samples += nodes.title("", f"The rubric's sample answers ({len(rubric.examples)})")
        rows = []
        for e in rubric.examples:
            verdict = "Passes" if e.expect == "pass" else "Fails"
            answer = _sample(rubric, e)
            parts: list[nodes.Node] = [_para(nodes.strong("", f"{verdict}: "), answer)]
            if e.note:
                parts.append(_para(nodes.emphasis("", e.note)))
            rows.append(parts)
        samples += _bullets(rows)
        box += samples
    return box


def _criteria_bullets(criteria: Any) -> nodes.bullet_list:
    return _bullets(
        [
            [
                _para(
                    nodes.strong("", c.title or c.id),
                    " (red flag)" if c.severity == "error" else f" ({c.severity})",
                )
            ]
            for c in criteria
        ]
    )


def _conversation_key(box: nodes.Element, rubric: Any) -> None:
    """Each turn: its model reply, what it checks, and what comes back after each move."""
    from skischool.conversation import MOVE_WORDS

    box += _para(
        "A conversation: what the person says next depends on what each reply did. The thread "
        "passes when the last reply passes, no reply has a red flag, it stays calm and it "
        f"closes in public ({', '.join(rubric.closes)})."
    )
    for n, turn in enumerate(rubric.turns, 1):
        box += _para(nodes.strong("", f"Reply {n}"), " — one that owns it:")
        quote = nodes.block_quote(classes=["instructor-model-reply"])
        quote += nodes.paragraph("", turn.model_reply.strip() or "(no model reply)")
        box += quote
        box += _criteria_bullets(turn.criteria)
        if turn.next:
            box += _para("What comes back:")
            box += _bullets(
                [
                    [
                        _para(
                            nodes.strong("", f"If the reply {MOVE_WORDS[move]}: "),
                            (f"{b.author}: " if b.author else "") + b.post,
                        )
                    ]
                    for move, b in turn.next.items()
                ]
            )


def _triage_key(box: nodes.Element, rubric: Any) -> None:
    """The sorted queue: each item's best action, what else works, and why."""
    from skischool.triage import ACTIONS

    box += _para(
        f"A queue of {len(rubric.items)}. An item counts when the action fits and the reason "
        f"is one of its own; a critical item sorted wrongly fails the round. Pass at "
        f"{rubric.pass_score}."
    )
    rows = []
    for n, item in enumerate(rubric.items, 1):
        also = f" (also: {', '.join(ACTIONS[a] for a in item.accept)})" if item.accept else ""
        flag = " · critical" if item.critical else ""
        rows.append(
            [
                _para(nodes.strong("", f"{n}. {ACTIONS[item.action]}{also}{flag}: "), item.text),
                _para(nodes.emphasis("", item.why)),
            ]
        )
    box += _bullets(rows)


def _sample(rubric: Any, example: Any) -> str:
    """A sample answer as one line of the key."""
    if rubric.kind == "reply":
        return example.text
    if rubric.kind == "conversation":
        return " / ".join(f"reply {n}: {r}" for n, r in enumerate(example.replies, 1))
    if rubric.kind == "triage":
        changes = ", ".join(f"{i} → {a or 'unsorted'}" for i, a, _ in example.changes)
        return f"start from {example.start}" + (f", then {changes}" if changes else "")
    return ", ".join(example.choose)


def _cell_of(node: nodes.Node) -> nodes.Node:
    """The notebook cell an output sits in (or the output itself)."""
    at: nodes.Node | None = node
    while at is not None and at.parent is not None:
        if isinstance(at, nodes.Element) and "cell" in at.get("classes", []):
            return at
        at = at.parent
    return node


def exercise_keys(app: Sphinx, doctree: nodes.document, docname: str) -> int:
    """Put each live exercise's instructor key right after it. Returns how many were placed."""
    course = getattr(app, "skischool_model", None)
    if course is None:
        return 0
    placed = 0
    for raw in list(doctree.findall(nodes.raw)):
        anchor = _cell_of(raw)
        for key in RUBRIC_KEY_RE.findall(raw.astext()):
            ex = course.exercise(key)
            if ex is None or anchor.parent is None:
                continue
            box = _instructor_only("key", key_nodes(ex.rubric(), ex.heading or ex.title))
            anchor.parent.insert(anchor.parent.index(anchor) + 1, box)
            anchor = box
            placed += 1
    return placed


def add_instructor_material(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """The instructor edition's write-time material for one page."""
    for holder in list(doctree.findall(mistakes_placeholder)):
        holder.replace_self(
            mistakes_nodes(app, docname, str(holder["level"]), int(holder["limit"]))
        )
    exercise_keys(app, doctree, docname)


def _load_course(app: Sphinx) -> None:
    """The course model, for exercise keys and the mistakes; None outside a course."""
    from skischool.course import Course, CourseError

    try:
        app.skischool_model = Course.load(Path(app.srcdir))  # type: ignore[attr-defined]
    except (CourseError, OSError):
        app.skischool_model = None  # type: ignore[attr-defined]


def _skip(self: Any, node: nodes.Node) -> None:
    raise nodes.SkipNode


def setup(app: Sphinx) -> None:
    app.add_node(mistakes_placeholder, html=(_skip, None), latex=(_skip, None), text=(_skip, None))
    app.add_directive("session-plan", SessionPlanDirective)
    app.add_directive("mistakes-to-expect", MistakesDirective)
    app.connect("builder-inited", _load_course)
