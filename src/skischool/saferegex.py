"""Load-time check and linear-time matching for rubric authors' regular expressions.

Python's ``re`` is a backtracking engine: ``(a+)+$`` takes exponential time on ``"aaaa…b"``,
``a?a?a?…aaa`` too, and ``x.*y.*z`` cubic time under ``search``. No static rule catches every
such shape, and in the browser there is no timeout to fall back on (no threads, no signals).
So authors' patterns never run on ``re``. They are compiled into a Thompson NFA
(:mod:`skischool.regexvm`) and run in time linear in the text by construction, whatever the
pattern's shape; this module checks that a pattern is valid and inside the subset that NFA
supports, and says why when it is not, for a located error in the rubric.

Python's own parser still reads every pattern (so the syntax is exactly ``re``'s), and a
pattern must also compile with ``re`` and embed in a larger one, so that a rubric's meaning
never depends on which engine reads it.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass

from .regexvm import Program, Unsupported, compile_program

try:  # Python 3.11+ (and Pyodide)
    import re._parser as _parser  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse as _parser

__all__ = [
    "MAX_PATTERN_LENGTH",
    "SafePattern",
    "UnsafePatternError",
    "check_pattern",
    "compile_safe",
]

MAX_PATTERN_LENGTH = 500

REASON_TOO_LONG = f"pattern is longer than {MAX_PATTERN_LENGTH} characters; split it up"
REASON_NOT_STR = "pattern must be a string"
REASON_TOO_DEEP = "pattern is nested too deeply"


class UnsafePatternError(ValueError):
    """A rubric pattern that is invalid or outside the linear-time subset."""

    def __init__(self, pattern: str, reason: str) -> None:
        super().__init__(reason)
        self.pattern = pattern
        self.reason = reason


@dataclass(frozen=True)
class SafePattern:
    """An author's pattern compiled for the linear-time matcher; spans are ``re``'s."""

    pattern: str
    flags: int
    program: Program

    def finditer(
        self, text: str, pos: int = 0, endpos: int | None = None
    ) -> Iterator[tuple[int, int]]:
        for start, end, _which in self.program.finditer(text, pos, endpos):
            yield start, end

    def search(self, text: str) -> tuple[int, int] | None:
        return next(self.finditer(text), None)


def check_pattern(pattern: str, flags: int = re.IGNORECASE) -> str | None:
    """None if ``pattern`` can be matched in linear time, else a short reason for the author.

    Never runs the pattern: it is parsed and compiled (to report errors) and turned into an
    NFA program, whose size is bounded.
    """
    return _checked(pattern, flags)[0]


def _checked(pattern: str, flags: int) -> tuple[str | None, Program | None]:
    """The reason a pattern is refused, or its compiled program: one compile serves both."""
    if not isinstance(pattern, str):
        return REASON_NOT_STR, None
    if len(pattern) > MAX_PATTERN_LENGTH:
        return REASON_TOO_LONG, None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # reported deterministically by the parse below
            re.compile(pattern, flags)  # also catches compile-time errors (look-behind width)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            _parser.parse(pattern, flags)
    except FutureWarning as err:  # "[[" or "--" inside a set: meaning will change in Python
        return f"ambiguous character set: {err} (escape [ - & ~ | inside [...])", None
    except (re.error, ValueError, TypeError, OverflowError, Warning) as err:
        return f"invalid regular expression: {err}", None
    except RecursionError:
        return REASON_TOO_DEEP, None
    try:
        # Checkers embed patterns in a larger alternation, so parse it that way too: inline
        # global flags such as "(?i)" must fail now (a warning on 3.10, an error on 3.11+).
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            _parser.parse(f"(?:{pattern})", flags)
    except (re.error, ValueError, TypeError, OverflowError, Warning) as err:
        detail = getattr(err, "msg", None) or str(err)  # without the shifted position
        return (
            f"cannot be used inside a larger expression: {detail} (use a scoped flag: (?i:...))",
            None,
        )
    except RecursionError:
        return REASON_TOO_DEEP, None
    try:
        return None, compile_program([pattern], flags)
    except Unsupported as err:
        return str(err), None


def compile_safe(pattern: str, flags: int = re.IGNORECASE) -> SafePattern:
    """Compile a rubric pattern, raising ``UnsafePatternError`` (a ValueError) with the reason."""
    reason, program = _checked(pattern, flags)
    if reason is not None:
        raise UnsafePatternError(pattern, reason)
    assert program is not None
    return SafePattern(pattern, flags, program)
