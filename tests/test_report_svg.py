"""Inline SVG charts (skischool.report.svg): labelled, accessible, escaped, offline."""

from __future__ import annotations

import re

from skischool.report.svg import Bar, bar_chart, histogram


def test_a_bar_chart_is_titled_described_and_labelled() -> None:
    svg = bar_chart(
        [Bar("Your first reply", 0.5, "50% · 2 of 4"), Bar("Not yet", None, "not tried yet")],
        title="Pass rate, Level 1",
        desc="Two exercises.",
        ident="Rates Level 1",
    )
    assert svg.startswith(
        '<svg class="chart" role="img" aria-labelledby="rates-level-1-t rates-level-1-d"'
    )
    assert '<title id="rates-level-1-t">Pass rate, Level 1</title>' in svg
    assert '<desc id="rates-level-1-d">Two exercises.</desc>' in svg
    assert ">Your first reply</text>" in svg and ">50% · 2 of 4</text>" in svg
    assert ">not tried yet</text>" in svg
    filled = re.findall(r'<rect [^>]*width="([0-9.]+)"[^>]*fill="#1d4ed8"', svg)
    assert filled == ["140.0"]  # half of the 280-wide bar; no bar for "not tried yet"
    assert "http" not in svg  # inline SVG in HTML needs no namespace URL


def test_chart_text_is_escaped() -> None:
    svg = bar_chart([Bar('<b>x</b> & "y"', 1.0, "<i>")], title="<t>", desc="&", ident="x")
    assert "<b>" not in svg and "<i>" not in svg and "<t>" not in svg
    assert "&lt;b&gt;x&lt;/b&gt; &amp; &quot;y&quot;" in svg


def test_a_histogram_prints_every_count_and_band() -> None:
    svg = histogram([3, 0, 7], ["0–9", "10–19", "20–29"], title="Scores", desc="d", ident="h")
    assert [m for m in re.findall(r">(\d+)</text>", svg)] == ["3", "0", "7"]
    assert all(f">{band}</text>" in svg for band in ("0–9", "10–19", "20–29"))
    assert svg.count('fill="#1d4ed8"') == 2  # an empty band draws no bar
