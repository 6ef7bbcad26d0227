"""Django's PostgreSQL compilers, but few rows are inserted as a list of VALUES, not by UNNEST.

Since Django 5.2 a `bulk_create` on PostgreSQL sends each column as one array and inserts
`UNNEST` of them, so that the server plans a short statement however many rows there are. psycopg
writes those arrays in Python, testing every value for characters to quote with a regular
expression, at some 35 ns a byte. The inbox's batch inserts ten rows of signed envelopes and
receipts of several kilobytes each, and that test cost more than the rest of the insert.

Measured by bench/bulk_insert.py (CPU of the inserting process, Django's UNNEST against VALUES):
ten inbox rows with envelopes of 3.5 kB 2.36 against 0.82 ms, ten with short texts 0.77 against
0.79; fifty rows 10.06 against 3.04 ms with long texts, 2.24 against 2.94 with short ones. A
thousand short rows took 37 ms by UNNEST and 115 ms as VALUES, measured once beside it. So up to
`UNNEST_ABOVE` rows are inserted as VALUES, more by UNNEST. In the exchange benchmark on
PostgreSQL the receiver's CPU for a message went from 2.97 to 2.70 ms (medians of 3 runs each).
"""

from django.db.backends.postgresql.compiler import (
    SQLAggregateCompiler,
    SQLCompiler,
    SQLDeleteCompiler,
    SQLUpdateCompiler,
)
from django.db.backends.postgresql.compiler import SQLInsertCompiler as _Insert
from django.db.models.sql.compiler import SQLInsertCompiler as _PlainInsert

__all__ = [
    "SQLAggregateCompiler",
    "SQLCompiler",
    "SQLDeleteCompiler",
    "SQLInsertCompiler",
    "SQLUpdateCompiler",
]

UNNEST_ABOVE = 50


class SQLInsertCompiler(_Insert):
    def assemble_as_sql(self, fields, value_rows):
        if len(value_rows) <= UNNEST_ABOVE:
            return _PlainInsert.assemble_as_sql(self, fields, value_rows)
        return super().assemble_as_sql(fields, value_rows)
