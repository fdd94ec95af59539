"""Reading rubric files into plain data plus a map of where each field sits.

YAML is read with PyYAML's *safe* composer (no object construction from tags) and walked by hand
so duplicate keys become errors instead of silently keeping the last value. PyYAML is imported
only here and only for ``.yaml`` files: the browser reads precompiled JSON, which carries the
positions of the YAML it came from, so errors still point at the file an author edits.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import Problem, RubricError

Path_ = tuple[object, ...]


@dataclass
class Source:
    """Plain data read from one rubric file, with a line/column for each field path."""

    file: str
    data: Any
    positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def where(self, path: Path_) -> tuple[int | None, int | None]:
        """Nearest known position: the field itself, or the closest parent that exists."""
        probe = tuple(path)
        while True:
            if probe in self.positions:
                return self.positions[probe]
            if not probe:
                return (None, None)
            probe = probe[:-1]

    def key_position(self, path: Path_) -> tuple[int | None, int | None]:
        """Where a mapping key was written (used for unknown-key errors)."""
        pos = self.positions.get((*path, "<key>"))
        return pos if pos else self.where(path)


_REPO = Path(__file__).resolve().parent.parent.parent


def display_name(path: Path) -> str:
    """A stable, machine-independent name for a shipped file in errors and compiled output."""
    try:
        return str(path.resolve().relative_to(_REPO))
    except ValueError:
        return path.name


def read_text(path: str | Path) -> str:
    """Read a rubric as UTF-8 text with a clear error instead of a traceback."""
    p = Path(path)
    try:
        return p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RubricError([Problem(str(p), None, None, "", "file not found")]) from None
    except UnicodeDecodeError as exc:
        msg = f"not valid UTF-8 text (byte {exc.start})"
        raise RubricError([Problem(str(p), None, None, "", msg)]) from None
    except OSError as exc:
        raise RubricError([Problem(str(p), None, None, "", f"cannot read: {exc}")]) from None


def load_yaml(text: str, file: str) -> Source:
    """Parse YAML text safely; duplicate keys and syntax errors become located problems."""
    import yaml  # CPython only; never on the browser path

    # libyaml's parser when PyYAML has it (about ten times faster); same safe constructor.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark else None
            col = mark.column + 1 if mark else None
            what = exc.problem or "invalid YAML"
            if exc.context:
                what = f"{exc.context}: {what}"
            problem = Problem(file, line, col, "", f"YAML syntax error: {what}")
            raise RubricError([problem]) from None
        except yaml.YAMLError as exc:
            raise RubricError([Problem(file, None, None, "", f"YAML error: {exc}")]) from None
        source = Source(file, None)
        problems: list[Problem] = []
        if node is None:
            source.data = None
            return source
        source.data = _walk_yaml(node, (), loader, source, problems)
        if problems:
            raise RubricError(problems)
        return source
    finally:
        loader.dispose()


MAX_NODES = 200_000  # aliases can multiply a small file into a huge one ("billion laughs")


def _walk_yaml(node: Any, path: Path_, loader: Any, src: Source, problems: list[Problem]) -> Any:
    import yaml

    if len(src.positions) > MAX_NODES:
        if not any("too many values" in p.message for p in problems):
            problems.append(
                Problem(
                    src.file,
                    None,
                    None,
                    "",
                    f"too many values (over {MAX_NODES}); expected a rubric-sized file",
                )
            )
        return None
    src.positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if node.tag not in _PLAIN_TAGS:
        line, col = src.positions[path]
        problems.append(
            Problem(
                src.file,
                line,
                col,
                _fmt(path),
                f"YAML tag '{node.tag}' is not allowed; expected plain values",
            )
        )
        return None
    if isinstance(node, yaml.MappingNode):
        try:
            loader.flatten_mapping(node)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark
            problems.append(
                Problem(src.file, mark.line + 1, mark.column + 1, "", f"YAML error: {exc.problem}")
            )
            return {}
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _PLAIN_TAGS:
                line, col = key_node.start_mark.line + 1, key_node.start_mark.column + 1
                problems.append(Problem(src.file, line, col, _fmt(path), "keys must be plain text"))
                continue
            key = str(loader.construct_object(key_node))
            line, col = key_node.start_mark.line + 1, key_node.start_mark.column + 1
            if key in out:
                first = src.positions.get((*path, key, "<key>"), (None, None))[0]
                problems.append(
                    Problem(
                        src.file,
                        line,
                        col,
                        _fmt((*path, key)),
                        f"duplicate key '{key}' (first set on line {first}); "
                        "each key may appear only once",
                    )
                )
                continue
            src.positions[(*path, key, "<key>")] = (line, col)
            out[key] = _walk_yaml(value_node, (*path, key), loader, src, problems)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [
            _walk_yaml(item, (*path, i), loader, src, problems) for i, item in enumerate(node.value)
        ]
    try:
        value = loader.construct_object(node)
    except yaml.YAMLError as exc:
        line, col = src.positions[path]
        problems.append(Problem(src.file, line, col, _fmt(path), f"YAML error: {exc}"))
        return None
    # Dates and other implicit types become text: rubric fields are never dates.
    if not isinstance(value, (str, int, float, bool, type(None))):
        value = node.value
    return value


_PLAIN_TAGS = frozenset(
    "tag:yaml.org,2002:" + t
    for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
)


def _fmt(path: Path_) -> str:
    from .errors import format_path

    return format_path(path)


def _encode_path(path: Path_) -> str:
    return "/".join(f"#{p}" if isinstance(p, int) else str(p) for p in path)


def _decode_path(text: str) -> Path_:
    if not text:
        return ()
    return tuple(int(p[1:]) if p.startswith("#") else p for p in text.split("/"))


def to_compiled_json(source: Source) -> str:
    """Serialise a rubric for the browser: the data plus the YAML positions it came from."""
    doc = {
        "source": source.file,
        "positions": {_encode_path(k): list(v) for k, v in source.positions.items()},
        "rubric": source.data,
    }
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=1) + "\n"


def load_json(text: str, file: str) -> Source:
    """Read a rubric from JSON: either precompiled (with positions) or a plain rubric object."""

    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        seen: dict[str, Any] = {}
        for k, v in pairs:
            if k in seen:
                raise RubricError([Problem(file, None, None, k, f"duplicate key '{k}'")])
            seen[k] = v
        return seen

    try:
        doc = json.loads(text, object_pairs_hook=no_duplicates)
    except json.JSONDecodeError as exc:
        raise RubricError(
            [Problem(file, exc.lineno, exc.colno, "", f"JSON syntax error: {exc.msg}")]
        ) from None
    if isinstance(doc, dict) and "rubric" in doc and "positions" in doc:
        positions = {_decode_path(k): (v[0], v[1]) for k, v in doc["positions"].items()}
        return Source(str(doc.get("source") or file), doc["rubric"], positions)
    return Source(file, doc, {})


def load_source(path: str | Path) -> Source:
    """Read a ``.yaml``/``.yml`` or ``.json`` rubric file."""
    p = Path(path)
    text = read_text(p)
    if p.suffix.lower() == ".json":
        return load_json(text, str(p))
    return load_yaml(text, str(p))


def iter_paths(data: Any, path: Path_ = ()) -> Iterator[Path_]:
    """Every field path in plain data (used by tests to check positions are complete)."""
    yield path
    if isinstance(data, dict):
        for k, v in data.items():
            yield from iter_paths(v, (*path, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from iter_paths(v, (*path, i))
