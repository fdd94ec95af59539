"""The ski pass as a card: a self-contained, accessible SVG, the same bytes for the same input.

Why SVG: it prints sharp, opens in any browser, and can travel inside the credential as a
``data:`` URI. Why self-contained: the card must look right offline and years later, so it
draws with the reader's system fonts and fetches nothing. Why deterministic: the same learner
and the same pass make the same file, so regenerating it changes nothing and tests can compare.

Accessible: ``role="img"`` with a ``<title>`` and a ``<desc>`` that say in words what the card
shows (who, which course, when, which levels), so a screen reader reads the pass, not shapes.
Every piece of text is escaped; the learner's name may be anything.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from html import escape

from ..standing import Standing
from . import text

WIDTH, HEIGHT = 640, 400
PAD = 24
FONT = (
    "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'Helvetica Neue', Arial, "
    "sans-serif, 'Apple Color Emoji', 'Segoe UI Emoji', 'Noto Color Emoji'"
)
INK, MUTED, HEADER = "#101828", "#475467", "#175cd3"
#: The sphinx-design badge colours a level may have (``course.yml``), as Bootstrap draws them.
BADGE_FILL = {
    "primary": "#0d6efd",
    "secondary": "#6c757d",
    "success": "#198754",
    "info": "#0dcaf0",
    "warning": "#ffc107",
    "danger": "#dc3545",
    "light": "#f8f9fa",
    "dark": "#212529",
}
#: Fills light enough that a dark tick reads better on them than a white one.
_LIGHT_FILLS = frozenset({"info", "warning", "light"})
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def day(moment: str) -> str:
    """``2024-05-04T10:00:00+00:00`` -> ``4 May 2024`` (UTC; the same in every locale)."""
    try:
        when = datetime.fromisoformat(moment.replace("Z", "+00:00")).astimezone(timezone.utc)
    except ValueError:
        return moment[:10]
    return f"{when.day} {_MONTHS[when.month - 1]} {when.year}"


def _x(value: str) -> str:
    """Escape for XML text and attributes."""
    return escape(value, quote=True)


def _text(
    content: str,
    x: float,
    y: float,
    size: float,
    *,
    fill: str = INK,
    weight: str = "normal",
    anchor: str = "middle",
    extra: str = "",
) -> str:
    rtl = ' direction="rtl"' if text.is_rtl(content) else ""
    return (
        f'<text x="{x:g}" y="{y:g}" font-size="{size:g}" font-weight="{weight}" '
        f'fill="{fill}" text-anchor="{anchor}"{rtl}{extra}>{_x(content)}</text>'
    )


def _symbol(caption: str, badge: str, cx: float, cy: float, size: float) -> str:
    """A trail sign for the level: circle, square or diamond when its caption names one."""
    fill = BADGE_FILL.get(badge, BADGE_FILL["secondary"])
    stroke = ' stroke="#98a2b3" stroke-width="1.5"' if badge == "light" else ""
    half = size / 2
    words = caption.lower()
    if "circle" in words:
        shape = f'<circle cx="{cx:g}" cy="{cy:g}" r="{half:g}" fill="{fill}"{stroke}/>'
    elif "diamond" in words:
        points = (
            f"{cx:g},{cy - half:g} {cx + half:g},{cy:g} {cx:g},{cy + half:g} {cx - half:g},{cy:g}"
        )
        shape = f'<polygon points="{points}" fill="{fill}"{stroke}/>'
    else:
        corner = 2 if "square" in words else size * 0.28
        shape = (
            f'<rect x="{cx - half:g}" y="{cy - half:g}" width="{size:g}" height="{size:g}" '
            f'rx="{corner:g}" fill="{fill}"{stroke}/>'
        )
    tick = INK if badge in _LIGHT_FILLS else "#ffffff"
    s = size * 0.22
    check = (
        f'<path d="M{cx - s:g} {cy:g} l{s * 0.7:g} {s * 0.7:g} l{s * 1.3:g} {-s * 1.4:g}" '
        f'fill="none" stroke="{tick}" stroke-width="{max(size * 0.09, 2):g}" '
        'stroke-linecap="round" stroke-linejoin="round"/>'
    )
    return shape + check


def ski_pass_svg(standing: Standing, name: str) -> str:
    """The card for a learner who has earned the pass; ``ValueError`` if it is not earned."""
    if not standing.ski_pass:
        raise ValueError("the ski pass is not earned yet: every level's checkpoint must be passed")
    course = standing.course
    who = text.clean_name(name) or "A skier"
    earned = day(standing.ski_pass_on)
    levels = [lv.level for lv in standing.levels]
    ident = (
        "skipass-"
        + hashlib.sha256(f"{course.id}\n{who}\n{standing.ski_pass_on}".encode()).hexdigest()[:10]
    )
    inner = WIDTH - 2 * PAD - 16
    level_list = ", ".join(lv.label for lv in levels)
    title = f"Ski pass of {who}: {course.title}"
    desc = (
        f"{who} earned the {course.title} ski pass on {earned} by passing the checkpoint of "
        f"every level: {level_list}."
    )
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{ident}-t {ident}-d" '
        f'font-family="{FONT}">',
        f'<title id="{ident}-t">{_x(title)}</title>',
        f'<desc id="{ident}-d">{_x(desc)}</desc>',
        # The card, its header band and the punched slot for a lanyard: decoration only.
        '<g aria-hidden="true">',
        f'<rect x="8" y="8" width="{WIDTH - 16}" height="{HEIGHT - 16}" rx="24" fill="#ffffff" '
        'stroke="#1d2939" stroke-width="2"/>',
        f'<path d="M9 92 V32 a23 23 0 0 1 23 -23 H{WIDTH - 32} a23 23 0 0 1 23 23 V92 Z" '
        f'fill="{HEADER}"/>',
        f'<rect x="{WIDTH / 2 - 28:g}" y="20" width="56" height="10" rx="5" fill="#ffffff"/>',
        f'<path d="M{PAD + 8} 252 L130 178 L188 214 L292 128 L380 206 L446 164 '
        f'L{WIDTH - PAD - 8} 252 Z" fill="#eef4ff"/>',
        "</g>",
    ]
    label_room = 118
    course_title = text.shorten(course.title, 22, inner - label_room)
    out.append(_text(course_title, PAD + 8, 68, 22, fill="#ffffff", weight="bold", anchor="start"))
    out.append(
        _text(
            "SKI PASS",
            WIDTH - PAD - 8,
            68,
            15,
            fill="#ffffff",
            weight="bold",
            anchor="end",
            extra=' letter-spacing="2"',
        )
    )
    out.append(_text("Awarded to", WIDTH / 2, 124, 14, fill=MUTED))
    one_line, name_size = text.fit(who, (34, 30), inner)
    if one_line == who:
        out.append(_text(who, WIDTH / 2, 166, name_size, weight="bold"))
    else:
        for i, line in enumerate(text.wrap(who, 27, inner, lines=2)):
            out.append(_text(line, WIDTH / 2, 160 + i * 32, 27, weight="bold"))
    out.append(_text(f"Earned {earned}", WIDTH / 2, 232, 16, fill="#344054", weight="bold"))
    slot = (WIDTH - 2 * PAD) / max(len(levels), 1)
    size = min(40.0, slot * 0.45)
    for i, level in enumerate(levels):
        cx = PAD + slot * (i + 0.5)
        caption, caption_size = text.fit(level.caption, (13, 12, 11), slot - 6)
        number, number_size = text.fit(f"Level {level.number}", (11, 9), slot - 6)
        out.append(
            '<g aria-hidden="true">'
            + _symbol(level.caption, level.badge, cx, 290, size)
            + _text(caption, cx, 334, caption_size, weight="bold")
            + _text(number, cx, 352, number_size, fill=MUTED)
            + "</g>"
        )
    out.append(
        _text(
            text.shorten(f"{course.id} · release {course.release}", 11, inner),
            WIDTH / 2,
            378,
            11,
            fill=MUTED,
        )
    )
    out.append("</svg>")
    return "\n".join(out) + "\n"


__all__ = ["ski_pass_svg"]
