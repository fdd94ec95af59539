"""The rubric format as data: one declaration drives both validation and the JSON Schema.

Keeping a single declaration means the published schema (for editor autocomplete) can never
drift from what the loader actually accepts. Pure Python, so validation is as strict in the
browser as on a workstation.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from .errors import Problem, format_path
from .source import Source

Path_ = tuple[object, ...]


class Type:
    """A shape a field's value must have."""

    expected: str = "a value"

    def check(self, value: Any, path: Path_, v: Validator) -> None:  # pragma: no cover
        raise NotImplementedError

    def json_schema(self) -> dict[str, Any]:  # pragma: no cover
        raise NotImplementedError


@dataclass
class Str(Type):
    enum: tuple[str, ...] | None = None
    nonempty: bool = True
    pattern: str | None = None
    max_length: int | None = None

    @property
    def expected(self) -> str:  # type: ignore[override]
        if self.enum:
            return "one of " + ", ".join(repr(e) for e in self.enum)
        return "non-empty text" if self.nonempty else "text"

    def check(self, value: Any, path: Path_, v: Validator) -> None:
        if isinstance(value, bool):
            word = "true/yes/on" if value else "false/no/off"
            v.add(
                path,
                f"got {word}, which YAML reads as true/false; put it in quotes to use it as text",
            )
            return
        if not isinstance(value, str):
            v.wrong_type(path, value, self.expected)
            return
        if self.nonempty and not value.strip():
            v.add(path, f"must not be empty; expected {self.expected}")
        elif self.enum and value not in self.enum:
            v.add(
                path,
                f"'{value}' is not allowed; expected {self.expected}{_did_you_mean(value, self.enum)}",
            )
        elif self.pattern and not re.fullmatch(self.pattern, value):
            v.add(path, f"'{value}' is not valid; expected text matching {self.pattern}")
        elif self.max_length is not None and len(value) > self.max_length:
            v.add(path, f"is {len(value)} characters; expected at most {self.max_length}")

    def json_schema(self) -> dict[str, Any]:
        s: dict[str, Any] = {"type": "string"}
        if self.enum:
            s["enum"] = list(self.enum)
        if self.nonempty:
            s["minLength"] = 1
        if self.pattern:
            s["pattern"] = f"^(?:{self.pattern})$"
        if self.max_length is not None:
            s["maxLength"] = self.max_length
        return s


@dataclass
class Num(Type):
    integer: bool = False
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: float | None = None

    @property
    def expected(self) -> str:  # type: ignore[override]
        kind = "a whole number" if self.integer else "a number"
        bounds = []
        if self.exclusive_minimum is not None:
            bounds.append(f"greater than {self.exclusive_minimum:g}")
        if self.minimum is not None:
            bounds.append(f"at least {self.minimum:g}")
        if self.maximum is not None:
            bounds.append(f"at most {self.maximum:g}")
        return kind + (" " + " and ".join(bounds) if bounds else "")

    def check(self, value: Any, path: Path_, v: Validator) -> None:
        ok_type = isinstance(value, int) if self.integer else isinstance(value, (int, float))
        if isinstance(value, bool) or not ok_type:
            v.wrong_type(path, value, self.expected)
            return
        if value != value or value in (float("inf"), float("-inf")):
            v.add(path, f"expected {self.expected}")
        elif (
            (self.minimum is not None and value < self.minimum)
            or (self.maximum is not None and value > self.maximum)
            or (self.exclusive_minimum is not None and value <= self.exclusive_minimum)
        ):
            v.add(path, f"is {value}; expected {self.expected}")

    def json_schema(self) -> dict[str, Any]:
        s: dict[str, Any] = {"type": "integer" if self.integer else "number"}
        if self.minimum is not None:
            s["minimum"] = self.minimum
        if self.maximum is not None:
            s["maximum"] = self.maximum
        if self.exclusive_minimum is not None:
            s["exclusiveMinimum"] = self.exclusive_minimum
        return s


class Bool(Type):
    expected = "true or false"

    def check(self, value: Any, path: Path_, v: Validator) -> None:
        if not isinstance(value, bool):
            v.wrong_type(path, value, self.expected)

    def json_schema(self) -> dict[str, Any]:
        return {"type": "boolean"}


@dataclass
class ListOf(Type):
    item: Type
    min_items: int = 0
    max_items: int | None = None

    @property
    def expected(self) -> str:  # type: ignore[override]
        return f"a list of {self.item.expected}"

    def check(self, value: Any, path: Path_, v: Validator) -> None:
        if not isinstance(value, list):
            v.wrong_type(path, value, self.expected)
            return
        if len(value) < self.min_items:
            what = (
                "must not be empty"
                if self.min_items == 1
                else f"needs at least {self.min_items} entries"
            )
            v.add(path, f"{what}; expected {self.expected}")
        if self.max_items is not None and len(value) > self.max_items:
            v.add(path, f"has {len(value)} entries; expected at most {self.max_items}")
        for i, item in enumerate(value):
            self.item.check(item, (*path, i), v)

    def json_schema(self) -> dict[str, Any]:
        s: dict[str, Any] = {"type": "array", "items": self.item.json_schema()}
        if self.min_items:
            s["minItems"] = self.min_items
        if self.max_items is not None:
            s["maxItems"] = self.max_items
        return s


@dataclass
class Field:
    """One key of an object, with the documentation shown in editors and in the book."""

    name: str
    type: Type
    doc: str
    required: bool = False
    default: Any = None


@dataclass
class Obj(Type):
    name: str
    fields: list[Field]
    doc: str = ""

    @property
    def expected(self) -> str:  # type: ignore[override]
        return f"a mapping ({self.name})"

    def field_map(self) -> dict[str, Field]:
        return {f.name: f for f in self.fields}

    def check(self, value: Any, path: Path_, v: Validator) -> None:
        if not isinstance(value, dict):
            v.wrong_type(path, value, self.expected)
            return
        known = self.field_map()
        for key in value:
            if key not in known:
                hint = _did_you_mean(key, list(known))
                allowed = ", ".join(known)
                v.add_key(
                    (*path, key),
                    f"unknown key '{key}' in {self.name}{hint}; expected one of: {allowed}",
                )
        for f in self.fields:
            if f.name in value:
                f.type.check(value[f.name], (*path, f.name), v)
            elif f.required:
                v.add(path, f"missing required key '{f.name}' ({f.type.expected}): {f.doc}")

    def json_schema(self) -> dict[str, Any]:
        props = {}
        for f in self.fields:
            s = dict(f.type.json_schema())
            s["description"] = f.doc
            if f.default is not None:
                s["default"] = f.default
            props[f.name] = s
        out: dict[str, Any] = {
            "type": "object",
            "properties": props,
            "additionalProperties": False,
        }
        if self.doc:
            out["description"] = self.doc
        required = [f.name for f in self.fields if f.required]
        if required:
            out["required"] = required
        return out


@dataclass
class OneOf(Type):
    """Either of several shapes, picked by the value's Python type (str vs mapping, and so on)."""

    options: list[Type]
    label: str = ""

    @property
    def expected(self) -> str:  # type: ignore[override]
        return self.label or " or ".join(o.expected for o in self.options)

    def check(self, value: Any, path: Path_, v: Validator) -> None:
        for opt in self.options:
            if _accepts_type(opt, value):
                opt.check(value, path, v)
                return
        v.wrong_type(path, value, self.expected)

    def json_schema(self) -> dict[str, Any]:
        return {"anyOf": [o.json_schema() for o in self.options]}


def _accepts_type(t: Type, value: Any) -> bool:
    if isinstance(t, Str):
        return isinstance(value, str)
    if isinstance(t, Num):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if isinstance(t, Bool):
        return isinstance(value, bool)
    if isinstance(t, ListOf):
        return isinstance(value, list)
    if isinstance(t, (Obj, Tagged)):
        return isinstance(value, dict)
    return False


@dataclass
class Tagged(Type):
    """A mapping whose ``tag`` key picks which object shape applies (criterion types)."""

    tag: str
    variants: dict[str, Obj]
    label: str = "criterion"

    @property
    def expected(self) -> str:  # type: ignore[override]
        return f"a mapping ({self.label})"

    def check(self, value: Any, path: Path_, v: Validator) -> None:
        if not isinstance(value, dict):
            v.wrong_type(path, value, self.expected)
            return
        kind = value.get(self.tag)
        names = tuple(self.variants)
        if kind is None:
            v.add(path, f"missing required key '{self.tag}'; expected one of {', '.join(names)}")
            return
        if not isinstance(kind, str) or kind not in self.variants:
            hint = _did_you_mean(str(kind), names)
            v.add(
                (*path, self.tag),
                f"unknown {self.label} type '{kind}'{hint}; expected one of {', '.join(names)}",
            )
            return
        self.variants[kind].check(value, path, v)

    def json_schema(self) -> dict[str, Any]:
        out = []
        for name, obj in self.variants.items():
            s = obj.json_schema()
            s["properties"][self.tag] = {"const": name, "description": obj.doc}
            out.append(s)
        return {"oneOf": out}


def _did_you_mean(word: str, choices: Any) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _type_name(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


@dataclass
class Validator:
    """Collects every problem in one pass so authors fix them all at once."""

    source: Source
    problems: list[Problem] = field(default_factory=list)

    def add(self, path: Path_, message: str) -> None:
        line, col = self.source.where(path)
        self.problems.append(Problem(self.source.file, line, col, format_path(path), message))

    def add_key(self, path: Path_, message: str) -> None:
        line, col = self.source.key_position(path)
        self.problems.append(Problem(self.source.file, line, col, format_path(path), message))

    def wrong_type(self, path: Path_, value: Any, expected: str) -> None:
        self.add(path, f"got {_type_name(value)}; expected {expected}")


def validate(source: Source, shape: Type) -> list[Problem]:
    """Check plain data against a declared shape; returns every problem found."""
    v = Validator(source)
    shape.check(source.data, (), v)
    return v.problems
