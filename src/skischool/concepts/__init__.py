"""The shared lexicon: named concepts such as thanks, apology or deflect-to-private.

One meaning lives in one place. A concept file lists the many ways people say a thing (casual
forms, US/UK spellings, emoji, abbreviations) and carries its own examples, in the manner of
proselint's checks and Vale's vocabularies. Rubrics name concepts instead of restating lists, so
"cheers for flagging this" means thanks in every rubric, and a rubric may add or except phrases.

Each concept also says in which uses a match does not count: a negated apology is no apology,
and a quoted "DM us" is not the reply deflecting (see :mod:`skischool.language`).

On CPython with PyYAML the YAML files are read directly; the browser (Pyodide) reads
``concepts.json``, compiled from them when the wheel or the book is built.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from ..criteria.base import CONCEPT_ID_PATTERN, PHRASE
from ..errors import Problem, RubricError, format_path
from ..language import CONTEXT_FLAGS
from ..schema import Field, ListOf, Obj, Str, validate
from ..source import Source, display_name, load_json, load_yaml, read_text, to_compiled_json

CONCEPT_DIR = Path(__file__).parent
BUNDLE = CONCEPT_DIR / "concepts.json"
TARGETS = ("self", "customer", "other")
KINDS = ("move", "flag")
# Uses in which a match does not count, unless the concept says otherwise.
DEFAULT_IGNORE = {
    "move": ("negated", "quoted"),
    "flag": ("negated", "quoted", "reported", "offered"),
}

CONCEPT = Obj(
    "concept",
    [
        Field(
            "id",
            Str(pattern=CONCEPT_ID_PATTERN),
            "The name rubrics use, e.g. 'thanks'.",
            required=True,
        ),
        Field(
            "kind",
            Str(enum=KINDS),
            "'move' (a reply does it) or 'flag' (a red flag).",
            required=True,
        ),
        Field("title", Str(), "A few words naming the concept.", required=True),
        Field("doc", Str(), "What counts, and what does not."),
        Field("phrases", ListOf(PHRASE, min_items=1), "Ways people say it.", required=True),
        Field(
            "exceptions", ListOf(PHRASE, min_items=1), "Phrases in which a match does not count."
        ),
        Field(
            "ignore",
            ListOf(Str(enum=CONTEXT_FLAGS)),
            "Uses in which a match does not count (default: move ignores negated and quoted; "
            "flag also ignores reported and offered).",
        ),
        Field(
            "points_at",
            ListOf(Str(enum=TARGETS), min_items=1),
            "For fault phrases: count a match only when it points at these (self, customer, other).",
        ),
        Field("suggest", Str(), "A better move, for flags whose phrases have no suggestion."),
        Field(
            "examples",
            Obj(
                "concept examples",
                [
                    Field(
                        "found",
                        ListOf(Str(), min_items=2),
                        "Texts that use the concept.",
                        required=True,
                    ),
                    Field(
                        "not_found",
                        ListOf(Str(), min_items=2),
                        "Texts that do not (near misses: negated, quoted, other senses).",
                        required=True,
                    ),
                ],
            ),
            "Each concept proves itself, like a rubric.",
            required=True,
        ),
    ],
    doc="A named meaning shared by every rubric.",
)


@dataclass(frozen=True)
class Concept:
    id: str
    kind: str
    title: str
    phrases: tuple[Any, ...]
    exceptions: tuple[Any, ...] = ()
    ignore: frozenset[str] = frozenset()
    points_at: frozenset[str] | None = None
    suggest: str = ""
    doc: str = ""
    found: tuple[str, ...] = ()
    not_found: tuple[str, ...] = ()
    file: str = ""
    data: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


def build_concept(source: Source) -> Concept:
    """Validate one concept file's data; raises RubricError with located problems."""
    if not isinstance(source.data, dict):
        raise RubricError([Problem(source.file, 1, 1, "", "expected a mapping with id, kind, ...")])
    problems = validate(source, CONCEPT)
    d = source.data
    if not problems:
        from ..textmatch import phrase_problems  # the one phrase check rubrics use too

        for key in ("phrases", "exceptions"):
            for j, ph in enumerate(d.get(key) or []):
                for path, message in phrase_problems(ph, (key, j)):
                    line, col = source.where(path)
                    problems.append(Problem(source.file, line, col, format_path(path), message))
        stem = Path(source.file).stem
        if stem not in ("concepts", d["id"]) and not source.file.startswith("<"):
            line, col = source.where(("id",))
            problems.append(
                Problem(
                    source.file,
                    line,
                    col,
                    "id",
                    f"id '{d['id']}' must match the file name '{stem}'",
                )
            )
    if problems:
        raise RubricError(problems)
    ignore = d.get("ignore")
    return Concept(
        id=d["id"],
        kind=d["kind"],
        title=d["title"],
        phrases=tuple(d["phrases"]),
        exceptions=tuple(d.get("exceptions") or ()),
        ignore=frozenset(DEFAULT_IGNORE[d["kind"]] if ignore is None else ignore),
        points_at=frozenset(d["points_at"]) if d.get("points_at") else None,
        suggest=d.get("suggest", ""),
        doc=d.get("doc", ""),
        found=tuple(d["examples"]["found"]),
        not_found=tuple(d["examples"]["not_found"]),
        file=source.file,
        data=d,
    )


def concept_files() -> list[Path]:
    return sorted(CONCEPT_DIR.glob("*.yaml"))


def _yaml_available() -> bool:
    try:
        import yaml  # noqa: F401
    except ImportError:
        return False
    return bool(concept_files())


@cache
def lexicon() -> dict[str, Concept]:
    """Every shipped concept by id: from the YAML sources, or the compiled bundle in a browser."""
    if _yaml_available():
        sources = [load_yaml(read_text(p), display_name(p)) for p in concept_files()]
    else:
        bundle = json.loads(read_text(BUNDLE))
        sources = [load_json(json.dumps(doc), doc.get("source", "")) for doc in bundle["concepts"]]
    out: dict[str, Concept] = {}
    problems: list[Problem] = []
    for src in sources:
        try:
            c = build_concept(src)
        except RubricError as exc:
            problems.extend(exc.problems)
            continue
        if c.id in out:
            problems.append(Problem(src.file, 1, 1, "id", f"concept '{c.id}' is defined twice"))
        out[c.id] = c
    if problems:
        raise RubricError(problems)
    return out


def compile_bundle() -> str:
    """``concepts.json``: every concept file compiled for the browser (no positions needed)."""
    docs = []
    for p in concept_files():
        src = load_yaml(read_text(p), display_name(p))
        build_concept(src)  # never ship a broken concept
        doc = json.loads(to_compiled_json(src))
        doc["positions"] = {}
        docs.append(doc)
    return json.dumps({"concepts": docs}, ensure_ascii=False, sort_keys=True, indent=1) + "\n"


__all__ = ["Concept", "build_concept", "compile_bundle", "lexicon"]
