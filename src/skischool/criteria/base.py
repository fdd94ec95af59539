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

from ..language import CONTEXT_FLAGS, Analysis
from ..platforms import limit_for
from ..result import TONE_DIMENSIONS, Finding
from ..schema import Field, ListOf, Num, Obj, OneOf, Str
from ..textmatch import Match, Phrase, PhraseSet, clip, line_col, normalize, phrase_problems

SEVERITIES = ("error", "warning", "suggestion")
ID_PATTERN = r"[a-z0-9][a-z0-9_-]*"
READABILITY_LIMIT = 20_000  # characters graded: far beyond any platform's reply limit
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
    # Others whose comments the post being answered holds (a thread's bystanders joining in,
    # named as the scenario names them): a reply may greet any of them.
    writers: tuple[str, ...] = ()

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
        # Results shared by the criteria of one check (see Matcher._first_in); keyed by object
        # ids that live as long as the rubric that made them.
        self.memo: dict[object, object] = {}

    @cached_property
    def platform_limit(self) -> int | None:
        return limit_for(self.scenario.platform, self.scenario.writes)

    @cached_property
    def analysis(self) -> Analysis:
        """Sentences and the context of every phrase (negated, quoted, offered, ...)."""
        return Analysis(self.norm)

    def sentence_quote(self, start: int, end: int) -> str:
        """The learner's sentence that holds [start, end), for ✓ evidence."""
        s = self.analysis.sentence_at(start)
        return clip(self.text[s.start : s.end], 120) if s else self.quote(start, end)

    @cached_property
    def grade(self) -> float:
        from ..readability import grade_level

        # The grade of a pasted essay is meaningless; its opening is what a reader meets.
        return grade_level(self.text[:READABILITY_LIMIT])

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
CONCEPT_ID_PATTERN = r"[a-z0-9][a-z0-9-]*"
CONCEPT_IDS = ListOf(Str(pattern=CONCEPT_ID_PATTERN), min_items=1)
CONCEPTS_FIELD = Field(
    "concepts",
    CONCEPT_IDS,
    "Named concepts from the shared lexicon (src/skischool/concepts/) whose phrasings count here.",
)
IGNORE_FIELD = Field(
    "ignore",
    ListOf(Str(enum=CONTEXT_FLAGS)),
    "Uses in which this criterion's own phrases do not count (negated, quoted, reported, "
    "offered, conditional, question). Concepts carry their own.",
)
# Context is judged for this many matches per phrase group; a hostile paste with more repeats
# counts the rest as written, so the work stays linear.
CONTEXT_LIMIT = 200

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
    Field(
        "lesson",
        Str(),
        "The lesson that teaches it: its path from the course root, e.g. "
        "'lessons/blue-square/01-fix-it-where-they-said-it'.",
    ),
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


@dataclass
class Group:
    """Phrases that share one rule for which uses count (a concept, or a criterion's own)."""

    phrases: PhraseSet
    ignore: frozenset[str]
    points_at: frozenset[str] | None = None
    suggest: str = ""
    concept: str = ""


class Matcher:
    """Finds the uses of a criterion's phrases and concepts that count, in text order."""

    def __init__(self, groups: list[Group]) -> None:
        self.groups = groups

    def hits(self, doc: Doc, limit: int | None = None) -> list[Match]:
        """The counted uses in text order; with ``limit``, only the first ``limit`` of them.

        Each group is scanned lazily and stops once it has ``limit`` counted uses, so finding a
        move early in a long paste never reads the rest of it.
        """
        out: list[Match] = []
        for g in self.groups:
            taken = 0
            for i, m in enumerate(g.phrases.iter_matches(doc.norm)):
                if i < CONTEXT_LIMIT and not self._counts(doc, g, m):
                    continue
                out.append(_with_suggest(g, m))
                taken += 1
                if limit is not None and taken >= limit:
                    break
        out.sort(key=lambda m: (m.start, -m.end))
        # Two concepts can match the same words ("if you'd read" is a put-down and a blame);
        # report each span once.
        unique: list[Match] = []
        for m in out:
            if not unique or (m.start, m.end) != (unique[-1].start, unique[-1].end):
                unique.append(m)
        return unique[:limit] if limit is not None else unique

    def first(self, doc: Doc) -> Match | None:
        """A counted use that proves the move, preferring the earliest.

        Whether a move is made does not depend on which phrasing is found first, so a group whose
        literal phrases already make the move skips its authors' regexes: they are the slow part
        of a check, and most moves are made in plain words.
        """
        best: Match | None = None
        for g in self.groups:
            hit = self._first_in(doc, g, "literal") or self._first_in(doc, g, "regex")
            if hit is not None and (best is None or hit.start < best.start):
                best = hit
        return best

    def _first_in(self, doc: Doc, g: Group, part: str) -> Match | None:
        key = (id(g), part)
        if key in doc.memo:
            return doc.memo[key]  # type: ignore[no-any-return]
        doc.memo[key] = found = self._scan_first(doc, g, part)
        return found

    def _scan_first(self, doc: Doc, g: Group, part: str) -> Match | None:
        for i, m in enumerate(g.phrases.iter_matches(doc.norm, part)):
            if i >= CONTEXT_LIMIT or self._counts(doc, g, m):
                return _with_suggest(g, m)
        return None

    @staticmethod
    def _counts(doc: Doc, g: Group, m: Match) -> bool:
        if g.ignore and doc.analysis.context(m.start, m.end).flags() & g.ignore:
            return False
        return g.points_at is None or doc.analysis.points_at(m.start, m.end) in g.points_at


def _with_suggest(g: Group, m: Match) -> Match:
    """A concept's own suggestion, for its phrases that carry none."""
    if g.suggest and not m.phrase.suggest:
        return Match(replace(m.phrase, suggest=g.suggest), m.start, m.end)
    return m


def matcher(
    data: dict[str, Any],
    key: str,
    default_ignore: tuple[str, ...],
    *,
    exceptions: bool = True,
    concepts_key: str = "concepts",
) -> Matcher:
    """The phrases under ``key`` plus the named concepts, with the rubric's exceptions applied."""
    from ..concepts import lexicon

    own_exc = [phrase_from(p) for p in data.get("exceptions", [])] if exceptions else []
    groups: list[Group] = []
    if data.get(key):
        ignore = frozenset(data.get("ignore", default_ignore))
        groups.append(
            Group(PhraseSet([phrase_from(p) for p in data[key]], own_exc or None), ignore)
        )
    known = lexicon()
    for cid in data.get(concepts_key) or []:
        groups.append(_concept_group(known[cid], tuple(own_exc)))
    return Matcher(groups)


_CONCEPT_GROUPS: dict[tuple[object, ...], Group] = {}


def _concept_group(c: Any, own_exc: tuple[Phrase, ...]) -> Group:
    """One Group per concept and rubric exceptions, shared by every criterion that names it.

    Sharing lets a check scan a concept once per reply however many criteria ask for it (a
    crisis rubric asks for 'feeling' twice), through the per-reply memo in Matcher.
    """
    key = (c.id, c.file, own_exc)
    group = _CONCEPT_GROUPS.get(key)
    if group is None:
        exc = [phrase_from(p) for p in c.exceptions] + list(own_exc)
        phrases = [phrase_from(p) for p in c.phrases]
        group = Group(PhraseSet(phrases, exc or None), c.ignore, c.points_at, c.suggest, c.id)
        if len(_CONCEPT_GROUPS) < 4096:
            _CONCEPT_GROUPS[key] = group
    return group


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

    # Keys holding phrase lists, checked for regex safety by check_config.
    phrase_keys: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def check_config(
        cls, data: dict[str, Any], rubric: dict[str, Any]
    ) -> list[tuple[tuple[object, ...], str]]:
        """What a shape cannot say about this type's fields; (field path, problem) pairs.

        Each type decodes its own fields here (as Vale's checks do), so the loader never needs
        to know a type's private keys. Subclasses extend it and call super().
        """
        problems: list[tuple[tuple[object, ...], str]] = []
        allowed = cls.placeholders or ALWAYS_PLACEHOLDERS
        for key in ("message", "why", "hint"):
            if key in data:
                bad = unknown_placeholders(data[key], allowed)
                if bad:
                    names = ", ".join("{" + a + "}" for a in cls.placeholders)
                    problems.append(
                        ((key,), f"unknown placeholder {{{bad[0]}}}; expected one of {names}")
                    )
        for key in (*cls.phrase_keys, "exceptions"):
            for j, ph in enumerate(data.get(key) or []):
                problems.extend(phrase_problems(ph, (key, j)))
        from ..concepts import lexicon
        from ..schema import _did_you_mean

        for ckey in ("concepts", "also_concepts", "unless"):
            if ckey not in data:
                continue
            known = lexicon()
            for j, cid in enumerate(data[ckey]):
                if cid not in known:
                    problems.append(
                        (
                            (ckey, j),
                            f"unknown concept '{cid}'{_did_you_mean(cid, list(known))}; "
                            f"expected one of: {', '.join(sorted(known))}",
                        )
                    )
        return problems

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


# How many ids an "expected one of" message lists: with thousands of criteria and thousands of
# bad references, listing them all made the messages quadratic in size.
MAX_LISTED_IDS = 20


def one_of(ids: set[str] | list[str]) -> str:
    """The ids an author may use, shortened: a message names a handful, not thousands."""
    names = sorted(set(ids))
    shown = ", ".join(names[:MAX_LISTED_IDS])
    more = len(names) - MAX_LISTED_IDS
    return f"{shown}, and {more} more" if more > 0 else shown


def min_above_max(data: dict[str, Any]) -> list[tuple[tuple[object, ...], str]]:
    """A 'min' above a 'max' makes a criterion impossible to meet (length, count)."""
    lo, hi = data.get("min"), data.get("max")
    if isinstance(lo, int) and isinstance(hi, int) and lo > hi:
        message = (
            f"min {lo} is above max {hi}, so this criterion can never be met and no reply can pass"
        )
        return [(("min",), message)]
    return []


def phrase_set(data: dict[str, Any], key: str = "phrases") -> PhraseSet:
    """A plain phrase list with the criterion's exceptions (no concepts, no context)."""
    exceptions = [phrase_from(p) for p in data.get("exceptions", [])]
    return PhraseSet([phrase_from(p) for p in data.get(key, [])], exceptions or None)


EXCEPTIONS_FIELD = Field(
    "exceptions",
    ListOf(PHRASE, min_items=1),
    "Phrases in which a match does not count (e.g. 'privacy policy' when avoiding 'policy').",
)
