"""Load-time safety check for rubric authors' regular expressions.

Python's ``re`` is a backtracking engine: a pattern such as ``(a+)+$`` takes exponential time on
``"aaaa…b"``, and there is no timeout we could use in the browser (no threads, no signals). So a
pattern is rejected *before* it is ever run if its shape allows catastrophic backtracking.

The rules are conservative (they reject some harmless patterns) and structural: they walk the
parse tree of the stdlib parser, so the verdict takes time linear in the (short) pattern and never
runs the pattern itself. Rejected:

* nested quantifiers: a group repeated more than once containing an unbounded repeat
  (``(a+)+``, ``(.*a){3}``) or an optional/variable-length part (``(a?a)+``, ``(a{1,5}){10}``);
* alternatives inside a repeated group unless each starts with a different literal character
  (``(a|aa)+``);
* two unbounded repeats in a row over overlapping characters (``\\w+\\w+``, ``.*\\s*.*``);
* backreferences, conditional groups, lookarounds containing unbounded repeats;
* invalid patterns, patterns that cannot be embedded in a larger one, and very long ones.

What it cannot prevent: a backtracking ``search`` retries the pattern at every start position, so
even accepted patterns such as ``[a-z]+@[a-z]+\\.com`` take O(n²) time (``sorry.*please.*dm``:
O(n³)) on adversarial text; 100 000 ``a`` characters take over a minute for the first one in
CPython. Callers must bound the length of the text they search.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from typing import Any

try:  # Python 3.11+ (and Pyodide)
    import re._parser as _parser  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse as _parser

__all__ = [
    "MAX_PATTERN_LENGTH",
    "SMALL_REPEAT",
    "UnsafePatternError",
    "check_pattern",
    "compile_safe",
]

MAX_PATTERN_LENGTH = 500
SMALL_REPEAT = 10  # a repeat allowing more copies than this counts as unbounded ({1,1000} too)

REASON_TOO_LONG = f"pattern is longer than {MAX_PATTERN_LENGTH} characters; split it up"
REASON_NOT_STR = "pattern must be a string"
REASON_NESTED = (
    "nested quantifier: a repeated group contains another unbounded repeat, which can take "
    "exponential time (e.g. (a+)+)"
)
REASON_NESTED_VARIABLE = (
    "nested quantifier: a repeated group contains an optional or variable-length part, which can "
    "take exponential time (e.g. (a?a)+ or (a{1,5}){10})"
)
REASON_BRANCH = (
    "ambiguous alternation in a repeat: inside a repeated group every alternative must start "
    "with a different literal character, otherwise matching can take exponential time "
    "(e.g. (a|aa)+)"
)
REASON_ADJACENT = (
    "adjacent unbounded repeats over overlapping characters (e.g. \\w+\\w+ or .*.*) can take "
    "polynomial time; merge them into one repeat"
)
REASON_BACKREF = "backreferences (\\1, (?P=name)) are not allowed: their matching time is unbounded"
REASON_CONDITIONAL = "conditional groups (?(1)yes|no) are not allowed"
REASON_LOOKAROUND = (
    "lookahead/lookbehind containing an unbounded repeat (e.g. (?=.*x)) is not allowed: it is "
    "re-run at every position"
)
REASON_TOO_DEEP = "pattern is nested too deeply"

_LITERAL = _parser.LITERAL
_NOT_LITERAL = _parser.NOT_LITERAL
_ANY = _parser.ANY
_IN = _parser.IN
_RANGE = _parser.RANGE
_NEGATE = _parser.NEGATE
_CATEGORY = _parser.CATEGORY
_AT = _parser.AT
_BRANCH = _parser.BRANCH
_SUBPATTERN = _parser.SUBPATTERN
_ASSERTS = (_parser.ASSERT, _parser.ASSERT_NOT)
_GROUPREF = _parser.GROUPREF
_GROUPREF_EXISTS = _parser.GROUPREF_EXISTS
_ATOMIC = getattr(_parser, "ATOMIC_GROUP", None)  # 3.11+
_REPEATS = tuple(
    op
    for op in (
        _parser.MAX_REPEAT,
        _parser.MIN_REPEAT,
        getattr(_parser, "POSSESSIVE_REPEAT", None),  # 3.11+
    )
    if op is not None
)
_SINGLE_CHAR_OPS = (_LITERAL, _NOT_LITERAL, _ANY, _IN)

# Membership tests for \d \s \w and friends (Unicode meaning: a superset of the ASCII one).
_CATEGORY_TESTS: dict[str, Callable[[str], bool]] = {
    "CATEGORY_DIGIT": str.isdecimal,
    "CATEGORY_SPACE": str.isspace,
    "CATEGORY_WORD": lambda c: c.isalnum() or c == "_",
    "CATEGORY_LINEBREAK": lambda c: c == "\n",
}
# Characters tried when deciding whether two character sets overlap, besides their own literals
# and range ends: one of each kind the categories distinguish.
_PROBES = "aAzZ09_ \t\n\r\x0b\x0c\x00.,-@#!?'\"/:\\é中٣\u00a0\u2028\U0001f600"


class UnsafePatternError(ValueError):
    """A rubric pattern that is invalid or could backtrack catastrophically."""

    def __init__(self, pattern: str, reason: str) -> None:
        super().__init__(reason)
        self.pattern = pattern
        self.reason = reason


def _unbounded(hi: int) -> bool:
    return hi > SMALL_REPEAT


def _body(av: Any) -> Any:
    """The sub-pattern inside a SUBPATTERN node (its last field in every Python version)."""
    return av[-1]


def _single_char(seq: Any) -> tuple[Any, Any] | None:
    """The one-character item a repeat body consists of (``\\w``, ``[a-z]``, ``(?:x)``), if so."""
    while len(seq) == 1:
        op, av = seq[0]
        if op in _SINGLE_CHAR_OPS:
            return op, av
        if op is not _SUBPATTERN:
            return None
        seq = _body(av)
    return None


def _set_has(items: Any, ch: str) -> bool:
    """Does the character-class item list of an IN node contain ``ch`` (case-sensitively)?"""
    for op, av in items:
        if op is _LITERAL and chr(av) == ch:
            return True
        if op is _RANGE and av[0] <= ord(ch) <= av[1]:
            return True
        if op is _CATEGORY:
            name = str(av).upper()
            negated = "_NOT_" in name
            test = _CATEGORY_TESTS.get(name.replace("_NOT_", "_"))
            if test is None or bool(test(ch)) != negated:
                return True  # unknown category: assume it matches (conservative)
    return False


def _char_matches(item: tuple[Any, Any], ch: str) -> bool:
    """Could the one-character item match ``ch``? Errs towards yes (case-insensitive, DOTALL)."""
    op, av = item
    if op is _ANY:
        return True
    if op is _NOT_LITERAL:
        return chr(av) != ch
    variants = {ch, ch.lower(), ch.upper()}
    if op is _LITERAL:
        return chr(av) in variants
    negated = bool(av) and av[0][0] is _NEGATE
    if negated:  # case variants would make a negated set smaller: test the character as is
        return not _set_has(av[1:], ch)
    return any(_set_has(av, v) for v in variants)


def _candidates(item: tuple[Any, Any]) -> set[str]:
    """Characters named by an item (literals and range ends), to probe overlaps with."""
    op, av = item
    if op in (_LITERAL, _NOT_LITERAL):
        return {chr(av)}
    if op is _IN:
        out: set[str] = set()
        for sub_op, sub_av in av:
            if sub_op is _LITERAL:
                out.add(chr(sub_av))
            elif sub_op is _RANGE:
                out.update((chr(sub_av[0]), chr(sub_av[1])))
        return out
    return set()


def _overlap(a: tuple[Any, Any], b: tuple[Any, Any]) -> bool:
    """Can some character match both one-character items? (Probed, so approximate.)"""
    for ch in {*_PROBES, *_candidates(a), *_candidates(b)}:
        if _char_matches(a, ch) and _char_matches(b, ch):
            return True
    return False


def _flatten(seq: Any) -> list[tuple[Any, Any]]:
    """A sequence with un-quantified groups inlined: ``(\\w+)\\w+`` is two repeats in a row."""
    out: list[tuple[Any, Any]] = []
    for op, av in seq:
        if op is _SUBPATTERN:
            out.extend(_flatten(_body(av)))
        else:
            out.append((op, av))
    return out


def _can_be_empty(op: Any, av: Any) -> bool:
    """Zero-width or optional items that two repeats can sit on either side of."""
    return op is _AT or op in _ASSERTS or (op in _REPEATS and av[0] == 0)


def _adjacent_repeats(seq: Any) -> bool:
    """Two unbounded one-character repeats that overlap, with only optional items between."""
    flat = _flatten(seq)
    for i, (op, av) in enumerate(flat):
        if op not in _REPEATS or not _unbounded(av[1]):
            continue
        first = _single_char(av[2])
        if first is None:
            continue
        for op2, av2 in flat[i + 1 :]:
            if op2 in _REPEATS and _unbounded(av2[1]):
                second = _single_char(av2[2])
                if second is not None and _overlap(first, second):
                    return True
            if not _can_be_empty(op2, av2):
                break
    return False


def _first_literal(seq: Any) -> int | None:
    """The literal character an alternative must start with, looking into plain groups."""
    while seq:
        op, av = seq[0]
        if op is _LITERAL:
            return int(av)
        if op is not _SUBPATTERN:
            return None
        seq = _body(av)
    return None


def _distinct_starts(branches: Any) -> bool:
    """Does every alternative start with its own literal character (ignoring case)?"""
    seen: set[str] = set()
    for branch in branches:
        code = _first_literal(branch)
        if code is None:
            return False
        ch = chr(code)
        keys = {ch.lower(), ch.upper().lower(), ch.casefold()}
        if keys & seen:
            return False
        seen |= keys
    return True


def _walk(seq: Any, in_many: bool, in_look: bool) -> str | None:
    """First reason found in a sequence, given the repeats and lookarounds around it.

    ``in_many``: inside a repeat that can run more than once. Even a small count multiplies:
    ``(.*a){3}x`` is O(n^4) and ``(a{1,5}){10}$`` tries 5^10 splits, so any count > 1 counts.
    """
    for op, av in seq:
        reason: str | None = None
        if op in _REPEATS:
            lo, hi, body = av
            unbounded = _unbounded(hi)
            if unbounded and in_look:
                return REASON_LOOKAROUND
            if in_many and unbounded:
                return REASON_NESTED
            if in_many and lo != hi:
                return REASON_NESTED_VARIABLE
            reason = _walk(body, in_many or hi > 1, in_look)
        elif op is _SUBPATTERN:
            reason = _walk(_body(av), in_many, in_look)
        elif _ATOMIC is not None and op is _ATOMIC:
            reason = _walk(av, in_many, in_look)
        elif op is _BRANCH:
            branches = av[1]
            if in_many and not _distinct_starts(branches):
                return REASON_BRANCH
            for branch in branches:
                reason = reason or _walk(branch, in_many, in_look)
        elif op in _ASSERTS:
            reason = _walk(av[1], in_many, True)
        elif op is _GROUPREF:
            return REASON_BACKREF
        elif op is _GROUPREF_EXISTS:
            return REASON_CONDITIONAL
        if reason:
            return reason
    return REASON_ADJACENT if _adjacent_repeats(seq) else None


def check_pattern(pattern: str, flags: int = re.IGNORECASE) -> str | None:
    """None if ``pattern`` is safe to run on any text, else a short reason for the author.

    Never runs the pattern: it is compiled (to report errors) and its parse tree is inspected.
    ``flags`` must be those the pattern will be compiled with (re.VERBOSE changes the parse).
    """
    if not isinstance(pattern, str):
        return REASON_NOT_STR
    if len(pattern) > MAX_PATTERN_LENGTH:
        return REASON_TOO_LONG
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # reported deterministically by the parse below
            re.compile(pattern, flags)  # also catches compile-time errors (look-behind width)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            _parser.parse(pattern, flags)
    except FutureWarning as err:  # "[[" or "--" inside a set: meaning will change in Python
        return f"ambiguous character set: {err} (escape [ - & ~ | inside [...])"
    except (re.error, ValueError, TypeError, OverflowError, Warning) as err:
        return f"invalid regular expression: {err}"
    except RecursionError:
        return REASON_TOO_DEEP
    try:
        # Checkers embed patterns in a larger alternation, so parse it that way too: inline
        # global flags such as "(?i)" must fail now (a warning on 3.10, an error on 3.11+).
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            tree = _parser.parse(f"(?:{pattern})", flags)
    except (re.error, ValueError, TypeError, OverflowError, Warning) as err:
        detail = getattr(err, "msg", None) or str(err)  # without the shifted position
        return f"cannot be used inside a larger expression: {detail} (use a scoped flag: (?i:...))"
    except RecursionError:
        return REASON_TOO_DEEP
    try:
        return _walk(tree, False, False)
    except RecursionError:
        return REASON_TOO_DEEP


def compile_safe(pattern: str, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    """Compile a rubric pattern, raising ``UnsafePatternError`` (a ValueError) with the reason."""
    reason = check_pattern(pattern, flags)
    if reason is not None:
        raise UnsafePatternError(pattern, reason)
    return re.compile(pattern, flags)
