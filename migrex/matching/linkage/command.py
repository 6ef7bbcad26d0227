"""The command `migrex link A B --out PAIRS.csv`: the pairs, the dual-citizenship report and the
chart of match weights written beside them."""

from __future__ import annotations

import argparse
from pathlib import Path

from migrex.matching.linkage.model import _say, link
from migrex.matching.linkage.records import LinkError, read
from migrex.matching.linkage.reports import dual_citizenship, review_sheet, weights_chart

# --- the command ---------------------------------------------------------------------------


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="migrex link",
        description="Связать два реестра лиц / link two person registries (CSV or Parquet)",
    )
    parser.add_argument("a", type=Path)
    parser.add_argument("b", type=Path)
    parser.add_argument("--out", type=Path, required=True, help="PAIRS.csv")
    parser.add_argument("--threshold", type=float, default=0.5)
    parser.add_argument(
        "--one-to-one",
        action="store_true",
        help="each registry holds a person at most once: keep mutual best matches only",
    )
    parser.add_argument(
        "--plain",
        action="store_true",
        help="compare names as written, without folding keys (a baseline for measurements)",
    )
    parser.add_argument(
        "--review-band",
        nargs=2,
        type=float,
        metavar=("LOW", "HIGH"),
        default=None,
        help="pairs with LOW <= probability < HIGH go to <out>.review.csv for a person to decide, "
        "not to the pairs (e.g. 0.2 0.8)",
    )
    parser.add_argument("--backend", choices=["duckdb", "spark"], default="duckdb")
    parser.add_argument("--memory-limit", default=None, help="DuckDB memory limit, e.g. 6GB")
    args = parser.parse_args(argv)
    if not 0 < args.threshold < 1:
        parser.error("--threshold must be between 0 and 1")
    band = tuple(args.review_band) if args.review_band else None
    if band and not 0 <= band[0] < band[1] <= 1:
        parser.error("--review-band: 0 <= LOW < HIGH <= 1")
    try:
        _say(f"чтение / reading {args.a} and {args.b}")
        a, b = read(args.a), read(args.b)
        result = link(
            a,
            b,
            threshold=args.threshold,
            plain=args.plain,
            one_to_one=args.one_to_one,
            backend=args.backend,
            memory_limit=args.memory_limit,
            review_band=band,
        )
    except LinkError as error:
        _say(f"ошибка / error: {error}")
        return 2
    out: Path = args.out
    out.parent.mkdir(parents=True, exist_ok=True)
    result.pairs[["record_id_a", "record_id_b", "probability"]].to_csv(out, index=False)
    dual = dual_citizenship(result.pairs, a, b)
    dual_path = out.with_suffix(".dual.csv")
    dual.to_csv(dual_path, index=False)
    review_path = out.with_suffix(".review.csv")
    if band:
        review_sheet(result.review, a, b).to_csv(review_path, index=False)
    chart_path = out.with_suffix(".weights.svg")
    chart_path.write_text(
        weights_chart(
            result.bins,
            args.threshold,
            f"Распределение весов совпадения / match weights: {result.scored:,} пар / pairs",
        ),
        encoding="utf-8",
    )
    _say(
        f"пары / pairs: {len(result.pairs):,} → {out}\n"
        f"двойное гражданство / dual citizenship: {len(dual):,} → {dual_path}\n"
        + (f"на проверку / for review: {len(result.review):,} → {review_path}\n" if band else "")
        + f"диаграмма весов / weights chart → {chart_path}"
    )
    return 0
