"""The class report as one self-contained HTML page: inline CSS and SVG, no script, no URL.

Why this shape: an instructor opens it offline, mails it, or projects it to the class. It
loads nothing, so it looks the same everywhere and leaks nothing. Every piece of text from a
file (names, file names, replies) goes through :func:`skischool.result.esc`; replies are
anonymised before that (see :mod:`skischool.report.anonymise`).
"""

from __future__ import annotations

from collections.abc import Iterable

from .. import __version__
from ..course import Exercise
from . import analysis as an
from .build import Report
from .svg import Bar, bar_chart, histogram
from .text import h as esc

CSS = """
:root { color-scheme: light; }
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #111827;
  background: #ffffff; margin: 0 auto; padding: 1.5rem; max-width: 64rem; }
h1 { font-size: 1.9rem; margin: 0 0 .25rem; }
h2 { font-size: 1.4rem; margin-top: 2.5rem; border-bottom: 2px solid #d1d5db; }
h3 { font-size: 1.1rem; margin-top: 1.5rem; }
a { color: #1d4ed8; }
.lede { font-size: 1.15rem; color: #374151; margin-top: 0; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
nav ul { padding-left: 1.2rem; columns: 2; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .95rem; }
caption { text-align: left; font-weight: 600; padding: .25rem 0; }
th, td { border: 1px solid #d1d5db; padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #f3f4f6; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.done { background: #dcfce7; }
.trying { background: #fef9c3; }
.not-started { background: #f9fafb; color: #374151; }
tr.flag td { background: #fee2e2; }
.chart { max-width: 100%; height: auto; display: block; margin: .5rem 0; }
blockquote { margin: .25rem 0; padding: .25rem .75rem; border-left: 4px solid #9ca3af;
  background: #f9fafb; overflow-wrap: anywhere; }
.note { background: #eff6ff; border: 1px solid #bfdbfe; padding: .5rem .75rem; }
.muted { color: #374151; }
details summary { cursor: pointer; color: #1d4ed8; }
footer { margin-top: 3rem; font-size: .9rem; color: #374151; }
@media print { details { display: block; } nav { display: none; } }
"""


class _Num(str):
    """A figure in a table: right-aligned (learner text never is, whatever it starts with)."""

    def __new__(cls, value: object) -> _Num:
        return super().__new__(cls, str(value))


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{round(100 * value)}%"


def _plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def render(report: Report) -> str:
    """The whole page."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Class report · {esc(report.course.title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        *_header(report),
        *_not_counted(report),
        *_pass_rates(report),
        *_missed(report),
        *_scores(report),
        *_progress(report),
        *_items(report),
        "<footer>",
        f"<p>Made by <code>skischool report</code> {esc(__version__)}. This page loads nothing "
        "from anywhere: it works offline and can be mailed as it is. Replies quoted here are "
        "anonymised: names, e-mail addresses, handles, phone numbers and links are replaced "
        "with placeholders in square brackets.</p>",
        "</footer>",
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


def _header(report: Report) -> list[str]:
    r = report.roster
    passed, tried = report.overall
    ski = sum(learner.standing.ski_pass for learner in r.learners)
    counted, seen = len(r.files), r.seen
    facts = [
        ("Course", f"{report.course.title} ({report.course.id})"),
        ("Release", report.course.release),
        ("Learners", str(len(r.learners))),
        ("Files", f"{counted} counted of {seen} in the folder"
         + (f" ({len(r.skipped)} not counted, see below)" if r.skipped else "")),
        ("Folder", report.folder.name or str(report.folder)),
        ("Made", report.made.strftime("%Y-%m-%d %H:%M UTC")),
        ("Overall pass rate", f"{_pct(passed / tried if tried else None)} "
         f"({passed} of {tried} exercises tried were passed)"),
        ("Ski passes earned", f"{ski} of {len(r.learners)}"),
    ]  # fmt: skip
    out = [
        "<header>",
        "<h1>Class report</h1>",
        f'<p class="lede">{esc(report.course.title)} · release {esc(report.course.release)}</p>',
        '<dl class="facts">',
    ]
    out += [f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in facts]
    out += [
        "</dl>",
        "</header>",
        '<nav aria-label="Sections"><ul>',
        '<li><a href="#not-counted">Files not counted</a></li>',
        '<li><a href="#pass-rates">Pass rate per exercise</a></li>',
        '<li><a href="#missed">Criteria missed most</a></li>',
        '<li><a href="#scores">Scores per level</a></li>',
        '<li><a href="#progress">Progress through the levels</a></li>',
        '<li><a href="#items">Which exercises separate learners</a></li>',
        "</ul></nav>",
    ]
    return out


def _table(
    head: Iterable[str],
    rows: Iterable[Iterable[str]],
    caption: str = "",
    flags: Iterable[bool] = (),
) -> list[str]:
    """A table; cells are already-escaped HTML (a :class:`_Num` cell is right-aligned, and the
    first cell of a row is its header). ``flags`` marks rows to highlight."""
    out = ["<table>"]
    if caption:
        out.append(f"<caption>{esc(caption)}</caption>")
    out.append("<thead><tr>" + "".join(f'<th scope="col">{h}</th>' for h in head) + "</tr></thead>")
    out.append("<tbody>")
    marks = iter(flags)
    for row in rows:
        cells = []
        for i, cell in enumerate(row):
            num = ' class="num"' if isinstance(cell, _Num) else ""
            body = cell
            tag, scope = ("th", ' scope="row"') if i == 0 else ("td", "")
            cells.append(f"<{tag}{scope}{num}>{body}</{tag}>")
        flag = ' class="flag"' if next(marks, False) else ""
        out.append(f"<tr{flag}>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return out


def _not_counted(report: Report) -> list[str]:
    r = report.roster
    out = ['<section id="not-counted">', "<h2>Files not counted</h2>"]
    if report.hide_names:
        # File names are usually learners' names: the terminal summary lists them instead.
        out.append(
            f"<p>{esc(_plural(len(r.skipped), 'file'))} not counted and "
            f"{esc(_plural(len(r.notes), 'note'))} on counted files. Names are hidden in this "
            "copy of the report: the summary printed by <code>skischool report</code> lists them."
            "</p></section>"
        )
        return out
    if r.skipped:
        out.append(
            f"<p>{esc(_plural(len(r.skipped), 'file'))} in the folder "
            f"{'was' if len(r.skipped) == 1 else 'were'} not counted. Nothing in them is in the "
            "figures below. Ask the learner for a fresh download, or fix the reason given.</p>"
        )
        out += _table(
            ["File", "Why it was not counted"], ([esc(s.name), esc(s.reason)] for s in r.skipped)
        )
    else:
        out.append("<p>Every file in the folder was counted.</p>")
    if r.notes:
        out.append("<h3>Counted, with a note</h3>")
        out += _table(["File", "Note"], ([esc(s.name), esc(s.reason)] for s in r.notes))
    out.append("</section>")
    return out


def _label(ex: Exercise) -> str:
    return ex.title or ex.heading or ex.key


def _pass_rates(report: Report) -> list[str]:
    out = [
        '<section id="pass-rates">',
        "<h2>Pass rate per exercise</h2>",
        "<p>For each exercise: of the learners who tried it, the share who passed it (with any "
        "attempt). A low bar on an early exercise usually means the lesson before it needs more "
        "time in class; an exercise few learners tried is simply further along the course.</p>",
    ]
    by_level: dict[str, list[an.ExerciseRate]] = {}
    for rate in report.rates:
        by_level.setdefault(rate.exercise.level, []).append(rate)
    n = len(report.roster.learners)
    for level in report.course.levels:
        rows = by_level.get(level.slug, [])
        if not rows:
            continue
        bars = [
            Bar(
                _label(x.exercise) + (" (checkpoint)" if x.exercise.checkpoint else ""),
                x.rate,
                f"{_pct(x.rate)} · {x.passed} of {x.tried} who tried"
                if x.tried
                else "not tried yet",
                x.exercise.key,
            )
            for x in rows
        ]
        said = "; ".join(
            f"{_label(x.exercise)}: {_pct(x.rate)} ({x.passed} of {x.tried})" for x in rows
        )
        out.append(f"<h3>{esc(level.label)}</h3>")
        out.append(
            bar_chart(
                bars,
                title=f"Pass rate per exercise, {level.label}",
                desc=f"Share of the learners who tried each exercise that passed it, of {n} "
                f"learners. {said}.",
                ident=f"rates-{level.slug}",
            )
        )
        out.append("<details><summary>The figures as a table</summary>")
        out += _table(
            ["Exercise", "Key", "Tried", "Passed", "Pass rate"],
            (
                [
                    esc(_label(x.exercise)),
                    f"<code>{esc(x.exercise.key)}</code>",
                    _Num(x.tried),
                    _Num(x.passed),
                    _Num(_pct(x.rate)),
                ]
                for x in rows
            ),
        )
        out.append("</details>")
    out.append("</section>")
    return out


def _missed(report: Report) -> list[str]:
    rc = report.recheck
    out = ['<section id="missed">', "<h2>Criteria missed most</h2>"]
    if not rc.failing:
        out.append("<p>No failed replies to learn from yet.</p></section>")
        return out
    out.append(
        f'<p class="note">Based on {esc(_plural(rc.sampled, "failed reply", "failed replies"))} '
        f"re-checked with the engine today, out of {rc.failing} (learner, exercise) pairs with "
        f"a failed reply: for each exercise, at most {report.sample} learners, each with their "
        f"latest failed reply ({rc.checked} distinct replies were checked). "
        "“About N learners” scales the sample up to everyone who failed that exercise."
        + (f" {rc.now_pass} of the re-checked replies pass today: the rubric has changed "
           "since they were written." if rc.now_pass else "")
        + (f" {rc.too_long} very long replies were left out of the sample." if rc.too_long else "")
        + "</p>"
    )  # fmt: skip
    if rc.problems:
        out.append("<ul>" + "".join(f"<li>{esc(p)}</li>" for p in rc.problems) + "</ul>")
    shown = rc.missed[: report.top]
    if not shown:
        out.append("<p>The re-checked replies missed no criterion.</p></section>")
        return out
    out.append(
        "<p>The criteria below stopped the most learners. Start the next class with the one at "
        "the top: show the example, ask the group what is missing, and write a better version "
        "together. The lesson linked from the exercise explains the move.</p>"
    )
    out.append("<ol>")
    for m in shown:
        out.append(
            "<li>"
            f"<p><strong>{esc(m.title)}</strong>, in <em>{esc(_label(m.exercise))}</em> "
            f"(<code>{esc(m.exercise.key)}</code>): about {esc(_plural(m.estimate, 'learner'))} "
            f"of the {m.failing} who failed it ({m.missed} of {m.sampled} re-checked).</p>"
            f"<blockquote><p>{esc(m.example or '(an empty reply)')}</p></blockquote>"
            "</li>"
        )
    out.append("</ol></section>")
    return out


def _scores(report: Report) -> list[str]:
    out = [
        '<section id="scores">',
        "<h2>Scores per level</h2>",
        "<p>Each learner's best score on each exercise they tried, in ten-point bands. A pile "
        "just under the pass mark means many learners are one move away: a short class on that "
        "move pays off. Two piles (very low and very high) usually mean two groups in the "
        "class that need different help.</p>",
    ]
    for level in report.course.levels:
        counts = report.bins.get(level.slug, [])
        total = sum(counts)
        out.append(f"<h3>{esc(level.label)}</h3>")
        if not total:
            out.append('<p class="muted">No attempts in this level yet.</p>')
            continue
        said = ", ".join(f"{lab}: {c}" for lab, c in zip(an.BIN_LABELS, counts, strict=True))
        out.append(
            histogram(
                counts,
                an.BIN_LABELS,
                title=f"Best scores, {level.label}",
                desc=f"{total} best scores (one per learner per exercise tried) by band: {said}.",
                ident=f"scores-{level.slug}",
            )
        )
    out.append("</section>")
    return out


_STATUS = {
    an.DONE: ("done", "✓ done"),
    an.TRYING: ("trying", "◐ trying"),
    an.NOT_STARTED: ("not-started", "· not started"),
}


def _progress(report: Report) -> list[str]:
    grid = report.grid
    out = [
        '<section id="progress">',
        "<h2>Progress through the levels</h2>",
        "<p>A level is <strong>done</strong> when its checkpoint is passed; <strong>trying"
        "</strong> means the learner has attempted something in it; the numbers are exercises "
        "passed of the level's exercises. A learner stuck at “trying” on the same level for "
        "a while is worth a quiet word.</p>",
    ]
    levels = report.course.levels
    summary = []
    for i, level in enumerate(levels):
        counts = {status: 0 for status in _STATUS}
        for _, cells in grid:
            counts[cells[i].status] += 1
        summary.append(
            [
                esc(level.label),
                _Num(counts[an.DONE]),
                _Num(counts[an.TRYING]),
                _Num(counts[an.NOT_STARTED]),
            ]
        )
    out += _table(["Level", "Done", "Trying", "Not started"], summary, "Learners per level")
    head = ["Learner", *(esc(level.label) for level in levels), "Levels done"]
    rows = []
    for n, (learner, cells) in enumerate(grid, 1):
        name = f"Learner {n}" if report.hide_names else learner.name
        row = [esc(name)]
        for cell in cells:
            css, word = _STATUS[cell.status]
            row.append(f'<span class="{css}">{esc(word)}</span> · {cell.passed}/{cell.total}')
        row.append(_Num(learner.standing.levels_done))
        rows.append(row)
    out += _table(head, rows, "Each learner's levels")
    out.append("</section>")
    return out


def _items(report: Report) -> list[str]:
    share = round(an.GROUP_SHARE * 100)
    out = [
        '<section id="items">',
        "<h2>Which exercises separate stronger and weaker learners</h2>",
        "<p>Each exercise is judged only among the learners who tried it: a learner who has "
        "not reached it is left out, not counted as failing it. They are ranked by their "
        "average best score on the other exercises they tried. <strong>D</strong> is the "
        f"pass rate of the top {share}% of them minus that of the bottom {share}% (the "
        "<em>Group</em> column gives how many learners that is). D runs from −1 to 1: near 0.4 "
        f"or above, the exercise tells stronger from weaker learners well; below {an.LOW_D}, it "
        "hardly does; below 0, weaker learners pass it more often than stronger ones, which "
        "usually means the rubric rewards the wrong thing or the task is unclear. "
        "<strong>r</strong> (point-biserial) says the same over everyone ranked: the "
        "correlation between passing the exercise and the average on the other exercises.</p>",
    ]
    if not report.items:
        out.append("<p>The course has no exercises.</p></section>")
        return out
    if len(report.roster.learners) < an.MIN_LEARNERS:
        out.append(
            f'<p class="note">With fewer than {an.MIN_LEARNERS} learners these figures are a '
            "rough guide only.</p>"
        )
    flagged = [item for item in report.items if item.flagged]
    if flagged:
        out.append(
            "<p><strong>Flagged</strong> (low or negative D; look at these first): "
            + ", ".join(f"<code>{esc(i.exercise.key)}</code>" for i in flagged)
            + ".</p>"
        )
    rows = []
    for item in report.items:
        mark = "⚑ " if item.flagged else ""
        rows.append(
            [
                f"{mark}{esc(_label(item.exercise))} <code>{esc(item.exercise.key)}</code>",
                _Num(str(item.tried)),
                _Num(_pct(item.rate)),
                _Num(str(item.group) if item.group else "–"),
                _Num(_pct(item.top)),
                _Num(_pct(item.bottom)),
                _Num("–" if item.d is None else f"{item.d:+.2f}"),
                _Num("–" if item.r is None else f"{item.r:+.2f}"),
                esc(item.reading),
            ]
        )
    out += _table(
        ["Exercise", "Tried", "Passed", "Group", "Top group", "Bottom group", "D", "r", "Reading"],
        rows,
        flags=[item.flagged for item in report.items],
    )
    out.append("</section>")
    return out


__all__ = ["CSS", "render"]
