"""Feedback as a learner reads it: HTML for notebooks and widgets, text for terminals.

Every piece of text passes through :func:`esc` (learner text and rubric text alike), and links
are only ever relative paths or http(s) URLs, so nothing in a reply can become markup or script.

Lesson links are made for the surface showing them (links.py): the HTML takes a
:class:`~skischool.links.LessonLinks`, by default :data:`~skischool.links.BOOK_PAGE`, because
feedback HTML is first of all what a learner reads on an exercise page of the built book
(``exercises/<level>/<page>.html``). Notebooks and widgets pass ``for_notebook()``. Text prints
the lesson's file from the course root (``lessons/x/01-y.md``), which a learner can open.
"""

from __future__ import annotations

from .criteria.base import Scenario
from .links import BOOK_PAGE, LessonLinks, lesson_docname, lesson_href, lesson_path
from .platforms import PLATFORMS
from .result import LOWER_IS_BETTER, TONE_DIMENSIONS, Finding, Result, ToneProfile, esc

SEVERITY_LABEL = {
    "error": "Must fix",
    "warning": "Worth fixing",
    "suggestion": "Nice to have",
    "info": "Why this works",
}
SEVERITY_COLOR = {
    "error": "#b42318",
    "warning": "#b54708",
    "suggestion": "#175cd3",
    "info": "#067647",
}
PASS_COLOR, FAIL_COLOR = "#067647", "#b42318"
# A move the checker could not find is an observation, not a verdict: it gets its own label.
NOT_FOUND_LABEL = "Not found"


def label_for(f: Finding) -> str:
    if f.kind == "not-found":
        return f"{NOT_FOUND_LABEL} · {SEVERITY_LABEL.get(f.severity, f.severity).lower()}"
    return SEVERITY_LABEL.get(f.severity, f.severity)


def safe_href(target: str) -> str | None:
    """Allow relative paths and http(s) URLs only: never javascript: or data: links."""
    t = target.strip()
    low = t.lower()
    if low.startswith(("http://", "https://")):
        return t
    if ":" in t.split("/", 1)[0] or t.startswith("//"):
        return None
    return t


def headline(result: Result) -> str:
    """Encouraging, specific headline: never just "correct"."""
    if result.kind == "choice":
        if result.passed:
            return f"Good call. {result.summary}."
        return f"Not quite yet. {result.summary}. Read the feedback and try again."
    if result.kind == "triage":
        if result.passed:
            return f"A well-sorted queue. {result.summary}."
        return f"Getting there: {result.summary}. Each item below says why."
    if result.kind == "conversation":
        if result.passed:
            return f"You kept that conversation on track. {result.summary}."
        return f"Getting there: {result.summary}. Each reply is judged below, then the thread."
    if result.notes and not result.criteria_met:
        return result.notes[0]
    if result.passed:
        if result.criteria_met == result.criteria_total:
            return f"That reply works. {result.summary}."
        return f"That reply passes: {result.summary}. A little polish would make it even better."
    return f"Getting there: {result.summary}. Here is what would make it land."


# ---------------------------------------------------------------------------------- HTML ---
def lesson_link_html(lesson: str, links: LessonLinks | None = None) -> str:
    """The "Revisit the lesson" link for the surface; empty for a value that is no course path.

    ``data-lesson`` carries the docname, so a front end can rewrite the link for where it is.
    """
    links = BOOK_PAGE if links is None else links
    docname = lesson_docname(lesson) if lesson else None
    href = lesson_href(lesson, links) if docname else None
    href = safe_href(href) if href else None
    if not docname or not href:
        return ""
    new_tab = ""
    label = "Revisit the lesson"
    if links.new_tab:
        new_tab = ' target="_blank" rel="noopener"'
        label += '<span style="color:#475467"> (opens in a new tab)</span>'
    return (
        # A finger-sized target (WCAG 2.5.8), clear of a "Sorted well" summary just above it.
        f'<div class="ss-lesson" style="font-size:.85em;margin-top:.4em"><a href="{esc(href)}" '
        f'data-lesson="{esc(docname)}"{new_tab} '
        'style="display:inline-block;min-height:24px;line-height:24px">'
        f"{label}</a></div>"
    )


def finding_html(f: Finding, *, links: LessonLinks | None = None) -> str:
    color = SEVERITY_COLOR.get(f.severity, "#475467")
    parts = [
        f'<li class="ss-finding ss-{esc(f.severity)}" style="margin:.4em 0;'
        f'border-left:3px solid {color};padding-left:.6em;list-style:none">',
        f'<span style="color:{color};font-weight:600;font-size:.85em">{esc(label_for(f))}</span> ',
    ]
    if f.quote and f.quote not in f.message:
        where = f" (line {f.line}, column {f.column})" if f.line else ""
        parts.append(
            f'<q style="background:#fef0c7;padding:0 .2em" title="your words{esc(where)}">'
            f"{esc(f.quote)}</q> "
        )
    parts.append(f"<span>{esc(f.message)}</span>")
    if f.why:
        parts.append(
            f'<div style="color:#475467;font-size:.9em"><b>Why it matters:</b> {esc(f.why)}</div>'
        )
    if f.suggestion:
        parts.append(f'<div style="font-size:.9em"><b>Try:</b> {esc(f.suggestion)}</div>')
    if f.lesson:
        parts.append(lesson_link_html(f.lesson, links))
    parts.append("</li>")
    return "".join(parts)


def _rubric_lesson(result: Result) -> str:
    """The rubric's own lesson, for a result that did not pass and whose findings do not
    already link to it (a choice question's findings never do)."""
    if result.passed or not result.lesson:
        return ""
    own = lesson_docname(result.lesson)
    if own is None or any(lesson_docname(f.lesson) == own for f in result.findings if f.lesson):
        return ""
    return result.lesson


def tone_html(tone: ToneProfile) -> str:
    """A small meter per tone dimension: the shape of a reply's tone at a glance."""
    rows = []
    for dim, value in tone.values.items():
        if value is None:
            continue
        good = 100 - value if dim in LOWER_IS_BETTER else value
        color = PASS_COLOR if good >= 70 else ("#b54708" if good >= 40 else FAIL_COLOR)
        label = TONE_DIMENSIONS.get(dim, dim)
        rows.append(
            f'<div class="ss-tone" style="display:flex;align-items:center;gap:.5em;margin:.15em 0" '
            f'title="{esc(label)}">'
            f'<span style="width:7.5em;font-size:.85em">{esc(dim.capitalize())}</span>'
            f'<span role="meter" aria-label="{esc(dim)}" aria-valuemin="0" aria-valuemax="100" '
            f'aria-valuenow="{value}" style="flex:1;max-width:12em;height:.6em;background:#eaecf0;'
            f'border-radius:.3em;overflow:hidden"><span style="display:block;height:100%;'
            f'width:{value}%;background:{color}"></span></span>'
            f'<span style="font-size:.8em;color:#475467">{value}</span></div>'
        )
    if not rows:
        return ""
    return (
        '<div class="ss-tone-profile"><div style="font-weight:600;font-size:.9em">Tone</div>'
        + "".join(rows)
        + "</div>"
    )


def result_html(result: Result, *, show_tone: bool = True, links: LessonLinks | None = None) -> str:
    """The whole feedback; ``links`` says where it is shown (default: a book exercise page)."""
    color = PASS_COLOR if result.passed else FAIL_COLOR
    badge = "Pass" if result.passed else "Not yet"
    head = headline(result)
    out = [
        '<div class="ss-result" style="font-family:system-ui,sans-serif;line-height:1.45;font-size:15px">',
        f'<div style="display:flex;gap:.6em;align-items:center;flex-wrap:wrap">'
        f'<span style="background:{color};color:white;border-radius:1em;padding:.1em .7em;'
        f'font-weight:600">{badge}</span>'
        f"<b>{esc(result.summary)}</b>"
        f'<span style="color:#475467">score {result.score}/100 (pass at {result.pass_score})</span></div>',
        f'<p style="margin:.4em 0">{esc(head)}</p>',
    ]
    for note in result.notes:
        if note != head:
            out.append(f'<p style="margin:.3em 0;color:#475467">{esc(note)}</p>')
    if result.turns:
        out.append(thread_html(result))
    met = [c for c in result.criteria if c.met and result.kind in ("reply", "conversation")]
    if met:
        items = "".join(
            f"<li>{esc(c.title)}"
            + (
                f' — <q style="background:#d1fadf;padding:0 .2em">{esc(c.evidence)}</q>'
                if c.evidence
                else ""
            )
            + "</li>"
            for c in met
        )
        out.append(
            f"<details><summary>What already works ({len(met)})</summary><ul>{items}</ul></details>"
        )
    findings = result.findings
    right: list[Finding] = []
    if result.kind == "triage":
        # In a queue of 25 the items to look at again come first; the ones sorted well, each
        # with its why, wait folded underneath.
        right = [f for f in findings if f.severity == "info"]
        findings = [f for f in findings if f.severity != "info"]
    if findings:
        out.append(
            '<ul style="padding-left:0;margin:.3em 0">'
            + "".join(finding_html(f, links=links) for f in findings)
            + "</ul>"
        )
    if right:
        out.append(
            f"<details><summary>Sorted well ({len(right)})</summary>"
            '<ul style="padding-left:0;margin:.3em 0">'
            + "".join(finding_html(f, links=links) for f in right)
            + "</ul></details>"
        )
    lesson = _rubric_lesson(result)
    if lesson:
        out.append(lesson_link_html(lesson, links))
    if show_tone and result.kind in ("reply", "conversation"):
        out.append(tone_html(result.tone))
    out.append("</div>")
    return "".join(out)


def bubble(who: str, text: str, mine: bool = False) -> str:
    """One message of the thread; the learner's own sits indented, like a reply."""
    style = (
        "border:1px solid #b2ddff;background:#eff8ff;margin-left:2em"
        if mine
        else "border:1px solid #d0d5dd;background:#fff"
    )
    return (
        f'<div class="ss-bubble" style="{style};border-radius:.6em;padding:.4em .6em;'
        f'max-width:34em;margin-top:.4em;font-family:system-ui,sans-serif;line-height:1.45">'
        f'<b>{esc(who)}</b><div style="white-space:pre-wrap">{esc(text)}</div></div>'
    )


def thread_html(result: Result) -> str:
    """A conversation as it went: each post, the learner's reply, and what the reply did."""
    from .conversation import MOVE_WORDS

    rows = []
    for t in result.turns:
        mark = "✓" if t.passed else "…"
        did = f" Your reply {MOVE_WORDS[t.move]}." if t.move in MOVE_WORDS else ""
        rows.append(
            '<li style="margin:.5em 0;list-style:none">'
            + bubble(t.author, t.post)
            + bubble("You", t.reply or "(no reply)", mine=True)
            + f'<div style="color:#475467;font-size:.85em;margin-left:2em">{mark} Reply '
            f"{t.number}: {esc(t.summary)}.{esc(did)}</div></li>"
        )
    return (
        '<details class="ss-thread-record" open><summary>The conversation</summary>'
        f'<ol style="padding-left:0;margin:.3em 0">{"".join(rows)}</ol></details>'
    )


def scenario_html(scenario: Scenario | None, title: str = "", task: str = "") -> str:
    """The post a learner answers, styled like a post on its platform."""
    # Widget HTML inherits a tall single-line height from ipywidgets; set readable text metrics.
    parts = [
        '<div class="ss-scenario" style="font-family:system-ui,sans-serif;line-height:1.45;font-size:15px">'
    ]
    if title:
        parts.append(
            f'<div style="font-weight:700;font-size:1.05em;margin-bottom:.3em">{esc(title)}</div>'
        )
    if task:
        parts.append(f'<div style="margin-bottom:.5em">{esc(task)}</div>')
    if scenario is not None:
        platform = PLATFORMS.get(scenario.platform)
        label = platform.label if platform else scenario.platform
        who = scenario.author.name or scenario.author.handle or "Someone"
        handle = scenario.author.handle if scenario.author.name else ""
        initial = (who.strip("@")[:1] or "?").upper()
        brief = scenario.writes == "post"
        aria = "The brief for your post" if brief else "The post you are replying to"
        parts.append(
            f'<div role="article" aria-label="{aria}" style="border:1px solid #d0d5dd;'
            'border-radius:.8em;padding:.7em .9em;max-width:36em;background:#fff">'
            '<div style="display:flex;align-items:center;gap:.5em">'
            f'<span aria-hidden="true" style="width:2em;height:2em;border-radius:50%;background:#d1e9ff;'
            f'display:inline-flex;align-items:center;justify-content:center;font-weight:700">{esc(initial)}</span>'
            f"<span><b>{esc(who)}</b>"
            + (f' <span style="color:#475467">{esc(handle)}</span>' if handle else "")
            + f'<br><span style="color:#475467;font-size:.8em">on {esc(label)}</span></span></div>'
            f'<div style="margin-top:.5em;white-space:pre-wrap">{esc(scenario.post)}</div></div>'
        )
        if brief:
            parts.append(
                f'<div style="color:#475467;font-size:.9em;margin-top:.3em">You are writing a post of '
                f"your own on {esc(label)}, not a reply: the note above is your brief.</div>"
            )
        if scenario.context:
            parts.append(
                f'<div style="color:#475467;font-size:.9em;margin-top:.4em"><b>What you know:</b> {esc(scenario.context)}</div>'
            )
    parts.append("</div>")
    return "".join(parts)


# ---------------------------------------------------------------------------------- text ---
_ANSI = {"green": "32", "red": "31", "yellow": "33", "blue": "34", "dim": "2", "bold": "1"}


def _c(text: str, style: str, color: bool) -> str:
    return f"\x1b[{_ANSI[style]}m{text}\x1b[0m" if color else text


def printable(text: str) -> str:
    """Learner text for a terminal: control characters shown, never executed as escapes."""
    return "".join(
        ch if ch.isprintable() or ch == " " else f"\\x{ord(ch):02x}" if ord(ch) < 256 else "\ufffd"
        for ch in text
    )


def result_text(result: Result, color: bool = False) -> str:
    lines = []
    badge = _c("PASS", "green", color) if result.passed else _c("NOT YET", "red", color)
    lines.append(
        f"{badge}  {result.summary}  (score {result.score}/100, pass at {result.pass_score})"
    )
    head = headline(result)
    lines.append(head)
    for note in result.notes:
        if note != head:
            lines.append(_c(note, "dim", color))
    if result.turns:
        from .conversation import MOVE_WORDS

        for t in result.turns:
            did = f"; your reply {MOVE_WORDS[t.move]}" if t.move in MOVE_WORDS else ""
            lines.append(_c(f"  reply {t.number}: {t.summary}{did}", "dim", color))
    for c in result.criteria:
        if result.kind in ("reply", "conversation") and c.met and c.evidence:
            ev = f' — "{printable(c.evidence)}"' if c.evidence else ""
            lines.append(_c(f"  ✓ {c.title}{ev}", "green", color))
    for f in result.findings:
        style = {"error": "red", "warning": "yellow", "info": "green"}.get(f.severity, "blue")
        label = label_for(f)
        where = f"{f.line}:{f.column} " if f.line else ""
        quote = f'"{printable(f.quote)}" ' if f.quote and f.quote not in f.message else ""
        mark = "✓ " if f.severity == "info" else ("? " if f.kind == "not-found" else "✗ ")
        lines.append(
            f"  {_c(mark + label, style, color)} [{f.criterion}] {where}{quote}{printable(f.message)}"
        )
        if f.why:
            lines.append(f"      why: {printable(f.why)}")
        if f.suggestion:
            lines.append(f"      try: {printable(f.suggestion)}")
        path = lesson_path(f.lesson) if f.lesson and f.severity != "info" else None
        if path:
            lines.append(f"      lesson: {path}")
    own = _rubric_lesson(result)
    path = lesson_path(own) if own else None
    if path:
        lines.append(f"  lesson: {path}")
    if result.kind in ("reply", "conversation"):
        tone = ", ".join(f"{k} {v}" for k, v in result.tone.values.items() if v is not None)
        if tone:
            lines.append(_c(f"  tone: {tone}", "dim", color))
    return "\n".join(lines)
