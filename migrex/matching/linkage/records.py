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
        distinct = pd.Series(dates.unique())  # a registry holds a few thousand birth dates
        parsed = pd.to_datetime(distinct, format="%Y-%m-%d", errors="coerce")
        wrong = distinct[(distinct != "") & (parsed.isna() | ~distinct.str.match(DATE))]
        bad = frame.index[dates.isin(set(wrong))]
        if len(bad):
            raise LinkError(
                f"{name}, строка/line {bad[0] + first_line}, birth_date: {dates[bad[0]]!r} — "
                "не дата ГГГГ-ММ-ДД / not a date YYYY-MM-DD"
            )
    return frame


def _stripped(column: pd.Series) -> pd.Series:
    """A column as stripped strings, missing values empty: in Arrow for a column of strings (a
    registry's million ids and numbers), each distinct value once for anything else."""
    try:
        strings = pa.array(column, type=pa.string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        values = column.astype(object).where(column.notna(), "")
        return _mapped(values, lambda value: str(value).strip(), empty="")
    stripped = pc.fill_null(pc.utf8_trim_whitespace(strings), "")
    return pd.Series(stripped.to_numpy(zero_copy_only=False), index=column.index, dtype=object)


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


def prepare(frame: pd.DataFrame, *, fold: Callable[[str], str] | None) -> pd.DataFrame:
    """The columns the model compares. With `fold`, names become folding keys; without it they
    stay the raw strings, lower-cased (the plain baseline)."""
    key = fold or str.lower
    out = pd.DataFrame({"unique_id": frame["record_id"]})
    for column in COLUMNS:
        values = frame[column] if column in frame.columns else pd.Series("", index=frame.index)
        if column in NAMES:
            function = key
        elif column == "sex":
            function = lambda v: SEX.get(v.strip().lower().rstrip("."), "")  # noqa: E731
        elif column in {"document_number", "personal_number"}:  # nearly all distinct: in Arrow
            numbers = pc.utf8_upper(pa.array(values, type=pa.string(), from_pandas=True))
            numbers = pc.replace_substring_regex(numbers, _NOT_DOCUMENT.pattern, "")
            numbers = pc.if_else(pc.equal(numbers, ""), None, numbers)
            out[column] = pd.Series(numbers.to_numpy(zero_copy_only=False), index=frame.index)
            continue
        elif column == "citizenship":
            function = str.upper
        elif column == "residence_address":
            function = lambda v: " ".join(v.lower().split())  # noqa: E731
        else:
            function = str
        out[column] = _mapped(values, function)
    for column, skel in SKELETONS.items():  # the coarser key of the skeleton level and blocks
        out[skel] = _mapped(out[column], skeleton if fold else str)
    first = [_mapped(out[column], lambda v: v[:1], empty="") for column in SKELETONS]
    out["initials"] = (first[0] + first[1]).where((first[0] != "") & (first[1] != ""), None)
    out["birth_year"] = _mapped(out["birth_date"], lambda v: v[:4])
    out["birth_day"] = _mapped(out["birth_date"], lambda v: v[5:10])  # MM-DD
    # A fixed draw per record (0…999), for training on a sample of the blocked pairs.
    out["em_draw"] = np.random.default_rng(0).integers(0, 1000, len(out))
    return out
