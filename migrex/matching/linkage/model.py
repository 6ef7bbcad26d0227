"""The linkage model: Splink's Fellegi-Sunter on the prepared columns (`comparisons`), trained
(`training`) and run on a backend (DuckDB or Spark), the one-to-one rule and the review band."""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import duckdb
import pandas as pd
from splink import DuckDBAPI, Linker, block_on

from migrex.matching import translit
from migrex.matching.linkage import comparisons, training
from migrex.matching.linkage.records import COLUMNS, LinkError, prepare

# Splink's and DuckDB's own messages (English, for a data scientist) go here at DEBUG, never to
# the officer's screen: the command's progress lines are its own, in Russian and English.
log = logging.getLogger("migrex.matching.linkage")


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class _ToDebug(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        log.debug("splink: %s", record.getMessage())


@contextlib.contextmanager
def _library_messages_to_debug() -> Iterator[None]:
    """Splink's log records and Python warnings (Splink's and pandas') → `log` at DEBUG."""
    splink_log = logging.getLogger("splink")
    saved = splink_log.handlers[:], splink_log.propagate, splink_log.level
    splink_log.handlers, splink_log.propagate = [_ToDebug()], False
    splink_log.setLevel(logging.INFO if log.isEnabledFor(logging.DEBUG) else logging.ERROR)
    with warnings.catch_warnings():
        warnings.showwarning = lambda message, category, *_, **__: log.debug(
            "%s: %s", category.__name__, message
        )
        warnings.simplefilter("always")
        try:
            yield
        finally:
            splink_log.handlers, splink_log.propagate, _ = saved
            splink_log.setLevel(saved[2])


def _database(backend: str, memory_limit: str | None):
    if backend == "duckdb":
        connection = duckdb.connect()
        connection.execute("SET enable_progress_bar = false")
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
    review: pd.DataFrame  # the pairs of the review band, as `pairs`; empty without a band

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
    review_band: tuple[float, float] | None = None,
    progress: Callable[[str], None] = _say,
) -> Linked:
    """Link registry A with registry B (as `read` returns them). With `review_band` (low, high),
    the pairs whose probability lies in [low, high) are taken out of `pairs` into `review`."""
    if not plain and fold is None:
        fold = translit.fold
    started = time.perf_counter()

    def step(text: str) -> None:
        progress(f"[{time.perf_counter() - started:6.1f} s] {text}")

    step(f"ключи имён / name keys: A {len(a):,} + B {len(b):,}")
    left, right = prepare(a, fold=None if plain else fold), prepare(b, fold=None if plain else fold)
    present = {
        column
        for column in COLUMNS
        if left[column].null_count < len(left) and right[column].null_count < len(right)
    }
    with _library_messages_to_debug():
        step("обучение модели / training: u from the registries")
        u = training.u_values(comparisons.specs(present), left, right)
        step("обучение модели / training: the prior")
        database = _database(backend, memory_limit)
        tables = [  # Spark takes pandas frames, DuckDB the Arrow tables as they are
            database.register(
                table if backend == "duckdb" else table.to_pandas(), dataset_display_name=name
            )
            for table, name in ((left, "a"), (right, "b"))
        ]
        linker = Linker(tables, comparisons.settings(present, u), log_level=None)
        linker.training.estimate_probability_two_random_records_match(
            [block_on("surname", "first_name", "birth_date")], recall=0.8
        )
        step("обучение модели / training: m by expectation maximisation")
        counts = training.Counts(left, right)
        _train_m(linker, present, counts)
        counts.close()
        step("сравнение пар / scoring the blocked pairs")
        pairs, bins = _predict(linker, min(threshold, review_band[0]) if review_band else threshold)
    step(f"оценено пар / pairs scored: {sum(bins.values()):,}")
    if one_to_one:
        pairs = _mutual_best(pairs)
    review = pairs.iloc[0:0]
    if review_band:
        low, high = review_band
        near = (pairs["probability"] >= low) & (pairs["probability"] < high)
        review = pairs[near]
        pairs = pairs[~near & (pairs["probability"] >= threshold)]
        step(f"на проверку / for review: {len(review):,}")
    step(f"связано пар / linked pairs: {len(pairs):,}")
    return Linked(pairs.reset_index(drop=True), bins, review.reset_index(drop=True))


def _train_m(linker: Linker, present: set[str], counts: training.Counts) -> None:
    if "birth_date" in present:  # m for everything but the date, from pairs born the same day
        linker.training.estimate_parameters_using_expectation_maximisation(
            training.training_rule(("birth_date",), counts)
        )
    # m for the date needs pairs blocked on something else that leaves EM enough to tell
    # matches by. Names do not: namesakes from the same town outnumber the true pairs, and with
    # the date the only clue left the mixture is not identifiable (EM settles on a wrong class).
    # A shared document or personal number does: such pairs are nearly all true. Without
    # enough of them the date keeps its starting m values (see comparisons.specs).
    for column in ("document_number", "personal_number"):
        if column in present and counts.pairs((column,)) >= training.MIN_TRAINING_PAIRS:
            linker.training.estimate_parameters_using_expectation_maximisation(
                training.training_rule((column,), counts)
            )
            break


def _predict(linker: Linker, floor: float) -> tuple[pd.DataFrame, dict[int, int]]:
    """The pairs at or above `floor` and the histogram of all scored pairs by whole weight."""
    # The scored pairs stay in the database: only the linked ones and a histogram come out.
    # (The SQL holds Splink's own table name and a float: nothing from the input files.)
    table = linker.inference.predict().physical_name
    by_weight = (
        "SELECT CAST(floor(match_weight) AS INTEGER) AS bin, count(*) AS pairs "  # noqa: S608
        f"FROM {table} GROUP BY 1 ORDER BY 1"
    )
    histogram = linker.misc.query_sql(by_weight, output_type="pandas")
    bins = dict(zip(histogram["bin"].astype(int), histogram["pairs"].astype(int), strict=True))
    # Splink orders each pair by dataset name: A's record first, whichever side it is on.
    linked = (
        "SELECT CASE WHEN source_dataset_l = 'b' THEN unique_id_r ELSE unique_id_l END "  # noqa: S608
        "AS record_id_a, CASE WHEN source_dataset_l = 'b' THEN unique_id_l ELSE unique_id_r END "
        "AS record_id_b, match_probability AS probability, match_weight "
        f"FROM {table} WHERE match_probability >= {float(floor)!r}"
    )
    chosen = linker.misc.query_sql(linked, output_type="pandas")
    return chosen[["record_id_a", "record_id_b", "probability", "match_weight"]], bins


def _mutual_best(pairs: pd.DataFrame) -> pd.DataFrame:
    """Keep a pair only if each record is the other's best match: registries free of duplicates
    hold a person at most once."""
    ordered = pairs.sort_values(["match_weight", "record_id_a", "record_id_b"], ascending=False)
    best_a = ordered.drop_duplicates("record_id_a")
    return best_a.drop_duplicates("record_id_b")
