"""Reading the registries of `migrex link` and preparing the columns the model compares."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from migrex.matching.linkage.comparisons import SKELETONS
from migrex.matching.translit import skeleton

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
    frame = pd.DataFrame(
        {column: _stripped(frame[column]) for column in ["record_id", *known]}
    ).reset_index(drop=True)
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
        distinct = pd.Series(dates.unique(), dtype=object)  # a few thousand birth dates
        parsed = pd.to_datetime(distinct, format="%Y-%m-%d", errors="coerce")
        wrong = distinct[(distinct != "") & (parsed.isna() | ~distinct.str.match(DATE))]
        bad = frame.index[dates.isin(set(wrong))]
        if len(bad):
            raise LinkError(
                f"{name}, строка/line {bad[0] + first_line}, birth_date: {dates[bad[0]]!r} — "
                "не дата ГГГГ-ММ-ДД / not a date YYYY-MM-DD"
            )
    return frame


_STRING = pd.ArrowDtype(pa.string())


def _stripped(column: pd.Series) -> pd.Series:
    """A column as stripped strings, missing values empty, held by Arrow (a million names take
    a tenth of the memory of Python strings); stripped in Arrow for a column of strings, each
    distinct value once for anything else."""
    try:
        strings = pa.array(column, type=pa.string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        values = column.astype(object).where(column.notna(), "")
        strings = pa.array(_mapped(values, lambda value: str(value).strip(), empty=""))
    stripped = pc.fill_null(pc.utf8_trim_whitespace(strings), "")
    return pd.Series(stripped, index=column.index, dtype=_STRING)


# --- keys ----------------------------------------------------------------------------------


def _mapped(
    column: pd.Series, function: Callable[[str], str], empty: str | None = None
) -> pd.Series:
    """Apply a function once per distinct value (registries repeat names a great deal); an
    empty value or result becomes `empty` (None: a null to the model)."""
    codes, uniques = pd.factorize(column)
    table = np.empty(len(uniques) + 1, dtype=object)  # the last entry for a missing value
    table[:] = empty
    for at, value in enumerate(uniques):
        if value != "":
            table[at] = function(value) or empty
    return pd.Series(table[codes], index=column.index)


_NOT_DOCUMENT = re.compile(r"[^0-9A-ZА-ЯЁ]")


def _codes(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(codes, distinct values) of a column; a missing value's code points past the end."""
    codes, uniques = pd.factorize(values)
    codes[codes < 0] = len(uniques)
    return codes, np.asarray(uniques, dtype=object)


def _taken(codes: np.ndarray, table: list[str | None]) -> pa.Array:
    """The per-record column of a per-distinct-value `table`; "" is a null to the model."""
    table = [value or None for value in table] + [None]
    return pc.take(pa.array(table, type=pa.string()), pa.array(codes))


def prepare(frame: pd.DataFrame, *, fold: Callable[[str], str] | None) -> pa.Table:
    """The columns the model compares, as an Arrow table (compact strings DuckDB reads in place).
    With `fold`, names become folding keys; without it they stay the raw strings, lower-cased (the
    plain baseline). Each function runs once per distinct value."""
    key = fold or str.lower
    empty = pd.Series("", index=frame.index)
    out: dict[str, pa.Array] = {"unique_id": pa.array(frame["record_id"], type=pa.string())}
    for column in COLUMNS:
        values = frame[column] if column in frame.columns else empty
        if column in {"document_number", "personal_number"}:  # nearly all distinct: in Arrow
            numbers = pc.utf8_upper(pa.array(values, type=pa.string(), from_pandas=True))
            numbers = pc.replace_substring_regex(numbers, _NOT_DOCUMENT.pattern, "")
            out[column] = pc.if_else(pc.equal(numbers, ""), None, numbers)
            continue
        codes, distinct = _codes(values)
        if column in NAMES:
            keys = [key(v) if v else "" for v in distinct]
            out[column] = _taken(codes, keys)
            if column in SKELETONS:  # the coarser key of the skeleton level and blocks
                coarse = [(skeleton(k) if fold else k) if k else "" for k in keys]
                out[SKELETONS[column]] = _taken(codes, coarse)
                out[f"{column}_initial"] = _taken(codes, [k[:1] for k in keys])
        elif column == "sex":
            out[column] = _taken(
                codes, [SEX.get(v.strip().lower().rstrip("."), "") for v in distinct]
            )
        elif column == "citizenship":
            out[column] = _taken(codes, [v.upper() for v in distinct])
        elif column == "residence_address":
            out[column] = _taken(codes, [" ".join(v.lower().split()) for v in distinct])
        else:
            out[column] = _taken(codes, list(distinct))
        if column == "birth_date":
            out["birth_month"] = _taken(codes, [v[:7] for v in distinct])  # YYYY-MM
            out["birth_day"] = _taken(codes, [v[5:10] for v in distinct])  # MM-DD
            # YYYY and the day and month in either order: one key for a date and its swap
            either = [v[:4] + "".join(sorted((v[5:7], v[8:10]))) if v else "" for v in distinct]
            out["birth_either"] = _taken(codes, either)
    initials = [out.pop(f"{column}_initial") for column in SKELETONS]
    out["initials"] = pc.binary_join_element_wise(*initials, "")  # null unless both are there
    # A fixed draw per record (0…999), for training on a sample of the blocked pairs.
    out["em_draw"] = pa.array(np.random.default_rng(0).integers(0, 1000, len(frame)))
    return pa.table(out)
