"""Phrases to avoid, each with a better alternative (Vale's substitution rule)."""

from __future__ import annotations

from ..result import Finding
from ..schema import Field
from .base import EXCEPTIONS_FIELD, PHRASES, Criterion, Doc, TypeExample, phrase_set


class Avoid(Criterion):
    type_name = "avoid"
    doc = "Met when none of the phrases appears. Each match is quoted with its suggestion."
    fields = [
        Field("phrases", PHRASES, "Phrases that should not appear.", required=True),
        EXCEPTIONS_FIELD,
    ]
    placeholders = ("match", "name", "suggest")
    tone_default = ("defensiveness",)
    examples = [
        TypeExample(
            config={
                "phrases": [
                    {"phrase": "please DM us", "suggest": "let's sort it out right here"},
                    "we apologize for any inconvenience",
                    {"regex": r"call (our )?customer service"},
                ],
                "exceptions": ["you don't need to call customer service"],
            },
            passes=[
                "So sorry, Sam. I've refunded the fee and it shows by Friday.",
                "You don't need to call customer service: I've fixed it here.",
                "Our DM team is great",  # word-bounded: "please DM us" is absent
            ],
            fails=[
                "Please DM us your order number.",
                "PLEASE   dm   US",
                "We apologize for any inconvenience.",
                "We apologize for any inconvenience.",  # curly apostrophes elsewhere don't matter
                "Please call customer service.",
                "Please call our customer service line.",
            ],
        )
    ]

    def __init__(self, data: dict) -> None:
        super().__init__(data)
        self.phrases = phrase_set(data)

    def evaluate(self, doc: Doc) -> tuple[bool | None, list[Finding], str]:
        matches = self.phrases.finditer(doc.norm)
        if not matches:
            return True, [], ""
        return False, self.match_findings(doc, matches), ""
