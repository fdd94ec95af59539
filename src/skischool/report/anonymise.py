"""Learner replies made safe to show a class: names, contacts and links become placeholders.

Why: the class report quotes replies so an instructor can see what a missed criterion looks
like, and a report is often projected or shared. A reply may carry the learner's own name (a
sign-off), an e-mail, a phone number, a handle or a link. Each is replaced by a bracketed
placeholder, control characters are dropped and the text is clipped, so a quote is short and
tells nobody who wrote it. HTML escaping is left to the page that shows it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

#: How much of a reply a report quotes.
QUOTE_CHARS = 240
#: Words of a file name that name no one (the browser's download is ``skischool-progress.json``).
_NOT_NAMES = frozenset({"skischool", "progress", "export", "json", "copy", "learner", "student"})

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
# A link, without the punctuation that ends the sentence around it.
# The scheme is bounded (RFC 3986 names none over 31 characters) so a long run of letters and
# hyphens is scanned once, not once per start: the search stays linear on any text.
_URL = re.compile(r"(?i)\b(?:[a-z][a-z0-9+.-]{0,31}://|www\.)[^\s<>\"']*[^\s<>\"'.,;:!?)\]]")
_EMAIL = re.compile(
    r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
)  # starts a run: linear
_HANDLE = re.compile(r"(?<![\w@])@\w[\w.]{0,38}\w|(?<![\w@])@\w")
# A run of digits with the separators phone numbers use; counted below (7 to 15 digits).
_PHONE = re.compile(r"(?<![\w+])\+?\(?\d[\d ()./-]{5,}\d(?!\w)")
_DATE = re.compile(r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}")
# A sign-off at the very end: "– Maya", "~ Maya K", "Cheers, Maya", "Thanks!\nMaya".
_SIGN_OFF = re.compile(
    r"(?:(?<=[\s.,!?])[-–—~]\s*|(?i:\b(?:cheers|thanks|thank you|best|regards|warmly|love|"
    r"all the best|best wishes|kind regards)\b)(?:[,!.]\s*|[ \t]*\n\s*))"
    r"([A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)?)\s*[.!]?\s*$"
)


# A lone capitalised word closing the reply after a sentence: "... at noon. Sam".
_LAST_NAME = re.compile(r"(?<=[.!?])(\s+)([A-Z][a-z'’-]+)\s*$")
_CLOSINGS = frozenset({"cheers", "thanks", "best", "regards", "love", "thx", "ta", "bye", "soon"})


def name_parts(names: Iterable[str]) -> list[str]:
    """Every way a learner's name may appear: whole, and each word of it (``ana-lopez`` too)."""
    parts: set[str] = set()
    for name in names:
        whole = " ".join(name.split())
        if len(whole) >= 2:
            parts.add(whole)
        for word in re.split(r"[\s\-_.,()\[\]]+", whole):
            if len(word) >= 2 and not word.isdigit() and word.lower() not in _NOT_NAMES:
                parts.add(word)
    return sorted(parts, key=lambda p: (-len(p), p))


class Anonymiser:
    """Replaces the names of one class (built once; the pattern is the costly part)."""

    def __init__(self, names: Iterable[str] = ()) -> None:
        parts = name_parts(names)
        self._names = (
            re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, parts)) + r")(?!\w)", re.I)
            if parts
            else None
        )
        self._whole = {p.casefold() for p in parts if " " in p}

    def _name(self, match: re.Match[str]) -> str:
        found = match.group()
        # A name is written with a capital; "will" or "may" in lower case is an ordinary word.
        if found[:1].isupper() or found.casefold() in self._whole:
            return "[name]"
        return found

    def __call__(self, text: str, limit: int = QUOTE_CHARS) -> str:
        """``text`` with no name, contact or link left, on one line, at most ``limit`` chars."""
        # Only the start is ever shown; cutting first keeps every pattern below linear in time.
        text = str(text)[: max(limit * 4, 200)]
        text = _SURROGATE.sub("\ufffd", _CONTROL.sub(" ", text))
        text = _URL.sub("[link]", text)
        text = _EMAIL.sub("[email]", text)
        text = _HANDLE.sub("[handle]", text)
        text = _PHONE.sub(_phone, text)
        text = _SIGN_OFF.sub(_sign_off, text.rstrip())
        text = _LAST_NAME.sub(_last_name, text)
        if self._names is not None:
            text = self._names.sub(self._name, text)
        text = " ".join(text.split())
        return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _phone(match: re.Match[str]) -> str:
    found = match.group()
    digits = sum(ch.isdigit() for ch in found)
    if _DATE.fullmatch(found.strip()):
        return found
    return "[phone]" if 7 <= digits <= 15 else found


def _sign_off(match: re.Match[str]) -> str:
    whole = match.group()
    return whole[: match.start(1) - match.start()] + "[name]"


def _last_name(match: re.Match[str]) -> str:
    word = match.group(2)
    return match.group() if word.lower() in _CLOSINGS else match.group(1) + "[name]"


def anonymise(text: str, names: Iterable[str] = (), limit: int = QUOTE_CHARS) -> str:
    """One reply made safe to quote (see :class:`Anonymiser` to reuse the name pattern)."""
    return Anonymiser(names)(text, limit)


__all__ = ["QUOTE_CHARS", "Anonymiser", "anonymise", "name_parts"]
