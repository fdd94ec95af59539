"""Facts a reply states: times, days, dates, prices, percentages, people, and offers it promises.

A scenario can declare what is true (Sundays open 9am to 2pm; a replacement is on offer). A
reply that states a different time on the same subject, or promises a discount the organisation
never offered, is wrong in a way no tone can fix. This module finds such statements; the
``facts`` criterion compares them with the scenario. Every pattern is a flat sequence of
character classes and bounded repeats, run sentence by sentence, so the work stays linear.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .textmatch import Phrase, PhraseSet, normalize

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)

_TIME = re.compile(
    r"(?<![\w:.£$€])(\d{1,2})(?:[:.](\d{2}))? ?(am|pm|a\.m\.|p\.m\.)(?!\w)"
    r"|(?<![\w:.£$€])([01]?\d|2[0-3]):([0-5]\d)(?![\w:])"
    r"|\b(noon|midday|midnight)\b",
    re.I,
)
_RANGE = re.compile(
    r"(?<![\w:.£$€])(\d{1,2})(?:[:.](\d{2}))? ?(am|pm)? ?(?:-|–|to|till|til|until|and) ?"
    r"(\d{1,2})(?:[:.](\d{2}))? ?(am|pm)?(?![\w%])",
    re.I,
)
_DAY = re.compile(
    r"\b(mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?(s)?\b",
    re.I,
)
_PRICE = re.compile(
    r"([£$€]) ?(\d{1,6}(?:[.,]\d{1,2})?)(?!\d)|(?<![\w.])(\d{1,6}(?:\.\d{1,2})?) ?(pounds|quid|dollars|euros|p)\b",
    re.I,
)
_DATE = re.compile(
    r"\b(\d{1,2})(?:st|nd|rd|th)? (?:of )?(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b"
    r"|\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]* (\d{1,2})(?:st|nd|rd|th)?\b",
    re.I,
)

_PERCENT = re.compile(r"(?<![\w.,])(\d{1,3}(?:\.\d{1,2})?) ?(?:%|per ?cent\b)", re.I)
# A reply's opening greeting: "Hi Zara,", "Dear Zara", "Zara, ...", "@zara_swims thanks".
# A reply's opening greeting. A strong salutation greets whatever follows the name ("Hi Zara
# thanks for ..."); a weaker one greets only a name closed by punctuation ("Sorry Alfie, ...",
# "Congratulations Cal!"), because "Sorry, Dev is away" and "Thanks, Dev will call" name Dev
# without speaking to him.
_SALUTATION = re.compile(
    r"\W{0,3}(?:(?P<strong>hi|hey|hello|hiya|dear|morning|evening|afternoon"
    r"|good (?:morning|afternoon|evening))(?:[ ,]{1,2}(?:there|again))?"
    r"|thanks|thank you|cheers|sorry|so sorry|oh|aw|aww|congratulations|congrats|welcome"
    r"|well done)\b[ ,!]{0,3}",
    re.I,
)

# What a reply can promise, by kind. Each kind is a few unambiguous phrasings.
OFFERS: dict[str, tuple[str, ...]] = {
    "refund": (
        "refund",
        "refunded",
        "refunding",
        "money back",
        "reimburse",
        "reimbursed",
        "fees back",
        "fee back",
        "fees will come back",
        "fee will come back",
    ),
    "replacement": ("replacement", "replace it", "replace them", "send a new one", "send another"),
    "discount": (
        "discount",
        "% off",
        "percent off",
        "money off",
        "promo code",
        "coupon",
        "discount code",
    ),
    "voucher": ("voucher", "gift card", "gift certificate", "e-gift"),
    "free-item": (
        "on the house",
        "for free",
        "free of charge",
        "complimentary",
        "free coffee",
        "free cake",
        "free drink",
        "free drinks",
        "free meal",
        "free dessert",
        "free delivery",
        "free shipping",
        "free month",
        "free booking",
        "next booking is free",
        "next booking with us is free",
        "free upgrade",
        "freebie",
        # Extras slipped in "to make up for the trouble" (a blind reply): a gift all the same.
        "a few extras",
        "some extras",
        "a couple of extras",
        "a few goodies",
        "some goodies",
    ),
    "credit": (
        "account credit",
        "credit your account",
        "credited to your account",
        "credited back",
        "bill credit",
        "credit note",
    ),
    "compensation": ("compensation", "compensate", "goodwill payment", "goodwill gesture"),
    # Not "a bonus": "and a bonus, the hall is open with tea" promises nothing.
    "bonus": (
        "extra pay",
        "pay rise",
        "pay increase",
        "pay bump",
        "a raise",
        "bump to your pay",
        "bump to your hourly rate",
        "higher hourly rate",
        "next pay grade",
        "higher pay grade",
        "pay grade up",
        "up a pay grade",
        "extra in your pay",
        "in your pay packet",
    ),
    "upgrade": ("upgrade you", "upgraded you", "free upgrade"),
    "gift": ("a gift", "a little gift", "a small gift", "hamper", "goodie bag"),
}
# One trie-shaped scan finds every kind of offer (see textmatch); each phrase maps to its kind.
_OFFER_KIND: dict[str, str] = {}
for _kind, _phrases in OFFERS.items():
    for _p in _phrases:
        _OFFER_KIND.setdefault(_p, _kind)
_OFFERS = PhraseSet([Phrase(p) for p in _OFFER_KIND])


@dataclass(frozen=True)
class Stated:
    """A value the reply states, where it states it."""

    kind: str  # time, day, price, date, percent, amount, name, greeting, offer
    value: object
    start: int
    end: int


def _hour(h: str, m: str | None, ap: str | None) -> int:
    hour, minute = int(h) % 24, int(m or 0)
    ap = (ap or "").lower().replace(".", "")
    if ap == "pm" and hour < 12:
        hour += 12
    if ap == "am" and hour == 12:
        hour = 0
    return hour * 60 + minute


def parse_time(text: str) -> int | None:
    """Minutes after midnight for "9am", "2:30 pm", "14:00", "noon"; None if not a time.

    A rubric's declared time must be unambiguous: "2:20" could be morning or afternoon.
    """
    m = _TIME.fullmatch(text.strip())
    if not m:
        return None
    value = _time_of(m)
    return value if isinstance(value, int) else None


def _time_of(m: re.Match[str]) -> int | tuple[str, int, int]:
    if m.group(6):
        return {"noon": 720, "midday": 720, "midnight": 0}[m.group(6).lower()]
    if m.group(3):
        return _hour(m.group(1), m.group(2), m.group(3))
    hour, minute = int(m.group(4)), int(m.group(5))
    if hour <= 12:
        return ("bare", hour % 12, minute)  # "2:20" may be morning or afternoon  # type: ignore[return-value]
    return hour * 60 + minute


def times(sentence: str, base: int) -> list[Stated]:
    """Times in a sentence; a bare hour counts only inside a range ("9 to 2", "9-2pm")."""
    out: list[Stated] = []
    taken: list[tuple[int, int]] = []
    for m in _RANGE.finditer(sentence):
        h1, m1, a1, h2, m2, a2 = m.groups()
        if (
            int(h1) > 24
            or int(h2) > 24
            or (
                not a1
                and not a2
                and not (m1 or m2)
                and (_looks_like_count(sentence, m.end()) or _counted_before(sentence, m.start()))
            )
        ):
            continue
        first = (m.start(1), m.end(3) if a1 else m.end(2) if m1 else m.end(1))
        second = (m.start(4), m.end(6) if a2 else m.end(5) if m2 else m.end(4))
        for h, mm, ap, (s, e) in ((h1, m1, a1 or "", first), (h2, m2, a2 or "", second)):
            value = _hour(h, mm, ap) if ap else ("bare", int(h) % 12, int(mm or 0))
            out.append(Stated("time", value, base + s, base + e))
        taken.append(m.span())
    for m in _TIME.finditer(sentence):
        if any(s <= m.start() < e for s, e in taken):
            continue
        out.append(Stated("time", _time_of(m), base + m.start(), base + m.end()))
        taken.append(m.span())
    for m in _DOT_TIME.finditer(sentence):
        if any(s <= m.start(1) < e for s, e in taken):
            continue
        value = ("bare", int(m.group(1)) % 12, int(m.group(2)))
        out.append(Stated("time", value, base + m.start(1), base + m.end(2)))
    return sorted(out, key=lambda st: st.start)


# British clock times with a dot and no am/pm, only where a word places them in the day ("at
# 10.30", "from 9.15"): alone, "10.30" may be a price.
_DOT_TIME = re.compile(
    r"\b(?:at|by|from|until|till|before|after|around|about) ([01]?\d|2[0-3])\.([0-5]\d)(?![\w%]|\.\d)",
    re.I,
)


def _looks_like_count(sentence: str, end: int) -> bool:
    """ "2 to 3 days", "5-10 minutes", "5 to 11 year olds": a range of amounts, not a clock time."""
    rest = sentence[end : end + 12].lower().lstrip()
    return rest.startswith(
        (
            "day",
            "week",
            "hour",
            "minute",
            "min",
            "month",
            "year",
            "yr",
            "people",
            "%",
            "x ",
            "kid",
            "child",
            "adult",
            "player",
            "member",
            "place",
            "seat",
            "ticket",
            "of ",
        )
    )


# Words that make the numbers after them amounts: "ages 5 to 11", "Years 3-6", "sizes 4 to 6".
_COUNTED_WORDS = (
    "age ages aged year years size sizes grade grades level levels page pages chapter chapters "
    "room rooms lane lanes children kids boys girls pupils players singers under"
)
_COUNTED = frozenset(_COUNTED_WORDS.split())


def _counted_before(sentence: str, start: int) -> bool:
    """Does a word just before a bare range make it an amount ("for ages 5 to 11")?"""
    words = sentence[max(0, start - 16) : start].lower().split()
    return bool(words) and words[-1].strip("(,:") in _COUNTED


def days(sentence: str, base: int) -> list[Stated]:
    out = []
    for m in _DAY.finditer(sentence):
        stem = m.group(1).lower()[:3]
        day = next(d for d in DAYS if d.startswith(stem))
        # "sat" and "sun" are words too; three-letter forms count only with a capital.
        word = m.group(0)
        if word.lower() in ("sat", "sun", "wed", "mon") and not word[0].isupper():
            continue
        out.append(Stated("day", day, base + m.start(), base + m.end()))
    return out


SEASONS = ("spring", "summer", "autumn", "winter")
# "fall" is a season only after a word that places it in time ("last fall"), never "prices fall".
_SEASON = re.compile(
    r"\b(?:(spring|summer|autumn|winter)(?:time)?|(?:(?<=last )|(?<=this )|(?<=next )|(?<=the ))"
    r"(fall))\b",
    re.I,
)


def seasons(sentence: str, base: int) -> list[Stated]:
    """Seasons: "last spring", "this winter", "in the autumn"; "fall" is autumn."""
    out = []
    for m in _SEASON.finditer(sentence):
        season = (m.group(1) or "autumn").lower()
        out.append(Stated("season", season, base + m.start(), base + m.end()))
    return out


# Towns, cities and countries a reply might name instead of the true one ("her nan in Dublin"
# where the scenario says Cork). A closed list, so a stated place is one a reader would know as
# a place; names that are also everyday words or first names (Bath, Reading, Wells, Lincoln,
# Chester, Derby) are left out, because a capital at the start of a sentence proves nothing.
PLACES: tuple[str, ...] = (
    # England
    "London", "Birmingham", "Manchester", "Liverpool", "Leeds", "Sheffield", "Bristol",
    "Newcastle", "Nottingham", "Leicester", "Coventry", "Bradford", "Hull", "York", "Harrogate",
    "Halifax", "Huddersfield", "Wakefield", "Doncaster", "Sunderland", "Durham", "Middlesbrough",
    "Carlisle", "Lancaster", "Blackpool", "Bolton", "Stockport", "Oldham", "Salford", "Wigan",
    "Southampton", "Portsmouth", "Brighton", "Oxford", "Cambridge", "Norwich", "Ipswich",
    "Plymouth", "Exeter", "Bournemouth", "Gloucester", "Cheltenham", "Worcester", "Hereford",
    "Shrewsbury", "Stoke", "Wolverhampton", "Northampton", "Peterborough", "Milton Keynes",
    "Canterbury", "Dover", "Hastings", "Scarborough", "Whitby", "Otley", "Ilkley", "Skipton",
    "Hebden Bridge", "Keswick", "Penzance", "Truro", "Falmouth",
    # Scotland
    "Glasgow", "Edinburgh", "Aberdeen", "Dundee", "Inverness", "Perth", "Fort William",
    "Aviemore", "Oban", "Paisley",
    # Wales
    "Cardiff", "Swansea", "Newport", "Wrexham", "Aberystwyth", "Bangor", "Llandudno", "Tenby",
    # Ireland, north and south
    "Belfast", "Derry", "Dublin", "Cork", "Galway", "Limerick", "Waterford", "Kilkenny",
    "Sligo", "Killarney", "Wexford", "Dundalk", "Drogheda",
    # Countries and nations
    "England", "Scotland", "Wales", "Ireland", "Northern Ireland", "France", "Spain",
    "Germany", "Italy", "Portugal", "Poland", "the Netherlands", "Holland", "Belgium",
    "Switzerland", "Austria", "Norway", "Sweden", "Denmark", "Canada", "Australia",
    "New Zealand", "India", "Pakistan", "Nigeria", "Ghana", "Jamaica",
)  # fmt: skip
_PLACE_FORMS = list(PLACES)


def places(sentence: str, base: int) -> list[Stated]:
    """Known places a sentence names, as replies write them: capital first, whole words."""
    found = _whole_forms(sentence, [(f, f) for f in _PLACE_FORMS])
    return [Stated("place", form, base + start, base + end) for start, end, form in found]


def _whole_forms(
    sentence: str, forms: list[tuple[str, str]], keep: Callable[[int], bool] = lambda end: True
) -> list[tuple[int, int, str]]:
    """(start, end, value) of each form found as whole words, longest form first, so "Northern
    Ireland" or "Nadia Okafor" claims its characters before "Ireland" or "Nadia"; ``keep(end)``
    may refuse a match. ``forms`` pairs what to find with the value it stands for. Linear: each
    character is claimed once."""
    out: list[tuple[int, int, str]] = []
    taken = bytearray(len(sentence))
    for form, value in sorted(forms, key=lambda fv: -len(fv[0])):
        start = sentence.find(form)
        while start >= 0:
            end = start + len(form)
            before = sentence[start - 1] if start else " "
            after = sentence[end : end + 1]
            whole = not before.isalnum() and not (after.isalnum() or after == "_")
            if whole and not taken[start] and keep(end):
                out.append((start, end, value))
                taken[start:end] = b"\x01" * (end - start)
            start = sentence.find(form, start + 1)
    return sorted(out)


def prices(sentence: str, base: int) -> list[Stated]:
    out = []
    for m in _PRICE.finditer(sentence):
        if m.group(1):
            value = float(m.group(2).replace(",", "."))
        else:
            amount = float(m.group(3))
            value = amount / 100 if m.group(4).lower() == "p" else amount
        out.append(Stated("price", round(value, 2), base + m.start(), base + m.end()))
    return out


def parse_price(text: str) -> float | None:
    found = prices(text, 0)
    return found[0].value if found else None  # type: ignore[return-value]


# Days replies name instead of a date: "her Christmas Eve shift" is 24 December.
HOLIDAYS = {
    "christmas eve": (24, 12),
    "christmas day": (25, 12),
    "boxing day": (26, 12),
    "new year's eve": (31, 12),
    "new year's day": (1, 1),
    "hogmanay": (31, 12),
}
_HOLIDAY = re.compile(
    r"\b(christmas eve|christmas day|boxing day|new year['’]s eve|new year['’]s day|hogmanay)\b",
    re.I,
)


def dates(sentence: str, base: int) -> list[Stated]:
    out = []
    for m in _DATE.finditer(sentence):
        day, mon = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
        month = next(i for i, name in enumerate(MONTHS, 1) if name.startswith(mon.lower()[:3]))
        if 1 <= int(day) <= 31:
            out.append(Stated("date", (int(day), month), base + m.start(), base + m.end()))
    for m in _HOLIDAY.finditer(sentence):
        name = m.group(1).lower().replace("’", "'")
        out.append(Stated("date", HOLIDAYS[name], base + m.start(), base + m.end()))
    return sorted(out, key=lambda st: st.start)


def parse_date(text: str) -> tuple[int, int] | None:
    found = dates(text, 0)
    return found[0].value if found else None  # type: ignore[return-value]


def percents(sentence: str, base: int) -> list[Stated]:
    """Percentages: "20%", "20 %", "15 percent", "12.5 per cent"."""
    return [
        Stated("percent", float(m.group(1)), base + m.start(), base + m.end())
        for m in _PERCENT.finditer(sentence)
    ]


def parse_percent(text: str) -> float | None:
    m = _PERCENT.fullmatch(text.strip())
    return float(m.group(1)) if m else None


# A year is read only where a reply uses it as one, after a word that places something in time
# ("funded until 2028", "through to the end of 2030", "since 2019"): a bare "2000" may count books.
_YEAR_LEAD = (
    r"(?:in|until|till|til|to|through|thru|by|since|from|before|after|into|beyond|past|"
    r"during|of)"
)
_YEAR = re.compile(
    rf"\b{_YEAR_LEAD} (?:the (?:end|start|beginning|middle|spring|summer|autumn|fall|winter) "
    r"of )?((?:19|20)\d\d)(?![\w%/:]|[.,]\d)",
    re.I,
)
_YEAR_ALONE = re.compile(r"(?:19|20)\d\d")


def years(sentence: str, base: int) -> list[Stated]:
    """Years placed in time: "until 2030", "by the end of 2028"."""
    return [
        Stated("year", int(m.group(1)), base + m.start(1), base + m.end(1))
        for m in _YEAR.finditer(sentence)
    ]


def parse_year(text: str) -> int | None:
    return int(text.strip()) if _YEAR_ALONE.fullmatch(text.strip()) else None


# Counts and durations: "31 swaps", "ten minutes", "two years". A number, then up to three words
# of which the first that is a declared noun is what it counts ("31 of the swaps").
_SMALL = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty"
)
NUMBER_WORDS = {w: i for i, w in enumerate(_SMALL.split())}
NUMBER_WORDS.update(
    {"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80}
)
NUMBER_WORDS.update({"ninety": 90, "hundred": 100, "dozen": 12})
_NUM = r"\d{1,3}(?:,\d{3}){1,4}|\d{1,7}(?:\.\d{1,2})?|" + "|".join(NUMBER_WORDS)
_AMOUNT = re.compile(
    rf"(?<![\w.,£$€:/-])({_NUM})\b((?:[ -][A-Za-z'’]{{1,20}}){{1,3}})", re.I
)  # bounded: linear even under finditer
_WORD = re.compile(r"[A-Za-z'’]{1,20}")
_AMOUNT_SPEC = re.compile(rf"({_NUM}) ([A-Za-z][A-Za-z'-]{{0,30}})", re.I)
# Short forms replies use for units.
_UNIT_ALIASES = {"min": "minute", "mins": "minute", "hr": "hour", "hrs": "hour", "yr": "year"}
_UNIT_ALIASES.update({"yrs": "year", "wk": "week", "wks": "week"})


def _number(text: str) -> float:
    low = text.lower()
    return float(NUMBER_WORDS[low]) if low in NUMBER_WORDS else float(low.replace(",", ""))


def singular(word: str) -> str:
    """The noun an amount counts, in one form: "swaps" and "swap" are both "swap"."""
    w = word.lower().strip("'’")
    if w in _UNIT_ALIASES:
        return _UNIT_ALIASES[w]
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith(("ches", "shes", "xes", "sses")):
        return w[:-2]
    if w.endswith("s") and not w.endswith("ss") and len(w) > 3:
        return w[:-1]
    return w


def parse_amount(text: str) -> tuple[float, str] | None:
    """A declared amount, "31 swaps" or "10 minutes", as (31.0, "swap")."""
    m = _AMOUNT_SPEC.fullmatch(text.strip())
    return (_number(m.group(1)), singular(m.group(2))) if m else None


def amounts(sentence: str, base: int, nouns: set[str]) -> list[Stated]:
    """Amounts of the given nouns a sentence states: "40 swaps", "two years", "5 mins"."""
    out = []
    for m in _AMOUNT.finditer(sentence):
        number = _number(m.group(1))
        for k, w in enumerate(_WORD.finditer(m.group(2))):
            word = w.group().lower()
            if (
                k == 0
                and number % 10 == 0
                and 20 <= number < 100
                and NUMBER_WORDS.get(word, 10) < 10
            ):
                number += NUMBER_WORDS[word]  # "twenty-five minutes"
                continue
            noun = singular(word)
            if noun in nouns:
                value = (number, noun)
                end = base + m.start(2) + w.end()
                out.append(Stated("amount", value, base + m.start(), end))
                break
    return out


#: Titles a scenario may give ("Dr Amira Hassan"): never a first name.
TITLES = frozenset(
    [
        "dr",
        "mr",
        "mrs",
        "ms",
        "miss",
        "mx",
        "prof",
        "professor",
        "sir",
        "dame",
        "rev",
        "revd",
        "cllr",
    ]
)
# After "Dev's", these words make it "Dev is" (or "has"), not a possessive: "Dev's the manager".
_IS_NEXT = frozenset(
    [
        "the",
        "our",
        "a",
        "an",
        "your",
        "their",
        "my",
        "his",
        "her",
        "been",
        "got",
        "gone",
        "going",
        "on",
        "not",
        "in",
        "off",
        "at",
        "with",
        "just",
        "still",
        "also",
        "already",
        "here",
        "there",
        "back",
        "away",
        "always",
        "never",
        "really",
        "so",
        "very",
        "now",
    ]
)
_NEXT_WORD = re.compile(r"[ \t]{0,3}([A-Za-z]{1,20})")  # bounded: linear even under finditer
# "Zara, the pool's manager, is ...": a name with a role between commas names, it does not greet.
# A short noun phrase only: "Zara, the manager is finding out, good luck!" speaks to Zara.
_APPOSITIVE = re.compile(r", ?(?:the|our|their|his|her|my|your|a|an)(?: [\w'’-]{1,20}){1,3},", re.I)
# "Ali here", "Ali from Cinder Cycles": the writer introducing themselves.
_SELF_AFTER = re.compile(r" (?:here|from|at)\b", re.I)
# A short opening before a comma: "Sorry, Sam," "Good catch, Sam!" "Thanks so much for the
# heads-up, Jamal!" Never a phrase that starts like a noun phrase: "The manager, Zara, will tell
# us" names her.
_OPENER = re.compile(
    r"\W{0,3}(?!(?:the|our|a|an|my|your|their|his|her|this|that|these|those)\b)"
    r"(?:[A-Za-z'’-]{1,15} ){0,7}[A-Za-z'’-]{1,15}, ?",
    re.I,
)


def name_forms(person: str) -> tuple[str, ...]:
    """How a reply may name someone the scenario names: in full, by the first name, and with a
    title by title and surname ("Dr Amira Hassan": also "Amira Hassan", "Amira", "Dr Hassan")."""
    words = person.split()
    if not words:
        return ()
    titled = len(words) > 1 and words[0].lower().rstrip(".") in TITLES
    bare = words[1:] if titled else words
    forms = [" ".join(words), " ".join(bare), bare[0]]
    if titled and len(bare) > 1:
        forms.append(f"{words[0]} {bare[-1]}")
    return tuple(dict.fromkeys(forms))


def names(
    sentence: str, base: int, people: list[str], *, possessives: bool = False
) -> list[Stated]:
    """Known people named in a sentence, as a reply writes a name: capital first, whole words.

    Only the scenario's own people count, never any capitalised word, so a place or a club
    ("Castlegate", "Otterbrook families") is never taken for a person. A possessive ("Zara's
    race") names whose something it is, not who, so it is left out unless ``possessives`` is
    set (naming someone at all); "Dev's the manager" is "Dev is", and counts either way.
    """
    found = _whole_forms(
        sentence,
        [(f, p) for p in people for f in name_forms(p)],
        keep=lambda end: possessives or not _possessive(sentence, end),
    )
    return [Stated("name", person, base + start, base + end) for start, end, person in found]


def _possessive(sentence: str, end: int) -> bool:
    """Is the name ending at ``end`` a possessive ("Zara's race"), not "Zara is" ("Zara's on")?"""
    after = sentence[end : end + 3]
    if not (after[:1] in "'’" and after[1:2].lower() == "s" and not after[2:3].isalnum()):
        return False
    nxt = _NEXT_WORD.match(sentence, end + 2)
    word = nxt.group(1).lower() if nxt else ""
    return not (word in _IS_NEXT or word.endswith("ing"))


def introduces_writer(sentence: str, stated: Stated, base: int = 0) -> bool:
    """ "Ali here", "I'm Ali", "it's Ali from the club", "... checking now – Ali": the writer's
    own name, introducing the reply or signing it after a dash or a line break."""
    start, end = stated.start - base, stated.end - base
    if _SELF_AFTER.match(sentence, end):
        return True
    if not sentence[end:].strip(" .!\n\t") and sentence[:start].rstrip(" \t").endswith(
        ("-", "–", "—", "~", "\n")
    ):
        return True
    before = sentence[max(0, start - 12) : start].lower().rstrip()
    return before.endswith(("i'm", "i’m", "i am", "it's", "it’s", "this is", "my name is"))


def greeting(text: str, people: list[str]) -> Stated | None:
    """The known person a reply opens by greeting, if any: "Hi Zara,", "Zara, ...", "Sorry,
    Zara!", "Congratulations Cal!".

    Only a strong salutation ("hi", "dear") greets a name whatever follows it. Otherwise the
    name must be closed: by a comma or "!" after a bare name ("Zara swam brilliantly", "Rhys –
    duty manager" and "Jess: that's who" are not greetings), or also by "." or the end after a
    weaker opening ("Sorry, Zara."). A name then described ("Kasia, our boot fitter, is ...",
    "Jess, who teaches ...", "Rhys, duty manager at Kingsway, here") or a writer's own name
    ("Hi, Ali here") is not a greeting either.
    """
    m = _SALUTATION.match(text)
    starts: list[tuple[int, str]] = []
    if m:
        starts.append((m.end(), "strong" if m.group("strong") else "weak"))
    else:
        starts.append((0, "bare"))
    opener = _OPENER.match(text)
    if opener and opener.end() != starts[0][0]:
        starts.append((opener.end(), "weak"))
    for at, kind in starts:
        rest = text[at:].lstrip("@")
        if len(rest) < len(text[at:]):
            kind = "strong"  # "@zara ...": a mention speaks to her, whatever follows
        at += len(text[at:]) - len(rest)
        found = next(iter(names(rest[:80], at, people)), None)
        if found is None and not any(c.isupper() for c in text[: at + 80]):
            # "hi zara, ...": a reply written all in lower case names people that way too.
            found = _lowercase_name(rest[:80], at, people)
        if found is None or found.start != at:
            continue
        after = text[found.end :]
        if _described(after) or introduces_writer(text, found):
            return None
        follows = after.lstrip(" ")[:1]
        closes = (",", "!") if kind == "bare" else (",", "!", ".", "?", "")
        if kind == "strong" or follows in closes:
            return Stated("greeting", found.value, 0, found.end)
    return None


def _lowercase_name(window: str, at: int, people: list[str]) -> Stated | None:
    """The first known person a reply written without capitals names in ``window``."""
    return next(iter(names_any_case(window, at, people, lowercase=True)), None)


def names_any_case(sentence: str, base: int, people: list[str], *, lowercase: bool) -> list[Stated]:
    """:func:`names`, but a reply written all in lower case ("zara's the manager") names
    people that way too; the caller knows whether the whole reply is."""
    if not lowercase:
        return names(sentence, base, people)
    lowered = {p.lower(): p for p in people}
    return [
        Stated(st.kind, lowered[st.value], st.start, st.end)
        for st in names(sentence, base, list(lowered))
    ]


# After "Name, ": words that start describing the name rather than speaking to them.
_DESCRIBING = re.compile(r", ?(?:who|whose|which|from|of|at)\b", re.I)
# "Alfie, Lou's little one, ...": a capitalised possessive (a name's), never "that's" or "it's".
_NAMES_OWN = re.compile(r", ?[A-Z][\w-]{0,29}['’]s ")
# "Name, <a few words>, here|is|has ...": the name is the subject of the sentence.
_SUBJECT_AFTER = re.compile(
    r", ?(?:[\w'’-]{1,30} ){0,5}[\w'’-]{1,30}, ?(?:here|is|was|has|had|will|speaking|writing)\b",
    re.I,
)


def _described(after: str) -> bool:
    """Does what follows a name describe it ("Jess, who teaches ...") rather than address it?"""
    return bool(
        _APPOSITIVE.match(after)
        or _DESCRIBING.match(after)
        or _NAMES_OWN.match(after)
        or _SUBJECT_AFTER.match(after)
    )


# "Your next two appointments are on us", "your helmet's on me", "a treat waiting for you on
# us": a thing, or anything "next", that is on us (or me) is free. "That's on us" and "the
# delay is on me" own a mistake.
_ON_US = re.compile(
    r"\b(?:next [\w-]{1,20}(?: [\w-]{1,20})?|(?:coffees?|drinks?|meals?|lunch|dinner|cakes?|"
    r"round|pints?|tea|treats?|desserts?|yarn|box(?:es)?|appointments?|sessions?|lessons?|"
    r"class(?:es)?|tickets?|entry|visits?|check-ups?|hire|refills?|helmets?)) ?"
    r"(?:(?:is|are|'s|’s|will be)|(?P<waiting>(?:waiting|ready|set aside|put by|saved)"
    r"(?: for (?:you|them|him|her|you all|the [\w-]{1,20}))?)) on (?:us|me)\b",
    re.I,
)

_ON_US_NOT_SUBJECT = frozenset({"with", "about", "over", "of", "to", "around", "for", "on", "in"})


def offers(sentence: str, base: int) -> list[Stated]:
    norm = normalize(sentence)
    found = [
        Stated("offer", _OFFER_KIND[m.phrase.text], base + m.start, base + m.end)
        for m in _OFFERS.iter_matches(norm)
    ]
    for m in _ON_US.finditer(norm):
        before = norm[max(0, m.start() - 24) : m.start()].lower().split()[-2:]
        # "A little treat waiting for you on us" is still to come, so it is a gift already.
        if not m.group().lower().startswith("next") and not m.group("waiting"):
            if _ON_US_NOT_SUBJECT & set(before):
                continue  # "the mix-up with your appointment is on us": the mix-up is owned
            # A thing on us is a gift only when it is still to come ("your next two
            # appointments", "on me next time"); "those three missed boxes are on us" pays for
            # what went wrong, which is a refund, not a free item.
            if "next" not in norm[max(0, m.start() - 40) : m.end() + 20].lower().split():
                continue
        if not any(st.start < base + m.end() and base + m.start() < st.end for st in found):
            found.append(Stated("offer", "free-item", base + m.start(), base + m.end()))
    return sorted(found, key=lambda st: st.start)


def time_matches(stated: object, allowed: list[int]) -> bool:
    """Does a stated time agree with one of the declared times (minutes after midnight)?"""
    if isinstance(stated, tuple):  # a bare hour: 9 or 21, 2 or 14
        _bare, hour12, minute = stated
        return any(a % 720 == hour12 * 60 + minute for a in allowed)
    return stated in allowed
