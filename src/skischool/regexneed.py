"""What every match of a regular expression must contain: a prefilter for the linear matcher.

Most of an author's regexes never match a given reply, yet the lazy DFA (regexvm.py) still reads
the reply one Python step per character to find that out. ``\\b\\w+[- ]inspired\\b`` cannot match
a text without "inspired" in it, and one ``re`` search of the lower-cased text says so at C speed.
This module works out such strings from the parsed pattern, in the manner of RE2's and Code
Search's prefilters: a set of strings, one of which every match contains, or None when no useful
set exists. It may only ever say "maybe" too often, never "no" wrongly:

* only ASCII literals are used, and they are looked for in the lower-cased text, where every
  character the matcher takes for an ASCII letter is that letter ("\\u212a", the Kelvin sign,
  lower-cases to "k"; the two that do not are mapped);
* anything this module does not understand counts as "could be anything".
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import product

try:  # Python 3.11+ (and Pyodide)
    import re._constants as _c  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _c

__all__ = ["MIN_NEEDED", "NeededSearch", "needed"]

MAX_EXACT = 64  # strings an exact set may hold before it is forgotten
MAX_CLASS = 8  # characters a class may hold to be spelled out
MIN_NEEDED = 3  # shorter needed strings are in nearly every text: not worth testing
MAX_LOOKED_FOR = 24  # characters of each needed string the search looks for
FEW = 8  # up to this many needed strings are looked for one by one, not compiled

Strings = frozenset[str]
_EMPTY: Strings = frozenset({""})


def _best(cands: list[Strings]) -> Strings | None:
    """The most selective candidate: the longest shortest string, then the fewest strings."""
    useful = [c for c in cands if c and min(map(len, c)) > 0]
    if not useful:
        return None
    return max(useful, key=lambda c: (min(map(len, c)), -len(c)))


def _seq(items: list[tuple[object, object]]) -> tuple[Strings | None, Strings | None]:
    """(exact, needed) of a sequence: exact runs are joined, and the best needed set wins."""
    exact: Strings | None = _EMPTY
    run: Strings = _EMPTY  # the exact strings of the current run of exact items
    cands: list[Strings] = []
    for op, av in items:
        e, need = _item(op, av)
        if e is not None:
            joined = frozenset(a + b for a, b in product(run, e))
            if len(joined) <= MAX_EXACT:
                run = joined
                continue
            cands.append(run)  # too many combinations: this item starts a new run
            run = e
            exact = None
            continue
        cands.append(run)
        if need is not None:
            cands.append(need)
        run = _EMPTY
        exact = None
    if exact is not None:
        return run, _best([run])
    cands.append(run)
    return None, _best(cands)


def _item(op: object, av: object) -> tuple[Strings | None, Strings | None]:
    if op is _c.LITERAL:
        ch = chr(av)  # type: ignore[arg-type]
        return (frozenset({ch.lower()}), None) if ch.isascii() else (None, None)
    if op is _c.IN:
        chars: set[str] = set()
        for cop, cav in av:  # type: ignore[union-attr]
            if cop is not _c.LITERAL or not chr(cav).isascii():
                return None, None
            chars.add(chr(cav).lower())
        return (frozenset(chars), None) if len(chars) <= MAX_CLASS else (None, None)
    if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
        return _EMPTY, None  # takes no characters
    if op is _c.SUBPATTERN:
        return _seq(list(av[-1]))  # type: ignore[index]
    if op is _c.BRANCH:
        parts = [_seq(list(branch)) for branch in av[1]]  # type: ignore[index]
        exacts = [e for e, _ in parts]
        if all(e is not None for e in exacts):
            union = frozenset().union(*exacts)  # type: ignore[arg-type]
            if len(union) <= MAX_EXACT:
                return union, _best([union])
        needs = [n for _, n in parts]
        if any(n is None for n in needs):
            return None, None
        return None, frozenset().union(*needs)  # type: ignore[arg-type]
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
        lo, hi, body = av  # type: ignore[misc]
        e, need = _seq(list(body))
        if lo == 0:
            return (_EMPTY | e, None) if hi == 1 and e is not None else (None, None)
        if lo == hi == 1:
            return e, need
        return None, need if need is not None else _best([e] if e is not None else [])
    return None, None  # ".", \w, \d, categories and the rest: could be anything


def needed(tree: list[tuple[object, object]]) -> Strings | None:
    """Strings (lower case, ASCII, at least MIN_NEEDED long) one of which every match
    contains, or None when the pattern has no such set worth testing."""
    try:
        exact, need = _seq(tree)
    except RecursionError:  # nested past Python's limit: no prefilter, still matched
        return None
    best = need if need is not None else (_best([exact]) if exact is not None else None)
    if best is None or min(map(len, best)) < MIN_NEEDED:
        return None
    # A string that holds another needed string adds nothing: "% off" covers " % off".
    return frozenset(s for s in best if not any(t != s and t in s for t in best))


@lru_cache(maxsize=8)
def _lowered(text: str) -> str:
    """The text as the prefilter reads it: lower case, where each character the matcher takes
    for an ASCII letter is that letter. Only two characters lower-case to something else (a
    test walks all of Unicode to prove it). Cached: a rubric's programs read the same reply."""
    low = text.lower()
    if not low.isascii():
        low = low.replace("\u017f", "s").replace("\u0131", "i")  # long s, dotless i
    return low


class NeededSearch:
    """Does a text hold any of the needed strings? One C-level scan of the lower-cased text.

    The strings are compiled as a trie, so each place in the text costs one branch per
    character, however many strings there are (an IGNORECASE alternation tries each in turn,
    and is ten times slower on long replies). A literal trie cannot backtrack.
    """

    def __init__(self, strings: Strings) -> None:
        self.strings = strings
        # A text that holds a string holds its start: the first MAX_LOOKED_FOR characters are
        # enough to tell, and keep the trie shallow.
        starts = sorted({s[:MAX_LOOKED_FOR] for s in strings})
        # A few strings are quicker tested one by one than compiled (compiling costs
        # milliseconds, paid on the reply's first check).
        self._few = tuple(starts) if len(starts) <= FEW else None
        self._re = None if self._few is not None else re.compile(_trie(starts))

    def found_in(self, text: str) -> bool:
        low = _lowered(text)
        if self._few is not None:
            return any(s in low for s in self._few)
        assert self._re is not None
        return self._re.search(low) is not None


def _trie(strings: list[str]) -> str:
    """One pattern for the strings, factored by prefix. Not textmatch.trie_pattern: that one
    matches whole words (and any run of spaces), where a needed string may sit inside a word."""
    root: dict[str, dict] = {}
    for s in strings:
        node = root
        for ch in s:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, dict]) -> str:
        if "" in node:
            return ""  # a needed string ends here: any longer one holds it
        alts = [re.escape(ch) + emit(node[ch]) for ch in sorted(node)]
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    return emit(root)
