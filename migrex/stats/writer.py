"""Writing statistical tables back out as CSV or SDMX-CSV (Art. 3.1.1): the columns a table came
with if it is written in its own format, the standard layout of the other format otherwise.
Plain module: no Django."""

from __future__ import annotations

import io

from migrex.core import csvcells
from migrex.stats.formats import (
    ATTRIBUTE,
    CSV,
    DATAFLOW,
    DIMENSION,
    PERIOD,
    SDMX_21,
    STRUCTURE,
    STRUCTURE_ID,
    VALUE,
    Table,
)


def standard_columns(fmt: str, table: Table) -> list[tuple[str, str]]:
    """The columns of `table` laid out as `fmt` writes them, when it came in another format."""
    dims = [(n, DIMENSION) for n in table.dimensions]
    if fmt == CSV:
        return [*dims, ("period", PERIOD), ("value", VALUE)]
    head = (
        [("DATAFLOW", DATAFLOW)]
        if fmt == SDMX_21
        else [("STRUCTURE", STRUCTURE), ("STRUCTURE_ID", STRUCTURE_ID)]
    )
    attrs = [(n, ATTRIBUTE) for n in table.attributes]
    return [*head, *dims, ("TIME_PERIOD", PERIOD), ("OBS_VALUE", VALUE), *attrs]


def write(table: Table, fmt: str) -> bytes:
    """The table as `fmt` (UTF-8, comma-separated, CRLF as RFC 4180): the columns it came with
    if it came in `fmt`, the standard layout of `fmt` otherwise."""
    columns = table.columns if fmt == table.format else standard_columns(fmt, table)
    out = io.StringIO()
    writer = csvcells.writer(out)
    writer.writerow([name for name, _ in columns])
    for obs in table.observations:
        cells = []
        for name, role in columns:
            if role in (DATAFLOW, STRUCTURE_ID):
                cells.append(table.dataflow)
            elif role == STRUCTURE:
                cells.append(table.structure or "dataflow")
            elif role == PERIOD:
                cells.append(obs.period)
            elif role == VALUE:
                cells.append(str(obs.value))
            elif role == ATTRIBUTE:
                cells.append(obs.attributes.get(name, ""))
            else:
                cells.append(obs.key.get(name, ""))
        writer.writerow(cells)
    return out.getvalue().encode()
