"""Find ``answer("….yaml", …)`` calls in a notebook's code cells with ``ast``, never running them.

Why only literals: a call's rubric and answer are read from the notebook as written. A variable,
an f-string or anything computed would need the learner's code to run, which grading never does,
so such a call is reported as not gradable, with the reason and where it is.

Both ``answer(...)`` and ``skischool.answer(...)`` count, and so do the names a notebook gives
them on import (``from skischool import answer as reply``, ``import skischool as ss``).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from dataclasses import dataclass

#: Why a call cannot be graded when its answer is not written out.
NOT_TEXT = "the answer must be written as text in the call"
_MAGIC = re.compile(r"^(\s*)[%!]")  # IPython magics and shell lines: not Python
_MENTION = re.compile(r"\banswer\s*\(")


@dataclass(frozen=True)
class Written:
    """An answer call that can be graded: everything in it is literal text."""

    rubric: str
    # The reply; the chosen option ids or a conversation's replies; or a triage's sorting.
    response: str | tuple[str, ...] | dict[str, str | tuple[str, ...]]
    page: str = ""
    line: int = 1  # line within the cell


@dataclass(frozen=True)
class Ungradable:
    """An answer call (or a cell holding one) that cannot be read without running code."""

    reason: str
    line: int = 1
    rubric: str = ""  # the rubric, when it at least was written as text


Found = Written | Ungradable


def parse(code: str) -> ast.Module | Ungradable | None:
    """The cell's syntax tree; an :class:`Ungradable` when it holds an answer call but is not
    Python; None when there is nothing to look at."""
    if "answer" not in code:
        return None
    if code.lstrip().startswith("%%"):  # a cell magic (%%bash, %%html): not Python at all
        return None
    try:
        return ast.parse(code)
    except SyntaxError:
        pass  # perhaps IPython's own lines (%pip, !ls): read the cell without them
    except (ValueError, RecursionError, MemoryError):
        return _unreadable(code)
    lines = [
        _MAGIC.sub(lambda m: m.group(1) + "pass  #", line, count=1) for line in code.split("\n")
    ]
    try:
        return ast.parse("\n".join(lines))
    except SyntaxError as exc:
        if not _MENTION.search(code):
            return None
        return Ungradable(
            f"the cell is not valid Python ({exc.msg}, line {exc.lineno or 1}), so its answer "
            "cannot be read; fix the cell, run it once, and save",
            exc.lineno or 1,
        )
    except (ValueError, RecursionError, MemoryError):
        return _unreadable(code)


def _unreadable(code: str) -> Ungradable | None:
    if not _MENTION.search(code):
        return None
    return Ungradable("the cell cannot be read as Python (nested too deeply, or not text)")


def names(trees: Iterable[ast.Module]) -> tuple[frozenset[str], frozenset[str]]:
    """The names that mean ``answer`` and the names that mean the ``skischool`` module."""
    funcs, modules = {"answer"}, {"skischool"}
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module in (
                "skischool",
                "skischool.answer",
            ):
                funcs |= {a.asname or a.name for a in node.names if a.name == "answer"}
            elif isinstance(node, ast.Import):
                modules |= {a.asname for a in node.names if a.name == "skischool" and a.asname}
    return frozenset(funcs), frozenset(modules)


def calls(
    tree: ast.Module,
    funcs: frozenset[str] = frozenset({"answer"}),
    modules: frozenset[str] = frozenset({"skischool"}),
) -> list[Found]:
    """Every answer call in ``tree``, in source order."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _is_answer(node.func, funcs, modules):
            found.append(read_call(node))
    return sorted(found, key=lambda f: f.line)


def find_answers(code: str) -> list[Found]:
    """The answer calls of one piece of code (a cell, or a whole script)."""
    tree = parse(code)
    if tree is None:
        return []
    if isinstance(tree, Ungradable):
        return [tree]
    return calls(tree, *names([tree]))


def _is_answer(func: ast.expr, funcs: frozenset[str], modules: frozenset[str]) -> bool:
    if isinstance(func, ast.Name):
        return func.id in funcs
    return (
        isinstance(func, ast.Attribute)
        and func.attr == "answer"
        and isinstance(func.value, ast.Name)
        and func.value.id in modules
    )


def _text(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _options(node: ast.expr | None) -> tuple[str, ...] | None:
    if isinstance(node, (ast.List, ast.Tuple)):
        items = [_text(e) for e in node.elts]
        if all(item is not None for item in items):
            return tuple(item for item in items if item is not None)
    return None


def _sorting(node: ast.expr | None) -> dict[str, str | tuple[str, ...]] | None:
    """A triage's sorting written out: ``{"c01": "reply waiting", "c02": ["hide", "scam"]}``."""
    if not isinstance(node, ast.Dict):
        return None
    out: dict[str, str | tuple[str, ...]] = {}
    for k, v in zip(node.keys, node.values, strict=True):
        key = _text(k)
        value = _text(v)
        value = value if value is not None else _options(v)
        if key is None or value is None:
            return None
        out[key] = value
    return out


def read_call(node: ast.Call) -> Found:
    """What one answer call says, or why it cannot be graded."""
    line = node.lineno
    if any(isinstance(a, ast.Starred) for a in node.args) or any(
        k.arg is None for k in node.keywords
    ):
        return Ungradable(f"{NOT_TEXT} (not unpacked with * or **)", line)
    keywords = {k.arg: k.value for k in node.keywords if k.arg}
    if len(node.args) > 2:
        return Ungradable(
            'answer() takes the rubric and the answer; give page= by name, as page="..."', line
        )
    rubric_node = node.args[0] if node.args else keywords.get("rubric")
    response_node = node.args[1] if len(node.args) > 1 else keywords.get("response")
    rubric = _text(rubric_node)
    if rubric is None:
        what = "is missing" if rubric_node is None else "is not written as text"
        return Ungradable(
            f"the rubric {what}; write its file name in quotes, as in "
            'answer("checkpoint-q1.yaml", ...)',
            line,
        )
    if response_node is None:
        return Ungradable(
            "there is no answer in the call yet; write your reply in quotes (or your choices "
            "as a list) after the rubric",
            line,
            rubric,
        )
    response: str | tuple[str, ...] | dict[str, str | tuple[str, ...]] | None = _text(response_node)
    if response is None:
        response = _options(response_node)
    if response is None:
        response = _sorting(response_node)
    if response is None:
        return Ungradable(
            f"{NOT_TEXT} (a variable, an f-string or a computed value is only known by running "
            "the notebook, and grading never runs it)",
            line,
            rubric,
        )
    page = _text(keywords.get("page")) or ""
    return Written(rubric, response, page, line)


__all__ = [
    "NOT_TEXT",
    "Found",
    "Ungradable",
    "Written",
    "calls",
    "find_answers",
    "names",
    "parse",
    "read_call",
]
