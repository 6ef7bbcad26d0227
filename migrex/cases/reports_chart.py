"""The reports' charts: horizontal bars as inline SVG, drawn on the server (no script, no CDN:
the node may be air-gapped; the Content-Security-Policy allows no inline style).

Each chart is an image (role="img") named by its <title> and described by its <desc>, which the
caller writes with every figure; the page shows the same figures in a table. Each bar has its
label on a line of its own above it and its value after it, so that a long Russian label never
crowds the bar and the chart stays legible when its viewBox shrinks to a phone's width. The
colours come from the stylesheet through classes (migrex.css, `.rchart`).

Pure module (no Django): texts come translated and formatted from the caller."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

WIDTH = 360  # at 14 units a letter: about 12 px on a phone, 17 px in half a desktop page
PAD = 8
VALUE_ROOM = 64  # right of the longest bar, for its figure
ROW = 44  # one bar: its label line and the bar
TOP = 6


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    text: str  # the value as the page prints it (Russian digit grouping)
    tone: str  # a class of the stylesheet: rc-total, rc-answered, rc-refused, ...


def bar_chart(*, chart_id: str, title: str, desc: str, bars: Sequence[Bar]) -> str:
    """One horizontal bar per item of `bars`, scaled to the largest value."""
    height = TOP + ROW * len(bars) + PAD
    top = max([bar.value for bar in bars] + [1])
    span = WIDTH - 2 * PAD - VALUE_ROOM
    ident = escape(chart_id)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="rchart" id="{ident}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc" font-size="14">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(desc)}</desc>',
    ]
    for i, bar in enumerate(bars):
        y = TOP + i * ROW
        length = span * bar.value / top
        shown = max(length, 2.0) if bar.value else 0.0
        parts.append(
            f'<g class="rc-row" data-label="{escape(bar.label)}" data-value="{bar.value}">'
            f"<title>{escape(bar.label)}: {escape(bar.text)}</title>"
            f'<text class="rc-label" x="{PAD}" y="{y + 15}">{escape(bar.label)}</text>'
            f'<rect class="rc-track" x="{PAD}" y="{y + 21}" width="{span}" height="16" rx="2"/>'
            f'<rect class="rc-bar {escape(bar.tone)}" x="{PAD}" y="{y + 21}" '
            f'width="{shown:.1f}" height="16" rx="2"/>'
            f'<text class="rc-value" x="{PAD + shown + 6:.1f}" y="{y + 34}">'
            f"{escape(bar.text)}</text></g>"
        )
    parts.append("</svg>")
    return "".join(parts)
