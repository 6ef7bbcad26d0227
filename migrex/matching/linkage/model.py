"""The linkage model: Splink's Fellegi-Sunter on the prepared columns, its blocking and training,
the backend (DuckDB or Spark) and the one-to-one rule."""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import pandas as pd
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

from migrex.matching import translit
from migrex.matching.linkage.records import COLUMNS, LinkError, prepare


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# Expectation maximisation runs on at most about this many blocked pairs: more costs time and
# adds no precision to a handful of m values.
EM_PAIRS = 300_000


MIN_TRAINING_PAIRS = 1000


def _pair_count(columns: tuple[str, ...], left: pd.DataFrame, right: pd.DataFrame) -> int:
    """How many pairs an equality blocking rule on `columns` gives (nulls never equal)."""
    sizes = left.groupby(list(columns)).size().rename("l").to_frame()
    sizes = sizes.join(right.groupby(list(columns)).size().rename("r"), how="inner")
    return int((sizes["l"] * sizes["r"]).sum())


def _training_rule(columns: tuple[str, ...], left: pd.DataFrame, right: pd.DataFrame) -> str:
    """An equality blocking rule on `columns`, restricted to a sample of A's records when the
    full rule would give more than EM_PAIRS pairs."""
    pairs = _pair_count(columns, left, right)
    rule = " AND ".join(f"l.{column} = r.{column}" for column in columns)
    if pairs > EM_PAIRS:
        rule += f" AND l.em_draw < {max(1, EM_PAIRS * 1000 // pairs)}"
    return rule


# Pairs the model scores: a true pair meets at least one of these unless it differs everywhere.
BLOCKS = (
    ("surname", "birth_date"),
    ("first_name", "birth_date"),
    ("surname", "first_name", "birth_year"),
    ("surname", "first_name", "birth_day"),  # a wrong year: the day and month still agree
    ("first_name", "patronymic", "birth_day"),
    ("personal_number",),
    ("document_number",),
    ("residence_address",),
)

# --- the model -----------------------------------------------------------------------------


def _settings(present: set[str]):
    def name(column: str, other: str) -> object:
        levels = [
            cll.NullLevel(column),
            cll.ExactMatchLevel(column, term_frequency_adjustments=True),
        ]
        if other in present:  # the surname written as the first name and the reverse
            levels.append(
                cll.CustomLevel(f"{column}_l = {other}_r", label_for_charts="names swapped")
            )
        levels += [
            cll.JaroWinklerLevel(column, 0.94),
            cll.JaroWinklerLevel(column, 0.85),
            cll.ElseLevel(),
        ]
        return cl.CustomComparison(output_column_name=column, comparison_levels=levels)

    def number(column: str) -> object:
        return cl.CustomComparison(
            output_column_name=column,
            comparison_levels=[
                cll.NullLevel(column),
                cll.ExactMatchLevel(column),
                cll.DamerauLevenshteinLevel(column, 1),
                cll.ElseLevel(),
            ],
        )

    date = cl.CustomComparison(
        output_column_name="birth_date",
        comparison_levels=[
            cll.NullLevel("birth_date"),
            cll.ExactMatchLevel("birth_date"),
            cll.DamerauLevenshteinLevel("birth_date", 1),
            cll.CustomLevel(  # day and month swapped
                "substr(birth_date_l, 1, 4) = substr(birth_date_r, 1, 4) AND "
                "substr(birth_date_l, 6, 2) = substr(birth_date_r, 9, 2) AND "
                "substr(birth_date_l, 9, 2) = substr(birth_date_r, 6, 2)",
                label_for_charts="day and month swapped",
            ),
            cll.DamerauLevenshteinLevel("birth_date", 2),
            cll.ElseLevel(),
        ],
    )
    swapped = [0.01] if {"surname", "first_name"} <= present else []
    # Where expectation maximisation starts: the share of each level among true matches, as a
    # registry of decent quality has it (exact, close, ..., else). Started from Splink's flat
    # defaults, EM on name-blocked pairs can settle on "same birthplace" as the match class.
    comparisons = {
        "surname": (name("surname", "first_name"), [0.85, *swapped, 0.06, 0.04, 0.04]),
        "first_name": (name("first_name", "surname"), [0.85, *swapped, 0.06, 0.04, 0.04]),
        "patronymic": (cl.JaroWinklerAtThresholds("patronymic", [0.9]), [0.8, 0.1, 0.1]),
        "birth_date": (date, [0.9, 0.04, 0.01, 0.02, 0.03]),
        "sex": (cl.ExactMatch("sex"), [0.99, 0.01]),
        "birth_place": (cl.JaroWinklerAtThresholds("birth_place", [0.9]), [0.8, 0.1, 0.1]),
        "document_number": (number("document_number"), [0.5, 0.05, 0.45]),
        "personal_number": (number("personal_number"), [0.5, 0.05, 0.45]),
        "residence_address": (
            cl.JaroWinklerAtThresholds("residence_address", [0.95, 0.85]),
            [0.6, 0.15, 0.1, 0.15],
        ),
    }
    return SettingsCreator(
        link_type="link_only",
        unique_id_column_name="unique_id",
        comparisons=[
            comparison.configure(m_probabilities=start)
            for column, (comparison, start) in comparisons.items()
            if column in present
        ],
        blocking_rules_to_generate_predictions=[
            block_on(*columns)
            for columns in BLOCKS
            if set(columns) <= present | {"birth_year", "birth_day"}
        ]
        + (
            ["l.surname = r.first_name AND l.first_name = r.surname"]  # names swapped
            if {"surname", "first_name"} <= present
            else []
        ),
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )


def _database(backend: str, memory_limit: str | None):
    if backend == "duckdb":
        connection = duckdb.connect()
        if memory_limit:
            connection.execute(f"SET memory_limit = '{memory_limit}'")
        return DuckDBAPI(connection=connection)
    if backend == "spark":
        from pyspark.sql import SparkSession
        from splink import SparkAPI
        from splink.backends.spark import similarity_jar_location

        spark = (
            SparkSession.builder.master(os.environ.get("MIGREX_SPARK_MASTER", "local[*]"))
            .appName("migrex-link")
            .config("spark.jars", similarity_jar_location())  # Jaro-Winkler and the like
            .config("spark.sql.shuffle.partitions", "8")
            .config("spark.ui.enabled", "false")
            .getOrCreate()
        )
        spark.sparkContext.setLogLevel("ERROR")
        spark.sparkContext.setCheckpointDir(tempfile.mkdtemp(prefix="migrex-spark-"))
        return SparkAPI(spark_session=spark)
    raise LinkError(f"неизвестный движок / unknown backend: {backend}")


@dataclass
class Linked:
    pairs: pd.DataFrame  # record_id_a, record_id_b, probability, match_weight
    bins: dict[int, int]  # scored pairs by whole match weight: bin w holds w <= weight < w + 1

    @property
    def scored(self) -> int:
        """Comparisons the blocking rules produced."""
        return sum(self.bins.values())


def link(
    a: pd.DataFrame,
    b: pd.DataFrame,
    *,
    threshold: float = 0.5,
    fold: Callable[[str], str] | None = None,
    plain: bool = False,
    one_to_one: bool = False,
    backend: str = "duckdb",
    memory_limit: str | None = None,
    progress: Callable[[str], None] = _say,
) -> Linked:
    """Link registry A with registry B (as `read` returns them)."""
    if not plain and fold is None:
        fold = translit.fold
    started = time.perf_counter()

    def step(text: str) -> None:
        progress(f"[{time.perf_counter() - started:6.1f} s] {text}")

    step(f"ключи имён / name keys: A {len(a):,} + B {len(b):,}")
    left, right = prepare(a, fold=None if plain else fold), prepare(b, fold=None if plain else fold)
    database = _database(backend, memory_limit)
    tables = [
        database.register(left, dataset_display_name="a"),
        database.register(right, dataset_display_name="b"),
    ]
    present = {
        column for column in COLUMNS if left[column].notna().any() and right[column].notna().any()
    }
    linker = Linker(tables, _settings(present), log_level=logging.WARNING)
    step("обучение модели / training: u by random sampling")
    linker.training.estimate_probability_two_random_records_match(
        [block_on("surname", "first_name", "birth_date")], recall=0.8
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    step("обучение модели / training: m by expectation maximisation")
    if "birth_date" in present:  # m for everything but the date, from pairs born the same day
        linker.training.estimate_parameters_using_expectation_maximisation(
            _training_rule(("birth_date",), left, right)
        )
    # m for the date needs pairs blocked on something else that leaves EM enough to tell
    # matches by. Names do not: namesakes from the same town outnumber the true pairs, and with
    # the date the only clue left the mixture is not identifiable (EM settles on a wrong class).
    # A shared document or personal number does: such pairs are nearly all true. Without
    # enough of them the date keeps its starting m values (see _settings).
    for column in ("document_number", "personal_number"):
        if column in present and _pair_count((column,), left, right) >= MIN_TRAINING_PAIRS:
            linker.training.estimate_parameters_using_expectation_maximisation(
                _training_rule((column,), left, right)
            )
            break
    step("сравнение пар / scoring the blocked pairs")
    # The scored pairs stay in the database: only the linked ones and a histogram come out.
    # (The SQL holds Splink's own table name and a float: nothing from the input files.)
    table = linker.inference.predict().physical_name
    by_weight = (
        "SELECT CAST(floor(match_weight) AS INTEGER) AS bin, count(*) AS pairs "  # noqa: S608
        f"FROM {table} GROUP BY 1 ORDER BY 1"
    )
    histogram = linker.misc.query_sql(by_weight, output_type="pandas")
    bins = dict(zip(histogram["bin"].astype(int), histogram["pairs"].astype(int), strict=True))
    step(f"оценено пар / pairs scored: {sum(bins.values()):,}")
    # Splink orders each pair by dataset name: A's record first, whichever side it is on.
    linked = (
        "SELECT CASE WHEN source_dataset_l = 'b' THEN unique_id_r ELSE unique_id_l END "  # noqa: S608
        "AS record_id_a, CASE WHEN source_dataset_l = 'b' THEN unique_id_l ELSE unique_id_r END "
        "AS record_id_b, match_probability AS probability, match_weight "
        f"FROM {table} WHERE match_probability >= {float(threshold)!r}"
    )
    chosen = linker.misc.query_sql(linked, output_type="pandas")
    pairs = chosen[["record_id_a", "record_id_b", "probability", "match_weight"]]
    if one_to_one:
        pairs = _mutual_best(pairs)
    step(f"связано пар / linked pairs: {len(pairs):,}")
    return Linked(pairs.reset_index(drop=True), bins)


def _mutual_best(pairs: pd.DataFrame) -> pd.DataFrame:
    """Keep a pair only if each record is the other's best match: registries free of duplicates
    hold a person at most once."""
    ordered = pairs.sort_values(["match_weight", "record_id_a", "record_id_b"], ascending=False)
    best_a = ordered.drop_duplicates("record_id_a")
    return best_a.drop_duplicates("record_id_b")
