"""The prefilter may say "maybe" too often, never "no" wrongly: every match holds a needed string."""

from __future__ import annotations

import inspect
import os
import re
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skischool.regexneed import NeededSearch, _lowered, needed
from skischool.regexvm import _variants, compile_program

try:
    import re._parser as _parser  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse as _parser


def _needed(pattern: str) -> frozenset[str] | None:
    return needed(list(_parser.parse(pattern, re.IGNORECASE)))


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"\b\w+[- ]inspired\b", {" inspired", "-inspired"}),
        (r"\b\d+ ?% off", {"% off"}),  # " % off" holds "% off": dropped
        (r"\bSorry\b", {"sorry"}),  # compared lower-cased
        (
            r"\b(sorry|apologi[sz]e) if [^.!?]{0,40}\b(upset|hurt)\b",
            {"sorry if ", "apologise if ", "apologize if "},
        ),
        (r"at least (\d+|one|two) (hours?|days?)", {"at least "}),
        (
            r"(we|I) (have |'ve )?failed",  # a finite pattern: each whole phrase
            {f"{who} {have}failed" for who in ("we", "i") for have in ("", "have ", "'ve ")},
        ),
        (r"\bupdat\w*", {"updat"}),
        (r"a+b", None),  # too short to be worth a test
        (r"x.*y.*z", None),
        (r"\w+", None),
        (r"caf\u00e9", {"caf"}),  # only ASCII literals are used
        (r"(?:one|\d)x", None),  # one branch needs nothing
        (r"(?=yes)\w+", None),  # a lookahead consumes nothing and is not counted on
    ],
)
def test_needed_strings(pattern: str, expected: set[str] | None) -> None:
    got = _needed(pattern)
    assert (None if got is None else set(got)) == expected


def test_every_character_the_matcher_takes_for_an_ascii_literal_lower_cases_to_it() -> None:
    """The prefilter looks for needed strings in the lower-cased text; the matcher compares with
    _variants. Over all of Unicode, whatever the matcher takes for an ASCII literal becomes
    exactly that literal, lower-cased, in the text the prefilter reads."""
    ascii_chars = {chr(c) for c in range(128)}
    pairs = []  # (character, ASCII literal it matches in the matcher)
    for code in range(0x110000):
        ch = chr(code)
        for x in _variants(ch) & ascii_chars:  # an ASCII literal's variants are ASCII
            pairs += [(ch, lit) for lit in {x.lower(), x.upper()}]
    assert any(not c.isascii() for c, _ in pairs)  # the Kelvin sign and friends are in the walk
    missed = [(c, a) for c, a in pairs if _lowered(c) != a.lower()]
    assert missed == []


@pytest.mark.parametrize(
    "text", ["\u212aind words", "I'm \u017forry", "\u0131ll", "SORRY", "we are SoRrY"]
)
def test_needed_strings_are_found_whatever_the_case(text: str) -> None:
    assert NeededSearch(frozenset({"kind", "sorry", "ill"})).found_in(text)


def test_a_text_without_needed_strings_is_rejected() -> None:
    search = NeededSearch(frozenset({"kind", "sorry", "ill"}))
    assert not search.found_in("nothing needed here, caf\u00e9 \U0001f600 <b>")
    assert not search.found_in("")


def test_a_program_without_its_needed_strings_reads_nothing() -> None:
    program = compile_program([r"\b\w+[- ]inspired\b", r"\bsorry if\b"])
    assert program.needed == {" inspired", "-inspired", "sorry if"}
    assert list(program.finditer("A long reply with none of them. " * 100)) == []
    assert program.ops == 0
    assert [(s, e) for s, e, _ in program.finditer("Our Bauhaus-INSPIRED range")] == [(4, 20)]
    assert program.ops > 0


WORDS = ["sorry", "if", "we", "failed", "off", "'s", "fault", "up", "date"]
ATOMS = [*WORDS, " ", r"\w+", r"\d", "[sz]", "(?:entirely )?", r"\b", ".", "s?"]


def _patterns() -> st.SearchStrategy[str]:
    atom = st.sampled_from(ATOMS)

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.one_of(
            st.tuples(inner, st.sampled_from(["?", "*", "+", "{1,2}", "{2}"])).map(
                lambda t: f"(?:{t[0]}){t[1]}"
            ),
            st.lists(inner, min_size=2, max_size=3).map(lambda xs: "(" + "|".join(xs) + ")"),
            st.lists(inner, min_size=2, max_size=4).map("".join),
        )

    return st.recursive(atom, extend, max_leaves=8)


TEXTS = st.lists(
    st.sampled_from([*WORDS, "SORRY", "Fault", " ", " ", "1", "z", "-", "\u212a", "\u017f"]),
    max_size=12,
).map("".join)


@given(_patterns(), TEXTS)
@settings(max_examples=int(os.environ.get("SKISCHOOL_FUZZ_EXAMPLES", "600")), deadline=None)
def test_a_text_that_matches_always_passes_the_prefilter(pattern: str, text: str) -> None:
    try:
        program = compile_program([pattern])
    except ValueError:
        return  # refused (e.g. can match nothing): no prefilter to test
    matches = [m.span() for m in re.finditer(pattern, text, re.IGNORECASE)]
    if program.needed is not None and matches:
        assert NeededSearch(program.needed).found_in(text), (pattern, text, program.needed)
    assert [(s, e) for s, e, _ in program.finditer(text)] == matches


def test_a_pattern_nested_past_the_recursion_limit_gets_no_prefilter() -> None:
    tree = list(_parser.parse("(" * 100 + "sorry" + ")" * 100, re.IGNORECASE))
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(len(inspect.stack()) + 60)  # as if checked deep inside a kernel
    try:
        got = needed(tree)
    finally:
        sys.setrecursionlimit(limit)
    assert got is None
    assert needed(tree) == {"sorry"}


def test_long_needed_strings_are_looked_for_by_their_start() -> None:
    phrase = "we are unable to share details of the people involved"
    program = compile_program(["a" * 500, rf"\b{phrase}\b"])  # a 500-letter trie would overflow
    assert program.needed == {"a" * 500, phrase}
    assert [(s, e) for s, e, _ in program.finditer(f"Sadly {phrase.upper()}.")] == [(6, 59)]
    assert list(program.finditer("we are unable to share that")) == []


def _shipped_reply_rubrics() -> list[object]:
    from pathlib import Path

    from skischool.examples import find_rubrics
    from skischool.loader import load_rubric
    from skischool.model import ReplyRubric

    root = Path(__file__).resolve().parent.parent
    found = find_rubrics([root / "src" / "skischool" / "rubrics", root / "exercises"])
    return [r for r in map(load_rubric, found) if isinstance(r, ReplyRubric)]


def test_shortcuts_change_no_verdict_on_any_shipped_example() -> None:
    """Every shipped rubric's own examples and model reply, judged with the prefilter and the
    start-character skip and then without them: the same criteria met, with the same evidence."""
    import gc

    from skischool.regexvm import Program

    rubrics = _shipped_reply_rubrics()

    def verdicts() -> list[object]:
        out = []
        for rubric in rubrics:
            texts = [e.text for e in rubric.examples] + [rubric.model_reply]  # type: ignore[attr-defined]
            for text in texts:
                result = rubric.check(text)  # type: ignore[attr-defined]
                out.append([(c.id, c.met, c.evidence, c.findings) for c in result.criteria])
        return out

    fast = verdicts()
    programs = [p for p in gc.get_objects() if isinstance(p, Program)]
    for p in programs:
        p._prepare()  # as on first use, so that nothing turns the shortcuts back on
    assert sum(p._needed is not None for p in programs) > 20  # the prefilter is in use
    assert sum(p._skip is not None for p in programs) > 20  # and so is the skip
    saved = [(p._needed, p._skip) for p in programs]
    for p in programs:  # every program the rubrics (and their concepts) hold
        p._needed = p._skip = None
    try:
        slow = verdicts()
    finally:  # other tests share these programs through cached rubrics and concepts
        for p, (needed_search, skip) in zip(programs, saved, strict=True):
            p._needed, p._skip = needed_search, skip
    assert len(fast) > 500
    assert fast == slow


def test_shortcuts_are_worked_out_on_first_use_not_at_compile_time() -> None:
    """Every author's pattern is compiled once just to be checked; those programs never pay."""
    program = compile_program([r"\bsorry if\b"])
    assert not program._prepared
    list(program.finditer("so sorry if"))
    assert program._prepared
    assert program._skip is not None
    assert program.needed == {"sorry if"}
