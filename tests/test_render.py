"""Feedback never renders learner text as markup, in HTML or in a terminal."""

from __future__ import annotations

import json

from skischool.criteria.base import Author, Scenario
from skischool.render import printable, result_html, safe_href, scenario_html
from skischool.situations import load_situation

XSS = '<img src=x onerror=alert(1)><script>alert("x")</script>Please DM us'


def test_html_escapes_learner_text() -> None:
    result = load_situation("complaint").check(XSS)  # type: ignore[union-attr]
    html = result_html(result)
    assert "<img" not in html and "<script" not in html
    assert "Please DM us" in html  # the learner's words are quoted back


def test_markup_inside_a_quoted_sentence_is_shown_as_text() -> None:
    """The ✓ evidence quotes whole sentences, so markup inside one reaches the feedback: escaped."""
    reply = (
        "Thanks <img src=x onerror=alert(1)> for telling us, and sorry <script>alert(1)</script> "
        "we let you down."
    )
    html = result_html(load_situation("complaint").check(reply))  # type: ignore[union-attr]
    assert "<img" not in html and "<script" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_scenario_is_escaped() -> None:
    s = Scenario("x", Author("<b>Eve</b>", '@eve"><script>'), "<script>alert(1)</script>", "")
    html = scenario_html(s, "<i>t</i>", "<u>task</u>")
    for bad in ("<b>Eve", "<script>", "<i>t", "<u>task"):
        assert bad not in html


def test_lesson_links_only_safe_targets() -> None:
    assert safe_href("javascript:alert(1)") is None
    assert safe_href("JaVaScRiPt:alert(1)") is None
    assert safe_href("data:text/html,x") is None
    assert safe_href("//evil.example/x") is None
    assert safe_href("lessons/green-circle/reply") == "lessons/green-circle/reply"
    assert safe_href("https://example.org/a") == "https://example.org/a"


def test_text_output_neutralises_terminal_escapes() -> None:
    assert printable("red\x1b[31m") == "red\\x1b[31m"
    result = load_situation("complaint").check("Please DM us \x1b]0;pwned\x07")  # type: ignore[union-attr]
    assert "\x1b" not in result.to_text(color=False)


def test_json_has_the_required_fields() -> None:
    result = load_situation("complaint").check("Sorry!")  # type: ignore[union-attr]
    data = json.loads(result.to_json())
    for key in ("passed", "score", "criteria_met", "criteria_total", "findings", "tone", "summary"):
        assert key in data
    assert data["summary"] == f"{data['criteria_met']} of {data['criteria_total']} criteria met"


def test_headline_never_just_correct() -> None:
    good = (
        "That's frustrating, and I'm sorry. The parcel should have reached you last week and "
        "that's on us. I've sent a replacement by express, and it will reach you by Friday. "
        "Thanks for telling us."
    )
    result = load_situation("complaint").check(good)  # type: ignore[union-attr]
    assert result.passed
    text = result.to_text()
    assert "criteria met" in text and "correct" not in text.lower()
