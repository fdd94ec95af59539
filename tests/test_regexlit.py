"""Finite author regexes become plain phrases only where the phrase matcher keeps their meaning."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skischool.regexlit import as_phrases
from skischool.textmatch import Phrase, PhraseSet


@pytest.mark.parametrize(
    ("pattern", "phrases"),
    [
        (r"\bwe\b", ["we"]),
        (
            r"\b(we|I) (have )?failed\b",
            ["we failed", "we have failed", "i failed", "i have failed"],
        ),
        (r"\boffen[cs]e\b", ["offence", "offense"]),
        (r"\bsorry!", ["sorry!"]),
    ],
)
def test_finite_patterns_expand(pattern: str, phrases: list[str]) -> None:
    assert as_phrases(pattern) == phrases


@pytest.mark.parametrize(
    "pattern",
    [
        r"we failed",  # no \b: the regex also matches inside "swe failedx"
        r"\bany (upset|offence)",  # no closing \b: it matches "any upsetting"
        r"\b\d+ ?% off\b",  # \d+ is not finite
        r"\b[a-z]+ here\b",  # a large class
        r"\bwe (really )*failed\b",  # a repeat
        r"\b(a|b)\1\b",  # a back-reference
        r"\bwe  failed\b",  # doubled spaces mean something the phrase matcher ignores
        r"(",  # not a regex at all
    ],
)
def test_other_patterns_stay_regexes(pattern: str) -> None:
    assert as_phrases(pattern) is None


PATTERNS = [
    r"\b(we|I) (have |'ve )?(failed|let (you )?down)\b",
    r"\b(down to|because of) (the|our) (courier|new starter)\b",
    r"\bon (mon|fri)day\b",
]
WORDS = [
    "we",
    "i",
    "have",
    "'ve",
    "failed",
    "let",
    "you",
    "down",
    "to",
    "because",
    "of",
    "the",
    "our",
    "courier",
    "new",
    "starter",
    "on",
    "monday",
    "friday",
    "xwe",
    "failedx",
    ",",
    ".",
]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(PATTERNS), st.lists(st.sampled_from(WORDS), max_size=12))
def test_expanded_phrases_find_what_the_regex_finds(pattern: str, words: list[str]) -> None:
    text = " ".join(words)
    expanded = PhraseSet([Phrase(pattern, is_regex=True)])
    assert not expanded._regexes, "these patterns are expected to expand"
    regex_starts = {m.start() for m in re.finditer(pattern, text, re.IGNORECASE)}
    phrase_starts = {m.start for m in expanded.iter_matches(text)}
    assert phrase_starts == regex_starts, (text, pattern)
