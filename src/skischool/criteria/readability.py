"""Plain language: a reading grade low enough that an upset person can take it in at a glance."""

from __future__ import annotations

import re
from typing import Any

from ..result import Finding
from ..schema import Field, Num
from .base import Criterion, Doc, TypeExample

_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")


class Readability(Criterion):
    type_name = "readability"
    doc = "Met when the Flesch-Kincaid grade of the reply is at most max_grade (pure-Python syllables)."
    fields = [
        Field(
            "max_grade", Num(minimum=0, maximum=20), "Highest reading grade allowed.", required=True
        ),
        Field(
            "min_words", Num(integer=True, minimum=1), "Shorter replies are not graded.", default=12
        ),
    ]
    placeholders = ("name", "grade", "limit", "match")
    tone_default = ("clarity",)
    examples = [
        TypeExample(
            config={"max_grade": 8, "min_words": 5},
            passes=[
                "Sorry, Sam. Your box is lost. I sent a new one today. It will be there Friday.",
                "Thanks for the kind words. We will pass them on to the team.",
                "ok",
            ],
            fails=[
                "We sincerely acknowledge the considerable organisational difficulties "
                "experienced, notwithstanding comprehensive operational contingency procedures.",
                "Consequently, an investigation concerning the unsatisfactory administrative "
                "communication is currently underway.",
            ],
        )
    ]

    def __init__(self, data: dict[str, Any]) -> None:
        super().__init__(data)
        self.max_grade = float(data["max_grade"])
        self.min_words = int(data.get("min_words", 12))

    def evaluate(self, doc: Doc) -> tuple[bool | None, list[Finding], str]:
        if len(doc.norm.split(None, self.min_words)) < self.min_words:
            return None, [], ""
        grade = doc.grade
        if grade <= self.max_grade:
            return True, [], ""
        span = longest_sentence(doc.norm)
        values = {"grade": f"{grade:.1f}", "limit": f"{self.max_grade:g}"}
        return False, [self.finding(doc, span=span, values=values)], ""


def longest_sentence(text: str) -> tuple[int, int] | None:
    """The longest sentence (in characters): the first one to shorten."""
    spans = (m.span() for m in _SENTENCE.finditer(text))
    return max(spans, key=lambda s: s[1] - s[0], default=None)
