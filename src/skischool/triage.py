"""Triage exercises: a morning's queue of comments, each sorted into what to do and why.

Volume changes the job. With twenty-five comments waiting, "answer every comment" is not a plan;
deciding what each one needs is. The learner sorts every item into one of four actions and picks
the reason that justifies it. Each item is judged on its own, with feedback that says why, and a
few items are critical: a threat or a safety issue left sitting in the queue fails the round
whatever the score.

A justification is picked from the rubric's own list of reasons rather than typed: a typed one
could only be keyword-matched, which a list of buzzwords would pass. A free note is kept with the
attempt for the instructor, but is not scored.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from .criteria.base import Author
from .model import RubricBase
from .result import CriterionResult, Finding, Result
from .textmatch import clip

#: The four things a social team can do with a comment, in the order the page shows them.
ACTIONS: dict[str, str] = {
    "reply": "Reply now",
    "escalate": "Escalate",
    "hide": "Hide or report",
    "leave": "Leave it",
}
#: What a queue item is, for counts in feedback and for authors' coverage checks.
TAGS = ("praise", "question", "complaint", "spam", "troll", "safety", "rumour", "other")
#: Share of an item's weight earned by the right action; the right reason earns the rest.
ACTION_SHARE = 0.75
#: Longest free note kept per item; a longer paste is cut, not refused.
MAX_NOTE = 500


@dataclass(frozen=True)
class Reason:
    id: str
    text: str


@dataclass(frozen=True)
class Item:
    """One comment in the queue, with the action it needs and why."""

    id: str
    text: str
    tag: str
    action: str
    reasons: tuple[str, ...]
    why: str
    hint: str
    author: Author = field(default_factory=Author)
    accept: tuple[str, ...] = ()
    weight: int = 1
    critical: bool = False

    def fits(self, action: str) -> bool:
        return action == self.action or action in self.accept


@dataclass(frozen=True)
class Sorted:
    """What the learner did with one item: an action, a reason and an optional note."""

    action: str = ""
    reason: str = ""
    note: str = ""


@dataclass
class TriageRubric(RubricBase):
    reasons: list[Reason] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)

    kind = "triage"

    def reason(self, reason_id: str) -> Reason | None:
        return next((r for r in self.reasons if r.id == reason_id), None)

    @property
    def model_reply(self) -> str:
        """The sorted queue with every item's why: what the model answer is for a triage."""
        lines = []
        for n, item in enumerate(self.items, 1):
            lines.append(f"{n}. “{clip(item.text, 70)}” → {ACTIONS[item.action]}. {item.why}")
        return "\n".join(lines)

    def best(self) -> dict[str, Sorted]:
        """The model sorting: every item's action with its first reason."""
        return {i.id: Sorted(i.action, i.reasons[0]) for i in self.items}

    def check(self, answer: object) -> Result:
        """Judge a sorting. Never raises: unknown ids and odd values become notes."""
        sorting, notes = as_sorting(answer, self)
        results = [self._item(item, sorting.get(item.id, Sorted())) for item in self.items]
        total = sum(i.weight for i in self.items)
        got = 0.0
        for item in self.items:
            s = sorting.get(item.id, Sorted())
            if item.fits(s.action):
                got += item.weight * ACTION_SHARE
                if s.reason in item.reasons:
                    got += item.weight * (1 - ACTION_SHARE)
        raw = round(100 * got / total) if total else 0
        missed = [
            i for i in self.items if i.critical and not i.fits(sorting.get(i.id, Sorted()).action)
        ]
        score = round(raw * (self.pass_score - 1) / 100) if missed else raw
        unsorted = sum(1 for i in self.items if not sorting.get(i.id, Sorted()).action)
        if unsorted:
            notes.append(
                f"{unsorted} of {len(self.items)} items are not sorted yet; each counts as missed."
            )
        if missed:
            notes.append(
                f"{len(missed)} item{'s' if len(missed) > 1 else ''} that could hurt someone "
                "went the wrong way, so this round cannot pass yet, whatever the score."
            )
        passed = not missed and score >= self.pass_score
        return Result(
            rubric=self.id,
            kind="triage",
            passed=passed,
            score=max(0, min(100, score)),
            pass_score=self.pass_score,
            criteria=tuple(results),
            answer_length=len(self.items) - unsorted,
            notes=tuple(notes),
            lesson=self.lesson,
        )

    def _item(self, item: Item, s: Sorted) -> CriterionResult:
        """One item's verdict, with feedback that explains without handing over the answer."""
        title = f"“{clip(item.text, 60)}”"
        severity = "error" if item.critical else "warning"
        quote = clip(item.text, 120)
        chosen = ACTIONS.get(s.action, "")
        reason = self.reason(s.reason)
        if not s.action:
            message = f"Not sorted yet. {item.hint}"
            finding = Finding(item.id, severity, message, "", quote=quote)
            return CriterionResult(item.id, title, False, severity, item.weight, "", (finding,))
        if not item.fits(s.action):
            message = f"You chose “{chosen}”. {item.hint}"
            finding = Finding(item.id, severity, message, "", quote=quote)
            return CriterionResult(item.id, title, False, severity, item.weight, "", (finding,))
        if s.reason not in item.reasons:
            picked = f"“{reason.text}”" if reason else "no reason"
            message = (
                f"“{chosen}” is a good call, but you gave {picked} as the reason, and that is "
                f"not what makes it right here. {item.hint}"
            )
            finding = Finding(item.id, "warning", message, "", quote=quote)
            return CriterionResult(item.id, title, False, "warning", item.weight, "", (finding,))
        if s.action != item.action:
            message = (
                f"“{chosen}” works here; “{ACTIONS[item.action]}” would be better still. {item.why}"
            )
        else:
            message = f"“{chosen}”: right call. {item.why}"
        finding = Finding(item.id, "info", message, "", quote=quote)
        return CriterionResult(item.id, title, True, severity, item.weight, chosen, (finding,))


def as_sorting(value: object, rubric: TriageRubric) -> tuple[dict[str, Sorted], list[str]]:
    """A sorting from any input: a mapping of item id to an action, a pair, a dict, or JSON text.

    ``{"c01": "reply waiting"}``, ``{"c01": ["reply", "waiting"]}`` and
    ``{"c01": {"action": "reply", "reason": "waiting", "note": "..."}}`` all mean the same.
    """
    notes: list[str] = []
    if isinstance(value, str):
        try:
            value = json.loads(value) if value.strip() else {}
        except (ValueError, RecursionError):  # RecursionError: "[[[[..." nested deep
            return {}, ["The answer could not be read as a sorting, so nothing was counted."]
    if not isinstance(value, dict):
        if value not in (None, [], ()):
            notes.append("The answer could not be read as a sorting, so nothing was counted.")
        return {}, notes
    ids = {i.id for i in rubric.items}
    out: dict[str, Sorted] = {}
    for key, raw in list(value.items())[: 4 * len(ids) + 10]:
        key = str(key)
        if key not in ids:
            notes.append(f"“{clip(key, 40)}” is not an item in this queue, so it was not counted.")
            continue
        s = _one(raw)
        if s.action and s.action not in ACTIONS:
            notes.append(
                f"“{clip(s.action, 30)}” is not an action; expected one of "
                f"{', '.join(ACTIONS)}. Item {key} counts as not sorted."
            )
            s = Sorted("", s.reason, s.note)
        if s.reason and rubric.reason(s.reason) is None:
            notes.append(
                f"“{clip(s.reason, 30)}” is not one of the reasons, so it was not counted."
            )
            s = Sorted(s.action, "", s.note)
        out[key] = s
    return out, notes


def _one(raw: Any) -> Sorted:
    if isinstance(raw, dict):
        action, reason, note = raw.get("action"), raw.get("reason"), raw.get("note")
    elif isinstance(raw, (list, tuple)):
        action, reason, note = [*raw, None, None, None][:3]
    elif isinstance(raw, str):
        action, _, reason = raw.strip().partition(" ")
        note = None
    else:
        action = reason = note = None
    return Sorted(
        _word(action),
        _word(reason),
        note[:MAX_NOTE] if isinstance(note, str) else "",
    )


def _word(x: object) -> str:
    return x.strip()[:80] if isinstance(x, str) else ""


def sorting_json(sorting: dict[str, Sorted]) -> str:
    """A sorting as the attempt stores it: compact JSON, notes kept."""
    return json.dumps(
        {
            k: {"action": s.action, "reason": s.reason, **({"note": s.note} if s.note else {})}
            for k, s in sorting.items()
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


__all__ = [
    "ACTIONS",
    "TAGS",
    "Item",
    "Reason",
    "Sorted",
    "TriageRubric",
    "as_sorting",
    "sorting_json",
]
