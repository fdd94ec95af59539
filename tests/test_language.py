"""The language layer: sentences, and the use a phrase is put to (negated, quoted, offered, ...)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skischool.language import MAX_SENTENCE, Analysis, split_sentences
from skischool.textmatch import normalize


def flags(text: str, phrase: str) -> set[str]:
    an = Analysis(normalize(text))
    i = text.lower().index(phrase.lower())
    return set(an.context(i, i + len(phrase)).flags())


CONTEXTS = [
    # (text, phrase, flags the phrase must have, flags it must not have)
    ("No need to email anyone, I've sorted it.", "email", {"negated"}, set()),
    ("We never send people to DMs.", "send people to DMs", {"negated"}, set()),
    ("That wasn't down to us at all.", "down to us", {"negated"}, set()),
    ("No, please DM us your order.", "DM us", set(), {"negated"}),
    ("Don't hesitate to DM us.", "DM us", set(), {"negated"}),
    ("I didn't get it, but we'll call you today.", "we'll call you", set(), {"negated"}),
    ("It's not Tuesday - it's Thursday at 4pm.", "Thursday", set(), {"negated"}),
    ("It's not Tuesday -- it's Thursday.", "Thursday", set(), {"negated"}),
    ("We did not re-send the form.", "re-send", {"negated"}, set()),
    # A "no" inside a phrase ("with no ...") does not deny what the verb after it says.
    ("A fork with no small-bump feel is a sign of wear.", "sign of wear", set(), {"negated"}),
    ("No customer was ever told to DM us.", "DM us", {"negated"}, set()),
    ("We sent it with no charge to you.", "charge", {"negated"}, set()),
    ("A day with no reply is a day lost.", "reply", {"negated"}, set()),
    ("The agency told a customer to 'DM us' last year.", "DM us", {"quoted", "reported"}, set()),
    ('He wrote "sorry for any inconvenience" and left.', "sorry", {"quoted"}, set()),
    ("We're sorry, it's Sam's café.", "sorry", set(), {"quoted"}),
    ("If you'd rather message us privately, that's fine.", "message us", {"offered"}, set()),
    ("Message us if you prefer.", "Message us", {"offered"}, set()),
    ("If you DM us we'll look.", "DM us", {"conditional"}, {"offered"}),
    ("Could you DM us?", "DM us", {"question"}, set()),
    ("Please DM us.", "DM us", set(), {"negated", "quoted", "reported", "offered", "question"}),
]


@pytest.mark.parametrize(
    ("text", "phrase", "has", "lacks"), CONTEXTS, ids=[c[0][:30] for c in CONTEXTS]
)
def test_context_of_a_phrase(text: str, phrase: str, has: set[str], lacks: set[str]) -> None:
    got = flags(text, phrase)
    assert has <= got, f"{phrase!r} in {text!r}: expected {has}, got {got}"
    assert not (lacks & got), f"{phrase!r} in {text!r}: did not expect {lacks & got}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Hi Sam. It's on us! Refund today? Yes.",
            ["Hi Sam.", "It's on us!", "Refund today?", "Yes."],
        ),
        ("It costs £4.50 e.g. Mr. Smith said so.", ["It costs £4.50 e.g. Mr. Smith said so."]),
        ("Hi Sam,\n\nWould you like a call?", ["Hi Sam,", "Would you like a call?"]),
        ("Wait!!!! What?!? ok", ["Wait!!!!", "What?!?", "ok"]),
        ('He said "no." Then left.', ['He said "no."', "Then left."]),
        ("", []),
        ("   \n  ", []),
    ],
)
def test_sentences(text: str, expected: list[str]) -> None:
    assert [s.text for s in split_sentences(text)] == expected


@pytest.mark.parametrize(
    ("text", "telegraphic"),
    [
        ("Apologies. Our error. Refund sent. Thanks.", True),
        ("Sorry. Refund. Today. Thanks. Sam.", True),
        ("Noted. Escalated. Resolved.", True),
        ("Thanks, Sam! We got this wrong. I've refunded you today and it shows by Friday.", False),
        ("Frozen? Never.", False),  # a one-line comeback is not a keyword list
        ("Yep! Sundays 9 till 2. See you and the kids there, Noor.", False),
        ("Gala Saturday pipe burst Castlegate Pool Dev plumbers 3pm update", True),
        ("Sorry, refund, Saturday, 3pm, Dev, plumbers, update, gala, pool, thanks", True),
        # Terse short sentences are a style, not a keyword run (a blind reply, wrongly flagged).
        ("Four high chairs, Sue, plus a baby-changing room. Two toddlers sorted. Nadia", False),
        # Headline style with a few three-word lines (blind salads that passed a checkpoint) ...
        (
            "Sorry Leanne. Our fault. Mixer not cleaned. Brownies 6-8 June: don't eat. Full "
            "refund. Off shelves. Council told. Own mixer now. Update Thursday.",
            True,
        ),
        (
            "Sorry Maya. New app. Flat number lost. DM flat and postcode. Box today before 7pm. "
            "£18 refunds. Will update.",
            True,
        ),
        (
            'Agency gone. Wrong photos, racing bikes. "DM us", bad. Trainer, six weeks. Ten '
            "minutes a day. Three new customers. Worth it.",
            True,
        ),
        # Notes with commas between keywords, a little longer a line (blind salads, round 8) ...
        (
            "Claire sorry, lamb cold room, our mistake. Phone down. Sam drive leg of lamb before "
            "1pm, ten minutes, or refund. No code. Reply here, today. Amy.",
            True,
        ),
        # ... and longer notes almost bare of small words (a blind salad, round 10) ...
        (
            "So sorry Leanne son OK. Nut-free mistake mixer hazelnut, my rota. Brownies 6-8 June "
            "don't eat, refund. Off shelves, food safety team, own mixer first thing. Thursday "
            "update.",
            True,
        ),
        # ... but bullet points with their small words are sentences (a blind good reply).
        (
            "Really sorry for the worry, Tom. Right now: stop charging it and keep it unplugged. "
            "A free new battery goes out by courier from tomorrow. They collect the old one. "
            "Nobody has been hurt. Next update at 4pm on the recall thread.",
            False,
        ),
        # ... and a real public reply, praised, just as clipped but with more small words.
        (
            "Shock horror. Police officers taking a break and drinking tea. In public! Brilliant "
            "scoop. Makes you proud of the British press.",
            False,
        ),
        ("", False),
    ],
)
def test_telegraphic(text: str, telegraphic: bool) -> None:
    assert Analysis(text).telegraphic is telegraphic


@pytest.mark.parametrize(
    ("text", "phrase", "target"),
    [
        ("That was our fault.", "our fault", "self"),
        ("That was your fault.", "your fault", "customer"),
        ("It was the courier's fault.", "courier's fault", "other"),
        ("It was down to our new starter.", "down to our new starter", "other"),
        ("It's not our fault the road flooded.", "not our fault", "other"),
    ],
)
def test_whom_a_fault_phrase_points_at(text: str, phrase: str, target: str) -> None:
    i = text.index(phrase)
    assert Analysis(text).points_at(i, i + len(phrase)) == target


def test_run_on_text_is_cut_into_bounded_windows() -> None:
    text = "word " * 5000
    sents = split_sentences(text)
    assert len(sents) > 1
    assert all(s.end - s.start <= MAX_SENTENCE for s in sents)
    assert "".join(s.text for s in sents).replace(" ", "") == text.replace(" ", "")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=2000))
def test_any_text_splits_and_every_span_has_a_context(text: str) -> None:
    norm = normalize(text)
    an = Analysis(norm)
    last_end = 0
    for s in an.sentences:
        assert last_end <= s.start < s.end <= len(norm)
        assert s.text == norm[s.start : s.end] and s.text.strip() == s.text
        last_end = s.end
    for start in range(0, len(norm), max(1, len(norm) // 7 or 1)):
        end = min(len(norm), start + 5)
        ctx = an.context(start, end)
        assert isinstance(ctx.flags(), frozenset)
        assert an.points_at(start, end) in ("self", "customer", "other")
    assert isinstance(an.telegraphic, bool)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("!?.…'\"-a A\n,")), max_size=3000))
def test_punctuation_and_quote_runs(text: str) -> None:
    an = Analysis(text)
    for s in an.sentences:
        an.context(s.start, s.end)
