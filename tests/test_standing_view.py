"""The progress view (skischool.standing_view): the notebook's HTML, the text and the numbers,
all read from skischool.standing, never recomputed."""

from __future__ import annotations

import base64
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from skischool.course import Course
from skischool.links import LessonLinks
from skischool.progress import Attempt, ProgressStore, read_export
from skischool.standing import NOT_STARTED, PASSED, TRYING, standing
from skischool.standing_view import ProgressView, bar, lesson_status, lessons_of, progress_view

from .test_course_model import make_course

VOID = {"col", "br", "img", "input", "meta", "hr", "wbr"}


def attempt(exercise: str, score: int, day: int, page: str = "", learner: str = "") -> Attempt:
    return Attempt(
        exercise=exercise, page=page, score=score, passed=score >= 70, kind="choice",
        criteria_met=1, criteria_total=2, answer="<b>mine</b>", learner=learner,
        time=f"2025-01-{day:02d}T12:00:00Z",
    )  # fmt: skip


def store_with(path: Path, attempts: list[Attempt]) -> ProgressStore:
    store = ProgressStore(path)
    for a in attempts:
        store.record(a)
    return store


@pytest.fixture
def course(tmp_path: Path) -> Course:
    return Course.load(make_course(tmp_path))


@pytest.fixture
def some() -> list[Attempt]:
    """Level 1 done (its checkpoint passed), its other exercise tried; level 2 untouched."""
    return [
        attempt("first-run-spot", 30, 1),
        attempt("first-run-cp-q1", 90, 2),
        attempt("first-run-cp-reply", 50, 3),
        attempt("first-run-cp-reply", 80, 4),
    ]


class Balanced(HTMLParser):
    """Checks that every opened element is closed, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack.pop() == tag, f"unbalanced </{tag}>"


def parse(html: str) -> Balanced:
    parser = Balanced()
    parser.feed(html)
    parser.close()
    assert parser.stack == []
    return parser


def test_the_notebook_view_says_each_status_in_words_and_links_each_lesson(
    tmp_path: Path, course: Course, some: list[Attempt]
) -> None:
    view = progress_view(store_with(tmp_path / "p.sqlite3", some), course=course)
    html = view._repr_html_()
    parsed = parse(html)
    assert "1 of 2 levels done" in html
    for word in (PASSED, TRYING, NOT_STARTED):
        assert f"</span>{word}</span>" in html  # the word itself, beside the coloured symbol
    hrefs = [a["href"] for tag, a in parsed.tags if tag == "a" and "download" not in a]
    assert "../../lessons/first-run/01-one.md" in hrefs  # skischool.links.for_notebook()
    assert "../../lessons/second-run/index.md" in hrefs
    bars = [a for tag, a in parsed.tags if tag == "progress"]
    assert [(b["value"], b["max"]) for b in bars] == [("2", "3"), ("0", "3")]
    assert all(b.get("aria-label") for b in bars)
    assert "<b>mine</b>" not in html  # answers are never shown


def test_the_download_link_carries_the_progress_file_with_its_course(
    tmp_path: Path, course: Course, some: list[Attempt]
) -> None:
    html = progress_view(store_with(tmp_path / "p.sqlite3", some), course=course)._repr_html_()
    found = re.search(r'href="data:application/json;charset=utf-8;base64,([A-Za-z0-9+/=]+)"', html)
    assert found
    export = read_export(base64.b64decode(found.group(1)).decode("utf-8"), source="link")
    assert (export.course, export.release) == ("tiny-course", "1")
    assert sorted(a.id for a in export.attempts) == sorted(a.id for a in some)


def test_course_text_is_escaped(tmp_path: Path) -> None:
    root = make_course(tmp_path)
    rubric = root / "exercises" / "first-run" / "01-spot.yaml"
    rubric.write_text(rubric.read_text().replace("Spot it", "<script>x</script> & co"))
    model = Course.load(root)
    html = progress_view(ProgressStore(tmp_path / "p.sqlite3"), course=model)._repr_html_()
    assert "<script" not in html and "&lt;script&gt;x&lt;/script&gt; &amp; co" in html
    parse(html)


def test_lesson_status_is_derived_from_the_exercises_that_practise_it(
    course: Course, some: list[Attempt]
) -> None:
    s = standing(course, some)
    lessons = lessons_of(course, s.levels[0])
    by_doc = {g.docname: g for g in lessons}
    one = by_doc["lessons/first-run/01-one"]
    # Every rubric of the tiny course names lesson 01-one, the checkpoint's too: all join it.
    assert [e.exercise.key for e in one.exercises] == [
        "first-run/01-spot",
        "first-run/checkpoint-q1",
        "first-run/checkpoint-reply",
    ]
    assert one.status == TRYING and (one.passed, one.total) == (2, 3)
    assert by_doc["lessons/first-run/index"].exercises == ()
    assert by_doc["lessons/first-run/index"].status == NOT_STARTED
    assert lesson_status([]) == NOT_STARTED
    assert lesson_status(s.levels[0].checkpoint) == PASSED
    assert lesson_status(lessons_of(course, s.levels[1])[0].exercises) == NOT_STARTED


def test_text_and_numbers_match_the_standing(
    tmp_path: Path, course: Course, some: list[Attempt]
) -> None:
    view = progress_view(store_with(tmp_path / "p.sqlite3", some), course=course)
    s = standing(course, some)
    data = view.to_dict()
    assert data["levels_done"] == s.levels_done == 1
    assert [(lv["passed"], lv["total"], lv["done"]) for lv in data["levels"]] == [
        (lv.passed, lv.total, lv.done) for lv in s.levels
    ]
    text = repr(view)
    assert "1 of 2 levels done" in text
    assert f"Level 1 · First Run  {bar(2, 3)}  2 of 3 passed · checkpoint done 4 January 2025" in (
        text
    )
    assert "    trying      best  30  1 attempt   Spot it" in text
    assert "    passed      best  80  2 attempts  Say sorry (checkpoint)" in text
    assert bar(1, 4, 8) == "[##------]" and bar(0, 0) == "[" + "-" * 20 + "]"


def test_skischool_progress_view_is_the_function_whatever_was_imported_first(
    tmp_path: Path, course: Course, some: list[Attempt]
) -> None:
    import skischool.standing_view

    store = store_with(tmp_path / "p.sqlite3", some)
    assert isinstance(skischool.progress_view(store, course=course), ProgressView)


def test_a_missing_course_is_said_not_raised(tmp_path: Path) -> None:
    view = progress_view(ProgressStore(tmp_path / "p.sqlite3"), course=tmp_path / "nowhere")
    assert view.standing is None
    assert "could not be found" in view.problem and "nowhere" in view.problem
    html = view._repr_html_()
    parse(html)
    assert 'role="status"' in html and "No progress to show" in repr(view)


def test_a_built_course_file_is_found_from_the_notebooks_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, some: list[Attempt]
) -> None:
    (tmp_path / "src").mkdir()
    built = Course.load(make_course(tmp_path / "src"))
    site = tmp_path / "site"
    (site / "notebooks").mkdir(parents=True)
    (site / "course.json").write_text(built.to_json(), encoding="utf-8")
    monkeypatch.chdir(site / "notebooks")
    view = progress_view(
        store_with(tmp_path / "p.sqlite3", some), links=LessonLinks(root="../", suffix=".html")
    )
    assert view.standing is not None and view.standing.levels_done == 1
    html = view._repr_html_()
    # course.json lists no lessons: they come from the exercises, titled from their names.
    assert 'href="../lessons/first-run/01-one.html" target="_blank"' not in html
    assert re.search(r'href="\.\./lessons/first-run/01-one\.html"[^>]*>One</a>', html)
