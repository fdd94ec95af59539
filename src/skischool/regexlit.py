"""Turn an author's regular expression into the plain phrases it stands for, when it can.

Authors write ``\\b(we|I) (have |'ve )?(failed|let down)\\b`` to say six phrases at once. As a
regex it costs a scan of the reply of its own; as six phrases it joins the one trie-shaped scan
every phrase set already does (textmatch.py), which is many times faster on long replies. Only
patterns whose meaning the phrase matcher keeps exactly are expanded: a finite set of strings
(literals, alternations, optional parts, small character classes), bounded by ``\\b`` where they
begin or end in a letter or digit. Anything else stays a regex.
"""

from __future__ import annotations

import re
from itertools import product

try:  # Python 3.11+ (and Pyodide)
    from re import _parser as _sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse as _sre_parse  # type: ignore[no-redef]

MAX_STRINGS = 2000  # beyond this a pattern is better left a regex (a huge trie scans slower)
MAX_CLASS = 8  # characters a class like [cs] may hold to be spelled out


class _NotFinite(Exception):
    pass


def _expand(items: list[tuple[object, object]]) -> list[str]:
    out = [""]
    for op, av in items:
        name = str(op)
        if name == "LITERAL":
            choices = [chr(av)]  # type: ignore[arg-type]
        elif name == "SUBPATTERN":
            choices = _expand(list(av[-1]))  # type: ignore[index]
        elif name == "BRANCH":
            choices = [s for branch in av[1] for s in _expand(list(branch))]  # type: ignore[index]
        elif name == "IN":
            chars = []
            for cop, cav in av:  # type: ignore[union-attr]
                if str(cop) != "LITERAL":
                    raise _NotFinite
                chars.append(chr(cav))
            if len(chars) > MAX_CLASS:
                raise _NotFinite
            choices = chars
        elif name == "MAX_REPEAT":
            lo, hi, sub = av  # type: ignore[misc]
            if hi > 1 or lo > 1:
                raise _NotFinite
            inner = _expand(list(sub))
            choices = ([""] if lo == 0 else []) + inner
        else:
            raise _NotFinite
        out = [a + b for a, b in product(out, choices)]
        if len(out) > MAX_STRINGS:
            raise _NotFinite
    return out


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def as_phrases(pattern: str) -> list[str] | None:
    """The phrases a regex stands for, or None when it must stay a regex."""
    try:
        parsed = list(_sre_parse.parse(pattern, re.IGNORECASE))
    except re.error:
        return None
    lead = bool(parsed) and str(parsed[0][0]) == "AT" and str(parsed[0][1]) == "AT_BOUNDARY"
    trail = bool(parsed) and str(parsed[-1][0]) == "AT" and str(parsed[-1][1]) == "AT_BOUNDARY"
    body = parsed[1 if lead else 0 : len(parsed) - 1 if trail else len(parsed)]
    try:
        strings = _expand(body)
    except _NotFinite:
        return None
    phrases = []
    for s in strings:
        text = " ".join(s.split())
        if not text or text != s.strip() or "  " in s:
            return None  # leading/trailing or doubled spaces mean something the matcher ignores
        # The phrase matcher is word-bounded exactly where a phrase begins or ends with a word
        # character, so the regex must be too, or the meaning would change.
        if _is_word(text[0]) != lead or _is_word(text[-1]) != trail:
            return None
        phrases.append(text.lower())
    return phrases
