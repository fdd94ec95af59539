"""A move the reply must make, satisfied by any of several phrasings.

Examples: acknowledge the feeling, apologise for the impact, take ownership, give a next step
with a time, thank the person, say who is speaking. ``also`` asks for a second element, such as
a time alongside the next step.
"""

from __future__ import annotations

from ..result import Finding
from ..schema import Field, ListOf
from .base import EXCEPTIONS_FIELD, PHRASE, PHRASES, Criterion, Doc, TypeExample, phrase_set


class Move(Criterion):
    type_name = "move"
    doc = "Met when any of the phrases appears (and, with 'also', one of those too)."
    fields = [
        Field("phrases", PHRASES, "Any of these phrasings makes the move.", required=True),
        Field(
            "also",
            ListOf(PHRASE, min_items=1),
            "A second list: the move counts only when one of these appears as well.",
        ),
        EXCEPTIONS_FIELD,
    ]
    placeholders = ("name",)
    tone_default = ("warmth",)
    examples = [
        TypeExample(
            config={
                "phrases": ["I'll", "I will", "we'll", "we will"],
                "also": ["today", "tomorrow", {"regex": r"within \d+ (hours?|days?)"}],
                "exceptions": ["we will see"],
            },
            passes=[
                "I’ll ring you today.",
                "We will send a new one within 2 days.",
                "Sorry! I'll call tomorrow",
            ],
            fails=[
                "I'll look into it.",
                "We will see today.",
                "Someone may contact you today.",
                "",
            ],
        )
    ]

    def __init__(self, data: dict) -> None:
        super().__init__(data)
        self.phrases = phrase_set(data)
        self.also = phrase_set(data, "also") if data.get("also") else None

    def locate(self, doc: Doc) -> tuple[int, int] | None:
        """Span of the first phrasing that makes the move, or None."""
        hit = self.phrases.first(doc.norm)
        if hit is None:
            return None
        if self.also is not None and self.also.first(doc.norm) is None:
            return None
        return hit.start, hit.end

    def evaluate(self, doc: Doc) -> tuple[bool | None, list[Finding], str]:
        span = self.locate(doc)
        if span is None:
            return False, [self.finding(doc)], ""
        return True, [], doc.quote(*span)
