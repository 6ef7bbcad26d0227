"""Reading the registries of `migrex link` and preparing the columns the model compares."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

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
    """A column as stripped strings, missing values empty; each distinct value converted once."""
    values = column.astype(object).where(column.notna(), "")
    return _mapped(values, lambda value: str(value).strip())


# --- keys ----------------------------------------------------------------------------------


def _mapped(column: pd.Series, function: Callable[[str], str]) -> pd.Series:
    """Apply a function once per distinct value: registries repeat names a great deal."""
    values = column.unique()
    table = {value: (function(value) if value != "" else "") for value in values}
    return column.map(table)


_NOT_DOCUMENT = re.compile(r"[^0-9A-ZА-ЯЁ]")


def _document(value: str) -> str:
    return _NOT_DOCUMENT.sub("", value.upper())


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
    for column, skel in SKELETONS.items():  # the coarser key of the skeleton level and blocks
        out[skel] = _mapped(out[column].fillna(""), skeleton if fold else str).replace("", None)
    initials = out["surname"].str.slice(0, 1) + out["first_name"].str.slice(0, 1)
    out["initials"] = initials.where(initials.str.len() == 2)
    out["birth_year"] = out["birth_date"].str.slice(0, 4)
    out["birth_day"] = out["birth_date"].str.slice(5, 10)  # MM-DD
    # A fixed draw per record (0…999), for training on a sample of the blocked pairs.
    out["em_draw"] = np.random.default_rng(0).integers(0, 1000, len(out))
    return out
