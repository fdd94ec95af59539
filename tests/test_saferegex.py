"""Tests for skischool.saferegex: rubric patterns that could hang the checker are refused."""

from __future__ import annotations

import re
import subprocess
import sys
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skischool.saferegex import (
    MAX_PATTERN_LENGTH,
    UnsafePatternError,
    check_pattern,
    compile_safe,
)

# The classic catastrophic-backtracking patterns: all must be refused.
UNSAFE_CLASSICS = [
    r"(a+)+$",
    r"(a*)*$",
    r"(a|a)*$",
    r"(a|aa)+$",
    r"(.*a){12}",
    r"(\w+\s?)+$",
    r"^(a+)+b",
    r"(x+x+)+y",
    r"(\d+)*$",
    r"([a-zA-Z]+)*$",
    r"(.*){1,32000}[bc]",
    r"(a)\1",
]

# Patterns a rubric author would reasonably write: all must be accepted.
SAFE = [
    r"please\s+dm\s+us",
    r"\bsorry\b",
    r"call (our )?customer service",
    r"\d{1,3} (hours|days)",
    r"(?:we|i) will",
    r"[a-z]+@[a-z]+\.com",
    r"https?://\S+",
    r"#\w+",
]


@pytest.mark.parametrize("pattern", UNSAFE_CLASSICS)
def test_unsafe_classics_are_rejected(pattern: str) -> None:
    reason = check_pattern(pattern)
    assert reason, pattern
    with pytest.raises(UnsafePatternError) as info:
        compile_safe(pattern)
    assert isinstance(info.value, ValueError)
    assert info.value.reason == reason == str(info.value)
    assert info.value.pattern == pattern


@pytest.mark.parametrize("pattern", SAFE)
def test_safe_patterns_are_accepted(pattern: str) -> None:
    assert check_pattern(pattern) is None
    compiled = compile_safe(pattern)
    assert isinstance(compiled, re.Pattern)
    assert compiled.flags & re.IGNORECASE


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        (r"please\s+dm\s+us", "Please  DM us"),
        (r"\bsorry\b", "So SORRY!"),
        (r"call (our )?customer service", "call customer service"),
        (r"\d{1,3} (hours|days)", "within 2 days"),
        (r"(?:we|i) will", "I will"),
        (r"[a-z]+@[a-z]+\.com", "mail help@shop.com"),
        (r"https?://\S+", "see https://x.io/a"),
        (r"#\w+", "#skischool"),
    ],
)
def test_compiled_safe_patterns_still_match(pattern: str, text: str) -> None:
    assert compile_safe(pattern).search(text)


@pytest.mark.parametrize(
    ("pattern", "fragment"),
    [
        (r"(a+)+$", "nested quantifier"),
        (r"(.*a){12}", "nested quantifier"),
        (r"(.*a){3}x", "nested quantifier"),  # a small outer count is still polynomial: O(n^4)
        (r"(?:x{1,1000})+", "nested quantifier"),  # a large bounded repeat counts as unbounded
        (r"(a{1,2})+$", "optional or variable-length"),  # Fibonacci-many ways to split
        (r"(a?a)+$", "optional or variable-length"),
        (r"(a{1,5}){10}$", "optional or variable-length"),  # 5^10 ways, with no unbounded repeat
        (r"(?:\w{1,10}\s?){10}$", "optional or variable-length"),
        (r"(?:a|aa){10}$", "ambiguous alternation"),
        (r"(a|aa)+$", "ambiguous alternation"),
        (r"(a|a)*$", "ambiguous alternation"),
        (r"(?:Ab|ab)+", "ambiguous alternation"),  # same first letter ignoring case
        (r"(?:a|b|ab)+", "ambiguous alternation"),
        (r"\w*\w*x", "adjacent unbounded repeats"),
        (r".*.*=", "adjacent unbounded repeats"),
        (r"\w+\s?\w+", "adjacent unbounded repeats"),  # an optional item between does not help
        (r"(\w+)\w+", "adjacent unbounded repeats"),  # nor does a group
        (r"\d+[0-9]+", "adjacent unbounded repeats"),
        (r"[^a]+[^b]+", "adjacent unbounded repeats"),
        (r"(a)\1", "backreferences"),
        (r"(?P<x>a)(?P=x)", "backreferences"),
        (r"(a)?(?(1)b|c)", "conditional"),
        (r"(?=.*sorry)", "lookahead/lookbehind"),
        (r"(?!\w+@)", "lookahead/lookbehind"),
        (r"(", "invalid regular expression"),
        (r"[a-", "invalid regular expression"),
        (r"a{2,1}", "invalid regular expression"),
        (r"(?<=a+)b", "invalid regular expression"),  # look-behind must be fixed width
        (r"(?i)sorry", "cannot be used inside a larger expression"),  # checkers embed patterns
        (r"[[:alpha:]]", "ambiguous character set"),  # POSIX class: not what it looks like
        ("a" * (MAX_PATTERN_LENGTH + 1), "longer than"),
    ],
)
def test_rejection_reasons(pattern: str, fragment: str) -> None:
    reason = check_pattern(pattern)
    assert reason is not None
    assert fragment in reason


@pytest.mark.parametrize(
    "pattern",
    [
        "",
        "a" * MAX_PATTERN_LENGTH,
        r"(ab|cd)+",  # alternatives start with different letters
        r"(?:a|b)*",  # really a character class
        r"(?:\s|\w)+x",
        r"\w+\s+\w+",  # disjoint neighbours
        r"\d+\.\d+",
        r"[a-z]+[0-9]+",
        r"\S+\s+\S+",
        r"(?:ab){2,}",
        r"(?:foo|bar) (?:baz|qux)",
        r"(?i:sorry)",
        r"(?<=@)\w+",
        r"(?=sorry)",
        r"x{3}",
        r"((((a))))+",
        r"(?:\.[a-z]){1,5}",
        r"[\u4e00-\u9fff]+\s+",
        r"(a)(b)(c)",
    ],
)
def test_harmless_patterns_are_accepted(pattern: str) -> None:
    assert check_pattern(pattern) is None


def test_non_string_and_bad_flags_give_reasons() -> None:
    assert check_pattern(b"abc") == "pattern must be a string"  # type: ignore[arg-type]
    assert check_pattern(None) == "pattern must be a string"  # type: ignore[arg-type]
    assert check_pattern("abc", flags=re.LOCALE) is not None  # LOCALE is bytes-only


def test_flags_are_passed_through() -> None:
    assert compile_safe("sorry", flags=0).flags & re.IGNORECASE == 0
    # Verbose mode changes how the pattern parses, so the check must see the same flags.
    assert check_pattern("a+ # comment", flags=re.VERBOSE) is not None  # comment eats the ")"
    assert check_pattern("a+ b+", flags=re.VERBOSE) is None


def test_deep_nesting_is_handled() -> None:
    deep = "(" * 240 + "a" + ")" * 240
    assert len(deep) <= MAX_PATTERN_LENGTH
    assert check_pattern(deep) is None
    assert check_pattern(deep + "+") is None  # a single character repeated
    assert check_pattern("(?:" * 100 + "a+" + ")+" * 100) is not None


def test_huge_pattern_is_rejected_without_parsing() -> None:
    assert check_pattern("(" * 1_000_000) is not None


@given(st.text(max_size=40))
@settings(max_examples=400, deadline=None)
def test_any_string_gets_a_verdict(pattern: str) -> None:
    reason = check_pattern(pattern)
    assert reason is None or (isinstance(reason, str) and reason)


@given(st.text(alphabet="ab()[]{}|*+?.\\^$:=!<>P0123,-wsdWSDb#", max_size=30))
@settings(max_examples=1500, deadline=None)
def test_regex_shaped_strings_get_a_verdict(pattern: str) -> None:
    reason = check_pattern(pattern)
    if reason is None:
        compile_safe(pattern)  # accepted patterns compile


# --- real-world proof ----------------------------------------------------------------------------

# Rejected classics paired with an input on which CPython's `re` really backtracks
# catastrophically. ("(.*a){12}" and "(a)\1" are refused as well, but on their own they happen to
# finish quickly; "(.*a){12}$" shows what the first one does once anything after it can fail.)
CATASTROPHIC = [
    (r"(a+)+$", "a" * 50 + "b"),
    (r"(a*)*$", "a" * 50 + "b"),
    (r"(a|a)*$", "a" * 50 + "b"),
    (r"(a|aa)+$", "a" * 50 + "b"),
    (r"(\w+\s?)+$", "a" * 50 + "!"),
    (r"^(a+)+b", "a" * 50),
    (r"(x+x+)+y", "x" * 50),
    (r"(\d+)*$", "1" * 50 + "a"),
    (r"([a-zA-Z]+)*$", "a" * 50 + "1"),
    (r"(.*){1,32000}[bc]", "a" * 50),
    (r"(.*a){12}$", "a" * 50 + "b"),
]
# Shapes outside the classic list that the stricter rules refuse, with inputs that hang CPython:
# a small outer count (below the "> 10 means unbounded" bound), bounded inner repeats, and
# adjacent overlapping repeats (polynomial, so the inputs are longer).
BEYOND_THE_CLASSICS = [
    (r"(.*a){3}x", "a" * 600),  # O(n^4) with search
    (r"(a{1,5}){10}$", "a" * 60 + "b"),
    (r"(?:\w{1,10}\s?){10}$", "a" * 60 + "!"),
    (r".*.*=", "a" * 6000),  # O(n^3) with search
    (r"\w+\s?\w+x", "a" * 6000),
]
HANG_SECONDS = 2.0


def _start_search(pattern: str, text: str) -> subprocess.Popen[str]:
    code = (
        "import re, sys\n"
        f"pattern, text = {pattern!r}, {text!r}\n"
        "print('started', flush=True)\n"
        "re.search(pattern, text, re.IGNORECASE)\n"
        "print('finished', flush=True)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "started"  # the clock starts once it is searching
    return proc


def test_rejected_patterns_really_hang_cpython() -> None:
    cases = CATASTROPHIC + BEYOND_THE_CLASSICS
    assert all(check_pattern(p) for p, _ in cases)
    procs = [(p, _start_search(p, t)) for p, t in cases]
    control = _start_search(r"a+$", "a" * 50 + "b")  # same harness, safe pattern
    try:
        time.sleep(HANG_SECONDS)
        still_running = [p for p, proc in procs if proc.poll() is None]
        assert still_running == [p for p, _ in cases]
        assert control.wait(timeout=30) == 0
    finally:
        for _, proc in [*procs, ("control", control)]:
            proc.kill()
            proc.wait()
            if proc.stdout is not None:
                proc.stdout.close()


# Searching for "[a-z]+@…" in 100 000 letters restarts the leading [a-z]+ at every offset: O(n²),
# over a minute in CPython 3.11. No load-time check can remove that (every pattern starting with
# a repeat has it), so callers bound the text; here that pattern gets a 5 000-character text.
QUADRATIC_UNDER_SEARCH = {r"[a-z]+@[a-z]+\.com"}


@pytest.mark.parametrize("pattern", SAFE)
@pytest.mark.parametrize("filler", ["a", " ", "1", "a@", "please "])
def test_safe_patterns_run_on_adversarial_text(pattern: str, filler: str) -> None:
    size = 5_000 if pattern in QUADRATIC_UNDER_SEARCH else 100_000
    text = (filler * size)[:size]
    compiled = compile_safe(pattern)
    compiled.search(text)
    compiled.findall(text)
