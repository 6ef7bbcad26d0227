"""What `migrex link` writes beside the pairs: the dual-citizenship report (linked persons whose
recorded citizenships differ, Art. 3.1.1 and the parties' common aim), the clerical-review sheet
(the pairs near the threshold, both records side by side) and an SVG chart of the match-weight
distribution."""

from __future__ import annotations

import math

import pandas as pd


def dual_citizenship(pairs: pd.DataFrame, a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    """Linked pairs whose recorded citizenships differ: one person, a citizen of both parties."""
    if "citizenship" not in a.columns or "citizenship" not in b.columns:
        return pairs.iloc[0:0]
    shown = ("surname", "first_name", "patronymic", "birth_date", "citizenship")
    left = a[["record_id", *[c for c in shown if c in a.columns]]].add_suffix("_a")
    right = b[["record_id", *[c for c in shown if c in b.columns]]].add_suffix("_b")
    merged = pairs.merge(left, on="record_id_a").merge(right, on="record_id_b")
    differ = (merged["citizenship_a"] != "") & (merged["citizenship_b"] != "")
    differ &= merged["citizenship_a"].str.upper() != merged["citizenship_b"].str.upper()
    return merged[differ].drop(columns=["match_weight"])


def review_sheet(review: pd.DataFrame, a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    """The pairs of the review band with both records side by side, field by field (surname_a,
    surname_b, first_name_a, ...), the most probable first: for a person to decide."""
    fields = [c for c in a.columns if c != "record_id" and c in b.columns]
    fields += [c for c in a.columns if c != "record_id" and c not in fields]
    fields += [c for c in b.columns if c != "record_id" and c not in fields]
    merged = (
        review[["record_id_a", "record_id_b", "probability"]]
        .merge(a.add_suffix("_a"), on="record_id_a", how="left")
        .merge(b.add_suffix("_b"), on="record_id_b", how="left")
        .sort_values(["probability", "record_id_a"], ascending=[False, True])
    )
    side_by_side = [
        f"{field}_{side}"
        for field in fields
        for side in "ab"
        if f"{field}_{side}" in merged.columns
    ]
    return merged[["record_id_a", "record_id_b", "probability", *side_by_side]]


def weights_chart(bins: dict[int, int], threshold: float, title: str) -> str:
    """An SVG histogram of match weights (pairs per whole bit), the threshold marked: a picture
    of how well the model separates matches (right) from non-matches (left)."""
    width, height, pad = 720, 320, 48
    bins = bins or {0: 0}
    low, high = min(bins), max(bins) + 1
    counts = [bins.get(weight, 0) for weight in range(low, high)]
    top = max(max(counts), 1)
    bar = (width - 2 * pad) / len(counts)
    cut = math.log2(threshold / (1 - threshold)) if 0 < threshold < 1 else 0.0
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
        f'<text x="{pad}" y="20" font-size="14">{title}</text>',
        f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" '
        'stroke="#444"/>',
    ]
    for index, count in enumerate(counts):
        if not count:
            continue
        # a log scale: non-matches outnumber matches by orders of magnitude
        h = (height - 2 * pad - 20) * math.log10(1 + count) / math.log10(1 + top)
        x = pad + index * bar
        colour = "#2e7d32" if low + index >= cut else "#9e9e9e"
        parts.append(
            f'<rect x="{x:.1f}" y="{height - pad - h:.1f}" width="{max(bar - 1, 1):.1f}" '
            f'height="{h:.1f}" fill="{colour}"><title>{low + index}…{low + index + 1}: '
            f"{count:,}</title></rect>"
        )
    step = max(1, len(counts) // 10)
    for index in range(0, len(counts) + 1, step):
        x = pad + index * bar
        parts.append(
            f'<text x="{x:.1f}" y="{height - pad + 16}" text-anchor="middle">{low + index}</text>'
        )
    x = pad + (cut - low) * bar
    parts += [
        f'<line x1="{x:.1f}" y1="{pad - 8}" x2="{x:.1f}" y2="{height - pad}" stroke="#c62828" '
        'stroke-dasharray="4 3"/>',
        f'<text x="{x + 4:.1f}" y="{pad}" fill="#c62828">порог / threshold {threshold}</text>',
        f'<text x="{width / 2}" y="{height - 8}" text-anchor="middle">вес совпадения, бит / '
        "match weight, bits (log scale of pairs)</text>",
        "</svg>",
    ]
    return "\n".join(parts)
