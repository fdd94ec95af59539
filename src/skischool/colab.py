"""Notebooks that open an exercise page of the course in Google Colab.

Why a file per page, committed under ``colab/``: Colab opens only ``.ipynb`` files from GitHub,
and the course's pages are MyST markdown that need the engine and their rubric files beside
them. So each exercise page gets a small notebook, written from the course model (the same
writer-and-check pattern as ``_toc.yml``): a first cell that fetches the course from its
repository and installs the engine, then the page's exercises under their headings. The book's
launch menu links to them (``book/_ext/colab_launch.py``); a test fails when they are stale.

Colab keeps nothing when its machine is recycled, so the notebook says how to download the
progress file before leaving.
"""

from __future__ import annotations

import json
from pathlib import Path

from .course import Course, ExercisePage, Level

#: The folder of the repository that holds the Colab notebooks.
FOLDER = "colab"
#: Where Colab clones the course inside its machine.
CLONE = "/content/social-media-ski-school"


def colab_path(page: ExercisePage) -> str:
    """The notebook of a page, relative to the repository root: ``colab/exercises/…ipynb``."""
    return f"{FOLDER}/{page.docname}.ipynb"


def _cell(kind: str, source: str) -> dict[str, object]:
    cell: dict[str, object] = {"cell_type": kind, "metadata": {}, "source": source}
    if kind == "code":
        cell.update(execution_count=None, outputs=[])
    return cell


def setup_code(repo: str, branch: str, level: str, home: str = CLONE) -> str:
    """The first cell: clone the course once per Colab machine, install its engine, move into
    the page's folder (where its rubric files are) and turn on Colab's widget support."""
    return "\n".join(
        [
            "# Fetch the course (its engine and this exercise's rubrics) once per Colab machine.",
            "import os, subprocess, sys",
            f"REPO, BRANCH, HOME = {repo!r}, {branch!r}, {home!r}",
            "if not os.path.isdir(HOME):",
            '    subprocess.run(["git", "clone", "-q", "--depth", "1", "--branch", BRANCH, REPO, HOME],'
            " check=True)",
            '    subprocess.run([sys.executable, "-m", "pip", "install", "-q", HOME + "[yaml,widgets]"],'
            " check=True)",
            f'os.chdir(os.path.join(HOME, "exercises", {level!r}))',
            "try:  # Colab draws ipywidgets 8 once its custom widget manager is on",
            "    from google.colab import output",
            "    output.enable_custom_widget_manager()",
            "except ImportError:  # not on Colab: nothing to turn on",
            "    pass",
            "from skischool import exercise, progress_view",
        ]
    )


def notebook(page: ExercisePage, level: Level, *, repo: str, branch: str) -> dict[str, object]:
    """The Colab notebook of one exercise page."""
    cells = [
        _cell(
            "markdown",
            f"# {page.title}\n\n*{level.label}.* This is the Colab form of an exercise page of "
            "Social Media Ski School. Run the cells from the top (Shift+Enter): the first one "
            "fetches the course, which takes about a minute the first time.\n\n"
            "Colab forgets everything when it recycles its machine. Before you leave, run the "
            "last cell and download your progress file: upload it on any exercise page of the "
            "book, or hand it in to your instructor.",
        ),
        _cell("code", setup_code(repo, branch, level.slug)),
    ]
    for ex in page.exercises:
        if ex.heading and len(page.exercises) > 1:
            cells.append(_cell("markdown", f"## {ex.heading}"))
        stem = ex.key.split("/", 1)[1]
        cells.append(_cell("code", f'exercise("{stem}.yaml", page="{page.id}")'))
    cells.append(_cell("markdown", "## Where you stand"))
    cells.append(_cell("code", "progress_view()"))
    for n, cell in enumerate(cells):  # nbformat 4.5: every cell has a stable id
        cell["id"] = f"cell-{n}"
    return {
        "cells": cells,
        "metadata": {
            "colab": {"provenance": []},
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def notebooks(course: Course, *, repo: str, branch: str) -> dict[str, str]:
    """Every page's notebook as text, by its path in the repository."""
    return {
        colab_path(page): json.dumps(
            notebook(page, course.level(page.level), repo=repo, branch=branch),
            indent=1,
            ensure_ascii=False,
        )
        + "\n"
        for page in course.pages
    }


def stale(root: Path, wanted: dict[str, str]) -> list[str]:
    """Paths under ``root`` that differ from ``wanted``, or are missing, or are left over."""
    out = [p for p, text in wanted.items() if _read(root / p) != text]
    folder = root / FOLDER
    if folder.is_dir():
        out += sorted(
            p.relative_to(root).as_posix()
            for p in folder.rglob("*.ipynb")
            if p.relative_to(root).as_posix() not in wanted
        )
    return out


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


__all__ = ["CLONE", "FOLDER", "colab_path", "notebook", "notebooks", "setup_code", "stale"]
