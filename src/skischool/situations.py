"""General-purpose rubrics for everyday replies, chosen by the kind of post.

Their source is YAML. On CPython with PyYAML they are read from it directly; the browser
(Pyodide, no PyYAML) reads JSON compiled from the YAML when the wheel is built (setup.py calls
:func:`compile_package_data`). Compiled files are build output, never committed, and carry no
source positions: those only matter to an author editing the YAML, who has PyYAML.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from .loader import SITUATIONS, build
from .model import ChoiceRubric, ReplyRubric
from .source import display_name, load_json, load_source, read_text

RUBRIC_DIR = Path(__file__).parent / "rubrics"

# What the general rubrics are worth, said wherever one judges a reply on its own. The share is
# measured by benchmarks/bench_judge.py on replies the rubrics were never tuned on, and
# tests/test_judge_corpus.py fails when the measurement leaves the band these words claim.
AGREEMENT = (0.55, 0.75)  # the measured accuracy must lie in this band for the words below
SECOND_OPINION = (
    "note: a general rubric is a second opinion, not a verdict. On real replies it was never "
    "tuned on, it agrees with the public's verdict only about two times in three: people also "
    "weigh timing, context and whether a joke lands."
)


def situation_path(name: str, suffix: str = ".yaml") -> Path:
    return RUBRIC_DIR / f"{name}{suffix}"


def _yaml_available() -> bool:
    try:
        import yaml  # noqa: F401
    except ImportError:
        return False
    return True


@cache
def load_situation(name: str) -> ReplyRubric | ChoiceRubric:
    """The general rubric for a situation: its YAML, or the compiled JSON in a browser."""
    if name not in SITUATIONS:
        raise KeyError(f"unknown situation '{name}'; expected one of: {', '.join(SITUATIONS)}")
    yaml_path = situation_path(name)
    if yaml_path.exists() and _yaml_available():
        return build(load_source(yaml_path))
    path = situation_path(name, ".json")
    return build(load_json(read_text(path), display_name(yaml_path)))


def compile_yaml(path: Path, *, positions: bool = True) -> str:
    """Compiled JSON text for a YAML rubric (CPython only: needs PyYAML).

    ``positions`` keeps the YAML line and column of every field, for rubrics whose errors an
    author may still see (an instructor's own exercises); shipped rubrics leave them out.
    """
    from .source import load_yaml, to_compiled_json

    source = load_yaml(read_text(path), display_name(path))
    build(source)  # never ship a broken rubric
    if not positions:
        source.positions = {}
    return to_compiled_json(source)


def compile_package_data(package_dir: Path) -> list[Path]:
    """Write the compiled situation rubrics and concept bundle into a built package."""
    from .concepts import compile_bundle

    written = []
    for name in SITUATIONS:
        out = package_dir / "rubrics" / f"{name}.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(compile_yaml(situation_path(name), positions=False), encoding="utf-8")
        written.append(out)
    bundle = package_dir / "concepts" / "concepts.json"
    bundle.parent.mkdir(parents=True, exist_ok=True)
    bundle.write_text(compile_bundle(), encoding="utf-8")
    written.append(bundle)
    return written


__all__ = [
    "AGREEMENT",
    "SECOND_OPINION",
    "SITUATIONS",
    "compile_package_data",
    "compile_yaml",
    "load_situation",
]
