"""Empathy before explanation: no excuse or policy may come before the acknowledgement."""

from __future__ import annotations

from typing import Any

from ..result import Finding
from ..schema import Field, ListOf, OneOf, Str
from .base import (
    CONCEPT_IDS,
    EXCEPTIONS_FIELD,
    ID_PATTERN,
    IGNORE_FIELD,
    PHRASES,
    Criterion,
    Doc,
    TypeExample,
    matcher,
    one_of,
)
from .move import Move


class Order(Criterion):
    type_name = "order"
    doc = (
        "Met unless one of 'not_before' appears before the move named by 'first' "
        "(or appears while that move is missing)."
    )
    fields = [
        Field(
            "first",
            OneOf([Str(pattern=ID_PATTERN), ListOf(Str(pattern=ID_PATTERN), min_items=1)]),
            "The id (or ids) of 'move' criteria; the earliest of them must come first.",
            required=True,
        ),
        Field("not_before", PHRASES, "Excuses or explanations that must not come first."),
        Field(
            "concepts",
            CONCEPT_IDS,
            "Named concepts (e.g. 'excuse') that must not come first.",
        ),
        EXCEPTIONS_FIELD,
        IGNORE_FIELD,
    ]
    phrase_keys = ("not_before",)
    placeholders = ("match", "name")
    tone_default = ("defensiveness",)
    examples = [
        TypeExample(
            config={
                "first": "acknowledge",
                "not_before": ["due to", "our policy", "unfortunately"],
            },
            companions=[
                {"id": "acknowledge", "type": "move", "phrases": ["sorry", "that's frustrating"]}
            ],
            passes=[
                "So sorry, Ana. The delay was due to a storm; it ships today.",
                "Unfortunately the storm held the van up, which is on us, so sorry Ana.",
                "That's frustrating. Unfortunately the part was late.",
                "Thanks for the photo!",
            ],
            fails=[
                "Due to high demand, orders are late. Sorry!",
                "Our policy is 30 days.",
                "Unfortunately, that is how it works. Sorry.",
            ],
        )
    ]

    def __init__(self, data: dict[str, Any]) -> None:
        super().__init__(data)
        first = data["first"]
        self.first_ids: list[str] = [first] if isinstance(first, str) else list(first)
        phrases = {**data, "phrases": data.get("not_before", [])}
        self.excuses = matcher(phrases, "phrases", ("negated", "quoted"))
        self.moves: list[Move] = []

    @classmethod
    def check_config(
        cls, data: dict[str, Any], rubric: dict[str, Any]
    ) -> list[tuple[tuple[object, ...], str]]:
        problems = super().check_config(data, rubric)
        if not data.get("not_before") and not data.get("concepts"):
            problems.append(((), "an order criterion needs 'not_before' or 'concepts' (or both)"))
        return problems

    def link(self, criteria: dict[str, Criterion]) -> list[tuple[tuple[object, ...], str]]:
        problems: list[tuple[tuple[object, ...], str]] = []
        known = one_of([c.id for c in criteria.values() if isinstance(c, Move)])
        self.moves = []
        for i, cid in enumerate(self.first_ids):
            target = criteria.get(cid)
            if isinstance(target, Move):
                self.moves.append(target)
                continue
            path: tuple[object, ...] = (
                ("first",) if isinstance(self.data["first"], str) else ("first", i)
            )
            problems.append(
                (
                    path,
                    f"'{cid}' is not the id of a move criterion in this rubric; "
                    f"expected one of: {known or '(no move criteria defined)'}",
                )
            )
        return problems

    def evaluate(self, doc: Doc) -> tuple[bool | None, list[Finding], str]:
        excuse = self.excuses.first(doc)
        if excuse is None:
            return True, [], ""
        spans = [s for s in (m.locate(doc) for m in self.moves) if s is not None]
        if spans and _same_sentence_or_earlier(doc, min(s[0] for s in spans), excuse.start):
            return True, [], ""
        return False, [self.finding(doc, span=(excuse.start, excuse.end))], ""


def _same_sentence_or_earlier(doc: Doc, move: int, excuse: int) -> bool:
    """A move is made by a sentence: one that explains and owns at once ("the heating failed,
    which is on us, sorry") puts care first. Only a later sentence comes too late."""
    if move < excuse:
        return True
    an = doc.analysis
    at = an.sentence_index(move)
    return at is not None and at == an.sentence_index(excuse)
