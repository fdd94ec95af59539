"""A move the reply must make, satisfied by a sentence that makes it.

Examples: acknowledge the feeling, apologise for the impact, take ownership, give a next step
with a time, thank the person, say who is speaking. Phrasings come from named concepts in the
shared lexicon and from the rubric itself; a negated or quoted phrasing makes no move ("that
wasn't down to us" owns nothing). ``also`` asks for a second element, such as a time alongside
the next step.

A missing move is reported as an observation, not a verdict: the learner may have said it in
words no list foresaw, so a move can weigh on the score but never fail a reply on its own.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..result import Finding
from ..schema import Bool, Field, ListOf, Num
from .base import (
    CONCEPT_IDS,
    CONCEPTS_FIELD,
    EXCEPTIONS_FIELD,
    IGNORE_FIELD,
    PHRASE,
    PHRASES,
    Criterion,
    Doc,
    TypeExample,
    matcher,
)

DEFAULT_IGNORE = ("negated", "quoted")
NOT_FOUND_INVITE = (
    "If you did say it in other words, check that one plain sentence does it: "
    "I read sentences, and I can miss a way of putting it."
)
TELEGRAPHIC_MESSAGE = (
    "Your reply reads as a list of keywords ({match}), so I can't credit moves in it yet."
)


class Move(Criterion):
    type_name = "move"
    doc = (
        "Met when a sentence makes the move: one of the phrasings or concepts, used for real "
        "(not negated or quoted), and with 'also', one of those too."
    )
    fields = [
        Field("phrases", PHRASES, "Phrasings that make the move, beyond its concepts."),
        CONCEPTS_FIELD,
        Field(
            "also",
            ListOf(PHRASE, min_items=1),
            "A second list: the move counts only when one of these appears as well.",
        ),
        Field(
            "also_concepts",
            CONCEPT_IDS,
            "Concepts for the second element, e.g. 'time-promise'.",
        ),
        Field(
            "same_sentence",
            Bool(),
            "With 'also': both must be in the same sentence (default false).",
            default=False,
        ),
        Field(
            "expected_from",
            Num(integer=True, minimum=1),
            "Expect the move only in replies of at least this many characters; a shorter reply "
            "that makes it still gets the credit.",
        ),
        EXCEPTIONS_FIELD,
        IGNORE_FIELD,
    ]
    placeholders = ("name",)
    phrase_keys = ("phrases", "also")
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
                "I won't lie, nobody said we will fix it. Maybe tomorrow.",
                "",
            ],
        ),
        TypeExample(
            config={"concepts": ["ownership"]},
            passes=["That one's on us, Sam.", "We got this wrong and I'm sorry."],
            fails=[
                "That wasn't down to us.",
                "The agency said 'our mistake' and moved on.",
                "Apologies. Our mistake. Refund sent. Thanks.",
            ],
        ),
        TypeExample(
            config={"concepts": ["thanks"], "expected_from": 60},
            passes=["Ha, fair! 🙌", "Cheers for flagging this, Jo, the sign is fixed now."],
            fails=["No thanks to the storm, the road is shut until Friday, sorry folks."],
        ),
    ]

    def __init__(self, data: dict[str, Any]) -> None:
        super().__init__(data)
        self.matcher = matcher(data, "phrases", DEFAULT_IGNORE)
        has_also = data.get("also") or data.get("also_concepts")
        self.also = (
            matcher(data, "also", DEFAULT_IGNORE, exceptions=False, concepts_key="also_concepts")
            if has_also
            else None
        )
        self.same_sentence = bool(data.get("same_sentence", False))
        self.expected_from: int | None = data.get("expected_from")

    @classmethod
    def check_config(
        cls, data: dict[str, Any], rubric: dict[str, Any]
    ) -> list[tuple[tuple[object, ...], str]]:
        problems = super().check_config(data, rubric)
        if not data.get("phrases") and not data.get("concepts"):
            problems.append(((), "a move needs 'phrases' or 'concepts' (or both)"))
        if data.get("severity") == "error":
            problems.append(
                (
                    ("severity",),
                    "a missing move can't fail a reply on its own (the learner may have said it "
                    "in other words); expected 'warning' or 'suggestion', with a weight",
                )
            )
        if data.get("same_sentence") and not (data.get("also") or data.get("also_concepts")):
            problems.append((("same_sentence",), "same_sentence needs 'also' or 'also_concepts'"))
        return problems

    def locate(self, doc: Doc) -> tuple[int, int] | None:
        """Span of the first phrasing that makes the move, or None."""
        if doc.analysis.telegraphic:
            return None
        if self.also is None:
            hit = self.matcher.first(doc)
            return (hit.start, hit.end) if hit else None
        hits = self.matcher.hits(doc, limit=50)
        if not hits:
            return None
        if not self.same_sentence:
            return (hits[0].start, hits[0].end) if self.also.first(doc) else None
        an = doc.analysis
        also_sentences = {an.sentence_at(m.start) for m in self.also.hits(doc, limit=50)}
        for h in hits:
            if an.sentence_at(h.start) in also_sentences:
                return h.start, h.end
        return None

    def evaluate(self, doc: Doc) -> tuple[bool | None, list[Finding], str]:
        span = self.locate(doc)
        if span is not None:
            return True, [], doc.sentence_quote(*span)
        if self.expected_from is not None and len(doc.text.strip()) < self.expected_from:
            return None, [], ""
        if doc.analysis.telegraphic:
            fragments = " ".join(f"“{s.text}”" for s in doc.analysis.fragments(2))
            finding = self.finding(doc, values={"match": fragments})
            return False, [_as_telegraphic(finding, fragments)], ""
        finding = self.finding(doc)
        return False, [_as_observation(finding)], ""


def _as_observation(f: Finding) -> Finding:
    suggestion = f"{f.suggestion} {NOT_FOUND_INVITE}".strip()
    return replace(f, suggestion=suggestion, kind="not-found")


def _as_telegraphic(f: Finding, fragments: str) -> Finding:
    return replace(
        f, message=f"{f.message} {TELEGRAPHIC_MESSAGE.format(match=fragments)}", kind="not-found"
    )
