"""Learner text of any kind gives a result, never an exception, in bounded time.

Timing is not asserted here (benchmarks print figures); a pathological case would show up as a
hung test, which pytest's overall CI limit would catch.
"""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skischool.loader import SITUATIONS
from skischool.model import ReplyRubric
from skischool.situations import load_situation

NASTY = {
    "empty": "",
    "whitespace": " \n\t  \r\n ",
    "one_mb": ("Please DM us! We apologize for any inconvenience. Sorry Dana. " * 16_500)[
        :1_000_000
    ],
    "one_mb_no_spaces": "a" * 1_000_000,
    "emoji": "😡😡😡 🙏 👍🏽 🏳️‍🌈 sorry!!",
    "rtl": "أنا آسف جدا، سنصلح ذلك اليوم. שלום",
    "zero_width": "plea\u200bse D\u200dM us \ufeff sorry",
    "control": "sorry\x00\x01\x07\x1b[31mred\x1b[0m\x7f\u0085\u2028\u2029",
    "nul_only": "\x00" * 1000,
    "script": "<script>alert('x')</script> Sorry, I'll fix it today.",
    "html": '<img src=x onerror=alert(1)><b>bold</b><a href="javascript:alert(1)">x</a>',
    "surrogate": "sorry \ud800 lone surrogate",
    "braces": "{match} {name} {0} {__class__} %s %(x)s",
    "long_word": "x" * 300_000 + " sorry",
    "many_lines": "sorry\n" * 100_000,
}


@pytest.fixture(scope="module")
def rubrics() -> list[ReplyRubric]:
    out = []
    for name in SITUATIONS:
        r = load_situation(name)
        assert isinstance(r, ReplyRubric)
        out.append(r)
    return out


@pytest.mark.parametrize("name", list(NASTY))
def test_nasty_text_gives_a_result(name: str, rubrics: list[ReplyRubric]) -> None:
    text = NASTY[name]
    for rubric in rubrics:
        result = rubric.check(text)
        assert 0 <= result.score <= 100
        assert result.criteria_total <= len(rubric.criteria)
        # every rendering works and is well-formed
        assert result.to_json()
        assert result.to_text()
        html = result._repr_html_()
        assert "<script>" not in html and "<img" not in html
        for f in result.findings:
            if f.start is not None:
                assert 0 <= f.start <= f.end <= len(text)


def test_empty_reply_never_passes(rubrics: list[ReplyRubric]) -> None:
    for rubric in rubrics:
        for text in ("", "   ", "\n\n"):
            result = rubric.check(text)
            assert not result.passed and result.score == 0
            assert result.notes, "an empty reply gets a note telling the learner what to do"


def test_non_string_input_is_handled(rubrics: list[ReplyRubric]) -> None:
    for value in (None, 42, b"bytes", ["list"]):
        result = rubrics[0].check(value)
        assert 0 <= result.score <= 100


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=2000))
def test_any_text_scores_in_range_and_deterministically(text: str) -> None:
    for name in SITUATIONS:
        rubric = load_situation(name)
        assert isinstance(rubric, ReplyRubric)
        first = rubric.check(text)
        second = rubric.check(text)
        assert 0 <= first.score <= 100
        assert first.to_dict() == second.to_dict(), "same input, same result"


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "Please DM us",
                "sorry",
                "I'll",
                "today",
                "!!!",
                "<b>",
                "Due to",
                "\u2019",
                "\x00",
                "😡",
                " ",
                "\n",
                "THE COMPANY",
            ]
        ),
        max_size=40,
    )
)
def test_phrase_soup_scores_in_range(parts: list[str]) -> None:
    text = " ".join(parts)
    rubric = load_situation("complaint")
    result = rubric.check(text)  # type: ignore[union-attr]
    assert 0 <= result.score <= 100
    assert result.criteria_met <= result.criteria_total


def test_quadratic_regex_is_bounded_by_the_scan_limit() -> None:
    """A safe-looking pattern that is quadratic on hostile text still finishes quickly.

    ``[a-z]+@[a-z]+\\.com`` passes the load-time check but took 73 s on 100 kB of "a"; the
    scan limit keeps it to the first REGEX_SCAN_LIMIT characters.
    """
    from skischool.textmatch import REGEX_SCAN_LIMIT, Phrase, PhraseSet

    ps = PhraseSet([Phrase(r"[a-z]+@[a-z]+\.com", is_regex=True)])
    assert ps.finditer("a" * 1_000_000) == []  # unbounded, this would run for hours
    assert ps.finditer("x" * (REGEX_SCAN_LIMIT - 20) + " me@ab.com")  # inside the limit: found
    assert not ps.finditer("x" * REGEX_SCAN_LIMIT + " me@ab.com")  # beyond it: not scanned


# --- every shipped rubric against adversarial text, with a hang guard -----------------------------

HANG_GUARD_S = 5.0  # ~100x the benchmark's slowest 100 kB check: a guard, not a speed target


def test_every_shipped_rubric_survives_adversarial_text_at_100_kb(
    rubrics: list[ReplyRubric],
) -> None:
    """Every (rubric, input) pair gives a result in bounded time; the slowest is reported."""
    from skischool.examples import find_rubrics
    from skischool.loader import load_rubric

    from .adversarial import ROOT, hostile_texts

    exercises = [load_rubric(p) for p in find_rubrics([ROOT / "exercises"])]
    rubrics = rubrics + [r for r in exercises if isinstance(r, ReplyRubric)]
    assert len(rubrics) >= 28

    texts = hostile_texts(100_000)
    assert len(texts) >= 40
    slowest: list[tuple[float, str, str]] = []
    for name, text in texts.items():
        for rubric in rubrics:
            started = time.perf_counter()
            result = rubric.check(text)
            took = time.perf_counter() - started
            assert 0 <= result.score <= 100
            slowest.append((took, rubric.id, name))
    slowest.sort(reverse=True)
    took, rid, name = slowest[0]
    print(f"slowest 100 kB check: {took * 1e3:.0f} ms ({rid} on {name!r})")
    assert took < HANG_GUARD_S, slowest[:5]


def _builtin_patterns() -> list[tuple[str, re.Pattern[str]]]:
    """Every compiled pattern the engine keeps at module level (the author-independent ones)."""
    import importlib
    import pkgutil

    import skischool

    found = []
    for info in pkgutil.walk_packages(skischool.__path__, "skischool."):
        if info.name.endswith("__main__") or ".widgets" in info.name:
            continue  # __main__ runs the CLI; widgets need ipywidgets and hold no patterns
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if isinstance(value, re.Pattern) and isinstance(value.pattern, str):
                found.append((f"{info.name}.{name}", value))
    return found


def test_every_builtin_pattern_reads_adversarial_text_in_linear_time() -> None:
    """Built-in patterns run on Python's re over whole replies, so each is tried on every
    hostile input; the slowest pairs must also scale like the text (4x the text, not 16x)."""
    from .adversarial import hostile_texts

    patterns = _builtin_patterns()
    assert len(patterns) >= 15
    small, large = hostile_texts(50_000), hostile_texts(200_000)
    timings: list[tuple[float, str, str]] = []
    for pname, pattern in patterns:
        for tname, text in small.items():
            started = time.perf_counter()
            for _ in pattern.finditer(text):
                pass
            timings.append((time.perf_counter() - started, pname, tname))
    timings.sort(reverse=True)
    assert timings[0][0] < HANG_GUARD_S, timings[:3]
    by_name = dict(patterns)
    for took, pname, tname in timings[:3]:
        started = time.perf_counter()
        for _ in by_name[pname].finditer(large[tname]):
            pass
        grown = time.perf_counter() - started
        assert grown < 10 * took + 0.05, (pname, tname, took, grown)  # quadratic would be 16x
