"""Text from a handed-in file, made safe for the page: controls spelled out, then escaped.

Why both: :func:`skischool.result.esc` stops markup, but an escape sequence or a bidi override
in a learner's name would still reach the page (and, copied from it, a terminal). Spelling them
out (``\\x1b``) shows the instructor what the file really holds.
"""

from __future__ import annotations

import re

from ..result import esc

_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def visible(text: object) -> str:
    """``text`` with every control character written as ``\\xNN`` or ``\\uNNNN``."""

    def spell(m: re.Match[str]) -> str:
        ch = m.group()
        return f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"

    return _CONTROL.sub(spell, str(text))


def h(text: object) -> str:
    """Any text as HTML: controls spelled out, markup escaped (quotes too)."""
    return esc(visible(text))


__all__ = ["h", "visible"]
