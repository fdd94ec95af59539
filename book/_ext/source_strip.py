"""What the learner edition keeps of a page's MyST source and of its "On this page" list.

Two plain-text jobs for ``edition.py``, kept apart so that they can be tested without Sphinx:

* :func:`strip_source`: the learner edition publishes each page's source (``_sources/``, the
  page's download button). It must not carry instructor-only blocks, so they are cut out of
  that copy, with any heading whose section held nothing else;
* :func:`drop_toc_entries`: the page's local table of contents is made from what Sphinx read,
  before the learner edition dropped a section, so entries pointing at sections that are no
  longer on the page are taken out.
"""

from __future__ import annotations

import re
from collections.abc import Collection

#: Directives whose whole content belongs to the instructor edition (``edition.py`` defines them).
INSTRUCTOR_DIRECTIVES = ("facilitator", "instructor-only", "session-plan", "mistakes-to-expect")

_FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,}|:{3,})(?P<info>.*)$")
_DIRECTIVE = re.compile(r"^\{(?P<name>[\w:.-]+)\}")
_HEADING = re.compile(r"^ {0,3}(?P<marks>#{1,6})(?:\s|$)")


def _closes(line: str, fence: str) -> bool:
    m = _FENCE.match(line)
    return bool(
        m
        and m.group("fence")[0] == fence[0]
        and len(m.group("fence")) >= len(fence)
        and not m.group("info").strip()
    )


def strip_source(text: str, names: Collection[str] = INSTRUCTOR_DIRECTIVES) -> str:
    """``text`` without its instructor-only directive blocks.

    A heading goes too when its section held such a block and nothing is left in it but blank
    lines (the page's ``## Facilitator notes``); other headings, and everything else, stay
    exactly as written. Fences follow CommonMark: a block ends at a bare fence of the same
    character at least as long as the one that opened it, so nested directives inside it go
    with it.
    """
    lines = text.split("\n")
    removed = [False] * len(lines)
    headings: list[tuple[int, int]] = []  # (line index, level), outside fenced blocks
    i = 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if m is None:
            h = _HEADING.match(lines[i])
            if h:
                headings.append((i, len(h.group("marks"))))
            i += 1
            continue
        fence = m.group("fence")
        directive = _DIRECTIVE.match(m.group("info").strip())
        end = i + 1
        while end < len(lines) and not _closes(lines[end], fence):
            end += 1
        if directive and directive.group("name") in names:
            for k in range(i, min(end + 1, len(lines))):
                removed[k] = True
        i = end + 1
    if not any(removed):
        return text
    # Deepest headings first, so that a parent sees its emptied subsections as gone.
    for pos, (start, level) in sorted(enumerate(headings), key=lambda e: -e[1][1]):
        stop = next((h for h, lv in headings[pos + 1 :] if lv <= level), len(lines))
        body = range(start + 1, stop)
        touched = any(removed[k] for k in body)
        if touched and all(removed[k] or not lines[k].strip() for k in body):
            for k in (start, *body):
                removed[k] = True
    out: list[str] = []
    after_cut = False
    for line, gone in zip(lines, removed, strict=True):
        if gone:
            after_cut = True
            continue
        if after_cut and not line.strip() and (not out or not out[-1].strip()):
            continue  # no run of blank lines where a block was cut out
        after_cut = after_cut and not line.strip()
        out.append(line)
    while len(out) > 1 and not out[-1].strip() and not out[-2].strip():
        out.pop()
    return "\n".join(out)


_LI = re.compile(r"<li\b[^>]*>|</li\s*>", re.IGNORECASE)
_LINK = re.compile(r"<a\b[^>]*>", re.IGNORECASE)
_ANCHOR = re.compile(r"""\bhref=(["'])#(?P<id>[^"']*)\1""", re.IGNORECASE)
_EMPTY_UL = re.compile(r"<ul\b[^>]*>\s*</ul>", re.IGNORECASE)


def drop_toc_entries(toc: str, present: Collection[str]) -> str:
    """A local table of contents without the entries whose anchor is not in ``present``.

    ``toc`` is Sphinx's rendered list (nested ``<ul>``/``<li>``); an entry is an ``<li>`` whose
    first link is ``#anchor``. The page's own entry (``#``) always stays.
    """
    pairs: list[tuple[int, int]] = []
    stack: list[int] = []
    for m in _LI.finditer(toc):
        if m.group(0).startswith("</"):
            if stack:
                pairs.append((stack.pop(), m.end()))
        else:
            stack.append(m.start())
    cuts: list[tuple[int, int]] = []
    for start, end in sorted(pairs):
        if cuts and start < cuts[-1][1]:
            continue  # inside an entry already cut
        link = _LINK.search(toc, start, end)
        anchor = _ANCHOR.search(link.group(0)) if link else None
        if anchor and anchor.group("id") and anchor.group("id") not in present:
            cuts.append((start, end))
    if not cuts:
        return toc
    kept, last = [], 0
    for start, end in cuts:
        kept.append(toc[last:start])
        last = end
    kept.append(toc[last:])
    result = "".join(kept)
    while True:
        emptied = _EMPTY_UL.sub("", result)
        if emptied == result:
            return result
        result = emptied
