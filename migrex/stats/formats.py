"""Statistical tables in and out (Art. 3.1.1): plain CSV (a header of dimension columns, a period
column and a value column) and SDMX-CSV (SDMX 2.1's CSV format: first column DATAFLOW; SDMX
3.0's: STRUCTURE and STRUCTURE_ID, optional ACTION; then the dimensions, TIME_PERIOD, OBS_VALUE
and attributes such as UNIT_MEASURE).

A file is read whole before anything is kept: every fault (bad encoding, a missing column, a
ragged row, a period or a number that is not one, an observation given twice) is reported with
its line and column, in Russian and English, and a file with any fault gives no table at all.
Plain module: no Django."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from migrex.core.errors import MigrexError
from migrex.stats import periods

ARTICLE = "3.1.1"
MAX_ERRORS = 20
MAX_ROWS = 200_000
MAX_FIELD = 500

CSV, SDMX_21, SDMX_30 = "csv", "sdmx-2.1", "sdmx-3.0"
FORMATS = (CSV, SDMX_21, SDMX_30)
# Roles of columns: what each one of a file holds.
DATAFLOW, STRUCTURE, STRUCTURE_ID = "dataflow", "structure", "structure_id"
DIMENSION, PERIOD, VALUE, ATTRIBUTE = "dimension", "period", "value", "attribute"

PERIOD_NAMES = {"period", "time_period", "период", "year", "год", "time"}
VALUE_NAMES = {"value", "obs_value", "значение", "count", "количество"}
# SDMX attributes of the cross-domain concepts, and ACTION (SDMX 3.0); any other column of an
# SDMX-CSV file is taken as a dimension (the file carries no structure definition).
_ATTRIBUTES = """ACTION UNIT_MEASURE UNIT_MULT DECIMALS OBS_STATUS OBS_CONF CONF_STATUS
OBS_PRE_BREAK OBS_COM COMMENT_OBS COMMENT_TS TIME_FORMAT TITLE SOURCE_AGENCY BASE_PER"""
SDMX_ATTRIBUTES = frozenset(_ATTRIBUTES.split())
STRUCTURE_KINDS = {"dataflow", "datastructure", "dataprovision"}
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d{1,3})?")
_SPACES = str.maketrans("", "", " \u00a0\u202f\u2009")


@dataclass
class FileError(MigrexError):
    """One fault of a file, where it is: `line` from 1, `column` the header's name of it."""

    line: int | None = None
    column: str | None = None


class Malformed(Exception):
    """The faults of a file (at most MAX_ERRORS); nothing of it is to be kept."""

    def __init__(self, errors: list[FileError]):
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


@dataclass
class Observation:
    period: str
    key: dict[str, str]
    value: Decimal
    attributes: dict[str, str] = field(default_factory=dict)
    line: int = 0


@dataclass
class Table:
    format: str
    columns: list[tuple[str, str]]  # (name, role) in the order of the file
    observations: list[Observation]
    dataflow: str = ""  # the SDMX structure id, e.g. "KZ_MVD:MIGR_WORK(1.0)"
    structure: str = ""  # SDMX 3.0: dataflow, datastructure or dataprovision

    def named(self, role: str) -> list[str]:
        return [name for name, r in self.columns if r == role]

    @property
    def dimensions(self) -> list[str]:
        return self.named(DIMENSION)

    @property
    def attributes(self) -> list[str]:
        return self.named(ATTRIBUTE)

    @property
    def period_column(self) -> str:
        return self.named(PERIOD)[0]

    @property
    def value_column(self) -> str:
        return self.named(VALUE)[0]


def _fault(code: str, line: int, column: str | None, ru: str, en: str) -> FileError:
    col_ru = f", столбец «{column}»" if column else ""
    col_en = f", column “{column}”" if column else ""
    return FileError(
        code=code,
        message_ru=f"Строка {line}{col_ru}: {ru}",
        message_en=f"Line {line}{col_en}: {en}",
        article=ARTICLE,
        field=f"line {line}" + (f", column {column}" if column else ""),
        line=line,
        column=column,
    )


def _header_name(cell: str) -> str:
    # SDMX-CSV may label a column "ID: Name" (labels=both); the id is what counts.
    return cell.split(":", 1)[0].strip() if ": " in cell else cell.strip()


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Malformed([_encoding_fault(data, exc.start)]) from None


def _encoding_fault(data: bytes, at: int) -> FileError:
    """Name the line and the column of the first byte that is not UTF-8."""
    text_head = data.split(b"\n", 1)[0].decode("utf-8-sig", errors="replace")
    delimiter = _delimiter(text_head)
    header = next(csv.reader([text_head], delimiter=delimiter), [])
    line = data.count(b"\n", 0, at) + 1
    start = data.rfind(b"\n", 0, at) + 1
    index, quoted = 0, False
    for byte in data[start:at]:
        if byte == ord('"'):
            quoted = not quoted
        elif byte == ord(delimiter) and not quoted:
            index += 1
    column = _header_name(header[index]) if index < len(header) else f"№{index + 1}"
    return _fault(
        "bad_encoding",
        line,
        column,
        f"байт 0x{data[at]:02X} не является текстом в кодировке UTF-8; сохраните файл в UTF-8.",
        f"byte 0x{data[at]:02X} is not UTF-8 text; save the file as UTF-8.",
    )


def parse_number(text: str, *, decimal_comma: bool) -> Decimal | None:
    cleaned = text.strip().translate(_SPACES).replace("\u2212", "-")
    if decimal_comma and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    if len(cleaned) > 40 or not _NUMBER.fullmatch(cleaned):
        return None
    try:
        return Decimal(cleaned)
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        return None


def _roles(header: list[str]) -> tuple[str, list[tuple[str, str]], list[FileError]]:
    """The format of the file and the role of each of its columns, or what is missing."""
    names = [_header_name(c) for c in header]
    errors = []
    for i, name in enumerate(names):
        if not name:
            errors.append(
                _fault(
                    "empty_column_name",
                    1,
                    f"№{i + 1}",
                    "у столбца нет имени.",
                    "the column has no name.",
                )
            )
        elif name in names[:i]:
            errors.append(
                _fault(
                    "duplicate_column",
                    1,
                    name,
                    "столбец с таким именем уже есть.",
                    "there is already a column of that name.",
                )
            )
    first = names[0].upper() if names else ""
    if first in ("DATAFLOW", "STRUCTURE"):
        fmt = SDMX_21 if first == "DATAFLOW" else SDMX_30
        roles = []
        for name in names:
            upper = name.upper()
            if upper in ("DATAFLOW", "STRUCTURE", "STRUCTURE_ID"):
                role = upper.lower()
            elif upper == "TIME_PERIOD":
                role = PERIOD
            elif upper == "OBS_VALUE":
                role = VALUE
            elif upper in SDMX_ATTRIBUTES:
                role = ATTRIBUTE
            else:
                role = DIMENSION
            roles.append((name, role))
        needed = ["TIME_PERIOD", "OBS_VALUE"] + (["STRUCTURE_ID"] if fmt == SDMX_30 else [])
    else:
        fmt = CSV
        roles = [
            (
                name,
                PERIOD
                if name.lower() in PERIOD_NAMES
                else VALUE
                if name.lower() in VALUE_NAMES
                else DIMENSION,
            )
            for name in names
        ]
        needed = []
        if not any(r == PERIOD for _, r in roles):
            needed.append("period")
        if not any(r == VALUE for _, r in roles):
            needed.append("value")
    present = {n.upper() for n in names} if fmt != CSV else set()
    for column in needed:
        if column.upper() in present:
            continue
        errors.append(
            _fault(
                "missing_column",
                1,
                column,
                "в заголовке нет этого обязательного столбца.",
                "the header lacks this required column.",
            )
        )
    for role in (PERIOD, VALUE):
        extra = [n for n, r in roles if r == role][1:]
        for name in extra:
            errors.append(
                _fault(
                    "duplicate_column",
                    1,
                    name,
                    "второй столбец того же назначения (период или значение).",
                    "a second column of the same role (period or value).",
                )
            )
    return fmt, roles, errors


def parse(data: bytes) -> Table:
    """The table in `data`, or Malformed naming every fault (up to MAX_ERRORS)."""
    text = _decode(data)
    if not text.strip():
        raise Malformed([_fault("empty_file", 1, None, "файл пуст.", "the file is empty.")])
    delimiter = _delimiter(text.split("\n", 1)[0])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = _rows(reader)
    header = next(rows)
    fmt, columns, errors = _roles(header)
    if errors:
        raise Malformed(errors)
    table = Table(format=fmt, columns=columns, observations=[])
    seen: dict[tuple, int] = {}
    line = reader.line_num
    for row in rows:
        start, line = line + 1, reader.line_num
        if not row or all(not cell.strip() for cell in row):
            continue  # a blank line
        if len(table.observations) >= MAX_ROWS:
            errors.append(
                _fault(
                    "too_many_rows",
                    start,
                    None,
                    f"в файле больше {MAX_ROWS} наблюдений; разделите его.",
                    f"the file has more than {MAX_ROWS} observations; split it.",
                )
            )
            break
        obs = _row(table, row, start, errors)
        if obs is not None:
            where = (obs.period, tuple(sorted(obs.key.items())))
            if where in seen:
                errors.append(
                    _fault(
                        "duplicate_observation",
                        start,
                        table.value_column,
                        f"наблюдение за тот же период и с теми же измерениями уже есть в "
                        f"строке {seen[where]}.",
                        f"the same period and dimensions are already given on line {seen[where]}.",
                    )
                )
            else:
                seen[where] = start
                table.observations.append(obs)
        if len(errors) >= MAX_ERRORS:
            break
    if not errors and not table.observations:
        errors.append(
            _fault("no_observations", 2, None, "в файле нет наблюдений.", "the file has no rows.")
        )
    if errors:
        raise Malformed(errors[:MAX_ERRORS])
    return table


def _rows(reader):
    """The reader's rows; what the csv module cannot read (a quoted field longer than its
    field_size_limit, 128 KB; a stray quote or line break it rejects) is a fault of its line."""
    while True:
        start = reader.line_num + 1
        try:
            yield next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise Malformed(
                [
                    _fault(
                        "unreadable_csv",
                        start,
                        None,
                        f"строку не удаётся прочитать как CSV ({exc}).",
                        f"the line cannot be read as CSV ({exc}).",
                    )
                ]
            ) from None


def _row(table: Table, row: list[str], line: int, errors: list[FileError]) -> Observation | None:
    columns = table.columns
    if len(row) != len(columns):
        if len(row) < len(columns):
            column = columns[len(row)][0]
            ru = f"в строке {len(row)} полей из {len(columns)}: нет значения этого столбца."
            en = f"the row has {len(row)} fields of {len(columns)}: this column is missing."
        else:
            column = f"№{len(columns) + 1}"
            ru = f"в строке {len(row)} полей, а в заголовке {len(columns)}."
            en = f"the row has {len(row)} fields, the header {len(columns)}."
        errors.append(_fault("ragged_row", line, column, ru, en))
        return None
    before = len(errors)
    period, value, key, attributes = None, None, {}, {}
    for (name, role), raw in zip(columns, row, strict=True):
        cell = raw.strip()
        if len(cell) > MAX_FIELD:
            errors.append(
                _fault(
                    "too_long",
                    line,
                    name,
                    f"значение длиннее {MAX_FIELD} знаков.",
                    f"the value is longer than {MAX_FIELD} characters.",
                )
            )
        elif role == PERIOD:
            period = periods.parse(cell)
            if period is None:
                errors.append(
                    _fault(
                        "bad_period",
                        line,
                        name,
                        f"«{cell}» — не период (ГГГГ, ГГГГ-ММ, ГГГГ-Q1…4, ГГГГ-S1…2, ГГГГ-ММ-ДД).",
                        f"“{cell}” is not a period (YYYY, YYYY-MM, YYYY-Q1…4, YYYY-S1…2, "
                        "YYYY-MM-DD).",
                    )
                )
        elif role == VALUE:
            value = parse_number(cell, decimal_comma=table.format == CSV)
            if value is None:
                ru = f"«{cell}» — не число." if cell else "нет значения."
                en = f"“{cell}” is not a number." if cell else "the value is missing."
                errors.append(
                    _fault("not_a_number" if cell else "value_missing", line, name, ru, en)
                )
        elif role == ATTRIBUTE:
            attributes[name] = cell
        elif not cell:
            errors.append(
                _fault(
                    "empty_dimension",
                    line,
                    name,
                    "пустое значение измерения.",
                    "the dimension value is empty.",
                )
            )
        elif role == DIMENSION:
            key[name] = cell
        else:
            _structure_cell(table, name, role, cell, line, errors)
    if len(errors) > before:
        return None
    return Observation(period.text, key, value, attributes, line)


def _structure_cell(table: Table, name: str, role: str, cell: str, line: int, errors) -> None:
    """DATAFLOW / STRUCTURE_ID: one dataset per file; STRUCTURE: one of the three kinds."""
    if role == STRUCTURE:
        if cell.lower() not in STRUCTURE_KINDS:
            errors.append(
                _fault(
                    "bad_structure",
                    line,
                    name,
                    f"«{cell}» — не dataflow, datastructure или dataprovision.",
                    f"“{cell}” is not dataflow, datastructure or dataprovision.",
                )
            )
        elif table.structure and table.structure != cell.lower():
            errors.append(_mixed(line, name))
        else:
            table.structure = cell.lower()
        return
    if table.dataflow and table.dataflow != cell:
        errors.append(_mixed(line, name))
    else:
        table.dataflow = cell


def _mixed(line: int, name: str) -> FileError:
    return _fault(
        "mixed_structures",
        line,
        name,
        "в одном файле — один набор данных; здесь другая структура, чем в первой строке.",
        "one file holds one dataset; this row names another structure than the first.",
    )
