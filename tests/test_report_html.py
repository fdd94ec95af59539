"""The HTML report (skischool.report.html): self-contained, escaped, anonymised, and showing
the class's real figures. Built once from a small class on the real course."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from skischool.course import Course
from skischool.report import Report, build
from skischool.report.html import render

from .test_report_collect import attempt, export_text, hand_in, tiny_course

ROOT = Path(__file__).resolve().parent.parent
FORUM = "green-circle/01-trail-forum-reply"
FIRST = "bunny-hill/01-first-reply"
SECRET_REPLY = (
    "Zoë Quartermaine from the shop: <script>alert('x')</script> mail zoe.q@example.org, "
    "or see https://tracker.example/p.png – Zoë"
)
HOSTILE_NAME = "Max <b>\x1b[31m</b> 🎿"


@pytest.fixture(scope="module")
def course() -> Course:
    return Course.load(ROOT)


@pytest.fixture(scope="module")
def folder(course: Course, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("class")
    forum, first = course.exercise(FORUM), course.exercise(FIRST)

    def hand_in(name: str, attempts: list) -> None:  # type: ignore[type-arg]
        text = export_text(attempts, course=course.id, release=course.release)
        (folder / name).write_text(text, encoding="utf-8")

    hand_in(
        "zq.json",
        [
            attempt(forum, 12, answer=SECRET_REPLY, learner="Zoë Quartermaine"),
            attempt(first, 100, answer="fine"),
        ],
    )
    hand_in(
        "ana.json",
        [
            attempt(first, 40, answer="hello", minute=1),
            attempt(first, 90, answer="better", minute=2),
        ],
    )
    hand_in("max.json", [attempt(first, 30, answer="meh", learner=HOSTILE_NAME)])
    (folder / "broken.json").write_text('{"format": "skischool-progress", "version": 1, "attempts": [', encoding="utf-8")  # fmt: skip
    return folder


@pytest.fixture(scope="module")
def report(course: Course, folder: Path) -> Report:
    return build(folder, course)


@pytest.fixture(scope="module")
def page(report: Report) -> str:
    return render(report)


def section(page: str, ident: str) -> str:
    start = page.index(f'<section id="{ident}">')
    return page[start : page.index("</section>", start)]


def test_the_page_loads_nothing_from_anywhere(page: str) -> None:
    assert "<script" not in page.lower()
    assert not re.search(r"\bsrc\s*=", page)
    assert re.findall(r'href="([^"]*)"', page) and all(
        h.startswith("#") for h in re.findall(r'href="([^"]*)"', page)
    )
    for needle in ("http://", "https://", "@import", "url(", "<link", "<iframe", "<img"):
        assert needle not in page.lower(), needle
    assert page.count("<svg") >= 2 and page.count("<title id=") == page.count("<svg")


def test_a_script_in_a_reply_is_shown_as_text(page: str) -> None:
    missed = section(page, "missed")
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in missed


def test_a_learners_name_and_email_in_a_reply_do_not_reach_the_page(
    page: str, report: Report
) -> None:
    missed = section(page, "missed")
    assert "[email]" in missed and "[link]" in missed
    assert "Zoë" not in missed and "Quartermaine" not in missed
    assert "zoe.q" not in page and "tracker.example" not in page
    hidden = render(Report(**{**report.__dict__, "hide_names": True}))
    assert "Zoë" not in hidden and "Quartermaine" not in hidden and "Learner 1" in hidden


def test_learner_text_with_markup_and_control_characters_is_escaped(page: str) -> None:
    assert "Max &lt;b&gt;" in page and "🎿" in page
    assert "<b>" not in page
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", page)


def test_the_header_counts_learners_and_names_the_file_not_counted(
    page: str, course: Course
) -> None:
    assert "<dt>Learners</dt><dd>3</dd>" in page
    assert f"<dt>Release</dt><dd>{course.release}</dd>" in page
    assert "3 counted of 4 in the folder (1 not counted, see below)" in page
    not_counted = section(page, "not-counted")
    assert '<th scope="row">broken.json</th><td>is not JSON' in not_counted
    assert "cut short" in not_counted


def test_pass_rates_are_the_class_figures(page: str) -> None:
    rates = section(page, "pass-rates")
    # first-reply: Zoë passed, Ana passed on her second try, Max failed -> 2 of 3
    assert "67% · 2 of 3 who tried" in rates
    assert "0% · 0 of 1 who tried" in rates  # the trail forum reply
    assert "not tried yet" in rates
    missed = section(page, "missed")
    assert "Based on 3 failed replies" in missed


def test_the_progress_grid_shows_each_learner(page: str) -> None:
    progress = section(page, "progress")
    for name in ("ana", "Zoë Quartermaine", "Max &lt;b&gt;"):
        assert f'<th scope="row">{name}' in progress
    assert "trying" in progress and "not started" in progress


def test_item_analysis_counts_only_who_tried_and_says_when_it_cannot_compare(page: str) -> None:
    items = section(page, "items")
    assert "left out, not counted as failing it" in items
    rows = {
        m.group(1): m.group(2)
        for m in re.finditer(
            r'<tr[^>]*><th scope="row">.*?<code>([^<]+)</code></th>(.*?)</tr>', items
        )
    }
    cells = lambda key: re.findall(r"<td[^>]*>(.*?)</td>", rows[key])  # noqa: E731
    # first-reply: three tried and two passed, but only Zoë tried anything else to rank by.
    assert cells(FIRST)[:3] == ["3", "67%", "–"]
    assert cells(FIRST)[-1] == "Too few learners have tried it and another exercise to compare"
    assert cells(FORUM)[:2] == ["1", "0%"]
    untried = [key for key in rows if key not in (FIRST, FORUM)]
    assert untried and all(cells(key)[:2] == ["0", "–"] for key in untried)
    assert all(cells(key)[-1] == "Nobody has tried it yet" for key in untried)


def test_learner_text_that_looks_like_a_figure_is_kept_whole(tmp_path: Path) -> None:
    tiny = tiny_course(tmp_path)
    hand_in(tmp_path / "class", "x.json", [attempt(next(tiny.exercises()), 100, learner="#1 fan")])
    progress = section(render(build(tmp_path / "class", tiny)), "progress")
    row = re.search(r'<tr><th scope="row">#1 fan</th>(.*?)</tr>', progress)
    assert row is not None
    assert row.group(1).endswith('<td class="num">0</td>')  # levels done: a figure, right-aligned
