"""Surnames near the one asked, by trigrams: the search's last lookup, for a spelling neither
the folding key nor its skeleton brings to the record (a consonant typed wrong: Ахмелов for
Ахметов; a letter dropped with a vowel changed; a Latin spelling no table yields).

Every surname folding key an authority's entries hold is a `SearchName` row, once. A query's
surname key is compared with those names, not with the million entries: the names close enough
(trigram similarity at least `THRESHOLD`, the share of the trigrams of either that both have,
as `pg_trgm` counts it) are the `MOST` closest, and the search then reads the entries holding
them through the names' own index (persons/lookups.py `near_names`), inside the officer's scope.

PostgreSQL finds the names with `pg_trgm` (the `%` operator over a GIN trigram index on the
names, migration 0006); SQLite with a table of their trigrams (`SearchGram`): the names sharing
at least as many trigrams as the threshold needs, grouped. Either way the similarity that keeps
and orders them is computed here (`similarity`, pg_trgm's own measure), so both databases find
the same names in the same order.

The names no entry holds any longer are removed by `prune`, which destruction calls (Art. 11.5,
retention/services.py); `reindex` rebuilds them all: a name was some person's data.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from django.db import connection

from migrex.persons.models import SearchEntry, SearchGram, SearchName
from migrex.persons.trigrams import similarity, trigrams

THRESHOLD = 0.3  # pg_trgm's default `similarity_threshold`: the `%` operator finds these
MOST = 8  # the closest names whose entries are read


def near(authorities: Iterable[int], surname: str) -> list[str]:
    """The `MOST` surname keys the `authorities` hold that are most similar to `surname`
    (at least `THRESHOLD`), the most similar first; never `surname` itself."""
    held = tuple(authorities)
    if not surname or not held or not trigrams(surname):
        return []
    if connection.vendor == "postgresql":
        found = _postgresql(held, surname)
    else:
        found = _grams(held, surname)
    scored = ((similarity(surname, name), name) for name in set(found) if name != surname)
    kept = sorted((-score, name) for score, name in scored if score >= THRESHOLD)
    return [name for _, name in kept[:MOST]]


def _in(values: tuple) -> str:
    return ", ".join(["%s"] * len(values))


def _postgresql(held: tuple[int, ...], surname: str) -> list[str]:
    q = connection.ops.quote_name
    sql = (
        f"SELECT {q('surname')} FROM {q(SearchName._meta.db_table)} "  # noqa: S608 - names
        f"WHERE {q('authority_id')} IN ({_in(held)}) AND {q('surname')} %% %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*held, surname])
        return [name for (name,) in cursor.fetchall()]


def _grams(held: tuple[int, ...], surname: str) -> list[str]:
    """The names sharing enough trigrams with `surname` to reach the threshold: s shared of a
    and b trigrams give s / (a + b - s) ≤ s / a, so at least THRESHOLD · a are shared."""
    grams = tuple(sorted(trigrams(surname)))
    least = max(1, math.ceil(THRESHOLD * len(grams) - 1e-9))
    q = connection.ops.quote_name
    sql = (
        f"SELECT {q('surname')} FROM {q(SearchGram._meta.db_table)} "  # noqa: S608 - names
        f"WHERE {q('authority_id')} IN ({_in(held)}) AND {q('gram')} IN ({_in(grams)}) "
        f"GROUP BY {q('surname')} HAVING COUNT(*) >= %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*held, *grams, least])
        return [name for (name,) in cursor.fetchall()]


def register(entries: Iterable[SearchEntry]) -> None:
    """Make the surnames of `entries` searchable by trigrams (those not yet are)."""
    wanted: dict[int, set[str]] = {}
    for entry in entries:
        if entry.surname:
            wanted.setdefault(entry.authority_id, set()).add(entry.surname)
    for authority, names in wanted.items():
        held = SearchName.objects.filter(authority_id=authority, surname__in=names)
        new = sorted(names - set(held.values_list("surname", flat=True)))
        SearchName.objects.bulk_create(
            (SearchName(authority_id=authority, surname=name) for name in new),
            ignore_conflicts=True,  # another transaction may add the same name meanwhile
        )
        if connection.vendor != "postgresql":
            SearchGram.objects.bulk_create(
                (
                    SearchGram(authority_id=authority, gram=gram, surname=name)
                    for name in new
                    for gram in trigrams(name)
                ),
                ignore_conflicts=True,
                batch_size=2000,
            )


def names_of(entries) -> set[tuple[int, str]]:
    """(authority, surname) of the entries of a queryset: what `prune` checks once they go."""
    return set(entries.exclude(surname="").values_list("authority_id", "surname").distinct())


def prune(names: Iterable[tuple[int, str]] | None = None) -> int:
    """Remove the names no entry of their authority holds any longer (and their trigrams), of
    `names` ((authority, surname) pairs) or of every name: how many. A query or three for each
    authority and chunk of names, not for each name."""
    if names is None:
        names = SearchName.objects.values_list("authority_id", "surname")
    asked: dict[int, set[str]] = {}
    for authority, name in names:
        asked.setdefault(authority, set()).add(name)
    gone = 0
    for authority, surnames in asked.items():
        ordered = sorted(surnames)
        for start in range(0, len(ordered), CHUNK):
            chunk = ordered[start : start + CHUNK]
            held = SearchEntry.objects.filter(authority_id=authority, surname__in=chunk)
            kept = set(held.values_list("surname", flat=True).distinct())
            unheld = [name for name in chunk if name not in kept]
            if unheld:
                SearchName.objects.filter(authority_id=authority, surname__in=unheld).delete()
                SearchGram.objects.filter(authority_id=authority, surname__in=unheld).delete()
                gone += len(unheld)
    return gone


CHUNK = 500  # names per IN list (SQLite takes up to 32,766 parameters)


def clear() -> None:
    SearchGram.objects.all().delete()
    SearchName.objects.all().delete()
