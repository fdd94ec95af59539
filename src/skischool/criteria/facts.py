"""Facts: the reply must not contradict what the scenario says is true, or promise what isn't offered.

The rubric declares the scenario's facts (times, days, dates, prices, percentages, counts, years,
seasons, places and people, each about a subject) and what the organisation can offer. A
sentence on the subject that states a different value, or a promise of an offer the scenario
does not have, becomes a finding that quotes both. With the scenario's ``people`` declared, so
is a reply that puts the wrong person in a role ("Zara, the pool's manager") or opens by
greeting someone who did not write the post.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from itertools import islice
from typing import Any

from .. import facts as F
from ..language import ANALYSIS_LIMIT, Analysis
from ..result import Finding
from ..schema import Field, ListOf, Obj, Str
from .base import Author, Criterion, Doc, Scenario, TypeExample

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
        Field(
            "seasons",
            ListOf(Str(enum=F.SEASONS), min_items=1),
            "Seasons that are true: 'spring' ('fall' in a reply is autumn).",
        ),
        Field("dates", ListOf(Str(), min_items=1), "Dates that are true: '14 March'."),
        Field("prices", ListOf(Str(), min_items=1), "Prices that are true: '£4.50'."),
        Field("percents", ListOf(Str(), min_items=1), "Percentages that are true: '20%'."),
        Field(
            "years",
            ListOf(Str(), min_items=1),
            "Years that are true: '2028'. Read where a reply places something in time "
            "('until 2030'), never a bare number.",
        ),
        Field(
            "amounts",
            ListOf(Str(), min_items=1),
            "Counts and durations that are true, each a number and what it counts: '31 swaps', "
            "'10 minutes', '1 year'. Only a stated number of the same thing is compared.",
        ),
        Field(
            "places",
            ListOf(Str(), min_items=1),
            "Places that are true: 'Cork'. Another well-known town, city or country named in a "
            "sentence on the subject conflicts; a place any fact of the criterion declares never "
            "does, so 'Northgate Vets in York' does not clash with 'her nan in Cork'.",
        ),
        Field(
            "names",
            ListOf(Str(), min_items=1),
            "Who is true for this subject, as the scenario names them: 'Dev' (needs 'when', the "
            "words for the role, such as 'manager').",
        ),
    ],
    doc="One thing the scenario says is true.",
)


#: A name belongs to a role word when at most this many words stand between them:
#: "Dev, the pool's duty manager" (3), "the manager, Dev" (0).
NAME_GAP = 4
#: Characters either side of a role word where a name can be NAME_GAP words away.
NAME_WINDOW = 160
#: Findings one check reports: enough to show the pattern, not a wall of the same complaint.
MAX_FINDINGS = 10
#: Role words weighed per sentence: a reply names a role a few times, a paste thousands.
MAX_ROLE_MENTIONS = 40
_WORD = re.compile(r"\w+")
# Between a role word and a name, these start another clause: the name is someone else's.
_CLAUSE_BREAK = re.compile(
    r"\b(?:and|but|or|so|while|because|although|though|then|whereas)\b|[;:.!?()\n]", re.I
)

# "I typed Thursday when I meant Friday": the writer quoting their own slip, not stating it.
_OWN_SLIP = re.compile(
    r"\b(?:i|we)(?:'ve| have| had)?(?: (?:accidentally|mistakenly|wrongly|somehow))? "
    r"(?:typed|wrote|written|put|said|posted|printed|listed|typo'd)(?: (?:it as|down|in))? "
    r"[\"'“‘]?$",
    re.I,
)
#: Characters before a stated value searched for the writer's own slip.
SLIP_WINDOW = 40


def _own_slip(text: str, start: int) -> bool:
    """Is the value at ``start`` the writer's own earlier mistake ("we wrote Thursday")?"""
    return bool(_OWN_SLIP.search(text[max(0, start - SLIP_WINDOW) : start]))


def _mentions(low_sentence: str, when: list[str]) -> Iterator[tuple[int, int]]:
    """Where subject words occur, as whole words ("share" is not "shared")."""
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
                yield start, end
            start = low_sentence.find(key, start + 1)


def _about(low_sentence: str, when: list[str] | None) -> bool:
    """Is the sentence on this subject? With no subject words, every sentence is."""
    return not when or next(_mentions(low_sentence, when), None) is not None


class Facts(Criterion):
    type_name = "facts"
    doc = (
        "Met unless a sentence on a fact's subject states a conflicting time, day, date, price, "
        "percentage or amount, or names the wrong one of the scenario's people for a role; or "
        "the reply greets someone other than the post's author; or it promises an offer the "
        "scenario does not have."
    )
    fields = [
        Field("facts", ListOf(FACT, min_items=1), "What the scenario says is true."),
        Field(
            "offers",
            ListOf(Str(enum=tuple(F.OFFERS))),
            "What the organisation can offer here (empty: nothing). Omit to not check offers.",
        ),
        Field(
            "people",
            ListOf(Str(), min_items=1),
            "Everyone the scenario names, as it names them ('Nadia Okafor', 'Zara', 'Dev'); the "
            "names in facts are added. Turns on the checks of who is who, and of the greeting.",
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
        ),
        TypeExample(
            config={
                "facts": [
                    {
                        "about": "who is finding out",
                        "say": "Dev, the pool's duty manager, is finding out",
                        "when": ["manager", "duty manager"],
                        "names": ["Dev"],
                    },
                    {
                        "about": "the members' discount",
                        "say": "members get 20% off",
                        "when": ["off", "discount", "members"],
                        "percents": ["20%"],
                    },
                    {
                        "about": "the heats",
                        "say": "there are 12 heats over 3 hours",
                        "when": ["heat", "heats", "gala"],
                        "amounts": ["12 heats", "3 hours"],
                    },
                ],
                "people": ["Nadia Okafor", "Zara", "Leah"],
            },
            scenario=Scenario(platform="facebook", author=Author(name="Nadia Okafor")),
            passes=[
                "Hi Nadia, Dev, the pool's manager, is finding out now.",
                "Nadia, the duty manager is on it and Zara's race is safe for now.",
                "Zara, good luck on Saturday! Nadia, Dev is the manager to ask.",
                "The manager will let us know. Members still get 20% off.",
                "All twelve heats still run, over three hours, and Dev will confirm.",
                "Zara swam brilliantly last year. The manager, Dev, will tell us by three.",
                "The pool's manager is checking now – Leah",
            ],
            fails=[
                "Hi Zara, the pool's manager is finding out now.",
                "Nadia, Leah the duty manager is finding out.",
                "Members get 50% off this week!",
                "The gala's 10 heats take about 2 hours.",
                "Zara, we'll know by three.",
            ],
        ),
    ]

    def __init__(self, data: dict[str, Any]) -> None:
        super().__init__(data)
        self.facts: list[dict[str, Any]] = data.get("facts") or []
        self.offers: set[str] | None = set(data["offers"]) if "offers" in data else None
        self._times = [[F.parse_time(t) for t in f.get("times", [])] for f in self.facts]
        self._prices = [[F.parse_price(p) for p in f.get("prices", [])] for f in self.facts]
        self._dates = [[F.parse_date(d) for d in f.get("dates", [])] for f in self.facts]
        self._percents = [[F.parse_percent(p) for p in f.get("percents", [])] for f in self.facts]
        self._years = [[F.parse_year(y) for y in f.get("years", [])] for f in self.facts]
        self._amounts = [[F.parse_amount(a) for a in f.get("amounts", [])] for f in self.facts]
        # Every place the criterion declares is true somewhere, so it never conflicts anywhere.
        self._declared_places = {p for f in self.facts for p in f.get("places", [])}
        named = [n for f in self.facts for n in f.get("names", [])]
        self.people: list[str] = list(dict.fromkeys([*data.get("people", []), *named]))

    @classmethod
    def check_config(
        cls, data: dict[str, Any], rubric: dict[str, Any]
    ) -> list[tuple[tuple[object, ...], str]]:
        problems = super().check_config(data, rubric)
        if "facts" not in data and "offers" not in data:
            problems.append(((), "a facts criterion needs 'facts', 'offers' or both"))
        parsers = {
            "times": F.parse_time,
            "prices": F.parse_price,
            "dates": F.parse_date,
            "percents": F.parse_percent,
            "years": F.parse_year,
            "amounts": F.parse_amount,
            "names": _parse_name,
            "places": _parse_name,
        }
        expect = {
            "times": "a time such as '9am', '2:30pm', '14:00' or 'noon'",
            "prices": "a price such as '£4.50' or '$12'",
            "dates": "a date such as '14 March'",
            "percents": "a percentage such as '20%'",
            "years": "a year such as '2028'",
            "amounts": "a number and what it counts, such as '31 swaps' or '10 minutes'",
            "names": "a name as replies write it, with a capital first: 'Dev'",
            "places": "a place as replies write it, with a capital first: 'Cork'",
        }
        kinds = (
            "times",
            "days",
            "seasons",
            "dates",
            "prices",
            "percents",
            "years",
            "amounts",
            "places",
            "names",
        )
        for i, f in enumerate(data.get("facts") or []):
            if not any(k in f for k in kinds):
                problems.append((("facts", i), "a fact needs at least one of " + ", ".join(kinds)))
            if f.get("names") and not f.get("when"):
                problems.append(
                    (
                        ("facts", i, "when"),
                        "a fact with names needs 'when': the words for the role, such as 'manager'",
                    )
                )
            for key, parse in parsers.items():
                for j, value in enumerate(f.get(key) or []):
                    if parse(value) is None:
                        problems.append((("facts", i, key, j), f"'{value}' is not {expect[key]}"))
        for j, person in enumerate(data.get("people") or []):
            if _parse_name(person) is None:
                problems.append((("people", j), f"'{person}' is not {expect['names']}"))
        return problems

    def evaluate(self, doc: Doc) -> tuple[bool | None, list[Finding], str]:
        findings: list[Finding] = []
        an = doc.analysis
        author = doc.scenario.author
        others = [p for p in self.people if not _is_author(p, author.name)]
        # A reply written with no capital at all names people in lower case too ("leah's
        # the manager"); one with capitals anywhere needs them on names ("the dev team").
        lowercase = not any(c.isupper() for c in doc.text[:ANALYSIS_LIMIT])
        if self.people and an.sentences:
            findings += self._wrong_greeting(doc, others)
        for s in an.sentences[:400]:  # every platform's limit is far below 400 sentences
            low = s.text.lower()
            on_subject = [i for i, f in enumerate(self.facts) if _about(low, f.get("when"))]
            if on_subject:
                conflicts = self._conflicts(on_subject, s.text, s.start)
                conflicts += self._wrong_people(
                    on_subject, s.text, low, s.start, others, an, lowercase
                )
                for stated, say in sorted(conflicts, key=lambda pair: pair[0].start):
                    if len(findings) >= MAX_FINDINGS:
                        break
                    if an.context(stated.start, stated.end).negated:
                        continue
                    if stated.kind != "name" and _own_slip(an.text, stated.start):
                        continue  # "I typed Thursday when I meant Friday" owns the slip
                    findings.append(self._finding(doc, stated, say))
            if self.offers is not None:
                for stated in F.offers(s.text, s.start):
                    if len(findings) >= MAX_FINDINGS:
                        break
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
            if len(findings) >= MAX_FINDINGS:
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
        seasons = {d for f in facts for d in f.get("seasons", [])}
        if seasons:
            out += [(s, say("seasons")) for s in F.seasons(text, base) if s.value not in seasons]
        prices = [p for i in on_subject for p in self._prices[i]]
        if prices:
            out += [(s, say("prices")) for s in F.prices(text, base) if s.value not in prices]
        dates = [d for i in on_subject for d in self._dates[i]]
        if dates:
            out += [(s, say("dates")) for s in F.dates(text, base) if s.value not in dates]
        percents = [p for i in on_subject for p in self._percents[i]]
        if percents:
            out += [(s, say("percents")) for s in F.percents(text, base) if s.value not in percents]
        years = [y for i in on_subject for y in self._years[i]]
        if years:
            out += [(s, say("years")) for s in F.years(text, base) if s.value not in years]
        places = {p for f in facts for p in f.get("places", [])}
        if places:
            out += [
                (s, say("places"))
                for s in F.places(text, base)
                if s.value not in places and s.value not in self._declared_places
            ]
        amounts = [a for i in on_subject for a in self._amounts[i] if a is not None]
        if amounts:
            nouns = {noun for _, noun in amounts}
            out += [
                (s, say("amounts")) for s in F.amounts(text, base, nouns) if s.value not in amounts
            ]
        return sorted(out, key=lambda pair: pair[0].start)

    def _wrong_people(
        self,
        on_subject: list[int],
        text: str,
        low: str,
        base: int,
        others: list[str],
        an: Analysis,
        lowercase: bool = False,
    ) -> list[tuple[F.Stated, str]]:
        """Known people set in a role that is someone else's: the person named nearest a role
        word (at most NAME_GAP words away) must be one the fact allows. Never candidates: whoever
        a sentence opens by speaking to, the writer's own name, and the post's author ("Nadia,
        the manager is on it" speaks to Nadia, it does not name her). A denied role puts nobody
        in it ("Zara was never the manager")."""
        out: list[tuple[F.Stated, str]] = []
        if not others or not any(self.facts[i].get("names") for i in on_subject):
            return out  # no role on this sentence's subjects has a name to check
        spoken_to = F.greeting(text, others)  # "Zara, the manager is ..." speaks to Zara
        named = [
            st
            for st in F.names_any_case(text, 0, others, lowercase=lowercase)
            if not (spoken_to and st.start < spoken_to.end) and not F.introduces_writer(text, st)
        ]
        if not named:
            return out
        starts = [st.start for st in named]  # sorted: names() returns them in order
        if len(low) != len(text):  # "İ".lower() is two characters: keep offsets aligned
            low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
        for i in on_subject:
            fact = self.facts[i]
            allowed = set(fact.get("names") or [])
            if not allowed:
                continue
            for start, end in islice(_mentions(low, fact.get("when") or []), MAX_ROLE_MENTIONS):
                if an.context(base + start, base + end).negated:
                    continue  # "Leah isn't the manager": the role is denied, nobody is in it
                # Only names near enough to be within NAME_GAP words are weighed, so a pasted
                # wall of names and role words stays linear.
                lo = bisect_left(starts, start - NAME_WINDOW)
                hi = bisect_right(starts, end + NAME_WINDOW)
                if lo >= hi:
                    continue
                # Nearest first; on a tie the allowed name wins: when in doubt, no finding.
                # (Stated has no order: the index settles a full tie, first name first.)
                gap, _, _, nearest = min(
                    (_gap(text, st.start, st.end, start, end), st.value not in allowed, k, st)
                    for k, st in enumerate(named[lo:hi])
                )
                if gap <= NAME_GAP and nearest.value not in allowed:
                    moved = F.Stated(
                        "name", nearest.value, base + nearest.start, base + nearest.end
                    )
                    if all(moved.start != o.start for o, _ in out):
                        out.append((moved, fact["say"]))
        return out

    def _wrong_greeting(self, doc: Doc, others: list[str]) -> list[Finding]:
        """Opening with someone else's name ("Hi Zara," to Nadia) and never naming the author,
        or any of the writers of the comments being answered (a thread's bystanders)."""
        author = doc.scenario.author
        writers = doc.scenario.writers
        if not (author.name.strip() or writers) or doc.scenario.writes == "post":
            return []  # nobody named to answer, or a post of the learner's own
        first = doc.analysis.sentences[0]
        greeted = F.greeting(first.text, [*others, *writers])
        if greeted is None or any(_is_author(greeted.value, w) for w in writers):
            return []  # greeting whoever wrote one of the comments being answered is fine
        own = [author.name, *([author.handle.lstrip("@")] if author.handle.strip() else [])]
        own += writers
        if any(F.names(s.text, 0, own, possessives=True) for s in doc.analysis.sentences[:400]):
            return []  # the author is named too: greeting someone else as well is fine
        span = F.Stated("greeting", greeted.value, first.start, first.start + greeted.end)
        if writers:
            return [self._finding(doc, span, f"the post is from {' and '.join(writers)}")]
        return [self._finding(doc, span, f"the post is from {author.name}")]

    def _finding(self, doc: Doc, stated: F.Stated, fact: str) -> Finding:
        return self.finding(doc, span=(stated.start, stated.end), values={"fact": fact})


def _parse_name(value: str) -> str | None:
    """A name (a person's or a place's) as a rubric gives it: words, the first with a capital."""
    words = value.split()
    return value if words and words[0][:1].isupper() and any(c.isalpha() for c in value) else None


def _is_author(person: str, author_name: str) -> bool:
    return bool(author_name.strip()) and bool(
        set(F.name_forms(person)) & set(F.name_forms(author_name))
    )


def _gap(text: str, a_start: int, a_end: int, b_start: int, b_end: int) -> int:
    """Words standing between two spans of a sentence; past NAME_GAP when a new clause starts
    between them ("Dev's the duty manager and Leah is asking": Leah is not the manager)."""
    lo, hi = (a_end, b_start) if a_end <= b_start else (b_end, a_start)
    between = text[lo:hi] if lo < hi else ""
    if _CLAUSE_BREAK.search(between):
        return NAME_GAP + 1
    return len(_WORD.findall(between))
