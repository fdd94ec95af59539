"""Lesson links: a ``lesson:`` value becomes a link that works on each surface, hostile values
become no link at all, and every lesson the course's rubrics name is a page the book builds."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from skischool.course import course_root, lesson_problem, toc_docnames
from skischool.examples import find_rubrics
from skischool.links import (
    BOOK_PAGE,
    SOURCE_FILE,
    LessonLinks,
    for_notebook,
    lesson_docname,
    lesson_href,
    lesson_path,
)
from skischool.loader import lesson_fields
from skischool.source import load_source

from .conftest import EXERCISES, PACKAGE_RUBRICS, ROOT

DOC = "lessons/blue-square/01-fix-it-where-they-said-it"

# value -> the docname it names
NORMALISED = [
    (DOC, DOC),
    (f"/{DOC}", DOC),
    (f"./{DOC}", DOC),
    (f"././{DOC}", DOC),
    (f"{DOC}.md", DOC),
    (f"{DOC}.html", DOC),
    (f"{DOC}.ipynb", DOC),
    (f"  {DOC}  ", DOC),
    ("lessons/bunny-hill/index", "lessons/bunny-hill/index"),
    ("book/rubric-format", "book/rubric-format"),
    ("lessons/x_y/v1.2-z", "lessons/x_y/v1.2-z"),
]

HOSTILE = [
    "",
    "   ",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox",
    "https://example.org/lesson",
    "http://example.org/lesson",
    "//evil.example/x",
    "///evil.example/x",
    "../lessons/x",
    "lessons/../../etc/passwd",
    "lessons/x/..",
    "lessons\\x",
    "lessons/x?y=1",
    "lessons/x#the-principle",
    "#top",
    "lessons//x",
    "lessons/x/",
    "lessons/.hidden",
    "lessons/x y",
    'lessons/x"onmouseover="alert(1)',
    "lessons/<script>",
    "lessons/%2e%2e/x",
    "lessons/x\nlessons/y",
    "C:/lessons/x",
    "lessons/café",
]


@pytest.mark.parametrize(("value", "docname"), NORMALISED)
def test_lesson_docname_normalises(value: str, docname: str) -> None:
    assert lesson_docname(value) == docname


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_name_no_lesson_and_make_no_link(value: str) -> None:
    assert lesson_docname(value) is None
    for links in (BOOK_PAGE, SOURCE_FILE, for_notebook(), LessonLinks()):
        assert lesson_href(value, links) is None
    assert lesson_path(value) is None


# (surface, links, href for DOC)
SURFACES = [
    ("book exercise page", BOOK_PAGE, f"../../{DOC}.html"),
    ("course root", LessonLinks(), f"{DOC}.html"),
    ("plain docname", LessonLinks(suffix=""), DOC),
    ("source file", SOURCE_FILE, f"{DOC}.md"),
    ("root without slash", LessonLinks(root="../..", suffix=".html"), f"../../{DOC}.html"),
    ("site root", LessonLinks(root="/course/"), f"/course/{DOC}.html"),
]


@pytest.mark.parametrize(("links", "href"), [s[1:] for s in SURFACES], ids=[s[0] for s in SURFACES])
def test_lesson_href_per_surface(links: LessonLinks, href: str) -> None:
    for value in (DOC, f"/{DOC}", f"./{DOC}.md", f"{DOC}.html"):
        assert lesson_href(value, links) == href


def test_book_page_preset_is_two_folders_below_the_root() -> None:
    assert LessonLinks(root="../../", suffix=".html") == BOOK_PAGE
    assert lesson_path(DOC) == f"{DOC}.md"


@pytest.mark.parametrize(
    ("platform", "suffix"), [("emscripten", ".html"), ("linux", ".md"), ("darwin", ".md")]
)
def test_notebook_links_follow_where_python_runs(
    platform: str, suffix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """JupyterLite (Pyodide) notebooks sit in the built site; a Jupyter server opens the .md."""
    monkeypatch.setattr(sys, "platform", platform)
    links = for_notebook()
    assert (links.root, links.suffix, links.new_tab) == ("../../", suffix, True)
    assert lesson_href(DOC, links) == f"../../{DOC}{suffix}"
    assert for_notebook(root="../").root == "../"


# --- the course's own rubrics -----------------------------------------------------------------

ALL_RUBRICS = find_rubrics([PACKAGE_RUBRICS, EXERCISES])
BUILT = toc_docnames(ROOT)


def test_the_course_root_is_found_from_every_rubric() -> None:
    assert BUILT is not None and "lessons/bunny-hill/index" in BUILT
    assert f"{DOC}" in BUILT  # a glob entry, expanded
    for path in (PACKAGE_RUBRICS / "complaint.yaml", EXERCISES / "bunny-hill"):
        assert course_root(path) == ROOT


def test_an_installed_package_has_no_course(tmp_path: Path) -> None:
    (tmp_path / "course.yml").write_text("format: skischool-course\n", encoding="utf-8")
    rubrics = tmp_path / ".venv" / "lib" / "site-packages" / "skischool" / "rubrics"
    rubrics.mkdir(parents=True)
    assert course_root(rubrics / "complaint.yaml") is None
    assert course_root(tmp_path / "exercises" / "x.yaml") == tmp_path


@pytest.mark.parametrize("path", ALL_RUBRICS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_lesson_is_a_page_the_book_builds(path: Path) -> None:
    assert BUILT is not None
    fields = lesson_fields(load_source(path).data)
    for field, value in fields:
        docname = lesson_docname(value)
        assert docname is not None, f"{field}: {value!r}"
        assert (ROOT / f"{docname}.md").is_file(), f"{field}: {value!r} has no file"
        assert docname in BUILT, f"{field}: {value!r} is not a page of the course"
        assert lesson_problem(value, ROOT) is None


def test_course_rubrics_name_lessons() -> None:
    """The test above is not vacuous: the course's rubrics name many lessons."""
    named = {v for p in ALL_RUBRICS for _, v in lesson_fields(load_source(p).data)}
    assert len(named) >= 20


def test_the_two_lessons_the_issue_found_missing_are_reported() -> None:
    """Issue 10 found these two in the general rubrics; they must be refused if they return."""
    for value, hint in (
        ("lessons/bunny-hill/empathy-first", "lessons/"),
        ("lessons/green-circle/reply-in-public", "lessons/"),
    ):
        message = lesson_problem(value, ROOT)
        assert message is not None and "expected an existing lesson" in message
        assert f"(the closest is '{hint}" in message


def test_a_lesson_left_out_of_the_course_is_reported(tmp_path: Path) -> None:
    (tmp_path / "course.yml").write_text(
        "format: skischool-course\nversion: 1\nid: c\ntitle: C\nrelease: '1'\nroot: intro\n"
        "levels:\n  - {slug: a, caption: A, badge: dark}\n",
        encoding="utf-8",
    )
    lessons = tmp_path / "lessons" / "a"
    lessons.mkdir(parents=True)
    for name in ("index.md", "01-one.md", "draft.md"):
        (lessons / name).write_text("# x\n", encoding="utf-8")
    assert toc_docnames(tmp_path) == {"intro", "lessons/a/index", "lessons/a/01-one"}
    assert lesson_problem("lessons/a/01-one", tmp_path) is None
    assert lesson_problem("lessons/a/index.md", tmp_path) is None
    unlisted = lesson_problem("lessons/a/draft", tmp_path)
    assert unlisted is not None and "course.yml" in unlisted and "404" in unlisted
    missing = lesson_problem("lessons/a/01-onne", tmp_path)
    assert missing is not None and "(the closest is 'lessons/a/01-one')" in missing
