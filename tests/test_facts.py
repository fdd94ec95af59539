"""Facts a reply states, and the facts criterion that compares them with the scenario."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skischool import facts as F
from skischool.errors import RubricError
from skischool.loader import rubric_from_dict

from .conftest import criterion, reply_rubric_data


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("9am", 540),
        ("2pm", 840),
        ("2:30 pm", 870),
        ("14:00", 840),
        ("noon", 720),
        ("12am", 0),
        ("9.15am", 555),
        ("nine", None),
        ("25:00", None),
    ],
)
def test_parse_time(text: str, minutes: int | None) -> None:
    assert F.parse_time(text) == minutes


def test_times_in_a_sentence_read_bare_hours_only_in_ranges() -> None:
    got = [s.value for s in F.times("Open 9 till 2, and I'll call at 5pm. Back in 2-3 days.", 0)]
    assert got == [("bare", 9, 0), ("bare", 2, 0), 1020]
    assert F.time_matches(("bare", 2, 0), [840]) and not F.time_matches(("bare", 3, 0), [840])


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("£4.50", 4.5),
        ("$12", 12.0),
        ("€3,20", 3.2),
        ("80p", 0.8),
        ("10 pounds", 10.0),
        ("4.50", None),
    ],
)
def test_parse_price(text: str, value: float | None) -> None:
    assert F.parse_price(text) == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("14 March", (14, 3)),
        ("March 14th", (14, 3)),
        ("3rd of Dec", (3, 12)),
        ("32 May", None),
        ("Christmas Eve", (24, 12)),  # a named day is a date too
        ("New Year’s Day", (1, 1)),
    ],
)
def test_parse_date(text: str, value: tuple[int, int] | None) -> None:
    assert F.parse_date(text) == value


@pytest.mark.parametrize(
    "text",
    [
        "It's free, for ages 5 to 11, and no need to book.",
        "Open to children 5 to 11.",
        "Years 3-6 welcome.",
        "Great for 5 to 11 year olds.",
        "Kids 8-12 only.",
    ],
)
def test_ranges_of_ages_and_school_years_are_not_clock_times(text: str) -> None:
    # From a blind reply to the Lego club exercise: "ages 5 to 11" was read as "5 till 11".
    assert F.times(text, 0) == []


def test_days_need_a_capital_for_three_letter_forms() -> None:
    assert [s.value for s in F.days("Open Sun and Sat, sundays too. The sun is out.", 0)] == [
        "sunday",
        "saturday",
        "sunday",
    ]


def test_offers_by_kind() -> None:
    kinds = [s.value for s in F.offers("Here's 20% off and a free coffee. I've refunded you.", 0)]
    assert kinds == ["discount", "free-item", "refund"]


@pytest.mark.parametrize(
    ("text", "offered"),
    [
        ("And your next two hygiene appointments are on us too.", True),
        ("Pop in and the yarn for your next cardi is on us!", True),
        ("Next coffee's on us.", True),
        ("Your helmet's on me next time you're in.", True),
        # Something set aside for later is a gift already, "next" or not (a blind reply).
        ("Pop in and there'll be a little treat waiting for you on us 😉", True),
        ("A coffee ready for you on me when you land.", True),
        ("That one's on me, Dougie.", False),
        # Paying for what went wrong is a refund, not a gift.
        ("Those three missed boxes are on us.", False),
        # Owning a mistake is not giving anything away.
        ("That's on us, sorry.", False),
        ("The delay is on us, not the courier.", False),
        ("The mix-up with your appointment is on us.", False),
        # Extras slipped in for the trouble are a gift too (a blind reply).
        ("We'll pop a jar of mint sauce and a few extras in with it.", True),
    ],
)
def test_a_gift_is_an_offer_but_a_mistake_on_us_is_owned(text: str, offered: bool) -> None:
    assert bool(F.offers(text, 0)) is offered


def facts_criterion(facts: list[dict], **fields: object) -> dict:
    """A facts criterion whose message quotes the learner and the fact."""
    return criterion(
        "facts", "facts", message="You wrote “{match}”, but {fact}.", facts=facts, **fields
    )


BAKERY = facts_criterion(
    [
        {
            "about": "Sunday opening hours",
            "say": "Sundays are 9am to 2pm",
            "when": ["open", "sunday", "close"],
            "times": ["9am", "2pm"],
            "days": ["sunday"],
        },
        {"about": "bun price", "say": "a bun is £2.50", "when": ["bun"], "prices": ["£2.50"]},
    ],
    offers=["replacement"],
)


def check(text: str):
    r = rubric_from_dict(reply_rubric_data([BAKERY]))
    return r.check(text).criteria[0]


POOL = facts_criterion(
    [
        {
            "about": "who is finding out",
            "say": "Dev, the pool's duty manager, is finding out",
            "when": ["manager", "duty manager"],
            "names": ["Dev"],
        },
        {"about": "discount", "say": "members get 20% off", "when": ["off"], "percents": ["20%"]},
    ],
    people=["Nadia Okafor", "Zara", "Leah"],
)
NADIA = {"platform": "facebook", "author": {"name": "Nadia Okafor"}, "post": "Is it on?"}


def check_pool(text: str):
    r = rubric_from_dict(reply_rubric_data([POOL], scenario=NADIA))
    return r.check(text).criteria[0]


@pytest.mark.parametrize(
    ("text", "value"),
    [("20%", 20.0), ("20 %", 20.0), ("12.5 per cent", 12.5), ("15 percent", 15.0), ("lots", None)],
)
def test_parse_percent(text: str, value: float | None) -> None:
    assert F.parse_percent(text) == value


def test_known_names_are_found_whole_with_capitals_and_not_as_possessives() -> None:
    people = ["Nadia Okafor", "Dev"]
    found = F.names("Dev's team: Development, the dev rota, Nadia Okafor and Nadia.", 0, people)
    assert [(st.value, st.start, st.end) for st in found] == [
        ("Nadia Okafor", 39, 51),  # the full name, not "Nadia" inside it as well
        ("Nadia Okafor", 56, 61),
    ]


@pytest.mark.parametrize(
    ("text", "greeted"),
    [
        ("Hi Zara, we know.", "Zara"),
        ("Zara, good luck!", "Zara"),
        ("Dear Dev", "Dev"),
        ("@Zara thanks", "Zara"),
        ("Zara swam well.", None),  # no salutation and no comma: not a greeting
        ("Zara's race is on.", None),
        ("Hi all, Zara too.", None),
        ("Hi Natalie,", None),  # not one of the scenario's people
        # From a reviewer's pass over the conversation exercises: good openings, not greetings...
        ("Dev, duty manager at the studio, here. I mixed up the days.", None),
        ("Dev, the studio's owner's son, here.", None),
        ("Dev – duty manager at the studio.", None),
        ("Dev, from the studio: I mixed up the days.", None),
        ("Dev - sorry, I mixed up the days.", None),
        ("Jess, who teaches our pregnancy classes, is checking this now.", None),
        ("Jess - our owner - is trained in pregnancy yoga.", None),
        ("Jess: that's who I've asked.", None),
        ("Alfie, Lou's little one, is welcome on Thursday.", None),
        ("Sorry, Dev is away today.", None),
        ("Thanks, Dev will call you.", None),
        # ... and wrong-person greetings that used to slip through.
        ("Sorry Alfie, that was my mistake.", "Alfie"),
        ("Oh Jess, congratulations!", "Jess"),
        ("Congratulations Cal!", "Cal"),
        ("Congrats Cal!!", "Cal"),
        ("Cal, that's brilliant news.", "Cal"),  # "that's" is not a name's possessive
        # Openings that greet in other words: longer openers, "hi there", no capitals at all.
        ("Thanks so much for the heads-up, Jess!", "Jess"),
        ("Thank you so much for asking, Zara. We'll know soon.", "Zara"),
        ("Hi there Zara, we know.", "Zara"),
        ("hi zara, we know.", "Zara"),
        ("cheers dev!", "Dev"),
        ("sorry, dev team is on it", None),  # lower case still needs the name closed
        ("Hi, zara knows.", None),  # a capital anywhere near: names need theirs
        ("We will all know by three, Zara is asking.", None),
    ],
)
def test_greetings(text: str, greeted: str | None) -> None:
    found = F.greeting(text, ["Zara", "Dev", "Jess", "Alfie", "Cal"])
    assert (found.value if found else None) == greeted


def test_the_wrong_person_in_a_role_is_quoted_with_the_right_one() -> None:
    res = check_pool("Nadia, Leah the duty manager is finding out now.")
    assert res.met is False and len(res.findings) == 1
    assert (
        res.findings[0].message
        == "You wrote “Leah”, but Dev, the pool's duty manager, is finding out."
    )
    assert check_pool("Nadia, Dev the duty manager is finding out now.").met is True
    # The author, whoever a sentence speaks to, and a signature are never put in the role.
    assert check_pool("Nadia, the manager is finding out now.").met is True
    assert check_pool("Hi Nadia. Zara, the manager is finding out, good luck!").met is True
    assert check_pool("Hi Nadia, the manager is checking now – Leah").met is True
    assert check_pool("Hi Nadia! It isn't Zara, the manager is Dev.").met is True


@pytest.mark.parametrize(
    ("text", "met"),
    [
        # Cases a reviewer found while adding people to the course's rubrics.
        ("Nadia, we don't know yet. Zara, the pool's manager, is with the plumbers.", False),
        ("Nadia, we don't know yet. Dev's the duty manager and Leah is asking him now.", True),
        ("Hi, Leah here from the club. The manager will tell us by 3pm.", True),
        ("I'm Leah, not the manager myself, but Dev is finding out.", True),
        ("Sorry, Zara, we don't know yet.", False),
        ("Thanks a lot, Zara! We'll know soon.", False),
        ("Zara, our star swimmer, will be fine, Nadia. The manager is checking.", True),
        ("The manager, Zara, will tell us.", False),
        ("Leah and the manager are talking to the plumbers, Nadia.", True),
        ("Yes, Zara's swimming is still on, Nadia.", True),
        ("Nadia, Zara manager Leah.", False),  # two wrong names equally near: no crash
        # A denied role puts nobody in it.
        ("Nadia, Zara was never the manager.", True),
        ("Nadia, no, Leah isn't the manager. Dev is.", True),
        ("Nadia, not to worry, Zara the manager is on it.", False),
        ("No worries Nadia, Zara the manager will tell us.", False),
        # A reply with no capitals names people in lower case; one with capitals does not.
        ("nadia, leah the duty manager is finding out now.", False),
        ("hi nadia, zara's the manager and she's on it", False),
        ("nadia, dev the duty manager is finding out now.", True),
        ("nadia, leah isn't the manager, dev is", True),
        ("Nadia, the leah manager is finding out.", True),
    ],
)
def test_who_is_who_in_the_forms_replies_use(text: str, met: bool) -> None:
    res = check_pool(text)
    assert res.met is met, [f.message for f in res.findings]


@pytest.mark.timeout(60)
def test_a_wall_of_names_and_role_words_is_read_in_linear_time() -> None:
    """One 'sentence' of 100,000 names: quadratic name matching would take hours, not seconds."""
    wall = "Zara manager Leah Nadia " * 25_000
    assert len(F.names(wall, 0, ["Zara", "Leah", "Nadia Okafor"])) == 75_000
    res = check_pool("Zara, " + wall)
    assert res.met is False and len(res.findings) == 10  # the pattern shown, not 75,000 times
    promises = check("Have a voucher on us, " * 1_000)  # one sentence, a thousand offers
    assert res.met is False and len(promises.findings) == 10


def test_titles_are_not_first_names() -> None:
    assert F.name_forms("Dr Amira Hassan") == (
        "Dr Amira Hassan",
        "Amira Hassan",
        "Amira",
        "Dr Hassan",
    )
    found = F.names("Dr was not here; Dr Hassan was.", 0, ["Dr Amira Hassan"])
    assert [(st.start, st.end) for st in found] == [(17, 26)]  # "Dr" alone is nobody


def test_a_new_post_greets_nobody_in_particular() -> None:
    data = reply_rubric_data([POOL], scenario={**NADIA, "writes": "post"})
    assert rubric_from_dict(data).check("Hi Zara! The gala is on.").criteria[0].met is True


def test_greeting_someone_other_than_the_author_is_a_conflict_unless_the_author_is_named() -> None:
    res = check_pool("Hi Zara, we'll know by three.")
    assert res.met is False
    assert res.findings[0].message == "You wrote “Hi Zara”, but the post is from Nadia Okafor."
    assert check_pool("Hi Zara and Nadia, we'll know by three.").met is True
    assert check_pool("Zara, good luck! Nadia, we'll know by three.").met is True


def test_a_wrong_percentage_on_the_subject_is_a_conflict() -> None:
    res = check_pool("Hi Nadia, members get 50% off.")
    assert res.met is False and res.findings[0].quote == "50%"
    assert check_pool("Hi Nadia, members still get 20 per cent off.").met is True
    assert check_pool("Hi Nadia, I'm 100% sure it will be fine.").met is True  # not on the subject


PIECES = [
    "Zara manager Leah",
    "Leah, the manager, Zara",
    "Hi ",
    "Zara",
    "Dev",
    "Leah",
    "Nadia",
    "Okafor",
    " manager",
    ",",
    " ",
    "–",
    "!",
    "'s",
    "20%",
    "\n",
    "İ",
]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(PIECES) | st.text(max_size=3), max_size=60).map("".join))
def test_any_text_is_checked_for_people_without_error(text: str) -> None:
    res = check_pool(text)
    assert res.met in (True, False)


def test_a_conflicting_fact_is_quoted_with_the_true_one() -> None:
    res = check("Yes! We're open Sundays 9am to 4pm.")
    assert res.met is False
    f = res.findings[0]
    assert f.quote == "4pm" and f.message == "You wrote “4pm”, but Sundays are 9am to 2pm."
    assert f.severity == "warning" and f.line == 1


def test_an_offer_not_in_the_scenario_is_a_conflict_but_a_negated_one_is_not() -> None:
    res = check("So sorry! Have a voucher on us.")
    assert (
        res.met is False
        and "the scenario offers replacement, not a voucher" in res.findings[0].message
    )
    assert check("We can't give vouchers, but I'll send a replacement today.").met is True
    assert check("Could we send a replacement? Yes, today.").met is True


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("31 swaps", (31.0, "swap")),
        ("ten minutes", (10.0, "minute")),
        ("1,800 donors", (1800.0, "donor")),
        ("1 year", (1.0, "year")),
        ("4 boxes", (4.0, "box")),
        ("2 hrs", (2.0, "hour")),
        ("lots of swaps", None),
    ],
)
def test_parse_amount(text: str, value: tuple[float, str] | None) -> None:
    assert F.parse_amount(text) == value


def test_amounts_are_read_only_for_the_declared_nouns() -> None:
    nouns = {"swap", "minute", "year", "customer"}
    text = "We ditched them two years ago; 5 mins a day, 40 shift swaps, three new customers."
    got = [(s.value, text[s.start : s.end]) for s in F.amounts(text, 0, nouns)]
    assert got == [
        ((2.0, "year"), "two years"),
        ((5.0, "minute"), "5 mins"),
        ((40.0, "swap"), "40 shift swaps"),
        ((3.0, "customer"), "three new customers"),
    ]
    assert [s.value for s in F.amounts("About twenty-five minutes.", 0, nouns)] == [
        (25.0, "minute")
    ]
    # Times, prices, ranges and words holding a number word are not amounts.
    assert F.amounts("At 10am, £40, someone, 2-3 rides.", 0, {"ride", "am", "one"}) == []


# Facts declared with counts, years, days and seasons, checked by one table below.
DECLARED = facts_criterion(
    [
        {
            "about": "the agency",
            "say": "the shop stopped using its agency a year ago",
            "when": ["agency", "ditched", "stopped"],
            "amounts": ["1 year"],
        },
        {
            "about": "time on comments",
            "say": "each of the team spends about ten minutes a day on comments",
            "when": ["comments", "a day", "each of us", "spend", "spends"],
            "amounts": ["10 minutes"],
        },
        {
            "about": "funding",
            "say": "the library is funded until 2028",
            "when": ["funding", "funded", "budget"],
            "years": ["2028"],
        },
        {
            "about": "storytime",
            "say": "storytime is on Fridays",
            "when": ["storytime"],
            "days": ["friday"],
        },
        {
            "about": "the button",
            "say": "it was built last spring",
            "when": ["built"],
            "seasons": ["spring"],
        },
        {
            "about": "Ellie's trip",
            "say": "Ellie went to see her nan in Cork",
            "when": ["nan", "ferry"],
            "places": ["Cork", "Ireland"],
        },
        {
            "about": "the practices",
            "say": "Northgate has three practices in York",
            "when": ["practices", "Northgate"],
            "places": ["York"],
        },
    ],
)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Ola built it last autumn.", ["autumn"]),
        ("We built it last fall.", ["autumn"]),
        ("Prices fall in the springtime.", ["spring"]),  # "fall" here is a verb
        ("See you this Winter!", ["winter"]),
    ],
)
def test_seasons(text: str, found: list[str]) -> None:
    assert [st.value for st in F.seasons(text, 0)] == found


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Funding runs right through to 2030, see page 14.", [2030]),
        ("We're funded until 2028.", [2028]),
        ("The budget lasts to the end of 2028 at least.", [2028]),
        ("We've lent 2000 books since 2019.", [2019]),  # a count is not a year
        ("The 2028 budget is online.", []),  # a bare number: only a year placed in time counts
        ("It costs £2030 to run.", []),
        ("Call 2030 4455 to book.", []),
    ],
)
def test_years_are_read_where_a_reply_places_something_in_time(text: str, found: list) -> None:
    assert [st.value for st in F.years(text, 0)] == found


@pytest.mark.parametrize(
    ("text", "met"),
    [
        ("We stopped using the agency a year ago.", True),
        ("We ditched the agency two years ago.", False),
        ("Each of us spends about ten minutes a day on comments.", True),
        ("It's barely five minutes a week each on comments.", False),
        ("The agency went a year ago, and we've run the shop for twenty minutes of fame.", True),
        ("We didn't drop the agency two years ago, it was one.", True),  # denied
        ("Our funding is set until 2028.", True),
        ("Our funding is set until 2030.", False),
        ("Nobody has cut it: we're funded until 2028, not 2026.", True),
        # The writer quoting their own slip is not stating it.
        ("I typed Thursday when I meant Friday, so storytime is on Fridays.", True),
        ("Sorry, we wrote Thursday by mistake: storytime is on Fridays.", True),
        ("Storytime is on Thursday, not Friday.", False),
        ("Sam typed it but storytime is on Thursday.", False),
        ("Ola built it last spring.", True),
        ("Ola built it last autumn.", False),
        ("Ellie took the ferry to see her nan in Cork.", True),
        ("Ellie took the ferry over to Ireland to see her nan.", True),
        ("Ellie took the ferry to see her nan in Dublin.", False),
        ("Ellie's nan lives in Galway, so she got the ferry.", False),
        # A place the scenario declares elsewhere is true, so it never clashes.
        ("Ellie, a nurse at Northgate's York practices, got the ferry to Cork.", True),
        ("She got the ferry to see her nan, not in Dublin but in Cork.", True),  # denied
        ("Northgate's three practices are in Leeds.", False),
        # "Reading" and "Bath" are words before they are towns, so they are never read as places.
        ("Reading her nan's card on the ferry, Ellie cried.", True),
    ],
)
def test_a_wrong_count_year_day_season_or_place_on_the_subject_is_a_conflict(
    text: str, met: bool
) -> None:
    res = rubric_from_dict(reply_rubric_data([DECLARED])).check(text).criteria[0]
    assert res.met is met, [f.message for f in res.findings]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Her nan lives in Cork.", ["Cork"]),
        ("From Northern Ireland to Dublin.", ["Northern Ireland", "Dublin"]),
        ("A cork in the bottle, and Corkonians.", []),  # a capital and a whole word
        ("Hebden Bridge, then York.", ["Hebden Bridge", "York"]),
    ],
)
def test_places_are_known_names_written_whole_with_a_capital(text: str, found: list) -> None:
    assert [st.value for st in F.places(text, 0)] == found


def test_unrelated_times_and_prices_do_not_clash() -> None:
    assert check("I'll ring you at 5pm about the cake, it was £12.").met is True
    assert check("A bun is £3 now.").met is False


def test_a_person_who_is_not_a_name_gets_a_located_error() -> None:
    data = reply_rubric_data([criterion("facts", offers=[], people=["Nadia", "  "])])
    with pytest.raises(RubricError) as exc:
        rubric_from_dict(data)
    assert any(p.field == "criteria[0].people[1]" for p in exc.value.problems), [
        str(p) for p in exc.value.problems
    ]


@pytest.mark.parametrize(
    ("facts", "field", "words"),
    [
        (
            [{"about": "a", "say": "b", "times": ["9 o'clock"]}],
            "criteria[0].facts[0].times[0]",
            "not a time",
        ),
        (
            [{"about": "a", "say": "b", "prices": ["cheap"]}],
            "criteria[0].facts[0].prices[0]",
            "not a price",
        ),
        ([{"about": "a", "say": "b"}], "criteria[0].facts[0]", "at least one of"),
        (
            [{"about": "a", "say": "b", "days": ["funday"]}],
            "criteria[0].facts[0].days[0]",
            "funday",
        ),
        ([{"say": "b", "times": ["9am"]}], "criteria[0].facts[0]", "about"),
        (
            [{"about": "a", "say": "b", "percents": ["lots"]}],
            "criteria[0].facts[0].percents[0]",
            "not a percentage",
        ),
        (
            [{"about": "a", "say": "b", "years": ["next year"]}],
            "criteria[0].facts[0].years[0]",
            "a year such as",
        ),
        (
            [{"about": "a", "say": "b", "amounts": ["lots of swaps"]}],
            "criteria[0].facts[0].amounts[0]",
            "a number and what it counts",
        ),
        (
            [{"about": "a", "say": "b", "when": ["manager"], "names": ["dev"]}],
            "criteria[0].facts[0].names[0]",
            "capital",
        ),
        (
            [{"about": "a", "say": "b", "names": ["Dev"]}],
            "criteria[0].facts[0].when",
            "words for the role",
        ),
        (
            [{"about": "a", "say": "b", "places": ["cork"]}],
            "criteria[0].facts[0].places[0]",
            "a place as replies write it",
        ),
    ],
)
def test_broken_facts_get_located_errors(facts: list[dict], field: str, words: str) -> None:
    data = reply_rubric_data([criterion("facts", facts=facts)])
    with pytest.raises(RubricError) as exc:
        rubric_from_dict(data)
    assert any(p.field == field and words in p.message for p in exc.value.problems), [
        str(p) for p in exc.value.problems
    ]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=1500))
def test_any_text_is_checked_for_facts_without_error(text: str) -> None:
    res = check(text)
    assert res.met in (True, False)
