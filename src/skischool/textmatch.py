"""Finding phrases in learner text: word-bounded, case-insensitive, quote-insensitive.

Normalisation keeps every character at its original offset (one character in, one out), so a
finding can always quote the learner's own words at the exact place they wrote them.
"""

from __future__ import annotations

import heapq
import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice

from .regexlit import as_phrases
from .regexvm import Program, Unsupported, compile_program
from .saferegex import UnsafePatternError, check_pattern

# Authors' regular expressions see only the start of a reply. Their matcher is linear in the text
# whatever the pattern (regexvm.py), but it is pure Python: bounding its input bounds its worst
# case to tens of milliseconds. Every platform's reply limit is below this.
REGEX_SCAN_LIMIT = 10_000

# Checking is the slow part of compiling an author's regex, and rubrics repeat patterns: one
# cache serves the loader's located errors and the phrase sets' refusal alike.
_check_pattern_cached = lru_cache(maxsize=1024)(check_pattern)
_as_phrases = lru_cache(maxsize=1024)(as_phrases)

# Curly and straight quotes count as the same; control characters become spaces (same length).
_TRANSLATION: dict[int, str] = {
    ord("\u2018"): "'",
    ord("\u2019"): "'",
    ord("\u201a"): "'",
    ord("\u201b"): "'",
    ord("\u02bc"): "'",
    ord("\u2032"): "'",
    ord("\uff07"): "'",
    ord("`"): "'",
    ord("\u00b4"): "'",
    ord("\u201c"): '"',
    ord("\u201d"): '"',
    ord("\u201e"): '"',
    ord("\u201f"): '"',
    ord("\u2033"): '"',
    ord("\u00ab"): '"',
    ord("\u00bb"): '"',
    ord("\uff02"): '"',
}
for _c in [*range(32), 127]:
    if chr(_c) not in "\n\t":
        _TRANSLATION[_c] = " "
_TRANSLATION[ord("\r")] = "\n"


_TO_NORMALIZE = re.compile("[" + re.escape("".join(chr(c) for c in _TRANSLATION)) + "]")


def normalize(text: str) -> str:
    """Same-length normalisation so offsets in the result are offsets in the original.

    Only the characters that change are visited: most replies have none or a few, and a
    character-by-character translate of a long paste is the slow way round.
    """
    return _TO_NORMALIZE.sub(lambda m: _TRANSLATION[ord(m.group())], text)


@dataclass(frozen=True)
class Phrase:
    """One thing to look for: literal words, or an author's (safety-checked) regular expression."""

    text: str
    is_regex: bool = False
    suggest: str = ""


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _key(text: str) -> str:
    return " ".join(text.split())


@lru_cache(maxsize=8)
def lowered(norm_text: str) -> str:
    """Lower-cased text with every character at its original offset (matching works on this)."""
    low = norm_text.lower()
    if len(low) == len(norm_text):
        return low
    # A few characters lower-case to two (e.g. "İ"); keep those as they are.
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in norm_text)


_WORDS = re.compile(r"\w+")


@lru_cache(maxsize=8)
def words_in(norm_text: str) -> frozenset[str]:
    """Every distinct lower-case word of a text: one C-level pass, shared by all phrase sets."""
    return frozenset(_WORDS.findall(lowered(norm_text)))


@dataclass(frozen=True)
class Match:
    phrase: Phrase
    start: int
    end: int


def trie_pattern(keys: list[str]) -> str:
    """One regular expression for many lower-case phrases, factored as a trie.

    At each place in the text the engine follows one branch per next character instead of
    trying every phrase in turn: three to five times faster than a flat alternation on a
    megabyte. Children come before an ending, so the longest phrase wins ("sorry to hear" over
    "sorry"), and a phrase ending in a word character must not run on into a longer word.
    """
    trie: dict[str, dict] = {}
    for k in keys:
        node = trie
        for ch in k:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, dict], last: str) -> str:
        alts = [
            (r"\s+" if ch == " " else re.escape(ch)) + emit(node[ch], ch)
            for ch in sorted(c for c in node if c)
        ]
        if "" in node:
            alts.append(r"(?!\w)" if _is_word_char(last) else "")
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    return emit(trie, "")


class PhraseSet:
    """Many phrases compiled into one scan, so checking stays linear in the text length.

    Literal phrases are lower-cased and compiled into one trie-shaped pattern with no leading
    assertion, which lets the regex engine skip ahead by first character; the leading word
    boundary is then checked here. Authors' regular expressions that stand for a finite set of
    phrases join that scan; the rest run together as one case-insensitive, linear-time program.
    """

    def __init__(self, phrases: list[Phrase], exceptions: list[Phrase] | None = None) -> None:
        self.phrases = list(phrases)
        self._by_key: dict[str, Phrase] = {}
        self._regexes: list[Phrase] = []
        # The words each literal phrase needs: when a text lacks them all, its scan is skipped.
        self._needs: list[frozenset[str]] = []
        self._symbols: list[str] = []
        literals: list[Phrase] = []
        for p in self.phrases:
            if not p.is_regex:
                literals.append(p)
                continue
            reason = _check_pattern_cached(p.text)  # refused even when expandable
            if reason is not None:
                raise UnsafePatternError(p.text, reason)
            expanded = _as_phrases(p.text)
            if expanded is None:
                self._regexes.append(p)
            else:  # a finite pattern joins the one fast literal scan
                literals.extend(Phrase(text, suggest=p.suggest) for text in expanded)
        for p in literals:
            norm = normalize(p.text).strip().lower()
            key = _key(norm)
            if not key or key in self._by_key:
                continue
            self._by_key[key] = p
            needs = frozenset(_WORDS.findall(key))
            if needs:
                self._needs.append(needs)
            else:
                self._symbols.append(key)  # an emoji or punctuation-only phrase
        self._literal = re.compile(trie_pattern(list(self._by_key))) if self._by_key else None
        self._exceptions = PhraseSet(exceptions) if exceptions else None
        # Authors' regexes, each already checked, joined into one linear-time program: a rubric
        # with thirty regexes reads the reply once, not thirty times, and the match says which.
        self._programs = _programs_for([p.text for p in self._regexes]) if self._regexes else []

    def _scan_literal(self, norm_text: str) -> Iterator[Match]:
        assert self._literal is not None
        low = lowered(norm_text)
        for m in self._literal.finditer(low):
            start = m.start()
            key = _key(m.group())
            phrase = self._by_key.get(key)
            if phrase is None:  # pragma: no cover - every alternative has a key
                continue
            if start > 0 and _is_word_char(key[0]) and _is_word_char(low[start - 1]):
                continue  # starts inside a word
            yield Match(phrase, start, m.end())

    def _scan_regex(self, program: Program, offset: int, norm_text: str) -> Iterator[Match]:
        for start, end, which in program.finditer(norm_text, 0, REGEX_SCAN_LIMIT):
            yield Match(self._regexes[offset + which], start, end)

    def iter_matches(self, norm_text: str, part: str = "all") -> Iterator[Match]:
        """Matches in text order, minus those inside an exception phrase, found lazily.

        A caller that needs only the first few matches stops the scan early, so looking for one
        move in a 1 MB paste costs as much as reading up to that move. ``part`` limits the scan
        to the "literal" phrases or the "regex" ones (exceptions always apply in full).
        """
        streams: list[Iterator[Match]] = []
        if part != "regex" and self._literal is not None and self._could_match(norm_text):
            streams.append(self._scan_literal(norm_text))
        if part != "literal":
            streams.extend(self._scan_regex(prog, off, norm_text) for prog, off in self._programs)
        if not streams:
            return
        merged = (
            streams[0]
            if len(streams) == 1
            else heapq.merge(*streams, key=lambda m: (m.start, -m.end))
        )
        if self._exceptions is None:
            yield from merged
            return
        exceptions = self._exceptions.iter_matches(norm_text)
        pending = next(exceptions, None)
        window: deque[tuple[int, int]] = deque()  # exceptions that start at or before m.start
        for m in merged:
            while pending is not None and pending.start <= m.start:
                window.append((pending.start, pending.end))
                pending = next(exceptions, None)
            while window and window[0][1] < m.start:
                window.popleft()  # ended before this match: it cannot hold this or any later one
            if any(s <= m.start and m.end <= e for s, e in window):
                continue
            yield m

    def _could_match(self, norm_text: str) -> bool:
        """Could any literal phrase occur? (All of some phrase's words appear in the text.)

        Scanning a megabyte with a large alternation costs tens of milliseconds per phrase set;
        most sets have no chance in a given reply, and a set lookup proves it for free.
        """
        if len(norm_text) < 2000:
            return True
        if any(sym in norm_text for sym in self._symbols):
            return True
        words = words_in(norm_text)
        return any(needs <= words for needs in self._needs)

    def finditer(self, norm_text: str, limit: int | None = None) -> list[Match]:
        """Matches in text order, minus those inside an exception phrase."""
        return list(islice(self.iter_matches(norm_text), limit))

    def first(self, norm_text: str) -> Match | None:
        """The earliest match (exceptions applied), or None."""
        return next(self.iter_matches(norm_text), None)


def _programs_for(patterns: list[str], offset: int = 0) -> list[tuple[Program, int]]:
    """As few programs as hold the patterns (each already checked on its own), with offsets.

    One program reads the text once for all of them; thousands of long patterns can outgrow a
    program's size limit together, so they are split in halves until each part fits.
    """
    try:
        return [(compile_program(patterns, re.IGNORECASE), offset)]
    except Unsupported:
        if len(patterns) == 1:
            raise
        mid = len(patterns) // 2
        return _programs_for(patterns[:mid], offset) + _programs_for(patterns[mid:], offset + mid)


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of an offset, for findings shown in a terminal."""
    line = text.count("\n", 0, offset) + 1
    last_nl = text.rfind("\n", 0, offset)
    return line, offset - last_nl


def clip(text: str, limit: int = 80) -> str:
    """Quote at most ``limit`` characters of learner text in feedback."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def phrase_problems(ph: object, path: tuple[object, ...]) -> list[tuple[tuple[object, ...], str]]:
    """What is wrong with one phrase entry (text, or a mapping with 'phrase' or 'regex')."""
    if not isinstance(ph, dict):
        return []
    has_phrase, has_regex = "phrase" in ph, "regex" in ph
    if has_phrase == has_regex:
        return [
            (
                path,
                "a phrase mapping needs exactly one of 'phrase' or 'regex' (keys: phrase, regex, suggest)",
            )
        ]
    if has_regex:
        reason = _check_pattern_cached(ph["regex"])
        if reason:
            return [((*path, "regex"), f"invalid or unsupported regular expression: {reason}")]
    return []
