"""Counts of things that change how a reply feels: '!!!', SHOUTING, #tags, links, emoji."""

from __future__ import annotations

import re
from collections import deque
from typing import Any

from ..language import ANALYSIS_LIMIT
from ..result import Finding
from ..schema import Field, Num, Str
from .base import EXCEPTIONS_FIELD, Criterion, Doc, TypeExample, min_above_max, phrase_set

_EMOJI = (
    "\U0001f300-\U0001faff\U0001f000-\U0001f2ff\u2600-\u27bf\u2b00-\u2bff"
    "\U0001f1e6-\U0001f1ff\u2300-\u23ff"
)
COUNTABLE: dict[str, re.Pattern[str]] = {
    "exclamations": re.compile(r"!"),
    "questions": re.compile(r"\?"),
    "caps_words": re.compile(r"(?<![\w'])[A-Z][A-Z'’]*[A-Z](?![\w'])"),
    "hashtags": re.compile(r"(?<![\w&])#\w+"),
    "mentions": re.compile(r"(?<![\w@])@\w+"),
    "links": re.compile(
        r"\bhttps?://\S+|\bwww\.\S+|(?<![a-z0-9-])[a-z0-9-]+\.(?:com|org|net|gov|edu|int|io|co|uk|ly|info|eu|ac|me|app|dev|news|ca|au|de|nz|ie)(?:/\S*)?\b",
        re.I,
    ),
    "emoji": re.compile(f"[{_EMOJI}]"),
}
# Short acronyms are not shouting.
CAPS_MIN_LETTERS = 3
# Counting stops here: past it the message says "1000+" and the answer is the same. Only the
# first ANALYSIS_LIMIT characters are counted: how a reply reads is settled long before that.
COUNT_CAP = 1000


class Count(Criterion):
    type_name = "count"
    doc = "Met when the number of exclamations, caps_words, hashtags, links, emoji, mentions or questions is within [min, max]."
    fields = [
        Field("what", Str(enum=tuple(COUNTABLE)), "What to count.", required=True),
        Field("max", Num(integer=True, minimum=0), "Most allowed."),
        Field("min", Num(integer=True, minimum=0), "Fewest needed."),
        EXCEPTIONS_FIELD,
    ]
    placeholders = ("name", "count", "limit", "match")
    tone_default = ("clarity",)
    examples = [
        TypeExample(
            config={"what": "caps_words", "max": 0, "exceptions": ["FAQ"]},
            passes=[
                "Sorry about that, we'll fix it.",
                "See the FAQ, or I can walk you through it.",
                "OK, on it.",
            ],
            fails=["This is NOT acceptable.", "WE ARE SORRY"],
        ),
        TypeExample(
            config={"what": "exclamations", "max": 1},
            passes=["Thanks so much!", "Thanks."],
            fails=["Thanks!!", "Great! Thanks!"],
        ),
        TypeExample(
            config={"what": "emoji", "max": 1},
            passes=["Love this 💙", "No emoji here."],
            fails=["🎉🎉 yay", "☀️ and 🌧️"],
        ),
        TypeExample(
            config={"what": "hashtags", "max": 1},
            passes=["#skiing rocks", "Issue #4 is on us"],
            fails=["#a #b", "#sorry #fail #oops"],
        ),
        TypeExample(
            config={"what": "links", "max": 0},
            passes=["I've fixed it here.", "Sorry, we've sorted it."],
            fails=["Read https://example.com/faq", "See www.example.com", "Go to example.com/help"],
        ),
    ]

    @classmethod
    def check_config(
        cls, data: dict[str, Any], rubric: dict[str, Any]
    ) -> list[tuple[tuple[object, ...], str]]:
        return super().check_config(data, rubric) + min_above_max(data)

    def __init__(self, data: dict[str, Any]) -> None:
        super().__init__(data)
        self.what: str = data["what"]
        self.max: int | None = data.get("max")
        self.min: int = int(data.get("min", 0))
        self.exceptions = (
            phrase_set({"phrases": data["exceptions"]}) if data.get("exceptions") else None
        )

    def spans(self, doc: Doc) -> list[tuple[int, int]]:
        """Spans of what is counted, outside the exceptions; at most COUNT_CAP of them.

        Both scans are lazy and walk forward together, so a 1 MB paste of "FAQ FAQ ..." costs
        one pass up to the cap, not a list of every match times every exception.
        """
        pattern = COUNTABLE[self.what]
        exceptions = self.exceptions.iter_matches(doc.norm) if self.exceptions else iter(())
        pending = next(exceptions, None)
        window: deque[tuple[int, int]] = deque()
        spans: list[tuple[int, int]] = []
        for m in pattern.finditer(doc.norm, 0, ANALYSIS_LIMIT):
            if (
                self.what == "caps_words"
                and sum(ch.isalpha() for ch in m.group()) < CAPS_MIN_LETTERS
            ):
                continue
            start, end = m.span()
            while pending is not None and pending.start <= start:
                window.append((pending.start, pending.end))
                pending = next(exceptions, None)
            while window and window[0][1] < start:
                window.popleft()
            if any(s <= start and end <= e for s, e in window):
                continue
            spans.append((start, end))
            if len(spans) >= COUNT_CAP:
                break
        return spans

    def evaluate(self, doc: Doc) -> tuple[bool | None, list[Finding], str]:
        spans = self.spans(doc)
        n = len(spans)
        shown = f"{n}+" if n >= COUNT_CAP else n
        if self.max is not None and n > self.max:
            values = {"count": shown, "limit": self.max}
            first_extra = spans[self.max] if self.max < n else spans[0]
            return False, [self.finding(doc, span=first_extra, values=values)], ""
        if n < self.min:
            return False, [self.finding(doc, values={"count": n, "limit": self.min})], ""
        return True, [], ""
