"""Which index lookups a person search makes, and in what order (persons/search.py reads them,
each inside the officer's scope, and ranks what they find).

The lookups serve the indexes of `SearchEntry`, all led by the holding authority: the document;
the birth date; the folding keys of the surname and given name, and their skeletons, each with
the birth date last so that a list of near dates is a few index seeks.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q

from migrex.persons.ranking import near_dates

WIDE = 100  # read at most this many rows of a skeleton without a birth date (`lookups`)


@dataclass(frozen=True)
class Match:
    """Columns equal to values (among them, for a tuple of values), and the birth date among
    `dates` if any."""

    equal: tuple[tuple[str, object], ...]
    dates: tuple[dt.date, ...] = ()

    def q(self) -> Q:
        found = Q(**{(f"{c}__in" if isinstance(v, tuple) else c): v for c, v in self.equal})
        return found & Q(birth_date__in=self.dates) if self.dates else found

    def sql(self) -> tuple[str, list]:
        q, adapt = connection.ops.quote_name, connection.ops.adapt_datefield_value
        where, params = [], []
        for column, value in self.equal:
            if isinstance(value, tuple):
                where.append(f"{q(column)} IN ({', '.join(['%s'] * len(value))})")
                params += value
            else:
                where.append(f"{q(column)} = %s")
                params.append(adapt(value) if isinstance(value, dt.date) else value)
        if self.dates:
            where.append(f"{q('birth_date')} IN ({', '.join(['%s'] * len(self.dates))})")
            params += [adapt(d) for d in self.dates]
        return " AND ".join(where), params


@dataclass(frozen=True)
class Lookup:
    """One index lookup: the rows any of `matches` finds, each match served by an index.
    `enough`: every row it adds ranks alike, and above every row the lookups after it add, so
    `limit` of them are as many as the search needs to read; `most`: read at most so many rows."""

    matches: tuple[Match, ...]
    enough: bool = False
    most: int | None = None

    def q(self) -> Q:
        return functools.reduce(operator.or_, (m.q() for m in self.matches))

    def sql(self) -> tuple[str, list]:
        parts = [m.sql() for m in self.matches]
        if len(parts) == 1:
            return parts[0]
        where = " OR ".join(f"({sql})" for sql, _ in parts)
        return f"({where})", [p for _, params in parts for p in params]


def lookups(k: dict[str, object]) -> list[Lookup]:
    """Index lookups, most specific first: each is read on its own, so a common name's hundreds
    of namesakes never crowd out the record with the right document or birth date, nor one with
    a near birth date (a digit wrong, day and month swapped, a day off: `ranking.near_dates`).
    Those three few-row matches (the birth date; the names, or their skeletons, with a near
    birth date) are one query. The skeletons follow the folding keys, so exact spellings come
    first; they are looked up with the given name's skeleton (or a near birth date), never a
    surname's alone when there is more to go by.

    The names alone match thousands of rows for a common name. When the query asks nothing the
    earlier lookups have not already found the best rows for (a patronymic, the sex), those rows
    all rank alike (the same names; a birth date neither equal nor near, for those were read
    before; the document not the one asked), so `limit` of them are enough. A skeleton with a
    common given name matches thousands too, and its rows rank by their names: the first `WIDE`
    in the index's order (by birth date) show every spelling the skeleton groups that is not
    rare, so more are not read."""
    s, g, b, d = k["surname"], k["given_name"], k["birth_date"], k["document"]
    names = (("surname", s), ("given_name", g))
    keys = (("surname_key", k["surname_key"]), ("given_key", k["given_key"]))
    alike = not (k["patronymic"] or k["sex"])
    found = []
    if d:
        found.append(Lookup((Match((("document", d),)),)))
    if b:  # about 45 people share a birth date among a million
        born = [Match((("birth_date", b),))]
        if s and g:
            near = tuple(near_dates(b))
            born += [Match(names, near), Match(keys, near)]
        found.append(Lookup(tuple(born)))
    if s and g:
        found += [Lookup((Match(names),), enough=alike), Lookup((Match(keys),), most=WIDE)]
    elif s:
        found += [
            Lookup((Match(names[:1]),), enough=alike and not b),
            Lookup((Match(keys[:1]),), most=WIDE),
        ]
    elif g and not b:
        found.append(Lookup((Match(names[1:]),), enough=alike))
    return found


def near_names(k: dict[str, object], surnames: list[str]) -> list[Lookup]:
    """The lookup of the surnames near the one asked (persons/similar.py), after every other:
    with the given name's key when one is asked, and with the birth date or a near one before
    any date, when one is asked; each served by the names' index."""
    g, b = k["given_name"], k["birth_date"]
    if not surnames:
        return []
    names = (("surname", tuple(surnames)),) + ((("given_name", g),) if g else ())
    found = []
    if b:
        found.append(Lookup((Match(names, (b, *near_dates(b))),)))
    found.append(Lookup((Match(names),), most=WIDE))
    return found
