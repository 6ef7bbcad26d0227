"""Batch linkage of two person registries across scripts: `migrex link A B --out PAIRS.csv`.

Each registry is a CSV or Parquet file with a `record_id` column and any of `surname, first_name,
patronymic, sex, birth_date (YYYY-MM-DD), birth_place, citizenship, document_number,
personal_number`, names in any script. Names are compared on their folding keys
(`translit.fold`), so Оганесян, Hovhannisyan and Հովհաննիսյան meet; the probabilistic model is
Splink's Fellegi-Sunter (u by random sampling, m by expectation maximisation), on DuckDB by default
or on a Spark session (`--backend spark`).

Output: one row per linked pair at or above the threshold (`record_id_a, record_id_b,
probability`); beside it `<out>.dual.csv`, the linked pairs whose citizenships differ (the
dual-citizenship report, Art. 3.1.1 and the parties' common aim), and `<out>.weights.svg`, the
distribution of match weights over the scored pairs.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from migrex.persons.linkage_reports import dual_citizenship, weights_chart

COLUMNS = (
    "surname",
    "first_name",
    "patronymic",
    "sex",
    "birth_date",
    "birth_place",
    "citizenship",
    "document_number",
    "personal_number",
    "residence_address",
)
NAMES = ("surname", "first_name", "patronymic", "birth_place")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SEX = {"m": "M", "м": "M", "male": "M", "муж": "M", "f": "F", "ж": "F", "female": "F", "жен": "F"}


class LinkError(Exception):
    """Input the linkage cannot use, with the file, the line and the column that are wrong."""


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- reading -------------------------------------------------------------------------------


def read(path: Path) -> pd.DataFrame:
    """A registry file (CSV or Parquet), checked by `read_frame`."""
    if not path.exists():
        raise LinkError(f"{path}: файл не найден / file not found")
    try:
        if path.suffix.lower() in {".parquet", ".pq"}:
            frame = pd.read_parquet(path)
        else:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (ValueError, OSError, UnicodeDecodeError) as error:
        raise LinkError(f"{path}: не читается / cannot be read: {error}") from error
    return read_frame(frame, str(path))


def read_frame(frame: pd.DataFrame, name: str = "registry") -> pd.DataFrame:
    """The registry's columns as stripped strings (missing values empty), checked: ids present
    and unique, dates real. Errors name the line as a CSV file numbers it (header = line 1)."""
    frame = frame.copy()
    frame.columns = [str(column).strip().lower() for column in frame.columns]
    if "record_id" not in frame.columns:
        raise LinkError(f"{name}: нет столбца record_id / no record_id column")
    known = [column for column in COLUMNS if column in frame.columns]
    if not known:
        raise LinkError(
            f"{name}: нет ни одного из столбцов / none of the columns {', '.join(COLUMNS)}"
        )
    frame = frame[["record_id", *known]].astype("string").fillna("")
    frame = frame.apply(lambda column: column.str.strip()).astype(object).reset_index(drop=True)
    first_line = 2  # the line of the first record, after the header
    missing = frame.index[frame["record_id"] == ""]
    if len(missing):
        raise LinkError(f"{name}, строка/line {missing[0] + first_line}, record_id: пусто / empty")
    repeated = frame.index[frame["record_id"].duplicated()]
    if len(repeated):
        value = frame["record_id"][repeated[0]]
        raise LinkError(
            f"{name}, строка/line {repeated[0] + first_line}, record_id: {value!r} "
            "повторяется / appears twice"
        )
    if "birth_date" in frame.columns:
        dates = frame["birth_date"]
        parsed = pd.to_datetime(dates, format="%Y-%m-%d", errors="coerce")
        bad = frame.index[(dates != "") & (parsed.isna() | ~dates.str.match(DATE))]
        if len(bad):
            raise LinkError(
                f"{name}, строка/line {bad[0] + first_line}, birth_date: {dates[bad[0]]!r} — "
                "не дата ГГГГ-ММ-ДД / not a date YYYY-MM-DD"
            )
    return frame


# --- keys ----------------------------------------------------------------------------------


def _mapped(column: pd.Series, function: Callable[[str], str]) -> pd.Series:
    """Apply a function once per distinct value: registries repeat names a great deal."""
    values = column.unique()
    table = {value: (function(value) if value else "") for value in values}
    return column.map(table)


def _document(value: str) -> str:
    return re.sub(r"[^0-9A-ZА-ЯЁ]", "", value.upper())


def prepare(frame: pd.DataFrame, *, fold: Callable[[str], str] | None) -> pd.DataFrame:
    """The columns the model compares. With `fold`, names become folding keys; without it they
    stay the raw strings, lower-cased (the plain baseline)."""
    key = fold or str.lower
    out = pd.DataFrame({"unique_id": frame["record_id"]})
    for column in COLUMNS:
        values = frame[column] if column in frame.columns else pd.Series("", index=frame.index)
        if column in NAMES:
            values = _mapped(values, key)
        elif column == "sex":
            values = _mapped(values, lambda v: SEX.get(v.strip().lower().rstrip("."), ""))
        elif column in {"document_number", "personal_number"}:
            values = _mapped(values, _document)
        elif column == "citizenship":
            values = values.str.upper()
        elif column == "residence_address":
            values = _mapped(values, lambda v: " ".join(v.lower().split()))
        out[column] = values.replace("", None)
    out["birth_year"] = out["birth_date"].str.slice(0, 4)
    out["birth_day"] = out["birth_date"].str.slice(5, 10)  # MM-DD
    # A fixed draw per record (0…999), for training on a sample of the blocked pairs.
    out["em_draw"] = np.random.default_rng(0).integers(0, 1000, len(out))
    return out


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
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

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
        import duckdb
        from splink import DuckDBAPI

        connection = duckdb.connect()
        if memory_limit:
            connection.execute(f"SET memory_limit = '{memory_limit}'")
        return DuckDBAPI(connection=connection)
    if backend == "spark":
        import tempfile

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
    from splink import Linker, block_on

    if not plain and fold is None:
        from migrex.persons.translit import fold
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
    parser.add_argument("--backend", choices=["duckdb", "spark"], default="duckdb")
    parser.add_argument("--memory-limit", default=None, help="DuckDB memory limit, e.g. 6GB")
    args = parser.parse_args(argv)
    if not 0 < args.threshold < 1:
        parser.error("--threshold must be between 0 and 1")
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
        f"диаграмма весов / weights chart → {chart_path}"
    )
    return 0
