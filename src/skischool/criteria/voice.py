"""A human first-person voice, not the corporate third person ("the company", "management")."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..result import Finding
from ..schema import Bool, Field, ListOf, Str
from ..textmatch import Phrase, PhraseSet
from .base import EXCEPTIONS_FIELD, PHRASE, Criterion, Doc, TypeExample, fill, person, phrase_from

CORPORATE = (
    "the company",
    "the management",
    "management",
    "the organisation",
    "the organization",
    "the brand",
    "this company",
    "the business",
    "the corporation",
    "the team regrets",
    "the undersigned",
)
FIRST_PERSON = (
    "I",
    "I'm",
    "I've",
    "I'll",
    "I'd",
    "me",
    "my",
    "we",
    "we're",
    "we've",
    "we'll",
    "we'd",
    "us",
    "our",
)


NO_FIRST_PERSON = (
    "The reply never says “I” or “we”, so it sounds like an institution, not a person."
)


class Voice(Criterion):
    type_name = "voice"
    doc = "Met when the reply speaks as 'I' or 'we' and avoids corporate third-person phrases."
    fields = [
        Field(
            "phrases",
            ListOf(PHRASE, min_items=1),
            "Corporate phrases to avoid (a sensible list by default).",
        ),
        Field("first_person", Bool(), "Require at least one I/we/me/us/my/our.", default=True),
        Field(
            "missing_message",
            Str(),
            "Shown when the reply never speaks as I or we (instead of 'message').",
            default=NO_FIRST_PERSON,
        ),
        EXCEPTIONS_FIELD,
    ]
    placeholders = ("match", "name")
    tone_default = ("warmth", "ownership")
    examples = [
        TypeExample(
            config={},
            passes=[
                "I'm sorry, Jo. We'll fix it today.",
                "We messed up. My apologies.",
                "Our team is on it.",
            ],
            fails=[
                "The company regrets the error.",
                "Management has been informed.",
                "Thanks for the feedback.",
            ],
        )
    ]

    def __init__(self, data: dict[str, Any]) -> None:
        super().__init__(data)
        exceptions = [phrase_from(p) for p in data.get("exceptions", [])] or None
        corporate = [phrase_from(p) for p in data.get("phrases", CORPORATE)]
        self.corporate = PhraseSet(corporate, exceptions)
        self.first_person = (
            PhraseSet([Phrase(w) for w in FIRST_PERSON]) if data.get("first_person", True) else None
        )

    def evaluate(self, doc: Doc) -> tuple[bool | None, list[Finding], str]:
        matches = self.corporate.finditer(doc.norm)
        if matches:
            return False, self.match_findings(doc, matches), ""
        if self.first_person is not None:
            hit = self.first_person.first(doc.norm)
            if hit is None:
                f = self.finding(doc)
                message = fill(
                    self.data.get("missing_message", NO_FIRST_PERSON), {"name": person(doc)}
                )
                return False, [replace(f, message=message)], ""
            return True, [], doc.quote(hit.start, hit.end)
        return True, [], ""
