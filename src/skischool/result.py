"""What a check returns, and how it reads in a notebook, a terminal and JSON.

Every rendering escapes learner text: feedback quotes the learner's words, and those words may
contain markup or script that must never run.
"""

from __future__ import annotations

import html
import json
from dataclasses import asdict, dataclass, field
from typing import Any

TONE_DIMENSIONS: dict[str, str] = {
    "warmth": "Sounds like a person who cares",
    "ownership": "Takes responsibility and acts",
    "clarity": "Easy to read and act on",
    "defensiveness": "Excuses, policy or deflection (lower is better)",
}
LOWER_IS_BETTER = frozenset({"defensiveness"})


@dataclass(frozen=True)
class Finding:
    """One specific observation about the reply, quoting the learner's own words where it can."""

    criterion: str
    severity: str
    message: str
    why: str
    suggestion: str = ""
    quote: str = ""
    start: int | None = None
    end: int | None = None
    line: int | None = None
    column: int | None = None
    lesson: str = ""
    # "not-found": a move the checker could not find, told as an observation, not a verdict.
    kind: str = ""


@dataclass(frozen=True)
class CriterionResult:
    """Whether one criterion was met; ``met`` is None when it does not apply to this reply."""

    id: str
    title: str
    met: bool | None
    severity: str
    weight: float
    evidence: str = ""
    findings: tuple[Finding, ...] = ()


@dataclass(frozen=True)
class ToneProfile:
    """A few named dimensions, each 0-100 or None when no criterion speaks to it."""

    values: dict[str, int | None]

    def to_dict(self) -> dict[str, int | None]:
        return dict(self.values)


@dataclass(frozen=True)
class TurnRecord:
    """One turn of a conversation exercise: the post, the learner's reply, and what it did.

    ``move`` is how the reply landed (argued, deflected, owned or answered), which chose the
    post that came next; the last turn has none.
    """

    number: int
    id: str
    author: str
    post: str
    reply: str
    move: str
    passed: bool
    score: int
    summary: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Result:
    """The outcome of one check: pass/fail, score, criteria met, findings and tone."""

    rubric: str
    kind: str
    passed: bool
    score: int
    pass_score: int
    criteria: tuple[CriterionResult, ...]
    tone: ToneProfile = field(default_factory=lambda: ToneProfile({}))
    answer_length: int = 0
    notes: tuple[str, ...] = ()
    # The rubric's own ``lesson:``, linked from feedback that did not pass (choice questions
    # have no per-criterion lessons, so this is their only one).
    lesson: str = ""
    # A conversation exercise's turns, in order (empty for every other kind).
    turns: tuple[TurnRecord, ...] = ()

    @property
    def criteria_met(self) -> int:
        return sum(1 for c in self.criteria if c.met is True)

    @property
    def criteria_total(self) -> int:
        return sum(1 for c in self.criteria if c.met is not None)

    @property
    def findings(self) -> list[Finding]:
        return [f for c in self.criteria for f in c.findings]

    @property
    def summary(self) -> str:
        """The headline a learner sees, e.g. "4 of 6 criteria met"."""
        total = self.criteria_total
        noun = "criterion" if total == 1 else "criteria"
        return f"{self.criteria_met} of {total} {noun} met"

    def to_dict(self) -> dict[str, Any]:
        return {
            "rubric": self.rubric,
            "kind": self.kind,
            "passed": self.passed,
            "score": self.score,
            "pass_score": self.pass_score,
            "criteria_met": self.criteria_met,
            "criteria_total": self.criteria_total,
            "summary": self.summary,
            "criteria": [
                {
                    "id": c.id,
                    "title": c.title,
                    "met": c.met,
                    "severity": c.severity,
                    "weight": c.weight,
                    "evidence": c.evidence,
                }
                for c in self.criteria
            ],
            "findings": [asdict(f) for f in self.findings],
            "tone": self.tone.to_dict(),
            "notes": list(self.notes),
            "lesson": self.lesson,
            **({"turns": [t.to_dict() for t in self.turns]} if self.turns else {}),
        }

    def to_json(self, indent: int | None = None) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    def to_text(self, color: bool = False) -> str:
        from .render import result_text

        return result_text(self, color=color)

    def _repr_html_(self) -> str:
        from .render import result_html

        return result_html(self)

    def __str__(self) -> str:
        return self.to_text()


def esc(text: object) -> str:
    """Escape anything for HTML, quotes included (used for every string we render)."""
    return html.escape(str(text), quote=True)
