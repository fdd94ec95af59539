"""Hand-made inline SVG charts: a report that opens offline, with no plotting library.

Why by hand: the class report is one self-contained HTML file, and two chart shapes (labelled
horizontal bars, a histogram) do not justify matplotlib. Every chart carries ``<title>`` and
``<desc>`` (named by ``aria-labelledby``) and prints its numbers as text, so it reads without
colour and with a screen reader. Colours are dark on light, well above 4.5:1 contrast.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..textmatch import clip
from .text import h as esc

BAR = "#1d4ed8"  # blue 700: 6.7:1 on white
TRACK = "#e5e7eb"
TEXT = "#111827"
MUTED = "#374151"
GRID = "#6b7280"

_ROW = 26
_LABEL_W = 300
_BAR_W = 280
_WIDTH = 760


@dataclass(frozen=True)
class Bar:
    """One row of a bar chart: a share from 0 to 1 (None: no data yet) and how to say it."""

    label: str
    value: float | None
    text: str
    note: str = ""


def _ident(raw: str) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", raw.lower()).strip("-") or "chart"


def _open(ident: str, title: str, desc: str, width: int, height: int) -> list[str]:
    return [
        f'<svg class="chart" role="img" aria-labelledby="{ident}-t {ident}-d" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">',
        f'<title id="{ident}-t">{esc(title)}</title>',
        f'<desc id="{ident}-d">{esc(desc)}</desc>',
    ]


def bar_chart(bars: Sequence[Bar], *, title: str, desc: str, ident: str) -> str:
    """Horizontal bars of shares (0-100 %), one labelled row each, with a 0/50/100 % scale."""
    ident = _ident(ident)
    top = 6
    height = top + _ROW * len(bars) + 24
    out = _open(ident, title, desc, _WIDTH, height)
    x0 = _LABEL_W
    bottom = top + _ROW * len(bars)
    for share in (0.0, 0.5, 1.0):
        x = x0 + share * _BAR_W
        out.append(
            f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{bottom}" stroke="{GRID}" '
            'stroke-width="1" stroke-dasharray="2 3"/>'
        )
        out.append(
            f'<text x="{x:.1f}" y="{bottom + 16}" text-anchor="middle" fill="{MUTED}" '
            f'font-size="12">{int(share * 100)}%</text>'
        )
    for i, bar in enumerate(bars):
        y = top + i * _ROW
        tip = (
            bar.label
            + (f": {bar.text}" if bar.text else "")
            + (f" ({bar.note})" if bar.note else "")
        )
        out.append(f"<g><title>{esc(tip)}</title>")
        out.append(
            f'<text x="{x0 - 8}" y="{y + 17}" text-anchor="end" fill="{TEXT}" '
            f'font-size="13">{esc(clip(bar.label, 42))}</text>'
        )
        out.append(
            f'<rect x="{x0}" y="{y + 5}" width="{_BAR_W}" height="{_ROW - 10}" fill="{TRACK}"/>'
        )
        if bar.value is not None:
            w = max(0.0, min(1.0, bar.value)) * _BAR_W
            out.append(
                f'<rect x="{x0}" y="{y + 5}" width="{w:.1f}" height="{_ROW - 10}" fill="{BAR}"/>'
            )
        out.append(
            f'<text x="{x0 + _BAR_W + 8}" y="{y + 17}" fill="{TEXT}" font-size="13">'
            f"{esc(bar.text)}</text></g>"
        )
    out.append("</svg>")
    return "\n".join(out)


def histogram(
    counts: Sequence[int], labels: Sequence[str], *, title: str, desc: str, ident: str
) -> str:
    """Vertical bars of counts, each with its count above and its bin label below."""
    ident = _ident(ident)
    width, plot_h, top, left = 640, 160, 22, 16
    height = top + plot_h + 40
    out = _open(ident, title, desc, width, height)
    peak = max(counts, default=0) or 1
    slot = (width - 2 * left) / max(1, len(counts))
    base = top + plot_h
    out.append(
        f'<line x1="{left}" y1="{base}" x2="{width - left}" y2="{base}" stroke="{GRID}" '
        'stroke-width="1"/>'
    )
    for i, (count, label) in enumerate(zip(counts, labels, strict=True)):
        x = left + i * slot
        h = plot_h * count / peak
        out.append(f"<g><title>{esc(f'{label}: {count}')}</title>")
        if count:
            out.append(
                f'<rect x="{x + 4:.1f}" y="{base - h:.1f}" width="{slot - 8:.1f}" '
                f'height="{h:.1f}" fill="{BAR}"/>'
            )
        out.append(
            f'<text x="{x + slot / 2:.1f}" y="{base - h - 6:.1f}" text-anchor="middle" '
            f'fill="{TEXT}" font-size="12">{count}</text>'
        )
        out.append(
            f'<text x="{x + slot / 2:.1f}" y="{base + 16}" text-anchor="middle" '
            f'fill="{MUTED}" font-size="11">{esc(label)}</text></g>'
        )
    out.append("</svg>")
    return "\n".join(out)


__all__ = ["Bar", "bar_chart", "histogram"]
