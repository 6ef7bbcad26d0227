"""Queries run on every page (the navigation's counts, a list's page), compiled once per process.

Building a queryset of nested filters and compiling it to SQL costs the web process more than
the database spends answering it from an index. What such a queryset compiles to depends only on
what it is built from (an officer's id, authority and roles, today's date), so its SQL and
parameters are kept under a key naming all of those, and later pages run them as they are. Only
the text of a query is kept, never a result: every count is read anew.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet

from migrex.core.bounded import Bounded

_compiled = Bounded(2000)  # compiled queries kept per process


def _sql(queryset: QuerySet) -> tuple[str, tuple] | None:
    try:
        return queryset.query.sql_with_params()
    except EmptyResultSet:  # a queryset that can match nothing (.none()): no query at all
        return None


def _counting(querysets: list[QuerySet]) -> tuple[str, tuple]:
    """One statement that counts each of `querysets`: a row of counts."""
    parts, params = [], []
    for i, queryset in enumerate(querysets):
        # Unordered, unless cut to its first rows: those are counted as they are.
        queryset = queryset if queryset.query.is_sliced else queryset.order_by()
        compiled = _sql(queryset.values("pk"))
        if compiled is None:
            parts.append("0")
            continue
        # The SQL is the compiler's, its values apart as parameters.
        parts.append(f"(SELECT COUNT(*) FROM ({compiled[0]}) counted{i})")  # noqa: S608
        params.extend(compiled[1])
    return "SELECT " + ", ".join(parts), tuple(params)


def _compiled_for(key: Hashable, compile_: Callable[[], tuple[str, tuple] | None]):
    return _compiled.get((connection.alias, connection.settings_dict["NAME"], key), compile_)


def _run(compiled: tuple[str, tuple] | None) -> list[tuple]:
    if compiled is None:
        return []
    with connection.cursor() as cursor:
        cursor.execute(*compiled)
        return cursor.fetchall()


def counts(key: Hashable, build: Callable[[], list[QuerySet]]) -> list[int]:
    """`[q.count() for q in build()]` in one statement, its SQL compiled once per `key` (which
    must name everything `build` depends on)."""
    compiled = _compiled_for(("counts", key), lambda: _counting(build()))
    return list(_run(compiled)[0])


def rows(key: Hashable, build: Callable[[], QuerySet]) -> list[tuple]:
    """The rows of `build()` (a values_list queryset of ids, text and numbers: they come as
    the database gives them, unconverted), compiled once per `key`."""
    return _run(_compiled_for(("rows", key), lambda: _sql(build())))


def objects(model, key: Hashable, build: Callable[[], QuerySet]) -> list:
    """The instances of `model` that `build()` (a queryset of it, without select_related: its
    columns are matched by name) reads, each annotation an attribute, compiled once per `key`."""
    compiled = _compiled_for(("objects", key), lambda: _sql(build()))
    return list(model.objects.raw(*compiled)) if compiled else []
