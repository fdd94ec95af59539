"""What every criterion type shares: its declared fields, its examples, and how it reports.

A criterion type is a small declarative object in the manner of proselint's checks: it declares
the fields a rubric may set, the tone dimensions it speaks to, and example texts that must pass
and fail. One test table runs every type's examples.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, ClassVar

from ..platforms import limit_for
from ..result import TONE_DIMENSIONS, Finding
from ..schema import Field, ListOf, Num, Obj, OneOf, Str
from ..textmatch import Match, Phrase, PhraseSet, clip, line_col, normalize

SEVERITIES = ("error", "warning", "suggestion")
ID_PATTERN = r"[a-z0-9][a-z0-9_-]*"
MAX_FINDINGS = 10  # per criterion: a 1 MB paste must not produce a million findings


@dataclass(frozen=True)
class Author:
    name: str = ""
    handle: str = ""


@dataclass(frozen=True)
class Scenario:
    """The post a learner replies to."""

    platform: str = ""
    author: Author = field(default_factory=Author)
    post: str = ""
    context: str = ""
    writes: str = "reply"  # "post" when the learner writes a post of their own from a brief

    def overridden(self, platform: str = "", name: str = "", handle: str = "") -> Scenario:
        """The same scenario with the platform or author given at check time (CLI, API)."""
        author = replace(
            self.author, name=name or self.author.name, handle=handle or self.author.handle
        )
        return replace(self, platform=platform or self.platform, author=author)


class Doc:
    """The learner's reply, normalised once and shared by every criterion in one check."""

    def __init__(self, text: str, scenario: Scenario | None) -> None:
        self.text = text
        self.norm = normalize(text)
        self.scenario = scenario or Scenario()

    @cached_property
    def platform_limit(self) -> int | None:
        return limit_for(self.scenario.platform, self.scenario.writes)

    @cached_property
    def grade(self) -> float:
        from ..readability import grade_level

        return grade_level(self.text)

    def quote(self, start: int, end: int) -> str:
        return clip(self.text[start:end])


PHRASE_OBJ = Obj(
    "phrase",
    [
        Field("phrase", Str(), "Words to look for (word-bounded, any case, any quote style)."),
        Field(
            "regex",
            Str(max_length=500),
            "A regular expression instead of words (checked for safety).",
        ),
        Field("suggest", Str(), "What to write instead, shown to the learner."),
    ],
    doc="A phrase with a suggested alternative, or a regular expression.",
)
PHRASE = OneOf([Str(), PHRASE_OBJ], label="a phrase (text) or a mapping with 'phrase' or 'regex'")
PHRASES = ListOf(PHRASE, min_items=1)

COMMON_FIELDS: list[Field] = [
    Field("id", Str(pattern=ID_PATTERN), "Short unique name, e.g. 'no-dm'.", required=True),
    Field("type", Str(), "The criterion type.", required=True),
    Field("title", Str(), "A few words naming what this criterion looks for."),
    Field(
        "weight",
        Num(exclusive_minimum=0, maximum=100),
        "How much it counts toward the score.",
        default=1,
    ),
    Field(
        "severity",
        Str(enum=SEVERITIES),
        "'error' blocks a pass; the others do not.",
        default="warning",
    ),
    Field(
        "message",
        Str(),
        "What the learner is told when it is not met. May use {match}.",
        required=True,
    ),
    Field("why", Str(), "Why it matters: the reason behind the habit.", required=True),
    Field("hint", Str(), "A better move to try, without giving the model answer away."),
    Field("lesson", Str(), "The lesson that teaches it (a page path or URL)."),
    Field(
        "tone",
        ListOf(Str(enum=tuple(TONE_DIMENSIONS)), min_items=1),
        "Tone dimensions this speaks to.",
    ),
]


def phrase_from(data: Any) -> Phrase:
    """Build a Phrase from its rubric form (plain text, or a mapping)."""
    if isinstance(data, str):
        return Phrase(data)
    if "regex" in data:
        return Phrase(data["regex"], is_regex=True, suggest=data.get("suggest", ""))
    return Phrase(data["phrase"], suggest=data.get("suggest", ""))


@dataclass
class TypeExample:
    """A worked example for a criterion type: a config, texts that pass and texts that fail."""

    config: dict[str, Any]
    passes: list[str]
    fails: list[str]
    scenario: Scenario | None = None
    companions: list[dict[str, Any]] = field(default_factory=list)


class Criterion:
    """Base class. Subclasses declare ``type_name``, ``fields``, ``tone_default``, ``examples``."""

    type_name: ClassVar[str] = ""
    doc: ClassVar[str] = ""
    fields: ClassVar[list[Field]] = []
    placeholders: ClassVar[tuple[str, ...]] = ()
    tone_default: ClassVar[tuple[str, ...]] = ()
    examples: ClassVar[list[TypeExample]] = []

    def __init__(self, data: dict[str, Any]) -> None:
        self.id: str = data["id"]
        self.title: str = data.get("title") or data["id"].replace("-", " ").replace("_", " ")
        self.weight: float = float(data.get("weight", 1))
        self.severity: str = data.get("severity", "warning")
        self.message: str = data["message"]
        self.why: str = data["why"]
        self.hint: str = data.get("hint", "")
        self.lesson: str = data.get("lesson", "")
        self.tone: tuple[str, ...] = tuple(data.get("tone") or self.tone_default)
        self.data = data

    @classmethod
    def shape(cls) -> Obj:
        """The declared object shape for this type (common fields plus its own)."""
        return Obj(f"{cls.type_name} criterion", COMMON_FIELDS + cls.fields, doc=cls.doc)

    def link(self, criteria: dict[str, Criterion]) -> list[tuple[tuple[object, ...], str]]:
        """Resolve references to other criteria; returns (field path, problem) pairs."""
        return []

    def evaluate(self, doc: Doc) -> tuple[bool | None, list[Finding], str]:
        """Return (met, findings, evidence). ``met`` None means "does not apply here"."""
        raise NotImplementedError

    # -- helpers for subclasses -------------------------------------------------------------
    def finding(
        self,
        doc: Doc,
        *,
        span: tuple[int, int] | None = None,
        values: dict[str, object] | None = None,
        suggestion: str | None = None,
    ) -> Finding:
        vals = dict(values or {})
        quote = ""
        start = end = line = column = None
        if span is not None:
            start, end = span
            quote = doc.quote(start, end)
            vals.setdefault("match", quote)
            line, column = line_col(doc.text, start)
        vals.setdefault("name", person(doc))
        return Finding(
            criterion=self.id,
            severity=self.severity,
            message=fill(self.message, vals),
            why=fill(self.why, vals),
            suggestion=fill(suggestion if suggestion is not None else self.hint, vals),
            quote=quote,
            start=start,
            end=end,
            line=line,
            column=column,
            lesson=self.lesson,
        )

    def match_findings(self, doc: Doc, matches: list[Match]) -> list[Finding]:
        return [
            self.finding(
                doc,
                span=(m.start, m.end),
                values={"suggest": m.phrase.suggest},
                suggestion=_suggestion(m.phrase.suggest, self.hint),
            )
            for m in matches[:MAX_FINDINGS]
        ]


def person(doc: Doc) -> str:
    """How feedback names the post's author: first name, handle, or "the person" when unknown."""
    a = doc.scenario.author
    first = a.name.split()[0] if a.name.strip() else ""
    return first or a.handle or "the person"


def _suggestion(suggest: str, hint: str) -> str:
    if suggest and hint:
        return f"Try “{suggest}”. {hint}"
    if suggest:
        return f"Try “{suggest}”."
    return hint


_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
ALWAYS_PLACEHOLDERS = ("match", "name")


def fill(template: str, values: dict[str, object]) -> str:
    """Replace known {placeholders}; anything else stays as written (no str.format surprises)."""
    if "{" not in template:
        return template
    return _PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), m.group(0))), template)


def unknown_placeholders(template: str, allowed: tuple[str, ...]) -> list[str]:
    return [p for p in _PLACEHOLDER.findall(template) if p not in allowed]


def phrase_set(data: dict[str, Any], key: str = "phrases") -> PhraseSet:
    exceptions = [phrase_from(p) for p in data.get("exceptions", [])]
    return PhraseSet([phrase_from(p) for p in data.get(key, [])], exceptions or None)


EXCEPTIONS_FIELD = Field(
    "exceptions",
    ListOf(PHRASE, min_items=1),
    "Phrases in which a match does not count (e.g. 'privacy policy' when avoiding 'policy').",
)
