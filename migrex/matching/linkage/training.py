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
import pyarrow as pa

from migrex.matching.linkage.comparisons import Spec

# Records drawn from each registry for u: SAMPLE² random pairs.
SAMPLE = 700

# Expectation maximisation runs on at most about this many blocked pairs: more costs time and
# adds no precision to a handful of m values.
EM_PAIRS = 100_000

MIN_TRAINING_PAIRS = 1000


class Counts:
    """Counts over both prepared registries (Arrow tables), in DuckDB."""

    def __init__(self, left: pa.Table, right: pa.Table):
        self.left, self.right = left, right
        self.connection = duckdb.connect()
        self._pairs: dict[tuple, int] = {}  # each rule's count is asked for more than once
        self.connection.execute("SET enable_progress_bar = false")
        self.connection.register("full_l", left)
        self.connection.register("full_r", right)

    def _one(self, sql: str) -> float:
        return float(self.connection.execute(sql).fetchone()[0] or 0)

    def pairs(self, columns: tuple[str, ...], right_columns: tuple[str, ...] | None = None) -> int:
        """How many pairs an equality rule on `columns` gives (nulls never equal); with
        `right_columns`, left's `columns` against right's."""
        other = right_columns or columns
        if (columns, other) not in self._pairs:
            self._pairs[columns, other] = self._count_pairs(columns, other)
        return self._pairs[columns, other]

    def _count_pairs(self, columns: tuple[str, ...], other: tuple[str, ...]) -> int:
        keys = ", ".join(f"k{i}" for i in range(len(columns)))

        def grouped(table: str, names: tuple[str, ...]) -> str:
            selected = ", ".join(f"{name} AS k{i}" for i, name in enumerate(names))
            present = " AND ".join(f"{name} IS NOT NULL" for name in names)
            return f"SELECT {selected}, count(*) AS c FROM {table} WHERE {present} GROUP BY ALL"  # noqa: S608

        # The SQL holds the model's own column names: nothing from the input files.
        return int(
            self._one(
                f"SELECT sum(l.c * r.c) FROM ({grouped('full_l', columns)}) AS l "  # noqa: S608
                f"JOIN ({grouped('full_r', other)}) AS r USING ({keys})"
            )
        )

    def equal_share(self, a: str, b: str) -> float:
        """The chance that a non-null `a` drawn from the left equals a `b` drawn from the right
        (both of the right's `a` and `b` non-null)."""
        n_left = self._one(f"SELECT count({a}) FROM full_l")  # noqa: S608
        n_right = self._one(
            f"SELECT count(*) FROM full_r WHERE {a} IS NOT NULL AND {b} IS NOT NULL"  # noqa: S608
        )
        if not n_left or not n_right:
            return 0.0
        return self.pairs((a,), (b,)) / (n_left * n_right)

    def close(self) -> None:
        self.connection.close()


def u_values(
    specs: list[Spec], left: pa.Table, right: pa.Table, *, seed: int = 1
) -> dict[str, list[float]]:
    """u for every non-null level of every comparison (see the module docstring)."""
    rng = np.random.default_rng(seed)
    columns = [c for c in left.column_names if c not in ("unique_id", "em_draw")]

    def sample(table: pa.Table, suffix: str) -> pa.Table:
        rows = np.sort(rng.choice(table.num_rows, size=min(SAMPLE, table.num_rows), replace=False))
        return table.select(columns).take(rows).rename_columns([c + suffix for c in columns])

    counts_of = Counts(left, right)
    connection = counts_of.connection
    for name, table in (("u_left", sample(left, "_l")), ("u_right", sample(right, "_r"))):
        connection.register("sampled", table)  # copied in: a cross join rescans its inputs
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
        exact = {level: counts_of.equal_share(a, b) for level, (a, b) in spec.equal.items()}
        sampled = [level for level in range(size) if level not in exact]
        rest = max(1.0 - sum(exact.values()), 1e-9)
        scale = rest / share[sampled].sum()
        u = [exact[level] if level in exact else share[level] * scale for level in range(size)]
        out[spec.column] = [max(value, floor) for value in u]
    counts_of.close()
    return out


def training_rule(columns: tuple[str, ...], counts: Counts) -> str:
    """An equality blocking rule on `columns`, restricted to a sample of A's records when the
    full rule would give more than EM_PAIRS pairs."""
    pairs = counts.pairs(columns)
    rule = " AND ".join(f"l.{column} = r.{column}" for column in columns)
    if pairs > EM_PAIRS:
        rule += f" AND l.em_draw < {max(1, EM_PAIRS * 1000 // pairs)}"
    return rule
