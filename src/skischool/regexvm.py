"""A linear-time matcher for rubric authors' regular expressions, in pure Python.

Python's ``re`` backtracks, and no static check can prove every pattern it accepts stays linear:
``a?a?a?…aaa`` is exponential, ``x.*y.*z`` cubic under ``search``. In the browser a Pyodide
kernel cannot be interrupted, so a pattern that hangs would hang the learner's page. So authors'
regexes never run on ``re``: they are compiled here into a Thompson NFA and run two ways.

* A lazy DFA (sets of NFA states, built on demand and cached per pattern) reads the text once, a
  dictionary lookup per character, and says where the earliest match ends, or that there is none.
* Only then does a Pike VM (the NFA simulated with threads in priority order) find the exact span
  Python's ``re`` would report, starting no further back than the pattern's longest match allows.

Both are O(text length × pattern size) whatever the text, by construction: each position is
read once per live NFA state, and states are de-duplicated. The subset they accept
(:func:`compile_program` raises :class:`Unsupported` for anything else) is documented in
``book/rubric-format.md``: characters, classes, ``.``, groups, alternation, greedy and lazy
repeats of any size, ``^ $ \\A \\Z \\b \\B``, scoped flags, and one-character lookarounds
such as ``(?![0-9])``. Backreferences, conditionals, atomic groups, possessive repeats and wider
lookarounds are refused, as are patterns that can match nothing at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Generic, TypeVar

from .regexneed import NeededSearch, needed

try:  # Python 3.11+ (and Pyodide)
    import re._constants as _c  # type: ignore[import-not-found]
    import re._parser as _parser  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _c
    import sre_parse as _parser

__all__ = ["MAX_PROGRAM", "Program", "Unsupported", "compile_program"]

MAX_PROGRAM = 20_000  # NFA instructions; {0,1000} of a long group is refused, not slow
MAX_DFA_STATES = 4_000  # cached transitions are dropped past this (then rebuilt as needed)
# Pike VM threads allowed per character per instruction while spans are kept exactly as re's.
EXACT_BUDGET = 4
# A start-character class that lets more ASCII characters through than this skips too little.
SKIP_MAX_ASCII = 40
# Characters a CharTest remembers answers for: any one language's text needs far fewer, and a
# hostile text of every Unicode character then costs bounded memory (the memo starts afresh).
MAX_MEMO = 4_096

# Instructions: (op, arg, arg2). CHAR tests one character; SPLIT tries arg before arg2.
CHAR, SPLIT, JMP, ASSERT, MATCH = range(5)
# Assertion kinds
BOL, EOL, BOS, EOS, WORDB, NOT_WORDB, AHEAD, NOT_AHEAD, BEHIND, NOT_BEHIND = range(10)


class Unsupported(ValueError):
    """A construct outside the linear subset; the message says which, for the rubric author."""


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


_CATEGORIES: dict[str, Callable[[str], bool]] = {
    "CATEGORY_DIGIT": str.isdecimal,
    "CATEGORY_NOT_DIGIT": lambda ch: not ch.isdecimal(),
    "CATEGORY_SPACE": str.isspace,
    "CATEGORY_NOT_SPACE": lambda ch: not ch.isspace(),
    "CATEGORY_WORD": _is_word,
    "CATEGORY_NOT_WORD": lambda ch: not _is_word(ch),
}


@dataclass
class CharTest:
    """One character position of a pattern: which characters it accepts, memoised per character."""

    accepts: Callable[[str], bool]
    memo: dict[str, bool] = field(default_factory=dict)

    def __call__(self, ch: str) -> bool:
        hit = self.memo.get(ch)
        if hit is None:
            memo = self.memo
            if len(memo) >= MAX_MEMO:
                memo.clear()
            hit = memo[ch] = bool(self.accepts(ch))
        return hit


@lru_cache(maxsize=4096)
def _variants(ch: str) -> frozenset[str]:
    """The character in other cases, as ``re`` compares them: one character each ('ß' has no
    one-character upper case, so it is only itself). Cached: every case-insensitive test of
    every pattern asks about the same few characters."""
    return frozenset(v for v in (ch, ch.lower(), ch.upper(), ch.casefold()) if len(v) == 1)


def _set_test(items: list[tuple[object, object]], icase: bool) -> Callable[[str], bool]:
    negated = bool(items) and items[0][0] is _c.NEGATE
    tests: list[Callable[[str], bool]] = []
    for op, av in items[1:] if negated else items:
        if op is _c.LITERAL:
            lit = chr(av)  # type: ignore[arg-type]
            tests.append(lambda ch, lit=lit: ch == lit)
        elif op is _c.RANGE:
            lo, hi = av  # type: ignore[misc]
            tests.append(lambda ch, lo=lo, hi=hi: lo <= ord(ch) <= hi)
        elif op is _c.CATEGORY:
            test = _CATEGORIES.get(str(av))
            if test is None:
                raise Unsupported(f"character category {av} is not supported")
            tests.append(test)
        else:
            raise Unsupported(f"'{op}' inside [...] is not supported")

    def inside(ch: str) -> bool:
        cands = _variants(ch) if icase else (ch,)
        return any(t(v) for v in cands for t in tests)

    return (lambda ch: not inside(ch)) if negated else inside


def _char_test(op: object, av: object, icase: bool, dotall: bool) -> Callable[[str], bool] | None:
    """The test of a one-character item, or None when the item is not one."""
    if op is _c.LITERAL:
        lit = chr(av)  # type: ignore[arg-type]
        if icase:
            forms = _variants(lit)
            return lambda ch: ch == lit or bool(_variants(ch) & forms)
        return lambda ch: ch == lit
    if op is _c.NOT_LITERAL:
        lit = chr(av)  # type: ignore[arg-type]
        if icase:
            forms = _variants(lit)
            return lambda ch: not (_variants(ch) & forms)
        return lambda ch: ch != lit
    if op is _c.ANY:
        return (lambda ch: True) if dotall else (lambda ch: ch != "\n")
    if op is _c.IN:
        return _set_test(list(av), icase)  # type: ignore[call-overload]
    return None


_SHARED_TESTS: dict[tuple[object, ...], CharTest] = {}
_CHAR_ITEMS = (_c.LITERAL, _c.NOT_LITERAL, _c.ANY, _c.IN)


def _shared_test(op: object, av: object, icase: bool, dotall: bool) -> CharTest | None:
    """One CharTest per distinct character item, shared by every pattern: "s" in a hundred
    patterns is asked about each character once, and a start class costs a lookup."""
    if op not in _CHAR_ITEMS:
        return None  # groups, repeats, anchors: not one character
    try:
        key: tuple[object, ...] | None = (
            op,
            tuple(av) if isinstance(av, list) else av,
            icase,
            dotall,
        )
        hash(key)
    except TypeError:  # pragma: no cover - character items are ints and tuples
        key = None
    shared = _SHARED_TESTS.get(key) if key is not None else None
    if shared is None:
        test = _char_test(op, av, icase, dotall)
        if test is None:  # pragma: no cover - every character item has a test
            return None
        shared = CharTest(test)
        if key is not None and len(_SHARED_TESTS) < 4096:
            _SHARED_TESTS[key] = shared
    return shared


@dataclass
class _Builder:
    code: list[tuple[int, object, object]] = field(default_factory=list)
    max_len: float = 0.0

    def emit(self, op: int, a: object = None, b: object = None) -> int:
        if len(self.code) >= MAX_PROGRAM:
            raise Unsupported(
                f"pattern expands to more than {MAX_PROGRAM} matching steps "
                "(a large repeat count of a long group); use a smaller count"
            )
        self.code.append((op, a, b))
        return len(self.code) - 1

    def patch(self, at: int, a: object, b: object = None) -> None:
        op = self.code[at][0]
        self.code[at] = (op, a, b)


_AT_KINDS = {
    "AT_BEGINNING": BOL,
    "AT_BEGINNING_STRING": BOS,
    "AT_END": EOL,
    "AT_END_STRING": EOS,
    "AT_BOUNDARY": WORDB,
    "AT_NON_BOUNDARY": NOT_WORDB,
}


def _compile_seq(b: _Builder, seq: list[tuple[object, object]], flags: int) -> tuple[float, float]:
    """Emit code for a sequence; returns its (shortest, longest) match length."""
    lo_total, hi_total = 0.0, 0.0
    for op, av in seq:
        lo, hi = _compile_item(b, op, av, flags)
        lo_total += lo
        hi_total += hi
    return lo_total, hi_total


def _compile_item(b: _Builder, op: object, av: object, flags: int) -> tuple[float, float]:
    icase = bool(flags & re.IGNORECASE)
    dotall = bool(flags & re.DOTALL)
    test = _shared_test(op, av, icase, dotall)
    if test is not None:
        b.emit(CHAR, test)
        return 1.0, 1.0
    if op is _c.AT:
        kind = _AT_KINDS.get(str(av))
        if kind is None:
            raise Unsupported(f"anchor {av} is not supported")
        if kind == BOL and flags & re.MULTILINE:
            kind = BOL + 100  # start of any line
        if kind == EOL and flags & re.MULTILINE:
            kind = EOL + 100  # end of any line
        b.emit(ASSERT, kind)
        return 0.0, 0.0
    if op is _c.SUBPATTERN:
        _group, add, remove, body = av  # type: ignore[misc]
        return _compile_seq(b, list(body), (flags | add) & ~remove)
    if op is _c.BRANCH:
        branches = list(av[1])  # type: ignore[index]
        jumps: list[int] = []
        lo_all, hi_all = float("inf"), 0.0
        for i, branch in enumerate(branches):
            split = b.emit(SPLIT) if i < len(branches) - 1 else None
            start = len(b.code)
            lo, hi = _compile_seq(b, list(branch), flags)
            lo_all, hi_all = min(lo_all, lo), max(hi_all, hi)
            jumps.append(b.emit(JMP))
            if split is not None:
                b.patch(split, start, len(b.code))
        for j in jumps:
            b.patch(j, len(b.code))
        return lo_all, hi_all
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
        return _compile_repeat(b, av, flags, greedy=op is _c.MAX_REPEAT)
    if op in (_c.ASSERT, _c.ASSERT_NOT):
        direction, body = av  # type: ignore[misc]
        items = list(body)
        while len(items) == 1 and items[0][0] is _c.SUBPATTERN:
            items = list(items[0][1][-1])  # type: ignore[index]
        one = _char_test(*items[0], icase, dotall) if len(items) == 1 else None
        if one is None:
            raise Unsupported(
                "a lookahead or lookbehind may test one character only, e.g. (?![0-9]) or "
                "(?<![a-z])"
            )
        negative = op is _c.ASSERT_NOT
        kind = (
            (NOT_AHEAD if negative else AHEAD)
            if direction == 1
            else (NOT_BEHIND if negative else BEHIND)
        )
        b.emit(ASSERT, kind, CharTest(one))
        return 0.0, 0.0
    name = str(op)
    if name == "GROUPREF":
        raise Unsupported("backreferences (\\1, (?P=name)) are not supported")
    if name == "GROUPREF_EXISTS":
        raise Unsupported("conditional groups (?(1)yes|no) are not supported")
    if name == "ATOMIC_GROUP":
        raise Unsupported("atomic groups (?>...) are not supported")
    if name == "POSSESSIVE_REPEAT":
        raise Unsupported("possessive repeats (a++, a*+) are not supported")
    raise Unsupported(f"'{name}' is not supported")


def _compile_repeat(b: _Builder, av: object, flags: int, greedy: bool) -> tuple[float, float]:
    """``x{m,n}``: m copies, then n-m optional ones; ``x{m,}`` loops back over its last copy.

    A loop reuses one copy of its body (``x+`` is "x, then maybe again"), so nested ``+`` and
    ``*`` stay the size of the pattern; only counted repeats multiply it.
    """
    lo, hi, body = av  # type: ignore[misc]
    body = list(body)
    unbounded = hi == _c.MAXREPEAT
    shortest = longest = 0.0
    for _ in range(lo - 1 if unbounded and lo > 0 else lo):
        shortest, longest = _compile_seq(b, body, flags)
    if unbounded:
        if lo > 0:  # L: body; SPLIT(L, out)
            start = len(b.code)
            shortest, longest = _compile_seq(b, body, flags)
            b.emit(SPLIT, *((start, len(b.code) + 1) if greedy else (len(b.code) + 1, start)))
        else:  # L: SPLIT(body, out); body; JMP L
            split = b.emit(SPLIT)
            start = len(b.code)
            shortest, longest = _compile_seq(b, body, flags)
            b.emit(JMP, split)
            b.patch(split, *((start, len(b.code)) if greedy else (len(b.code), start)))
        _refuse_empty_repeats(shortest)
        return lo * shortest, (float("inf") if longest > 0 else 0.0)
    measured = lo > 0
    for _ in range(hi - lo):
        split = b.emit(SPLIT)
        start = len(b.code)
        copy = _compile_seq(b, body, flags)
        b.patch(split, *((start, len(b.code)) if greedy else (len(b.code), start)))
        if not measured:
            shortest, longest, measured = copy[0], copy[1], True
    if hi > 1:
        _refuse_empty_repeats(shortest)
    return lo * shortest, hi * longest


def _refuse_empty_repeats(shortest: float) -> None:
    """A repeated part that can match nothing repeats ambiguously: refused, with a fix."""
    if shortest == 0:
        raise Unsupported(
            "a repeated part can match nothing at all, e.g. (a?)* or (x|)+; make the part "
            "match at least one character and put the ? or * outside it"
        )


def _word_before(text: str, i: int) -> bool:
    return i > 0 and _is_word(text[i - 1])


def _holds(kind: int, test: CharTest | None, text: str, i: int) -> bool:
    """Does an assertion hold at position ``i`` of ``text`` (between text[i-1] and text[i])?"""
    n = len(text)
    if kind == WORDB:
        return _word_before(text, i) != (i < n and _is_word(text[i]))
    if kind == NOT_WORDB:
        return _word_before(text, i) == (i < n and _is_word(text[i]))
    if kind in (BOS, BOL):
        return i == 0
    if kind == BOL + 100:
        return i == 0 or text[i - 1] == "\n"
    if kind == EOS:
        return i == n
    if kind == EOL:
        return i == n or (i == n - 1 and text[i] == "\n")
    if kind == EOL + 100:
        return i == n or text[i] == "\n"
    assert test is not None
    if kind == AHEAD:
        return i < n and test(text[i])
    if kind == NOT_AHEAD:
        return not (i < n and test(text[i]))
    if kind == BEHIND:
        return i > 0 and test(text[i - 1])
    if kind == NOT_BEHIND:
        return not (i > 0 and test(text[i - 1]))
    raise AssertionError(kind)  # pragma: no cover


K = TypeVar("K")
V = TypeVar("V")


class StateTable(Generic[K, V]):
    """Automaton states, numbered as they are met, each with a row of cached transitions.

    The lazy DFA and the Pike VM both make their states on demand, one per combination of
    pending instructions a text leads to, so a hostile text could make a great many. Past
    ``limit`` the table starts afresh: every state is forgotten, ``generation`` goes up, and
    states are made again as texts need them. Memory stays bounded and no answer changes. A
    caller that worked out a transition while the table was reset must not cache it under an
    old number, which is what the generation is for; ``on_reset`` clears what a caller keeps
    beside the table. ``rows`` is cleared in place, so a loop may hold on to it.
    """

    __slots__ = ("generation", "keys", "limit", "numbers", "on_reset", "rows")

    def __init__(self, limit: int = MAX_DFA_STATES, on_reset: Callable[[], None] | None = None):
        self.limit = limit
        self.on_reset = on_reset
        self.generation = 0
        self.numbers: dict[K, int] = {}
        self.keys: list[K] = []  # state number -> key
        self.rows: list[dict[str, V]] = []  # state number -> character -> transition

    def number(self, key: K) -> int:
        """The state for ``key``, made (after a reset if the table is full) if it is new."""
        sid = self.numbers.get(key)
        if sid is None:
            if len(self.keys) >= self.limit:
                self.numbers.clear()
                self.keys.clear()
                self.rows.clear()
                self.generation += 1
                if self.on_reset is not None:
                    self.on_reset()
            sid = self.numbers[key] = len(self.keys)
            self.keys.append(key)
            self.rows.append({})
        return sid


class Program:
    """One compiled pattern (or several joined in priority order), ready to scan any text."""

    def __init__(
        self,
        code: list[tuple[int, object, object]],
        max_len: float,
        pattern: str,
        matches: dict[int, int],
        trees: list[list[tuple[object, object]]] | None = None,
    ) -> None:
        self.code = code
        # The shortcuts past text that cannot match (see _prepare) are worked out on first use:
        # every pattern is also compiled on its own to be checked, and most of those programs
        # never read a reply.
        self._trees = trees or []
        self._prepared = False
        self._needed: NeededSearch | None = None
        self._skip: re.Pattern[str] | None = None
        self.max_len = max_len  # the longest match possible (inf with an unbounded repeat)
        self.pattern = pattern
        self.matches = matches  # MATCH instruction -> index of the pattern it ends
        # What assertions may ask of the character before a position: word or not, newline or
        # not, and each one-character lookbehind. DFA states store this, not the character.
        self._behind = [b for op, a, b in code if op == ASSERT and a in (BEHIND, NOT_BEHIND)]
        self._sig_memo: dict[str | None, tuple[bool, ...]] = {}
        # The lazy DFA's states: (pending instructions, what is known of the character
        # before, at the start of the text); a transition is the next state, or -1 for a match.
        self._dfa: StateTable[tuple[frozenset[int], tuple[bool, ...], bool], int] = StateTable(
            on_reset=self._forget_idle
        )
        self.ops = 0  # work done by the last finditer: characters read and threads stepped
        self.exact = True  # whether the last finditer's spans were all re's own
        self._idle: set[int] = set()  # DFA states with no match under way
        # The Pike VM's steps, cached the same way (see :meth:`span`): states are (threads'
        # instructions, the character before, fresh), a step is (next state, sources, match,
        # threads stepped).
        self._pike: StateTable[
            tuple[tuple[int, ...], tuple[bool, ...], bool],
            tuple[int, tuple[int, ...], tuple[int, int] | None, int],
        ] = StateTable()
        self._idle_after: dict[str, int] = {}  # the idle state after each character

    def _prepare(self) -> None:
        """Work out the two shortcuts: the strings every match needs, and the start class."""
        needs = [needed(tree) for tree in self._trees]
        # The program can match only where one of its patterns can: the union of their needs.
        if needs and None not in needs:
            self._needed = NeededSearch(frozenset().union(*needs))  # type: ignore[arg-type]
        self._skip = self._start_class()
        self._trees = []
        self._prepared = True

    @property
    def needed(self) -> frozenset[str] | None:
        """Strings one of which is in every match (regexneed.py), if known."""
        if not self._prepared:
            self._prepare()
        return None if self._needed is None else self._needed.strings

    def _start_class(self) -> re.Pattern[str] | None:
        """A character class that every match's first character is in, or None if too broad.

        While no match is under way, the characters outside it leave the DFA idle, so the scan
        jumps over them at C speed with ``re``: one character class cannot backtrack. It is
        exact for ASCII (each first-character test is asked about each ASCII character) and
        lets every other character through, so case folding can never make it miss a start.
        """
        firsts: dict[int, CharTest] = {}  # shared tests, once each
        stack, seen = [0], set()
        while stack:  # every CHAR reachable from the start, whatever the assertions decide
            pc = stack.pop()
            if pc in seen:
                continue
            seen.add(pc)
            op, a, b2 = self.code[pc]
            if op == CHAR:
                firsts[id(a)] = a  # type: ignore[assignment]
            elif op == SPLIT:
                stack += [a, b2]  # type: ignore[list-item]
            elif op == JMP:
                stack.append(a)  # type: ignore[arg-type]
            elif op == ASSERT:
                stack.append(pc + 1)
        tests = list(firsts.values())
        ascii_out = [chr(c) for c in range(128) if not any(t(chr(c)) for t in tests)]
        if 128 - len(ascii_out) > SKIP_MAX_ASCII:
            return None  # e.g. a pattern that starts with \w or .: nothing to skip
        # Written as what is left out: a class spanning all of Unicode is slow to compile.
        return re.compile("[^" + "".join(re.escape(c) for c in ascii_out) + "]")

    def _signature(self, prev: str | None) -> tuple[bool, ...]:
        sig = self._sig_memo.get(prev)
        if sig is None:
            if prev is None:
                sig = (False, False, *(False for _ in self._behind))
            else:
                sig = (_is_word(prev), prev == "\n", *(t(prev) for t in self._behind))
            self._sig_memo[prev] = sig
        return sig

    # --- the lazy DFA: does a match end somewhere, and where first? -------------------------

    def _reach(self, starts: list[int], seen: set[int], text: str, i: int) -> Iterator[int]:
        """CHAR and MATCH instructions reachable from ``starts`` at position i, in priority order.

        Jumps, splits and assertions (decided by the text around i) are followed; ``seen`` is
        shared by the caller across calls at one position, so each instruction is visited once.
        """
        stack = list(reversed(starts))
        code = self.code
        while stack:
            pc = stack.pop()
            if pc in seen:
                continue
            seen.add(pc)
            op, a, b2 = code[pc]
            if op in (CHAR, MATCH):
                yield pc
            elif op == SPLIT:
                stack.append(b2)  # type: ignore[arg-type]
                stack.append(a)  # type: ignore[arg-type]
            elif op == JMP:
                stack.append(a)  # type: ignore[arg-type]
            elif _holds(a, b2, text, i):  # type: ignore[arg-type]  # ASSERT
                stack.append(pc + 1)

    def _closure(self, pcs: frozenset[int], text: str, i: int) -> tuple[list[int], int | None]:
        """CHAR instructions reachable at position i, in priority order, and the first MATCH."""
        chars: list[int] = []
        match: int | None = None
        for pc in self._reach(sorted(pcs), set(), text, i):
            if self.code[pc][0] == CHAR:
                chars.append(pc)
            elif match is None:
                match = pc
        return chars, match

    def _state(self, pcs: frozenset[int], prev: str | None, at_start: bool) -> int:
        sid = self._dfa.number((pcs, self._signature(prev), at_start))
        if not pcs:
            self._idle.add(sid)
        return sid

    def _forget_idle(self) -> None:
        """The DFA's states were dropped: so were the numbers these remember."""
        self._idle.clear()
        self._idle_after.clear()

    def first_end(self, text: str, pos: int) -> int | None:
        """The earliest position where a match starting at or after ``pos`` ends, or None.

        A state is the set of NFA positions pending before a character, plus what assertions
        need to know of the character before it (``\\b`` needs both neighbours). Transitions
        are cached in one small dictionary per state, so a long text costs one lookup per
        character once the cache is warm. A cached -1 means "a match ends here". While no
        match is under way, characters that cannot start one are skipped (see
        :meth:`_start_class`); the state after a skip depends only on the character before.
        """
        n = len(text)
        skip = self._skip
        if skip is not None:
            found = skip.search(text, pos)
            if found is None:
                return None  # every match reads at least one character, and none can start
            pos = found.start()
        prev = text[pos - 1] if pos > 0 else None
        sid = self._state(frozenset(), prev, pos == 0)
        rows = self._dfa.rows
        idle = self._idle
        idle_after = self._idle_after
        row = rows[sid]
        i = pos
        while i < n:
            ch = text[i]
            nsid = row.get(ch)
            if nsid is None:
                nsid = self._step(sid, text, i)
            if nsid < 0:
                return i
            i += 1
            if skip is not None and nsid in idle:
                found = skip.search(text, i)
                if found is None:
                    return None
                if found.start() > i:
                    i = found.start()
                    nsid = idle_after.get(text[i - 1], -1)
                    if nsid < 0:
                        nsid = idle_after[text[i - 1]] = self._state(
                            frozenset(), text[i - 1], False
                        )
            sid = nsid
            row = rows[sid]
        pcs, _prev, _start = self._dfa.keys[sid]
        _chars, match = self._closure(pcs | {0}, text, n)
        return n if match is not None else None

    def _step(self, sid: int, text: str, i: int) -> int:
        """Work out (and cache) the transition from state ``sid`` on text[i]."""
        dfa = self._dfa
        pcs, _prev, _start = dfa.keys[sid]
        ch = text[i]
        generation = dfa.generation
        chars, match = self._closure(pcs | {0}, text, i)
        if match is not None:
            result = -1
        else:
            nxt = frozenset(pc + 1 for pc in chars if self.code[pc][1](ch))  # type: ignore[operator]
            result = self._state(nxt, ch, False)
        # Assertions look only at text[i-1] and text[i], except ``$`` before a final newline,
        # which also depends on what follows a newline: those transitions are not cached.
        if ch != "\n" and generation == dfa.generation:
            dfa.rows[sid][ch] = result
        return result

    # --- the Pike VM: the exact span, as Python's re would report it --------------------------

    def _pike_step(
        self, pcs: tuple[int, ...], fresh: bool, text: str, i: int
    ) -> tuple[list[tuple[int, int]], tuple[int, ...], tuple[int, ...], tuple[int, int] | None]:
        """One Pike VM step at position i, with threads named by their place, not their start.

        ``pcs`` are the threads' next instructions in priority order; with ``fresh``, a thread
        also starts at i, last. Returns the instructions reached at i as (pc, source), the next
        threads' instructions and sources, and the (source, MATCH) that matched at i, if any. A
        source is an index into ``pcs``, or -1 for the thread that started at i. Starts are left
        out so that the step depends only on the threads and the text around i, and can be cached.
        """
        code = self.code
        seen: set[int] = set()
        current: list[tuple[int, int]] = []
        for k, pc in enumerate(pcs):
            current.extend((reached, k) for reached in self._reach([pc], seen, text, i))
        if fresh:
            current.extend((reached, -1) for reached in self._reach([0], seen, text, i))
        ch = text[i] if i < len(text) else ""
        nxt: list[int] = []
        sources: list[int] = []
        nseen: set[int] = set()
        match: tuple[int, int] | None = None
        for pc, k in current:
            op, a, _b = code[pc]
            if op == MATCH:
                match = (k, pc)
                break  # lower-priority threads can no longer win
            if ch and a(ch) and pc + 1 not in nseen:  # type: ignore[operator]
                nseen.add(pc + 1)
                nxt.append(pc + 1)
                sources.append(k)
        return current, tuple(nxt), tuple(sources), match

    def _pike_state(self, pcs: tuple[int, ...], prev: str | None, fresh: bool) -> int:
        return self._pike.number((pcs, self._signature(prev), fresh))

    def span(
        self,
        text: str,
        pos: int,
        end: int | None = None,
        budget: float = float("inf"),
        work: list[int] | None = None,
    ) -> tuple[int, int, int] | None:
        """The leftmost-first match at or after ``pos``: (start, end, MATCH instruction).

        With ``end``, the match that ends exactly there and starts first (the lazy DFA found
        that one exists). Threads stepped are added to ``work[0]``; past ``budget`` the search
        stops early and returns None so that the caller can fall back to ``end``.

        Steps are cached like the lazy DFA's transitions: which threads survive a character,
        and which matches, depends on the threads' instructions and the text around the
        position, not on where each thread started. So a long read-ahead costs one lookup and
        one list of starts per character, not a walk of the NFA.
        """
        work = [0] if work is None else work
        n = len(text) if end is None else end
        code = self.code
        pike = self._pike
        rows = pike.rows
        starts: list[int] = []
        found: tuple[int, int, int] | None = None
        sid = self._pike_state((), text[pos - 1] if pos > 0 else None, True)
        i = pos
        while True:
            ch = text[i] if i < n else ""
            step = rows[sid].get(ch) if 0 < i < n and ch != "\n" else None
            if step is None:
                # Assertions at i look at text[i-1] (in the state) and text[i], except at the
                # ends of the text and before a newline ("$" looks further): not cached there.
                pcs, _sig, fresh = pike.keys[sid]
                generation = pike.generation
                current, nxt, sources, match = self._pike_step(pcs, fresh, text, i)
                if end is not None and i == end:
                    work[0] += len(current) + 1
                    if work[0] > budget:
                        return None
                    return next(
                        (
                            (starts[k] if k >= 0 else i, i, pc)
                            for pc, k in current
                            if code[pc][0] == MATCH
                        ),
                        None,
                    )
                next_sid = self._pike_state(nxt, ch or None, fresh and match is None)
                step = (next_sid, sources, match, len(current) + 1)
                if 0 < i < n and ch != "\n" and generation == pike.generation:
                    rows[sid][ch] = step
            sid, sources, match, stepped = step
            work[0] += stepped
            if work[0] > budget:
                return None
            if match is not None:
                k, pc = match
                found = (starts[k] if k >= 0 else i, i, pc)
            starts = [starts[k] if k >= 0 else i for k in sources]
            if i >= n or (found is not None and not starts):
                return found
            i += 1

    def finditer(
        self, text: str, pos: int = 0, endpos: int | None = None
    ) -> Iterator[tuple[int, int, int]]:
        """Non-overlapping matches, as (start, end, index of the pattern), in linear time.

        Each match is the one Python's ``re`` would report (leftmost-first), found by the
        Pike VM from no further back than the longest match allows. Finding it can mean
        reading ahead while a preferred alternative is still alive (``a[^!]*b|a`` on a long
        run of ``a``); should that push the work past a linear budget, every later match is
        the one that ends first instead, which the lazy DFA gives in one pass. The text is
        never read more than a bounded number of times either way. :attr:`exact` says
        whether every span matched ``re``'s.
        """
        if endpos is not None and endpos < len(text):
            text = text[:endpos]
        if not self._prepared:
            self._prepare()
        if self._needed is not None and not self._needed.found_in(text):
            self.ops, self.exact = 0, True
            return
        n = len(text)
        # Counted per call, not on the shared program, so interleaved scans stay independent;
        # the figures of the latest call are copied to :attr:`ops` and :attr:`exact`.
        work = [0]
        exact = True
        budget = EXACT_BUDGET * (n + 1) * (len(self.code) + 1)
        while pos <= n:
            end = self.first_end(text, pos)
            if end is None:
                break
            work[0] += end - pos + 1
            begin = pos if self.max_len == float("inf") else max(pos, end - int(self.max_len))
            hit = self.span(text, begin, budget=budget, work=work) if exact else None
            if hit is None:
                exact = False
                hit = self.span(text, begin, end=end, work=work)
            if hit is None:  # pragma: no cover - the DFA and the VM agree by construction
                break
            start, stop, which = hit
            self.ops, self.exact = work[0], exact
            yield start, stop, self.matches[which]
            pos = stop if stop > start else stop + 1
        self.ops, self.exact = work[0], exact


def compile_program(patterns: list[str], flags: int = re.IGNORECASE) -> Program:
    """One program for several patterns, tried in order at each position like ``a|b|c``.

    Each pattern ends in its own MATCH instruction, so a match says which pattern made it:
    :meth:`Program.finditer` yields the pattern's index.
    """
    b = _Builder()
    longest = 0.0
    matches: dict[int, int] = {}
    trees: list[list[tuple[object, object]]] = []
    for k, pattern in enumerate(patterns):
        try:
            tree = _parser.parse(pattern, flags)
        except (re.error, OverflowError, ValueError) as err:
            raise Unsupported(f"invalid regular expression: {err}") from None
        except RecursionError:
            raise Unsupported("pattern is nested too deeply") from None
        trees.append(list(tree))
        split = b.emit(SPLIT) if k < len(patterns) - 1 else None
        start = len(b.code)
        try:
            shortest, hi = _compile_seq(b, list(tree), flags)
        except RecursionError:
            raise Unsupported("pattern is nested too deeply") from None
        if shortest == 0:
            raise Unsupported(
                "pattern can match nothing at all (every part of it is optional), so it would "
                "match everywhere; make some part required"
            )
        longest = max(longest, hi)
        matches[b.emit(MATCH, k)] = k
        if split is not None:
            b.patch(split, start, len(b.code))
    return Program(b.code, longest, "|".join(patterns), matches, trees)
