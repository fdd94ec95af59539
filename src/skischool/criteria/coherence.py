"""Sentences, not keywords: a reply has to read as something a person would say.

"Apologies. Our error. Refund sent. Thanks." names four moves and makes none: nobody is spoken
to, and nothing is explained. A telegraphic reply gets no credit for the moves it lists (see
``move``), and this criterion tells the learner why.
"""

from __future__ import annotations

from ..result import Finding
from .base import Criterion, Doc, TypeExample


class Coherence(Criterion):
    type_name = "coherence"
    doc = (
        "Met unless the reply is a list of keywords: three or more sentences, most of them one "
        "or two words, with few of the small words real sentences are made of; or one run of "
        "ten words or more with hardly any of them."
    )
    fields = []
    placeholders = ("match", "name")
    tone_default = ("clarity", "warmth")
    examples = [
        TypeExample(
            config={},
            passes=[
                "Sorry, Sam. That's on us. I've refunded you today.",
                "Ha! Fair. We'll fix the sign.",
                "Thanks!",
                "Yep! Sundays 9 till 2. See you and the kids there, Noor.",
            ],
            fails=[
                "Apologies. Our error. Refund sent. Thanks.",
                "Sorry. Refund. Today. Thanks. Sam.",
                "Noted. Escalated. Resolved.",
                "gala Saturday pipe burst Castlegate Pool Dev plumbers 3pm update club page Leah",
            ],
        )
    ]

    def evaluate(self, doc: Doc) -> tuple[bool | None, list[Finding], str]:
        an = doc.analysis
        if not an.telegraphic:
            return True, [], ""
        frags = an.fragments(3) or an.sentences[:1]  # a run of keywords has no fragments
        listing = ", ".join(f"“{s.text}”" for s in frags)
        first = frags[0]
        return (
            False,
            [self.finding(doc, span=(first.start, first.end), values={"match": listing})],
            "",
        )
