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


# --- lesson links -------------------------------------------------------------------------------
import re  # noqa: E402

from skischool.links import BOOK_PAGE, LessonLinks, for_notebook  # noqa: E402
from skischool.loader import rubric_from_dict  # noqa: E402
from skischool.render import result_text  # noqa: E402

from .conftest import criterion, reply_rubric_data  # noqa: E402

LESSON = "lessons/blue-square/01-fix-it-where-they-said-it"
ANCHOR = re.compile(r'<a href="([^"]*)" data-lesson="([^"]*)"[^>]*>Revisit the lesson')


def _dm_result(lesson: str = LESSON, rubric_lesson: str = ""):  # type: ignore[no-untyped-def]
    data = reply_rubric_data(
        [criterion("avoid", "no-dm", phrases=["DM us"], severity="error", lesson=lesson)]
    )
    if rubric_lesson:
        data["lesson"] = rubric_lesson
    return rubric_from_dict(data).check("Please DM us.")


def test_lesson_links_are_never_the_raw_docname() -> None:
    html = result_html(load_situation("complaint").check("Please DM us."))  # type: ignore[union-attr]
    links = ANCHOR.findall(html)
    assert links, "a failed complaint reply links to its lessons"
    for href, docname in links:
        assert href == f"../../{docname}.html", "default: a book exercise page"
        assert href != docname and not href.startswith(docname)


def test_lesson_link_carries_data_lesson_and_follows_the_surface() -> None:
    result = _dm_result()
    assert ANCHOR.findall(result_html(result)) == [(f"../../{LESSON}.html", LESSON)]
    here = result_html(result, links=LessonLinks(root="", suffix=".html"))
    assert ANCHOR.findall(here) == [(f"{LESSON}.html", LESSON)]
    notebook = result_html(result, links=for_notebook())
    assert f'data-lesson="{LESSON}" target="_blank" rel="noopener"' in notebook
    assert "opens in a new tab" in notebook
    assert "target=" not in result_html(result, links=BOOK_PAGE)


def test_finding_lesson_that_is_no_course_path_gives_no_link() -> None:
    """The loader refuses these; a Finding built by hand must still never become a link."""
    from skischool.render import finding_html
    from skischool.result import Finding

    for bad in ("javascript:alert(1)", "//evil.example/x", "../../x", "https://example.org/a"):
        html = finding_html(Finding("c", "error", "m", "w", lesson=bad))
        assert "<a " not in html and "Revisit" not in html


def test_text_prints_the_lesson_file_from_the_course_root() -> None:
    text = result_text(_dm_result())
    assert f"      lesson: {LESSON}.md" in text


def test_a_failed_choice_links_to_the_rubric_lesson() -> None:
    rubric = rubric_from_dict(
        {
            "kind": "choice",
            "title": "Where?",
            "question": "Where do you answer?",
            "lesson": f"{LESSON}.md",
            "options": [
                {"id": "public", "text": "In public", "score": 100, "feedback": "Yes."},
                {"id": "dm", "text": "By DM", "score": 0, "feedback": "Hidden."},
            ],
            "examples": [],
        }
    )
    wrong = rubric.check(["dm"])
    assert wrong.lesson == f"{LESSON}.md" and wrong.to_dict()["lesson"] == f"{LESSON}.md"
    assert ANCHOR.findall(result_html(wrong)) == [(f"../../{LESSON}.html", LESSON)]
    assert f"\n  lesson: {LESSON}.md" in result_text(wrong)
    right = rubric.check(["public"])
    assert "Revisit the lesson" not in result_html(right)
    assert "lesson:" not in result_text(right)


def test_the_rubric_lesson_is_not_repeated_when_a_finding_links_it() -> None:
    html = result_html(_dm_result(rubric_lesson=LESSON))
    assert len(ANCHOR.findall(html)) == 1
    other = result_html(_dm_result(rubric_lesson="lessons/bunny-hill/index"))
    assert [d for _, d in ANCHOR.findall(other)] == [LESSON, "lessons/bunny-hill/index"]
