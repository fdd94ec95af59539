"""Red flags to avoid, each with a better alternative (Vale's substitution rule).

A phrase counts only where the reply uses it: "no need to email anyone" does not send anyone to
email, "the agency told a customer to 'DM us'" is reported speech, and "if you'd rather message
us" offers a choice instead of imposing one.
"""

from __future__ import annotations

from ..result import Finding
from ..schema import Field
from ..textmatch import Match
from .base import (
    CONCEPT_IDS,
    CONCEPTS_FIELD,
    EXCEPTIONS_FIELD,
    IGNORE_FIELD,
    MAX_FINDINGS,
    PHRASES,
    Criterion,
    Doc,
    Matcher,
    TypeExample,
    matcher,
)

DEFAULT_IGNORE = ("negated", "quoted", "reported", "offered")
#: Excusing moves looked for in one reply: a reply owns things a few times, a paste thousands.
EXCUSE_LIMIT = 200


class Avoid(Criterion):
    type_name = "avoid"
    doc = (
        "Met when the reply uses none of the phrases or concepts (negated, quoted, reported or "
        "offered uses do not count). Each use is quoted with its suggestion."
    )
    fields = [
        Field("phrases", PHRASES, "Phrases that should not be used, beyond its concepts."),
        CONCEPTS_FIELD,
        EXCEPTIONS_FIELD,
        IGNORE_FIELD,
        Field(
            "unless",
            CONCEPT_IDS,
            "Concepts that excuse a use anywhere before it, in its own sentence or in the next: "
            "'the system double-booked, which is our fault' explains a cause and owns it "
            "(unless: [ownership]).",
        ),
    ]
    phrase_keys = ("phrases",)
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
                "You don’t need to call customer service.",  # curly apostrophe, same exception
                "Our DM team is great",  # word-bounded: "please DM us" is absent
            ],
            fails=[
                "Please DM us your order number.",
                "PLEASE   dm   US",
                "We apologize for any inconvenience.",
                "We’re told we apologize for any inconvenience.",  # a curly apostrophe nearby
                "Please call customer service.",
                "Please call our customer service line.",
            ],
        ),
        TypeExample(
            config={"concepts": ["deflect-to-private"]},
            passes=[
                "No need to email anyone, Sam: I've booked the engineer for 8am.",
                "If you'd rather message us privately, that works too.",
                "Last year the agency told a customer to 'DM us'. Never again.",
            ],
            fails=[
                "Slide into our inbox and we'll look.",
                "Please ping the team an email with your order number.",
                "Don't hesitate to DM us!",
            ],
        ),
        TypeExample(
            config={
                "phrases": [{"regex": "(the|our) (new )?system (double-booked|messed up)"}],
                "unless": ["ownership"],
            },
            passes=[
                "Our new system double-booked the room, which is our fault, not yours.",
                "The system double-booked you. That's on us, Jess.",
                "Our mistake, sorry. The system double-booked the room.",
                "That's on us, Jess. I'm moving the class now. Refund today. The system double-booked.",
                "Sorry, Jess! I'm moving the class now.",
            ],
            fails=[
                "So sorry, Jess, our new system double-booked the room.",
                "The system messed up, it's not our fault.",
                "Our system double-booked. I'm moving the class now. Then I'll ring you. My mistake.",
            ],
        ),
    ]

    def __init__(self, data: dict) -> None:
        super().__init__(data)
        self.matcher = matcher(data, "phrases", DEFAULT_IGNORE)
        self.excuses = (
            matcher(data, "", DEFAULT_IGNORE, exceptions=False, concepts_key="unless")
            if data.get("unless")
            else None
        )

    @classmethod
    def check_config(cls, data: dict, rubric: dict) -> list[tuple[tuple[object, ...], str]]:
        problems = super().check_config(data, rubric)
        if not data.get("phrases") and not data.get("concepts"):
            problems.append(((), "an avoid criterion needs 'phrases' or 'concepts' (or both)"))
        return problems

    def evaluate(self, doc: Doc) -> tuple[bool | None, list[Finding], str]:
        if self.excuses is None:
            matches = self.matcher.hits(doc, limit=MAX_FINDINGS)
        else:
            matches = self._unexcused(doc, self.excuses)
        if not matches:
            return True, [], ""
        return False, self.match_findings(doc, matches), ""

    def _unexcused(self, doc: Doc, excuses: Matcher) -> list[Match]:
        """Uses not excused by an ``unless`` move earlier in the reply, in their own sentence or
        in the next ("our mistake, sorry. The system double-booked." explains the cause and owns
        it). Owning it only much later ("The system did it. ... My mistake.") blames first."""
        an = doc.analysis
        matches = self.matcher.hits(doc, limit=EXCUSE_LIMIT)
        if not matches:
            return []
        owned = {an.sentence_index(m.start) for m in excuses.hits(doc, EXCUSE_LIMIT)}
        owned.discard(None)
        first_owned = min(owned, default=None)  # type: ignore[type-var]
        kept = []
        for m in matches:
            i = an.sentence_index(m.start)
            if i is None or first_owned is None or first_owned > i + 1:
                kept.append(m)
        return kept[:MAX_FINDINGS]
