"""Exceptions in log lines without their messages, which may quote personal data.

An exception's message is not ours to vouch for: PostgreSQL's IntegrityError carries a DETAIL
line quoting the key's values (`Key (surname, birth_date)=(…)`), a DataError the value that did
not fit, a ValueError from int() the text it could not read. So a log line names an exception
by what cannot hold a value — its class; for a database error the SQLSTATE and the constraint,
table and column it names; where it was raised — and never by str(exc); and a traceback is its
frames (file, line, function: no source, no locals), each exception of the chain by that name.

`summary(exc)` is for the call sites (`log.error("…: %s", summary(exc))`, in place of
log.exception); the formatters below are the same rule for every record that does carry
exc_info (Django's own "Internal Server Error" among them), set in config/settings.py LOGGING.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import traceback
from pathlib import Path

from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

ROOT = Path(__file__).resolve().parent.parent.parent  # the checkout
OWN = ROOT / "migrex"
# SQLite's constraint messages name the constraint or table.column, never a value.
SQLITE_NAMES = re.compile(
    r"(UNIQUE|NOT NULL|CHECK|FOREIGN KEY) constraint failed(: [\w.]+(, [\w.]+)*)?"
)
CHAIN = 5  # exceptions of a chain shown at most


def _shown(filename: str) -> str:
    """The file as a developer finds it: relative to the checkout, or within site-packages."""
    path = Path(filename)
    if "site-packages" in path.parts:
        return "/".join(path.parts[path.parts.index("site-packages") + 1 :])
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return path.name


def _database(exc: BaseException) -> list[str]:
    """What a database error names that is no value: SQLSTATE, constraint, table, column."""
    for error in (exc, exc.__cause__):
        diag = getattr(error, "diag", None)
        if diag is not None:  # psycopg
            named = (
                ("constraint", diag.constraint_name),
                ("table", diag.table_name),
                ("column", diag.column_name),
            )
            state = getattr(error, "sqlstate", None)
            return [s for s in [state] if s] + [f"{what} {name}" for what, name in named if name]
        if isinstance(error, sqlite3.Error):
            said = str(error)
            if SQLITE_NAMES.fullmatch(said):
                return [said]
            return [n for n in [getattr(error, "sqlite_errorname", None)] if n]
    return []


def named(exc: BaseException) -> str:
    """`IntegrityError [23505, constraint persons_unique, table persons_person]`: the class and
    what a database error names. Safe to log, and to tell a peer."""
    details = _database(exc)
    return f"{type(exc).__name__} [{', '.join(details)}]" if details else type(exc).__name__


def summary(exc: BaseException) -> str:
    """`named(exc)`, and where: the innermost frame of migrex's own code it passed through, and
    the frame that raised it if that is another (a library's)."""
    frames = traceback.extract_tb(exc.__traceback__) if exc.__traceback__ else []
    if not frames:
        return named(exc)
    ours = [f for f in frames if Path(f.filename).resolve().is_relative_to(OWN)] or frames
    where = f"{_shown(ours[-1].filename)}:{ours[-1].lineno} in {ours[-1].name}"
    if ours[-1] is not frames[-1]:
        where += f" (raised in {_shown(frames[-1].filename)}:{frames[-1].lineno})"
    return f"{named(exc)} at {where}"


def traceback_of(exc: BaseException) -> str:
    """A traceback with every frame and no message: the chain's first exception first, as
    Python prints it."""
    blocks, seen = [], set()
    while exc is not None and id(exc) not in seen and len(blocks) < CHAIN:
        seen.add(id(exc))
        frames = traceback.extract_tb(exc.__traceback__) if exc.__traceback__ else []
        lines = [f"  {_shown(f.filename)}:{f.lineno} in {f.name}" for f in frames]
        blocks.append("\n".join(["Traceback (most recent call last):", *lines, named(exc)]))
        exc = exc.__cause__ or (None if exc.__suppress_context__ else exc.__context__)
    note = "\n\n(the exception above led to the one below)\n\n"
    return note.join(reversed(blocks)) + "\n(messages withheld: they may quote personal data)"


class SafeExceptions:
    """For a logging.Formatter: exc_info written by traceback_of. A traceback cached on the
    record by another handler's formatter (with its messages) is not used."""

    def formatException(self, ei) -> str:
        return traceback_of(ei[1]) if ei and ei[1] is not None else ""

    def format(self, record: logging.LogRecord) -> str:
        cached, record.exc_text = record.exc_text, None
        try:
            return super().format(record)
        finally:
            record.exc_text = cached


class Formatter(SafeExceptions, logging.Formatter):
    """The console's plain lines."""


class JsonFormatter(SafeExceptions, _JsonFormatter):
    """The console's JSON lines (MIGREX_LOG_FORMAT=json)."""
