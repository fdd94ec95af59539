"""A learner's name made safe to print, and text fitted to a width without a font at hand.

Why estimate: the pass is an SVG drawn with the reader's own system font, so nothing here can
measure glyphs. A conservative estimate per character (wide for CJK and emoji, nothing for a
combining mark) keeps text inside its box; a name too long for one line is wrapped at a space
and, if still too long, shortened with an ellipsis at a place that never splits a character
from its accents or an emoji sequence.
"""

from __future__ import annotations

import re
import unicodedata

ELLIPSIS = "\u2026"
# Text that would reorder or hide what is shown (bidi embeddings, overrides and isolates; the
# byte-order mark) and what XML 1.0 cannot hold (C0/C1 controls, U+FFFE/U+FFFF).
_BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069\ufeff"
_DROP = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI_CONTROLS}\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_SPACES = re.compile(r"\s+")
_ZWJ = "\u200d"
#: Width of a character in ems, by kind: sized on DejaVu Sans Bold, one of the widest system
#: sans-serif fonts (Linux's default), so narrower fonts only leave more room.
_NARROW = frozenset("ijl.,:;'!|`")
_HALF = frozenset('frt ()[]{}-/"')
_WIDE = frozenset("mwMW@%&")


def clean_name(name: str) -> str:
    """The name as printed: NFC, no control or bidi-override characters, spaces collapsed.

    Emoji sequences (joined by U+200D) and every script stay as they are; a lone surrogate (an
    undecodable byte from the command line) becomes U+FFFD, which XML and JSON can carry.
    """
    text = _SURROGATE.sub("\ufffd", str(name))
    text = unicodedata.normalize("NFC", text)
    text = _DROP.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def char_width(ch: str) -> float:
    """How wide ``ch`` is likely to be, in ems (0 for marks and joiners)."""
    if ch == _ZWJ or "\ufe00" <= ch <= "\ufe0f" or "\U0001f3fb" <= ch <= "\U0001f3ff":
        return 0.0  # joiner, variation selector, skin tone: part of the previous glyph
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0.0
    if unicodedata.east_asian_width(ch) in ("W", "F") or ord(ch) >= 0x1F000:
        return 1.05
    if ch in _NARROW:
        return 0.38
    if ch in _HALF:
        return 0.52
    if ch in _WIDE:
        return 1.05
    if ch.isupper() or ch.isdigit():
        return 0.8
    return 0.7


def width(text: str, size: float) -> float:
    """Estimated width of ``text`` at font size ``size`` (pixels)."""
    return sum(char_width(ch) for ch in text) * size


def fits(text: str, size: float, limit: float) -> bool:
    """``width(text, size) <= limit``, stopping as soon as it is not: a 1 MB name costs no
    more than a line of it."""
    total = 0.0
    for ch in text:
        total += char_width(ch) * size
        if total > limit:
            return False
    return True


def _joins_previous(text: str, i: int) -> bool:
    """True when ``text[i]`` belongs to the glyph before it, so no cut may fall before it."""
    if i <= 0 or i >= len(text):
        return False
    ch, prev = text[i], text[i - 1]
    if prev == _ZWJ or char_width(ch) == 0.0:
        return True
    # Regional indicators pair into flags: never cut between the two of a pair.
    if _is_regional(ch) and _is_regional(prev):
        run = 0
        j = i - 1
        while j >= 0 and _is_regional(text[j]):
            run += 1
            j -= 1
        return run % 2 == 1
    return False


def _is_regional(ch: str) -> bool:
    return "\U0001f1e6" <= ch <= "\U0001f1ff"


def _fit_prefix(text: str, size: float, limit: float) -> int:
    """The length of the longest prefix of ``text`` within ``limit``, cut between glyphs."""
    total = 0.0
    end = 0
    for i, ch in enumerate(text):
        total += char_width(ch) * size
        if total > limit:
            break
        end = i + 1
    else:
        return len(text)
    while end > 0 and _joins_previous(text, end):
        end -= 1
    return end


def shorten(text: str, size: float, limit: float) -> str:
    """``text`` if it fits in ``limit``, else its longest fitting start and an ellipsis."""
    if fits(text, size, limit):
        return text
    room = limit - width(ELLIPSIS, size)
    end = _fit_prefix(text, size, max(room, 0.0))
    return text[:end].rstrip() + ELLIPSIS


def fit(text: str, sizes: tuple[float, ...], limit: float) -> tuple[str, float]:
    """The first of ``sizes`` (largest first) at which ``text`` fits, else the last size and
    ``text`` shortened to fit."""
    for size in sizes:
        if fits(text, size, limit):
            return text, size
    return shorten(text, sizes[-1], limit), sizes[-1]


def wrap(text: str, size: float, limit: float, lines: int = 2) -> list[str]:
    """``text`` in at most ``lines`` lines of ``limit`` width: broken at spaces where it can,
    between glyphs where a word is too long, and the last line shortened if still too long."""
    out: list[str] = []
    rest = text
    while rest and len(out) < lines - 1:
        if fits(rest, size, limit):
            break
        end = _fit_prefix(rest, size, limit)
        space = rest.rfind(" ", 0, end + 1)
        cut = space if space > 0 else max(end, 1)
        while cut < len(rest) and _joins_previous(rest, cut):
            cut += 1  # a single glyph wider than the line: keep it whole
        out.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        out.append(shorten(rest, size, limit))
    return out


def is_rtl(text: str) -> bool:
    """Whether ``text`` starts, by its first strong character, right to left."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


__all__ = [
    "ELLIPSIS",
    "char_width",
    "clean_name",
    "fit",
    "fits",
    "is_rtl",
    "shorten",
    "width",
    "wrap",
]
