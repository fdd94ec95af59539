"""The code cells of a completed notebook, read as text: ``.ipynb`` JSON or a jupytext MyST ``.md``.

Why read rather than run: grading happens in CI on a learner's push, and a learner's code must
never run there. A cell is only text here; :mod:`skischool.grading.calls` reads it with ``ast``.

Every failure is a :class:`NotebookError` whose message starts with the file's name and says
what was expected, so a broken notebook is named in the report instead of ending the run.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

#: A notebook bigger than this is not something a learner wrote (or it carries huge outputs);
#: reading stops one byte past it.
MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024
MAX_NOTEBOOK_TEXT = "20 MiB"
#: What marks a MyST Markdown file as a notebook (jupytext's code cells).
CODE_CELL = "{code-cell}"

_FENCE = re.compile(r"^(`{3,}|~{3,})(.*)$")
_OPTION = re.compile(r"^:[A-Za-z0-9_-]+:")
_CELL_BREAK = re.compile(r"^\+\+\+(\s*\{.*\})?\s*$")


class NotebookError(ValueError):
    """A notebook that cannot be read; the message names the file and what was expected."""


@dataclass(frozen=True)
class Cell:
    """One code cell: its place in the notebook (as a learner counts cells) and its code."""

    number: int  # 1-based, among all the notebook's cells (markdown ones too)
    code: str
    line: int = 0  # for a .md notebook: the file line just before the cell's first code line

    def where(self, line: int = 0) -> str:
        """ "cell 4", or "cell 4 (line 57)" when the file has lines a learner can go to."""
        if self.line:
            return f"cell {self.number} (line {self.line + max(line, 1)})"
        return f"cell {self.number}"


def read_text(path: Path, shown: str, *, what: str = "a notebook") -> str:
    """The file as text, within the size limit, or a :class:`NotebookError` naming it."""
    try:
        with path.open("rb") as f:
            data = f.read(MAX_NOTEBOOK_BYTES + 1)
    except OSError as exc:
        raise NotebookError(f"{shown}: cannot be read ({exc.strerror or exc})") from None
    if len(data) > MAX_NOTEBOOK_BYTES:
        raise NotebookError(
            f"{shown}: is larger than {MAX_NOTEBOOK_TEXT}; expected {what} (clear its outputs)"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise NotebookError(
            f"{shown}: is not UTF-8 text (first bad byte at offset {exc.start}); expected {what}"
        ) from None


def is_myst_notebook(text: str) -> bool:
    return CODE_CELL in text


def read_cells(path: Path, shown: str) -> list[Cell]:
    """The code cells of ``path`` (.ipynb or MyST .md), in order."""
    text = read_text(path, shown)
    if path.suffix.lower() == ".ipynb":
        return ipynb_cells(text, shown)
    return myst_cells(text)


def _source(value: object) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(part, str) for part in value):
        return "".join(value)
    return None


def ipynb_cells(text: str, shown: str) -> list[Cell]:
    """Code cells of an nbformat 4 notebook (what Jupyter saves)."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise NotebookError(
            f"{shown}: is not a notebook: broken JSON at line {exc.lineno}, column {exc.colno} "
            f"({exc.msg}); expected a .ipynb file as Jupyter saves it"
        ) from None
    except (ValueError, RecursionError):
        raise NotebookError(
            f"{shown}: is not a notebook (unreadable JSON); expected a .ipynb file as Jupyter "
            "saves it"
        ) from None
    if not isinstance(document, dict) or not isinstance(document.get("cells"), list):
        hint = " (an nbformat 3 notebook: open and save it in Jupyter)" if _v3(document) else ""
        raise NotebookError(
            f'{shown}: is not a notebook: expected an object with a "cells" list{hint}'
        )
    cells = []
    for n, cell in enumerate(document["cells"], 1):
        if not isinstance(cell, dict):
            raise NotebookError(f"{shown}: cells[{n - 1}] is not a cell (expected an object)")
        if cell.get("cell_type") != "code":
            continue
        source = _source(cell.get("source", ""))
        if source is None:
            raise NotebookError(
                f"{shown}: cell {n} has a source that is not text (expected a string or a list "
                "of strings)"
            )
        cells.append(Cell(n, source))
    return cells


def _v3(document: object) -> bool:
    return isinstance(document, dict) and "worksheets" in document


def myst_cells(text: str) -> list[Cell]:
    """Code cells of a jupytext MyST notebook: ```` ```{code-cell} ```` fences.

    Cells are numbered as jupytext splits the file: each code cell, and each stretch of
    markdown between them (``+++`` also ends one). A cell's option lines (``:tags: ...`` or a
    ``---`` block) become blank lines, so line numbers in the code still match the file.
    """
    lines = text.splitlines()
    cells: list[Cell] = []
    number = 0
    markdown = False  # inside a stretch of markdown with something in it
    i = _after_front_matter(lines)
    while i < len(lines):
        line = lines[i]
        opened = _FENCE.match(line)
        if opened is None:
            if _CELL_BREAK.match(line):
                markdown = False
            elif line.strip() and not markdown:
                markdown = True
                number += 1
            i += 1
            continue
        fence, info = opened.group(1), opened.group(2).strip()
        end = _closing(lines, i + 1, fence)
        if not info.startswith(CODE_CELL):
            if not markdown:  # a plain code block is part of a markdown cell
                markdown = True
                number += 1
            i = end + 1
            continue
        markdown = False
        number += 1
        body = lines[i + 1 : end]
        cells.append(Cell(number, "\n".join(_blank_options(body)), line=i + 1))
        i = end + 1
    return cells


def _after_front_matter(lines: list[str]) -> int:
    if lines and lines[0].strip() == "---":
        for j in range(1, len(lines)):
            if lines[j].strip() == "---":
                return j + 1
    return 0


def _closing(lines: list[str], start: int, fence: str) -> int:
    """Index of the line closing ``fence`` (or the end of the file when it is never closed)."""
    for j in range(start, len(lines)):
        stripped = lines[j].strip()
        if (
            stripped.startswith(fence[0] * len(fence))
            and not stripped.strip(fence[0])
            and len(stripped) >= len(fence)
        ):
            return j
    return len(lines)


def _blank_options(body: list[str]) -> list[str]:
    """The cell's code with its MyST options (``:tags:`` lines or a ``---`` block) blanked."""
    out = list(body)
    if out and out[0].strip() == "---":
        for j in range(1, len(out)):
            if out[j].strip() == "---":
                return [""] * (j + 1) + out[j + 1 :]
        return out
    j = 0
    while j < len(out) and _OPTION.match(out[j]):
        out[j] = ""
        j += 1
    return out


__all__ = [
    "CODE_CELL",
    "MAX_NOTEBOOK_BYTES",
    "Cell",
    "NotebookError",
    "ipynb_cells",
    "is_myst_notebook",
    "myst_cells",
    "read_cells",
    "read_text",
]
