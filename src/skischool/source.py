"""Reading rubric files into plain data plus a map of where each field sits.

YAML is read with PyYAML's *safe* composer (no object construction from tags) and walked by hand
so duplicate keys become errors instead of silently keeping the last value. PyYAML is imported
only here and only for ``.yaml`` files: the browser reads precompiled JSON, which carries the
positions of the YAML it came from, so errors still point at the file an author edits.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path
from typing import Any

from .errors import Problem, RubricError

Path_ = tuple[object, ...]

# Real rubrics nest fewer than 15 levels (rubric > criteria > criterion > phrases > phrase). A
# limit far above that, checked before anything recurses, keeps a hostile or broken file from
# ending in a RecursionError deep inside a parser, the position walker or the checks.
MAX_DEPTH = 64
# Python refuses to turn an int of more than sys.get_int_max_str_digits() digits into text (4300
# by default, and never below 640 when set), and every error message and the compiled JSON do
# that. No rubric number needs more than a few digits, so anything at or above 10**640 is refused.
MAX_INT_DIGITS = 640
_INT_LIMIT = 10**MAX_INT_DIGITS
# Positions in a compiled file are lines and columns of a YAML file; larger ones are tampering.
MAX_POSITION = 10_000_000


def too_deep(file: str, line: int | None, column: int | None, field_: str = "") -> Problem:
    """The one message for nesting past MAX_DEPTH, whichever reader found it."""
    return Problem(
        file,
        line,
        column,
        field_,
        f"nested more than {MAX_DEPTH} levels deep; expected a rubric "
        "(a mapping of lists and mappings a few levels deep)",
    )


def number_too_long(file: str, line: int | None, column: int | None, field_: str = "") -> Problem:
    """The one message for an integer too long to print, in YAML and in JSON alike."""
    return Problem(
        file,
        line,
        column,
        field_,
        f"a whole number with more than {MAX_INT_DIGITS} digits; expected a rubric-sized number",
    )


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


class _Abort(Exception):
    """Stops the walk at once (nesting too deep): going on could recurse without bound."""


def _safe_loader_class() -> Any:
    """libyaml's parser when PyYAML has it (about ten times faster), else a depth-limited one.

    libyaml refuses nesting past 1000 levels itself and composes in C, so it cannot exhaust
    Python's stack; PyYAML's pure-Python composer recurses once or twice per level and would hit
    the recursion limit first, so it stops a little past MAX_DEPTH (the walker reports it).
    """
    import yaml

    if hasattr(yaml, "CSafeLoader"):
        return yaml.CSafeLoader
    return _depth_limited_loader()


def _depth_limited_loader() -> Any:
    import yaml

    class DepthLimitedSafeLoader(yaml.SafeLoader):  # type: ignore[misc]
        depth = 0

        def compose_node(self, parent: Any, index: Any) -> Any:
            self.depth += 1
            try:
                if self.depth > MAX_DEPTH + 1:  # +1: scalars are nodes here, not levels
                    mark = self.peek_event().start_mark
                    raise _TooDeepYAML(mark)
                return super().compose_node(parent, index)
            finally:
                self.depth -= 1

    return DepthLimitedSafeLoader


class _TooDeepYAML(Exception):
    def __init__(self, mark: Any) -> None:
        super().__init__("too deep")
        self.mark = mark


def load_yaml(text: str, file: str) -> Source:
    """Parse YAML text safely; duplicate keys and syntax errors become located problems."""
    import yaml  # CPython only; never on the browser path

    loader = _safe_loader_class()(text)
    try:
        try:
            node = loader.get_single_node()
        except _TooDeepYAML as exc:
            problem = too_deep(file, exc.mark.line + 1, exc.mark.column + 1)
            raise RubricError([problem]) from None
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
        with contextlib.suppress(_Abort):  # the reason is the last problem
            source.data = _walk_yaml(node, (), loader, source, problems, 1)
        if problems:
            raise RubricError(problems)
        return source
    finally:
        loader.dispose()


MAX_NODES = 200_000  # aliases can multiply a small file into a huge one ("billion laughs")


def _walk_yaml(
    node: Any, path: Path_, loader: Any, src: Source, problems: list[Problem], depth: int
) -> Any:
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
    is_collection = isinstance(node, (yaml.MappingNode, yaml.SequenceNode))
    if is_collection and depth > MAX_DEPTH:
        # Stop here: an alias can make a collection contain itself (&a [*a]), and below this
        # point nothing is flattened or checked, so no later step may walk on.
        line, col = src.positions[path]
        problems.append(too_deep(src.file, line, col))  # the line says where; the path is long
        raise _Abort
    if isinstance(node, yaml.MappingNode):
        try:
            _flatten_merges(node, loader)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark
            problems.append(
                Problem(src.file, mark.line + 1, mark.column + 1, "", f"YAML error: {exc.problem}")
            )
            return {}
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            line, col = key_node.start_mark.line + 1, key_node.start_mark.column + 1
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _PLAIN_TAGS:
                problems.append(Problem(src.file, line, col, _fmt(path), "keys must be plain text"))
                continue
            ok, raw_key = _scalar(key_node, loader, src.file, _fmt(path), problems)
            if not ok:
                continue
            key = str(raw_key)
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
            out[key] = _walk_yaml(value_node, (*path, key), loader, src, problems, depth + 1)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [
            _walk_yaml(item, (*path, i), loader, src, problems, depth + 1)
            for i, item in enumerate(node.value)
        ]
    return _scalar(node, loader, src.file, _fmt(path), problems)[1]


def _scalar(
    node: Any, loader: Any, file: str, field_: str, problems: list[Problem]
) -> tuple[bool, Any]:
    """A scalar's plain value, or (False, None) with a located problem; never an exception."""
    import yaml

    line, col = node.start_mark.line + 1, node.start_mark.column + 1
    # Dates and other implicit types stay text: rubric fields are never dates, and building one
    # from "2024-13-45" raises instead of reporting.
    if node.tag == _TIMESTAMP:
        return True, node.value
    try:
        value = loader.construct_object(node)
    except ValueError as exc:
        # Decimal ints past Python's digit limit (str -> int); other ValueErrors are YAML's.
        if node.tag == _INT:
            problems.append(number_too_long(file, line, col, field_))
        else:
            problems.append(Problem(file, line, col, field_, f"YAML error: {exc}"))
        return False, None
    except (yaml.YAMLError, OverflowError) as exc:
        problems.append(Problem(file, line, col, field_, f"YAML error: {exc}"))
        return False, None
    if (
        isinstance(value, int)
        and not isinstance(value, bool)
        and not -_INT_LIMIT < value < _INT_LIMIT
    ):
        # Hex, octal, binary and 1:30:00 forms are built without the digit limit, but no
        # message could print them.
        problems.append(number_too_long(file, line, col, field_))
        return False, None
    if not isinstance(value, (str, int, float, bool, type(None))):
        value = node.value
    return True, value


def _flatten_merges(node: Any, loader: Any) -> None:
    """Apply merge keys (<<) deepest first, so PyYAML's recursive flattening stays one level deep.

    A chain of a thousand mappings each merging the one before would otherwise recurse a thousand
    times (the walker does not flatten mappings it refuses, such as those with a custom tag).
    """
    import yaml

    order: list[Any] = []
    seen: set[int] = set()
    stack: list[tuple[Any, bool]] = [(node, False)]
    while stack:
        current, children_done = stack.pop()
        if children_done:
            order.append(current)
            continue
        if id(current) in seen:
            continue
        seen.add(id(current))
        stack.append((current, True))
        for key_node, value_node in current.value:
            if key_node.tag != _MERGE:
                continue
            merged = [value_node] if isinstance(value_node, yaml.MappingNode) else []
            if isinstance(value_node, yaml.SequenceNode):
                merged = [n for n in value_node.value if isinstance(n, yaml.MappingNode)]
            stack.extend((m, False) for m in merged if id(m) not in seen)
    for mapping in order:
        loader.flatten_mapping(mapping)


_PLAIN_TAGS = frozenset(
    "tag:yaml.org,2002:" + t
    for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
)
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_INT = "tag:yaml.org,2002:int"
_MERGE = "tag:yaml.org,2002:merge"


def _fmt(path: Path_) -> str:
    from .errors import format_path

    return format_path(path)


def _encode_path(path: Path_) -> str:
    return "/".join(f"#{p}" if isinstance(p, int) else str(p) for p in path)


def _decode_path(text: str) -> Path_ | None:
    """A field path from its compiled form, or None when it is not one (a tampered file)."""
    if not text:
        return ()
    parts: list[object] = []
    for p in text.split("/"):
        if p.startswith("#"):
            if not p[1:].isascii() or not p[1:].isdigit() or len(p) > 12:
                return None
            parts.append(int(p[1:]))
        else:
            parts.append(p)
    return tuple(parts)


def _decode_positions(raw: object) -> dict[Path_, tuple[int, int]]:
    """The positions a compiled file carries, keeping only well-formed entries.

    Positions only improve messages, so a tampered map (wrong types, bad paths, absurd numbers)
    costs the line numbers it breaks, never the load.
    """
    positions: dict[Path_, tuple[int, int]] = {}
    if not isinstance(raw, dict):
        return positions
    for key, value in raw.items():
        path = _decode_path(key) if isinstance(key, str) else None
        if path is None or not isinstance(value, list) or len(value) != 2:
            continue
        line, col = value
        if all(
            type(n) is int and 1 <= n <= MAX_POSITION  # bool is not a position
            for n in (line, col)
        ):
            positions[path] = (line, col)
    return positions


_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_JSON_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')
_BRACKET_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def _json_too_deep(text: str, limit: int) -> tuple[int, int] | None:
    """Line and column of the first bracket nested past ``limit``, or None.

    Checked before parsing, because json's decoder recurses once per level. Strings are dropped
    (their brackets do not nest) and the rest is summed in C, so a normal file costs a fraction of
    its parse; only a file that is too deep is walked again to say where.
    """
    brackets = _JSON_NOT_BRACKET.sub("", _JSON_STRING.sub("", text))
    if len(brackets) <= limit:
        return None
    if max(accumulate(map(_BRACKET_STEP.__getitem__, brackets))) <= limit:
        return None
    depth = 0
    for m in _JSON_TOKEN.finditer(text):
        step = _BRACKET_STEP.get(m.group(), 0)
        depth += step
        if depth > limit:
            offset = m.start()
            return text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)
    return None  # pragma: no cover - the sum above said it goes past the limit


class _LongNumber(Exception):
    def __init__(self, digits: str) -> None:
        super().__init__(digits[:20])
        self.digits = digits


def _json_int(digits: str) -> int:
    """json's integer parser, refusing what no message could print (see MAX_INT_DIGITS)."""
    if len(digits.lstrip("-")) > MAX_INT_DIGITS:
        raise _LongNumber(digits)
    return int(digits)


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

    # One level more than YAML: a compiled file wraps the rubric in {"rubric": ...}.
    deep = _json_too_deep(text, MAX_DEPTH + 1)
    if deep is not None:
        raise RubricError([too_deep(file, *deep)])
    try:
        doc = json.loads(text, object_pairs_hook=no_duplicates, parse_int=_json_int)
    except json.JSONDecodeError as exc:
        raise RubricError(
            [Problem(file, exc.lineno, exc.colno, "", f"JSON syntax error: {exc.msg}")]
        ) from None
    except _LongNumber as exc:
        # The decoder does not say where; the first place those digits appear is the number
        # unless a string before it holds the same digits.
        offset = max(text.find(exc.digits), 0)
        line = text.count("\n", 0, offset) + 1
        raise RubricError(
            [number_too_long(file, line, offset - text.rfind("\n", 0, offset))]
        ) from None
    if isinstance(doc, dict) and "rubric" in doc and "positions" in doc:
        source = doc.get("source")
        name = source if isinstance(source, str) and source.strip() else file
        return Source(name, doc["rubric"], _decode_positions(doc["positions"]))
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
