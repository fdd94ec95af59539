"""A grading :class:`~.grader.Report` as a learner reads it: a terminal, a Markdown table for a
CI run's summary page, and JUnit test suites for CI's test view.

Learner text reaches all three (feedback quotes the learner's words, file names are theirs):
the terminal gets it through ``cli.emit``, the Markdown is escaped here, the XML in
:mod:`skischool.junit`.
"""

from __future__ import annotations

import html
import re

from ..junit import Case, Suite
from ..junit import Outcome as JOutcome
from ..render import result_text
from .grader import Outcome, Report

#: The Markdown page GitHub shows for a run holds at most 1 MiB; stay well inside it.
MAX_MARKDOWN_CHARS = 512_000
MAX_DETAILS_CHARS = 20_000
_LIST = 8  # exercises named in the one-line summary before "and N more"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


def _names(outcomes: list[Outcome]) -> str:
    keys = [o.key for o in outcomes]
    more = f" and {len(keys) - _LIST} more" if len(keys) > _LIST else ""
    return ", ".join(keys[:_LIST]) + more


def summary(report: Report) -> str:
    """The last line: ``12 of 14 exercises passed; 1 required exercise failed: …``."""
    graded = report.graded
    if not graded and not report.missing and not report.issues:
        return (
            'No answers found yet: write one with answer("….yaml", ...) in a notebook, '
            "save it, and grade again."
        )
    passed = sum(o.passed for o in graded)
    head = (
        f"{passed} of {_plural(len(graded), 'exercise')} passed" if graded else "No exercise graded"
    )
    parts = [head]
    if report.failed:
        n = len(report.failed)
        parts.append(f"{_plural(n, 'required exercise')} failed: {_names(report.failed)}")
    if report.missing:
        n = len(report.missing)
        parts.append(
            f"{_plural(n, 'required exercise')} not answered (--require {report.require}): "
            f"{_names(report.missing)}"
        )
    if report.issues:
        parts.append(f"{_plural(len(report.issues), 'answer')} could not be graded")
    return "; ".join(parts)


def _heading(o: Outcome) -> str:
    return f"{o.key} · {o.title}" if o.title and o.title != o.key else o.key


def _criteria(o: Outcome) -> str:
    assert o.best is not None
    r = o.best.result
    return f"score {r.score}, {r.summary}"


def feedback(o: Outcome) -> str:
    """What a learner reads about one exercise: where the answer was, then the engine's words."""
    if o.best is None:
        return (
            f"Required (--require {o.required_by}) but not answered. Answer it in a notebook "
            f'with answer("{o.key}.yaml", ...)'
            + (f"; it is on the page exercises/{o.page}" if o.page else "")
            + "."
        )
    more = f" (the best of {o.answers} answers)" if o.answers > 1 else ""
    return f"Answered in {o.best.file}, {o.best.where}{more}.\n" + result_text(o.best.result)


# --- the terminal ------------------------------------------------------------------------------

_MARK = {"passed": "PASS", "failed": "NOT YET", "missing": "MISSING"}


def text_lines(report: Report, *, quiet: bool = False) -> list[str]:
    """The report for a terminal or a CI log; ``quiet`` keeps one line per exercise."""
    lines: list[str] = []
    for o in report.outcomes:
        score = f" ({_criteria(o)})" if o.best is not None else ""
        lines.append(f"{_MARK[o.status]:8} {_heading(o)}{score}")
        if not quiet:
            lines += ["    " + line for line in feedback(o).splitlines()]
            lines.append("")
    for issue in report.issues:
        lines.append(f"{'PROBLEM':8} {issue}")
    for note in report.notes:
        lines.append(f"note: {note}")
    if lines and lines[-1]:
        lines.append("")
    lines.append(summary(report))
    return lines


# --- Markdown (GitHub's job summary) -----------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def md(text: str) -> str:
    """Text for a Markdown table cell: HTML escaped, Markdown punctuation and pipes neutralised,
    on one line."""
    one_line = " ".join(str(text).split())
    return _MD_SPECIAL.sub(r"\\\1", html.escape(one_line, quote=False))


def _pre(text: str) -> str:
    """Feedback as a preformatted HTML block: every character escaped, and (an HTML block that
    runs to ``</pre>``) no Markdown read inside it, whatever the learner wrote."""
    if len(text) > MAX_DETAILS_CHARS:
        text = text[:MAX_DETAILS_CHARS] + "\n[... the rest is in the JUnit file]"
    return f"<pre>{html.escape(text, quote=False)}</pre>"


_ICON = {"passed": "✅ pass", "failed": "❌ not yet", "missing": "⬜ missing"}


def markdown(report: Report) -> str:
    """A summary page: one row per exercise, then the feedback of each that did not pass."""
    out = [f"## Ski school: {md(summary(report))}", ""]
    if report.outcomes:
        out += [
            "| Result | Exercise | Page | Score | Criteria | Answered in |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for o in report.outcomes:
            if o.best is None:
                cells = ["", "", md(f"required by --require {o.required_by}")]
            else:
                r = o.best.result
                cells = [str(r.score), md(r.summary), md(f"{o.best.file}, {o.best.where}")]
            out.append(
                f"| {_ICON[o.status]} | {md(_heading(o))} | {md(o.page or '-')} | "
                + " | ".join(cells)
                + " |"
            )
        out.append("")
    if report.issues:
        out += ["### Could not be graded", ""]
        out += [f"- {md(str(issue))}" for issue in report.issues]
        out.append("")
    if report.notes:
        out += [f"> {md(note)}" for note in report.notes]
        out.append("")
    body = "\n".join(out)
    for o in report.outcomes:
        if o.status == "passed":
            continue
        block = (
            f"\n<details><summary>{html.escape(_heading(o))}</summary>\n\n"
            f"{_pre(feedback(o))}\n\n</details>\n"
        )
        if len(body) + len(block) > MAX_MARKDOWN_CHARS:
            body += "\n_More feedback is in the JUnit file and the log._\n"
            break
        body += block
    return body.rstrip("\n") + "\n"


# --- JUnit -------------------------------------------------------------------------------------


def junit_suites(report: Report) -> list[Suite]:
    """One suite per exercise page (course order), one case per exercise; then the answers
    that could not be graded, as errors.

    A required exercise that was not answered is a failure, not a skip: most CI views show a
    skip in green, and the run did fail.
    """
    pages: dict[str, list[Case]] = {}
    for o in report.outcomes:
        page = o.page or "other rubrics"
        name = f"{o.key}: {o.title}" if o.title and o.title != o.key else o.key
        if o.best is None:
            outcome = JOutcome(
                "failure",
                f"required exercise not answered (--require {o.required_by})",
                feedback(o),
                "missing",
            )
            pages.setdefault(page, []).append(Case(page, name, outcome=outcome))
            continue
        r = o.best.result
        text = feedback(o)
        if r.passed:
            case = Case(page, name, o.best.seconds, output=text)
        else:
            outcome = JOutcome("failure", f"score {r.score}, {r.summary}", text, "not yet")
            case = Case(page, name, o.best.seconds, outcome=outcome)
        pages.setdefault(page, []).append(case)
    suites = [Suite(page, tuple(cases)) for page, cases in pages.items()]
    if report.issues:
        cases = tuple(
            Case(
                issue.file,
                (issue.where or issue.file)
                + (f" ({issue.key})" if issue.key and issue.key not in issue.message else ""),
                outcome=JOutcome("error", issue.message, str(issue), "not gradable"),
            )
            for issue in report.issues
        )
        suites.append(Suite("not gradable", cases))
    return suites


__all__ = ["feedback", "junit_suites", "markdown", "md", "summary", "text_lines"]
