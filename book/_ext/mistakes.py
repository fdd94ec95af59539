"""The mistakes to expect in a level, ranked from the rubrics themselves.

Every rubric carries examples that must fail, written the way real learners go wrong. Running
them through the engine shows which criteria a wrong answer misses most often; that ranking is
what an instructor should watch for in the room. It is worked out at build time
(``edition.py``'s ``{mistakes-to-expect}``), so it follows the rubrics whenever they change.

The unit is one criterion of one exercise. A reply rubric's criterion counts once for every
failing example that does not meet it. A choice question's "criterion" is the option: a wrong
pick counts against the option picked (single answer), and a multiple-answer question also
counts a good option left out. The message shown is the engine's own finding for the first
example that missed it, as a learner would read it.

Ranked by: most failing examples first; then red flags (severity error) before warnings and
suggestions; then the larger share of that rubric's failing examples; then course order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from skischool.examples import example_answer

SEVERITY_ORDER = {"error": 0, "warning": 1, "suggestion": 2, "info": 3}


@dataclass(frozen=True)
class Mistake:
    """One criterion of one exercise, and how often the rubric's wrong answers miss it."""

    key: str  # the exercise, "<level>/<rubric stem>"
    exercise: str  # its title
    criterion: str  # criterion id (reply) or option id (choice)
    title: str
    severity: str
    message: str
    fails: int  # failing examples that miss it
    examples: int  # failing examples the rubric has
    order: int  # position in course order, for stable ties

    @property
    def share(self) -> float:
        return self.fails / self.examples if self.examples else 0.0


def _misses(rubric: Any, result: Any) -> list[tuple[str, str, str, str]]:
    """(unit id, title, severity, message) for every criterion a failing result did not meet."""
    out = []
    single_choice = rubric.kind == "choice" and not rubric.multiple
    for c in result.criteria:
        if c.met is not False:
            continue
        finding = c.findings[0] if c.findings else None
        if single_choice:
            if finding is None:
                continue  # nothing was picked: no option to blame
            option = rubric.option(finding.criterion)
            title = option.text if option else finding.criterion
            out.append((finding.criterion, _clip(title), "warning", finding.message))
            continue
        message = finding.message if finding else ""
        if not message and rubric.kind == "choice":
            option = rubric.option(c.id)
            message = f"Left out a good option: {option.text}" if option else c.title
        out.append((c.id, c.title, c.severity, message or c.title))
    return out


def _clip(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def rank(exercises: Iterable[tuple[str, str, Any]]) -> list[Mistake]:
    """Rank the criteria of ``(key, exercise title, loaded rubric)`` by how often the rubrics'
    own failing examples miss them (see the module's docstring)."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    order = 0
    for key, title, rubric in exercises:
        failing = [e for e in rubric.examples if e.expect == "fail"]
        for example in failing:
            result = rubric.check(example_answer(rubric, example))
            if result.passed:
                continue  # the rubric's own tests report this; it is no mistake to expect
            for unit, name, severity, message in _misses(rubric, result):
                entry = found.get((key, unit))
                if entry is None:
                    entry = found[(key, unit)] = {
                        "key": key,
                        "exercise": title,
                        "criterion": unit,
                        "title": name,
                        "severity": severity,
                        "message": message,
                        "fails": 0,
                        "examples": len(failing),
                        "order": order,
                    }
                    order += 1
                entry["fails"] += 1
    mistakes = [Mistake(**entry) for entry in found.values()]
    return sorted(
        mistakes,
        key=lambda m: (-m.fails, SEVERITY_ORDER.get(m.severity, 9), -m.share, m.order),
    )


def level_mistakes(course: Any, level: str) -> list[Mistake]:
    """The ranking for one level of a course (``skischool.course.Course``)."""
    return rank((ex.key, ex.title, ex.rubric()) for ex in course.exercises(level))
