"""Training the linkage model: u from the registries themselves, the blocking rules expectation
maximisation learns m on.

u is the chance of each comparison level between two records of different persons. Splink
estimates it by scoring a random sample of pairs, chunk by chunk and comparison by comparison, until
every level has been seen a hundred times; levels that random pairs almost never reach (equal
document numbers, names swapped) are never seen, so every chunk runs and their u stays untrained.
`u_values` instead scores one sample of SAMPLE × SAMPLE pairs in a single query for all comparisons
at once (random pairs of two registries are practically all non-matches), and takes the u of the
equality levels (the same key, names swapped, the same number) exactly from the value counts:
Σ count_A(v) · count_B(v) / (n_A · n_B). A level the sample never reaches gets half a pair.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from migrex.matching.linkage.comparisons import Spec

# Records drawn from each registry for u: SAMPLE² random pairs.
SAMPLE = 1000

# Expectation maximisation runs on at most about this many blocked pairs: more costs time and
# adds no precision to a handful of m values.
EM_PAIRS = 300_000

MIN_TRAINING_PAIRS = 1000


def _equal_share(left: pd.Series, right: pd.Series) -> float:
    """The chance that a non-null value drawn from `left` equals one drawn from `right`."""
    left, right = left.dropna(), right.dropna()
    if left.empty or right.empty:
        return 0.0
    counts = left.value_counts().rename("l").to_frame().join(right.value_counts().rename("r"))
    shared = float((counts["l"] * counts["r"].fillna(0)).sum())
    return shared / (len(left) * len(right))


def u_values(
    specs: list[Spec], left: pd.DataFrame, right: pd.DataFrame, *, seed: int = 1
) -> dict[str, list[float]]:
    """u for every non-null level of every comparison (see the module docstring)."""
    rng = np.random.default_rng(seed)
    columns = [c for c in left.columns if c not in ("unique_id", "em_draw")]

    def sample(frame: pd.DataFrame, suffix: str) -> pd.DataFrame:
        rows = rng.choice(len(frame), size=min(SAMPLE, len(frame)), replace=False)
        return frame.iloc[np.sort(rows)][columns].add_suffix(suffix).reset_index(drop=True)

    connection = duckdb.connect()
    connection.execute("SET enable_progress_bar = false")
    for name, frame in (("u_left", sample(left, "_l")), ("u_right", sample(right, "_r"))):
        connection.register("sampled", frame)  # copied in: a cross join rescans its inputs
        connection.execute(f"CREATE TABLE {name} AS SELECT * FROM sampled")  # noqa: S608
        connection.unregister("sampled")
    cases = []
    for index, spec in enumerate(specs):
        whens, rank = [], 0
        for creator in spec.levels:
            level = creator.get_comparison_level("duckdb")
            sql = level.sql_condition
            if level.is_null_level:
                whens.append(f"WHEN {sql} THEN -1")
            elif sql.strip().upper() == "ELSE":
                whens.append(f"ELSE {rank}")
            else:
                whens.append(f"WHEN {sql} THEN {rank}")
                rank += 1
        cases.append(f"CASE {' '.join(whens)} END AS g{index}")
    # The SQL holds the comparisons' own conditions and column names: nothing from the files.
    connection.execute(
        f"CREATE TABLE u_gamma AS SELECT {', '.join(cases)} FROM u_left CROSS JOIN u_right"  # noqa: S608
    )
    out: dict[str, list[float]] = {}
    for index, spec in enumerate(specs):
        size = len(spec.m_start)
        counts = np.zeros(size)
        rows = connection.execute(
            f"SELECT g{index}, count(*) FROM u_gamma WHERE g{index} >= 0 GROUP BY 1"  # noqa: S608
        ).fetchall()
        for level, count in rows:
            counts[level] = count
        total = counts.sum()
        floor = 0.5 / max(total, 1.0)
        share = np.maximum(counts, 0.5) / max(total, 1.0)
        exact = {
            level: _equal_share(left[a], right[b].where(right[a].notna()) if a != b else right[b])
            for level, (a, b) in spec.equal.items()
        }
        sampled = [level for level in range(size) if level not in exact]
        rest = max(1.0 - sum(exact.values()), 1e-9)
        scale = rest / share[sampled].sum()
        u = [exact[level] if level in exact else share[level] * scale for level in range(size)]
        out[spec.column] = [max(value, floor) for value in u]
    connection.close()
    return out


def pair_count(columns: tuple[str, ...], left: pd.DataFrame, right: pd.DataFrame) -> int:
    """How many pairs an equality blocking rule on `columns` gives (nulls never equal)."""
    sizes = left.groupby(list(columns)).size().rename("l").to_frame()
    sizes = sizes.join(right.groupby(list(columns)).size().rename("r"), how="inner")
    return int((sizes["l"] * sizes["r"]).sum())


def training_rule(columns: tuple[str, ...], left: pd.DataFrame, right: pd.DataFrame) -> str:
    """An equality blocking rule on `columns`, restricted to a sample of A's records when the
    full rule would give more than EM_PAIRS pairs."""
    pairs = pair_count(columns, left, right)
    rule = " AND ".join(f"l.{column} = r.{column}" for column in columns)
    if pairs > EM_PAIRS:
        rule += f" AND l.em_draw < {max(1, EM_PAIRS * 1000 // pairs)}"
    return rule
