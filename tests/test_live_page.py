"""The live exercise's two halves in CPython (``skischool.live.page``): the HTML the build writes,
and the session the page's Web Worker runs. The browser half is tests/test_live_browser.py."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from skischool.live.page import BOOK_ENV, KEY_RE, LiveMarkup, Session, exercise, markup, rubric_key
from skischool.loader import load_rubric, rubric_from_dict
from skischool.model import ChoiceRubric, ReplyRubric
from skischool.situations import compile_yaml

from .conftest import EXERCISES

REPLY = EXERCISES / "bunny-hill" / "01-first-reply.yaml"
CHOICE = EXERCISES / "bunny-hill" / "04-outsource-or-learn.yaml"
MULTI = next(
    p
    for p in sorted(EXERCISES.glob("*/*.yaml"))
    if isinstance(r := load_rubric(p), ChoiceRubric) and r.multiple
)


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text, of a fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def find(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        return [
            a
            for t, a in self.tags
            if t == tag and all(a.get(k.rstrip("_")) == v for k, v in attrs.items())
        ]


def parse(html: str) -> Tags:
    tags = Tags()
    tags.feed(html)
    tags.close()
    return tags


def test_reply_markup_is_labelled_and_check_is_disabled_with_a_reason() -> None:
    rubric = load_rubric(REPLY)
    tags = parse(markup(rubric, rubric_key(REPLY)))
    (section,) = tags.find("section", class_="ss-live")
    assert section["data-ss-rubric"] == "bunny-hill/01-first-reply"
    assert section["data-ss-exercise"] == rubric.id and section["data-ss-kind"] == "reply"
    (box,) = tags.find("textarea")
    (label,) = tags.find("label")
    assert label["for"] == box["id"]
    (check,) = tags.find("button", class_="ss-check")
    assert "disabled" in check
    state = next(a for t, a in tags.tags if a.get("class") == "ss-state")
    assert state["id"] in box["aria-describedby"].split()
    assert "Check needs Python" in "".join(tags.text)
    (region,) = tags.find("div", class_="ss-announce")
    assert region["aria-live"] == "polite" and region["role"] == "status"
    assert not [a for _t, a in tags.tags if "aria-live" in a and a.get("class") == "ss-count"]


@pytest.mark.parametrize("path", [CHOICE, MULTI], ids=["single", "multiple"])
def test_choice_markup_is_a_fieldset_of_native_inputs(path: Path) -> None:
    rubric = load_rubric(path)
    assert isinstance(rubric, ChoiceRubric)
    tags = parse(markup(rubric, rubric_key(path)))
    assert len(tags.find("fieldset")) == 1 and len(tags.find("legend")) == 1
    kind = "checkbox" if rubric.multiple else "radio"
    inputs = tags.find("input", type=kind)
    assert [i["value"] for i in inputs] == [o.id for o in rubric.options]
    labels = {a["for"] for a in tags.find("label")}
    assert {i["id"] for i in inputs} <= labels
    assert len({i["name"] for i in inputs}) == 1


HOSTILE = "<img src=x onerror=alert(1)>\"'&"


def test_rubric_text_cannot_become_markup() -> None:
    data: dict[str, Any] = {
        "id": "x",
        "kind": "choice",
        "title": HOSTILE,
        "task": HOSTILE,
        "question": HOSTILE,
        "options": [
            {"id": "a", "text": HOSTILE, "score": 100, "feedback": "yes"},
            {"id": "c", "text": "other", "score": 0, "feedback": "no"},
        ],
        "examples": [{"choose": ["a"], "expect": "pass"}, {"choose": ["c"], "expect": "fail"}],
    }
    html = markup(rubric_from_dict(data), "bunny-hill/x")
    assert "<img" not in html
    tags = parse(html)
    assert "".join(tags.text).count(HOSTILE) >= 3  # title, task, question, option: all text
    assert all(a.get("onerror") is None for _t, a in tags.tags)


@pytest.mark.parametrize("key", ["", "Bunny/x", "a/b/c", "../x", "a/b c", "a/<b>", "a/b.json"])
def test_keys_are_checked_because_they_become_urls(key: str) -> None:
    assert not KEY_RE.fullmatch(key)
    with pytest.raises(ValueError, match="<level>/<name>"):
        markup(load_rubric(REPLY), key)
    with pytest.raises(ValueError, match="<level>/<name>"):
        Session().open(key, compile_yaml(REPLY, positions=False))


def test_exercise_is_html_in_the_book_build_and_a_widget_elsewhere(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(BOOK_ENV, "1")
    page = exercise(str(REPLY))
    assert isinstance(page, LiveMarkup)
    assert page._repr_html_().startswith('<section class="ss-live"')
    monkeypatch.delenv(BOOK_ENV)
    widget = exercise(str(REPLY))
    assert not isinstance(widget, LiveMarkup)
    assert widget.rubric.id == load_rubric(REPLY).id


@pytest.fixture
def session() -> Session:
    s = Session("../../")
    for path in (REPLY, CHOICE, MULTI):
        s.open(rubric_key(path), compile_yaml(path, positions=False))
    return s


def test_session_check_agrees_with_the_engine_and_links_lessons_from_the_page(
    session: Session,
) -> None:
    rubric = load_rubric(REPLY)
    assert isinstance(rubric, ReplyRubric)
    text = "Please DM us.\nThanks"
    verdict = json.loads(session.check(rubric_key(REPLY), text))
    expected = rubric.check(text)
    assert (verdict["passed"], verdict["score"], verdict["summary"]) == (
        expected.passed,
        expected.score,
        expected.summary,
    )
    assert (verdict["criteria_met"], verdict["criteria_total"]) == (
        expected.criteria_met,
        expected.criteria_total,
    )
    assert verdict["answer"] == text and verdict["kind"] == "reply"
    links = [a["href"] for _t, a in parse(verdict["html"]).tags if _t == "a"]
    assert links and all(h.startswith("../../lessons/") and h.endswith(".html") for h in links)
    assert "ss-tone" in verdict["tone"]


def test_session_judges_picked_options_and_ignores_junk(session: Session) -> None:
    rubric = load_rubric(CHOICE)
    assert isinstance(rubric, ChoiceRubric)
    best = max(rubric.options, key=lambda o: o.score)
    verdict = json.loads(session.check(rubric_key(CHOICE), json.dumps([best.id])))
    assert verdict["passed"] and verdict["answer"] == best.id
    junk = json.loads(session.check(rubric_key(CHOICE), json.dumps([1, None, {"a": 1}])))
    assert junk["passed"] is False and junk["answer"] == ""
    nothing = json.loads(session.check(rubric_key(CHOICE), ""))
    assert nothing["answer"] == ""


def test_preview_is_quiet_for_empty_and_huge_text(session: Session) -> None:
    key = rubric_key(REPLY)
    assert json.loads(session.preview(key, "   ")) == {"summary": "", "tone": ""}
    huge = json.loads(session.preview(key, "x" * 30_000))
    assert "press Check" in huge["summary"]
    some = json.loads(session.preview(key, "Hi Noor, yes we are open on Sunday"))
    assert "criteria met" in some["summary"] and some["tone"]


def test_model_reply_is_escaped(session: Session) -> None:
    rubric = load_rubric(REPLY)
    assert isinstance(rubric, ReplyRubric) and rubric.model_reply
    early = json.loads(session.model(rubric_key(REPLY), 1, False))
    assert early["earned"] is False and early["html"] == "" and "2 to go" in early["reason"]
    earned = json.loads(session.model(rubric_key(REPLY), 1, True))
    assert earned["earned"] is True and rubric.model_reply.split()[0] in earned["html"]
    none = json.loads(session.model(rubric_key(CHOICE), 5, True))
    assert none == {"earned": False, "html": "", "reason": ""}
