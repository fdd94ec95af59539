"""General-purpose rubrics for everyday replies, chosen by the kind of post.

They ship inside the package twice: as YAML (the source authors edit) and as JSON compiled from
it (what the browser reads, since PyYAML is not available there). A test keeps the two in step.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from .loader import SITUATIONS, build
from .model import ChoiceRubric, ReplyRubric
from .source import load_json, read_text

RUBRIC_DIR = Path(__file__).parent / "rubrics"


def situation_path(name: str, suffix: str = ".json") -> Path:
    return RUBRIC_DIR / f"{name}{suffix}"


@cache
def load_situation(name: str) -> ReplyRubric | ChoiceRubric:
    """The general rubric for a situation, from its compiled JSON (no PyYAML needed)."""
    if name not in SITUATIONS:
        raise KeyError(f"unknown situation '{name}'; expected one of: {', '.join(SITUATIONS)}")
    path = situation_path(name)
    return build(load_json(read_text(path), str(path)))


def compile_yaml(path: Path) -> str:
    """Compiled JSON text for a YAML rubric (CPython only: needs PyYAML)."""
    from .source import load_yaml, to_compiled_json

    source = load_yaml(read_text(path), _display(path))
    build(source)  # never ship a broken rubric
    return to_compiled_json(source)


def _display(path: Path) -> str:
    """A stable, machine-independent name for error messages in compiled files."""
    try:
        return str(path.resolve().relative_to(RUBRIC_DIR.parent.parent.parent))
    except ValueError:
        return path.name


def compile_all(write: bool = True) -> list[Path]:
    """Recompile every shipped situation rubric; returns those whose JSON changed."""
    changed = []
    for name in SITUATIONS:
        src, out = situation_path(name, ".yaml"), situation_path(name)
        text = compile_yaml(src)
        if not out.exists() or out.read_text(encoding="utf-8") != text:
            changed.append(out)
            if write:
                out.write_text(text, encoding="utf-8")
    return changed


__all__ = ["SITUATIONS", "compile_all", "load_situation"]
