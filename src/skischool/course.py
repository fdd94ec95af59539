"""The course around a rubric file: where its root is, and whether a ``lesson:`` names a page it
builds.

A ``lesson:`` value that names no page, or a page that ``_toc.yml`` leaves out (the book sets
``only_build_toc_files: true``), becomes a "Revisit the lesson" link that 404s. The loader checks
a value's shape anywhere (links.py); this module checks, where the course is on disk, that it is
a real page of the book. An installed package has no course around it, so there is nothing to
check against and the check is skipped.
"""

from __future__ import annotations

import difflib
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from .links import lesson_docname

TOC = "_toc.yml"
# Source files Sphinx builds a page from, and so what a docname in _toc.yml can stand for.
PAGE_SUFFIXES = (".md", ".ipynb", ".rst")
# Folders that mean "an installed package", never part of a course, even inside a course's .venv.
_INSTALLED = frozenset({"site-packages", "dist-packages"})


def course_root(start: str | Path) -> Path | None:
    """The nearest folder at or above ``start`` holding ``_toc.yml``, or None.

    The packaged situation rubrics (``src/skischool/rubrics``) find the repository root this
    way; an installed copy stops at ``site-packages`` and finds none.
    """
    here = Path(start).resolve()
    if not here.is_dir():
        here = here.parent
    for folder in (here, *here.parents):
        if folder.name in _INSTALLED:
            return None
        if (folder / TOC).is_file():
            return folder
    return None


def toc_docnames(root: Path) -> frozenset[str] | None:
    """Every docname ``_toc.yml`` builds (its ``root``, ``file`` and ``glob`` entries, globs
    expanded against the files on disk), or None when it cannot be read (no PyYAML)."""
    toc = root / TOC
    try:
        mtime = toc.stat().st_mtime_ns
    except OSError:
        return None
    return _toc_docnames(str(root), mtime)


@lru_cache(maxsize=8)
def _toc_docnames(root: str, _mtime: int) -> frozenset[str] | None:
    try:
        import yaml
    except ImportError:  # the browser: no PyYAML, and no course on disk either
        return None
    try:
        data = yaml.safe_load((Path(root) / TOC).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    files: set[str] = set()
    globs: list[str] = []
    _collect(data, files, globs)
    found = {d for f in files if (d := lesson_docname(f)) is not None}
    base = Path(root)
    for pattern in globs:
        # Path.glob's '*' stops at '/', as a Sphinx docname glob does.
        for path in base.glob(pattern):
            if path.suffix in PAGE_SUFFIXES and path.is_file():
                found.add(path.relative_to(base).with_suffix("").as_posix())
    return frozenset(found)


def _collect(node: Any, files: set[str], globs: list[str]) -> None:
    if isinstance(node, dict):
        for key in ("root", "file"):
            if isinstance(node.get(key), str):
                files.add(node[key])
        if isinstance(node.get("glob"), str):
            globs.append(node["glob"])
        for value in node.values():
            _collect(value, files, globs)
    elif isinstance(node, list):
        for item in node:
            _collect(item, files, globs)


def lesson_problem(value: str, root: Path) -> str | None:
    """Why ``value`` is not a page the course at ``root`` builds, or None when it is.

    The message says what was expected and names the closest existing lesson, so a typo or a
    renamed lesson is fixed without searching the folders.
    """
    docname = lesson_docname(value)
    if docname is None:
        return None  # the loader already reports a value of the wrong shape
    listed = toc_docnames(root)
    exists = any((root / f"{docname}{s}").is_file() for s in PAGE_SUFFIXES)
    if not exists:
        hint = _closest(docname, root, listed)
        return (
            f"'{value}' names no lesson: there is no {docname}.md in the course at {root}; "
            f"expected an existing lesson{hint}"
        )
    if listed is not None and docname not in listed:
        return (
            f"'{value}' is not in {TOC}, so the book does not build it "
            "(only_build_toc_files) and the link would 404; expected a lesson listed in "
            f"{TOC}: add it there, or point to one that is"
        )
    return None


def _closest(docname: str, root: Path, listed: frozenset[str] | None) -> str:
    """The existing page most like ``docname``: by its slug first (a renumbered or misspelt
    lesson), then by the whole path (the level folder)."""
    candidates = sorted(listed) if listed else _lesson_files(root)
    top = docname.split("/", 1)[0]
    candidates = [c for c in candidates if c.split("/", 1)[0] == top] or candidates
    if not candidates:
        return ""
    want = _slug(docname)

    def likeness(c: str) -> tuple[float, float]:
        by_slug = difflib.SequenceMatcher(None, want, _slug(c)).ratio()
        return by_slug, difflib.SequenceMatcher(None, docname, c).ratio()

    return f" (the closest is '{max(candidates, key=likeness)}')"


def _slug(docname: str) -> str:
    """``lessons/x/04-safe-to-fall`` -> ``safe-to-fall``: the part an author remembers."""
    return re.sub(r"^[0-9]+-", "", docname.rsplit("/", 1)[-1])


def _lesson_files(root: Path) -> list[str]:
    return sorted(
        p.relative_to(root).with_suffix("").as_posix() for p in root.glob("lessons/**/*.md")
    )


__all__ = ["TOC", "course_root", "lesson_problem", "toc_docnames"]
