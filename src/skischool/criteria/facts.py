"""Facts: the reply must not contradict what the scenario says is true, or promise what isn't offered.

The rubric declares the scenario's facts (times, days, dates, prices, each about a subject) and
what the organisation can offer. A sentence on the subject that states a different value, or a
promise of an offer the scenario does not have, becomes a finding that quotes both.
"""

from __future__ import annotations

from typing import Any

from .. import facts as F
from ..result import Finding
from ..schema import Field, ListOf, Obj, Str
from .base import Criterion, Doc, TypeExample

FACT = Obj(
    "fact",
    [
        Field(
            "about",
            Str(),
            "What the fact is, as feedback names it: 'Sunday opening hours'.",
            required=True,
        ),
        Field(
            "say",
            Str(),
            "The fact in words, quoted to the learner: 'Sundays 9am to 2pm'.",
            required=True,
        ),
        Field(
            "when",
            ListOf(Str(), min_items=1),
            "Words that put a sentence on this subject ('open', 'Sunday'); default: every sentence.",
        ),
        Field(
            "times",
            ListOf(Str(), min_items=1),
            "Times that are true: '9am', '2pm', '14:30', 'noon'.",
        ),
        Field("days", ListOf(Str(enum=F.DAYS), min_items=1), "Days that are true: 'sunday'."),
        Field("dates", ListOf(Str(), min_items=1), "Dates that are true: '14 March'."),
        Field("prices", ListOf(Str(), min_items=1), "Prices that are true: '£4.50'."),
    ],
    doc="One thing the scenario says is true.",
)


def _about(low_sentence: str, when: list[str] | None) -> bool:
    """Is the sentence on this subject? Subject words count as whole words ("share" is not "shared")."""
    if not when:
        return True
    for w in when:
        key = w.lower()
        start = low_sentence.find(key)
        while start >= 0:
            end = start + len(key)
            before = low_sentence[start - 1] if start else " "
            after = low_sentence[end] if end < len(low_sentence) else " "
            if (
                not (before.isalnum() or (key[0].isalnum() and before == "_"))
                and not after.isalnum()
            ):
                return True
            start = low_sentence.find(key, start + 1)
    return False


class Facts(Criterion):
    type_name = "facts"
    doc = (
        "Met unless a sentence on a fact's subject states a conflicting time, day, date or price, "
        "or the reply promises an offer the scenario does not have."
    )
    fields = [
        Field("facts", ListOf(FACT, min_items=1), "What the scenario says is true."),
        Field(
            "offers",
            ListOf(Str(enum=tuple(F.OFFERS))),
            "What the organisation can offer here (empty: nothing). Omit to not check offers.",
        ),
    ]
    placeholders = ("match", "name", "fact")
    tone_default = ("clarity",)
    examples = [
        TypeExample(
            config={
                "facts": [
                    {
                        "about": "Sunday opening hours",
                        "say": "Sundays 9am to 2pm",
                        "when": ["open", "sunday", "close"],
                        "times": ["9am", "2pm"],
                        "days": ["sunday"],
                    }
                ],
                "offers": ["replacement"],
            },
            passes=[
                "Yes, we're open Sundays from 9am to 2pm!",
                "Sundays 9 till 2, see you there.",
                "We open at 9 on Sunday and close at 2pm. I'll send a replacement today.",
                "Sorry about that, I'll call you at 5pm.",
            ],
            fails=[
                "We're open Sundays from 10am to 4pm.",
                "Yes, open Sundays 9 to 5!",
                "We open on Saturday mornings.",
                "Sorry! Here's 20% off your next order.",
                "We'll refund you today.",
            ],
        )
    ]

    def __init__(self, data: dict[str, Any]) -> None:
        super().__init__(data)
        self.facts: list[dict[str, Any]] = data.get("facts") or []
        self.offers: set[str] | None = set(data["offers"]) if "offers" in data else None
        self._times = [[F.parse_time(t) for t in f.get("times", [])] for f in self.facts]
        self._prices = [[F.parse_price(p) for p in f.get("prices", [])] for f in self.facts]
        self._dates = [[F.parse_date(d) for d in f.get("dates", [])] for f in self.facts]

    @classmethod
    def check_config(
        cls, data: dict[str, Any], rubric: dict[str, Any]
    ) -> list[tuple[tuple[object, ...], str]]:
        problems = super().check_config(data, rubric)
        if "facts" not in data and "offers" not in data:
            problems.append(((), "a facts criterion needs 'facts', 'offers' or both"))
        parsers = {"times": F.parse_time, "prices": F.parse_price, "dates": F.parse_date}
        expect = {
            "times": "a time such as '9am', '2:30pm', '14:00' or 'noon'",
            "prices": "a price such as '£4.50' or '$12'",
            "dates": "a date such as '14 March'",
        }
        for i, f in enumerate(data.get("facts") or []):
            if not any(k in f for k in ("times", "days", "dates", "prices")):
                problems.append(
                    (("facts", i), "a fact needs at least one of times, days, dates, prices")
                )
            for key, parse in parsers.items():
                for j, value in enumerate(f.get(key) or []):
                    if parse(value) is None:
                        problems.append((("facts", i, key, j), f"'{value}' is not {expect[key]}"))
        return problems

    def evaluate(self, doc: Doc) -> tuple[bool | None, list[Finding], str]:
        findings: list[Finding] = []
        an = doc.analysis
        for s in an.sentences[:400]:  # every platform's limit is far below 400 sentences
            low = s.text.lower()
            on_subject = [i for i, f in enumerate(self.facts) if _about(low, f.get("when"))]
            if on_subject:
                for stated, say in self._conflicts(on_subject, s.text, s.start):
                    if an.context(stated.start, stated.end).negated:
                        continue
                    findings.append(self._finding(doc, stated, say))
            if self.offers is not None:
                for stated in F.offers(s.text, s.start):
                    ctx = an.context(stated.start, stated.end)
                    if ctx.negated or ctx.quoted or ctx.question or stated.value in self.offers:
                        continue
                    have = " or ".join(o.replace("-", " ") for o in sorted(self.offers))
                    say = (
                        f"the scenario offers {have}"
                        if have
                        else "the scenario offers nothing extra"
                    )
                    findings.append(
                        self._finding(
                            doc, stated, say + f", not a {stated.value}".replace("-", " ")
                        )
                    )
            if len(findings) >= 10:
                break
        if findings:
            return False, findings, ""
        return True, [], ""

    def _conflicts(self, on_subject: list[int], text: str, base: int) -> list[tuple[F.Stated, str]]:
        """Stated values that agree with none of the facts this sentence is about.

        A sentence can be about two facts at once ("since Tuesday's fire ... we reopen Monday"):
        a value is wrong only when no fact on the sentence's subjects allows it.
        """
        facts = [self.facts[i] for i in on_subject]
        out: list[tuple[F.Stated, str]] = []

        def say(key: str) -> str:
            return "; ".join(f["say"] for f in facts if f.get(key)) or facts[0]["say"]

        times = [t for i in on_subject for t in self._times[i] if t is not None]
        if times:
            out += [
                (s, say("times")) for s in F.times(text, base) if not F.time_matches(s.value, times)
            ]
        days = {d for f in facts for d in f.get("days", [])}
        if days:
            out += [(s, say("days")) for s in F.days(text, base) if s.value not in days]
        prices = [p for i in on_subject for p in self._prices[i]]
        if prices:
            out += [(s, say("prices")) for s in F.prices(text, base) if s.value not in prices]
        dates = [d for i in on_subject for d in self._dates[i]]
        if dates:
            out += [(s, say("dates")) for s in F.dates(text, base) if s.value not in dates]
        return sorted(out, key=lambda pair: pair[0].start)

    def _finding(self, doc: Doc, stated: F.Stated, fact: str) -> Finding:
        return self.finding(doc, span=(stated.start, stated.end), values={"fact": fact})
