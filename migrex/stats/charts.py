"""Bar charts as SVG, drawn on the server (no script, no CDN: the node may be air-gapped).

Each chart is an image with a <title> and a <desc> for screen readers; every bar carries its
period, series and exact value in data- attributes and a tooltip, and the page shows the same
numbers in a table beside it. Plain module: no Django; texts come translated from the caller."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from html import escape

WIDTH, HEIGHT = 760, 320
PALETTE = ("#1f5fa8", "#c2571a", "#2e7d32", "#6a1b9a", "#00838f", "#8d6e63")
UP, DOWN = "#2e7d32", "#c62828"
NBSP, MINUS = "\u00a0", "\u2212"


def number(value: Decimal, lang: str = "ru") -> str:
    """2623 → "2 623" (ru, non-breaking space) or "2,623" (en); a true minus sign."""
    text = format(abs(value), ",f")
    if lang == "ru":
        text = text.replace(",", NBSP).replace(".", ",")
    return (MINUS if value < 0 else "") + text


def signed(value: Decimal, lang: str = "ru") -> str:
    """A difference: +60, −18, 0."""
    return ("+" if value > 0 else "") + number(value, lang)


def percent(value: Decimal | None, lang: str = "ru") -> str:
    """−18.6 → "−18,6 %" (ru) or "−18.6 %" (en); a sign on every change but zero."""
    if value is None:
        return "—"
    text = f"{abs(value):.1f}"
    if lang == "ru":
        text = text.replace(".", ",")
    sign = MINUS if value < 0 else "+" if value > 0 else ""
    return f"{sign}{text}{NBSP}%"


def bar_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    groups: Sequence[str],
    series: Sequence[tuple[str, Sequence[Decimal | None]]],
    fmt: Callable[[Decimal], str],
    notes: Sequence[str] | None = None,
    signed: bool = False,
) -> str:
    """Bars per group (a period) and series; `signed` colours rises green and falls red (one
    series); `notes` is a text above each group (the gap of mirror statistics)."""
    legend = len(series) > 1
    top = 48 if notes else 30
    bottom = HEIGHT - (48 if legend else 30)
    left, right = 16, WIDTH - 16
    values = [float(v) for _, vs in series for v in vs if v is not None]
    lo, hi = min([0.0, *values]), max([0.0, *values])
    lo *= 1.12  # room under a falling bar for its figure, above the periods
    if hi == lo:
        hi = lo + 1

    def y(v: float) -> float:
        return bottom - (v - lo) / (hi - lo) * (bottom - top)

    gw = (right - left) / max(len(groups), 1)
    bw = min(72.0, gw * 0.72 / max(len(series), 1))
    show_values = bw >= 26
    step = max(1, round(len(groups) / 14))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{escape(chart_id)}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
        f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" '
        'font-family="sans-serif" font-size="12">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(desc)}</desc>',
    ]
    for i, group in enumerate(groups):
        x0 = left + i * gw + (gw - bw * len(series)) / 2
        for j, (name, vs) in enumerate(series):
            v = vs[i]
            if v is None:
                continue
            colour = (UP if v >= 0 else DOWN) if signed else PALETTE[j % len(PALETTE)]
            x, y_top, y_zero = x0 + j * bw, y(float(v)), y(0.0)
            h = max(abs(y_zero - y_top), 1.0)
            text = fmt(v)
            parts.append(
                f'<rect class="bar" x="{x:.1f}" y="{min(y_top, y_zero):.1f}" '
                f'width="{bw - 2:.1f}" height="{h:.1f}" fill="{colour}" '
                f'data-group="{escape(group)}" data-series="{escape(name)}" '
                f'data-value="{v}"><title>{escape(group)}, {escape(name)}: {escape(text)}'
                "</title></rect>"
            )
            if show_values:
                ty = y_top - 5 if v >= 0 else y_top + 14
                parts.append(
                    f'<text class="value" x="{x + (bw - 2) / 2:.1f}" y="{ty:.1f}" '
                    f'text-anchor="middle" fill="#222">{escape(text)}</text>'
                )
        if i % step == 0:
            parts.append(
                f'<text class="group" x="{left + (i + 0.5) * gw:.1f}" y="{bottom + 18}" '
                f'text-anchor="middle" fill="#444">{escape(group)}</text>'
            )
        if notes and notes[i]:
            parts.append(
                f'<text class="note" x="{left + (i + 0.5) * gw:.1f}" y="18" '
                f'text-anchor="middle" fill="#7a1f1f">{escape(notes[i])}</text>'
            )
    parts.append(
        f'<line x1="{left}" y1="{y(0.0):.1f}" x2="{right}" y2="{y(0.0):.1f}" stroke="#555"/>'
    )
    if legend:
        x = left
        for j, (name, _) in enumerate(series):
            parts.append(
                f'<rect x="{x}" y="{HEIGHT - 20}" width="12" height="12" '
                f'fill="{PALETTE[j % len(PALETTE)]}"/>'
                f'<text class="legend" x="{x + 17}" y="{HEIGHT - 10}" fill="#222">'
                f"{escape(name)}</text>"
            )
            x += 30 + 7 * len(name)
    parts.append("</svg>")
    return "\n".join(parts)
