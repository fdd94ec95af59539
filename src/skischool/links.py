"""Links to lessons: a rubric's ``lesson:`` value made into a link that works where it is shown.

A ``lesson:`` value is a docname relative to the course root (the folder holding ``_toc.yml``),
e.g. ``lessons/blue-square/01-fix-it-where-they-said-it``. The same value is shown on several
surfaces, each at a different depth below the course root and with lessons in a different form:
HTML in the built book and JupyterLite, MyST ``.md`` notebooks on a local Jupyter server, a plain
path in a terminal. Putting the raw value in an href is relative to the page and lacks a suffix,
so it 404s; :func:`lesson_href` adds both.

A lesson is a whole page: ``#fragments`` are refused, because the validator can promise that a
page exists and is built, not that an anchor inside it does. Only plain path characters are
accepted, so no value can become a ``javascript:`` link, leave the site (``//host``, ``..``) or
carry a query. Pure Python: the browser (Pyodide) uses it too.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass

# Suffixes an author might write after the docname; the link adds the surface's own.
_SUFFIXES = (".md", ".html", ".ipynb")
# One path segment: letters, digits, '_', '-' and '.', never starting with '.' (no '.', '..' or
# hidden files). Anything else (':', '\\', '?', '#', '%', spaces) is refused outright.
_SEGMENT = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")
# What the rubric author is told a lesson value looks like.
EXAMPLE_DOCNAME = "lessons/blue-square/01-fix-it-where-they-said-it"


@dataclass(frozen=True)
class LessonLinks:
    """Where lesson links are shown, as seen from there.

    ``root`` is the path from the page showing the link to the course root (``"../../"`` on
    ``exercises/<level>/<page>.html``); ``suffix`` is how lesson files end on that surface
    (``".html"`` built, ``".md"`` on a Jupyter server, ``""`` for the bare docname).
    ``new_tab`` opens lessons in a new tab, for surfaces where leaving the page would stop the
    Python running there (a notebook).
    """

    root: str = ""
    suffix: str = ".html"
    new_tab: bool = False


# An exercise page of the built book, exercises/<level>/<page>.html, with or without Python.
BOOK_PAGE = LessonLinks(root="../../", suffix=".html")
# The lesson's source file relative to the course root, for a terminal (the CLI) to print.
SOURCE_FILE = LessonLinks(root="", suffix=".md")


def for_notebook(root: str = "../../") -> LessonLinks:
    """Links for a notebook or widget: lessons as HTML in JupyterLite, as ``.md`` on a server.

    ``root`` is the notebook page's path to the course root. The default fits both places an
    exercise notebook lives, each two folders down: in JupyterLite (``sys.platform`` is
    ``emscripten``) the notebook page is ``<site>/live/notebooks/index.html?path=...``,
    so ``../../`` reaches ``<site>/lessons/x.html``; on a local Jupyter
    server the notebook is ``exercises/<level>/<page>.md``, and the lesson beside it is the
    notebook ``lessons/x.md``. A notebook elsewhere passes its own ``root``. Links open in a new
    tab, so following one never stops the kernel.
    """
    suffix = ".html" if sys.platform == "emscripten" else ".md"
    return LessonLinks(root=root, suffix=suffix, new_tab=True)


def lesson_docname(value: str) -> str | None:
    """The docname a ``lesson:`` value names, or None when it is not a safe course path.

    Accepts ``lessons/x``, ``/lessons/x``, ``./lessons/x`` and ``lessons/x.md`` (or ``.html``,
    ``.ipynb``), all meaning ``lessons/x``. Refuses a scheme (``https:``, ``javascript:``),
    ``//host``, ``..``, backslashes, a query or a fragment, and any other character that a
    course file name does not need.
    """
    if not isinstance(value, str):
        return None
    v = value.strip()
    if not v or v.startswith("//") or "\\" in v or ".." in v:
        return None
    v = v.removeprefix("/")
    while v.startswith("./"):
        v = v[2:]
    for suffix in _SUFFIXES:
        if v.endswith(suffix):
            v = v[: -len(suffix)]
            break
    segments = v.split("/")
    if not all(_SEGMENT.fullmatch(s) for s in segments):
        return None
    return v


def lesson_href(value: str, links: LessonLinks) -> str | None:
    """The link to the lesson from the surface ``links`` describes, or None for a bad value."""
    docname = lesson_docname(value)
    if docname is None:
        return None
    root = links.root
    if root and not root.endswith("/"):
        root += "/"
    return f"{root}{docname}{links.suffix}"


def lesson_path(value: str) -> str | None:
    """The lesson's file relative to the course root (``lessons/x.md``), for a terminal."""
    return lesson_href(value, SOURCE_FILE)


__all__ = [
    "BOOK_PAGE",
    "EXAMPLE_DOCNAME",
    "SOURCE_FILE",
    "LessonLinks",
    "for_notebook",
    "lesson_docname",
    "lesson_href",
    "lesson_path",
]
