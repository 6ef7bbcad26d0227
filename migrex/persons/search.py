"""Finding one person among the node's records, its own and those received, whatever the spelling.

Every person record gets a `SearchEntry` of folding keys (`translit.fold`): Оганесян,
Hovhannisyan and Հովհաննիսյան share one. A query is folded the same way; candidates come from the
indexes (document, birth date, surname with given name), read one by one, most specific first;
each is scored field by field: which fields agree, and how strongly.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.db.models import Q
from rapidfuzz.distance import JaroWinkler

from migrex.matching.translit import fold
from migrex.persons.models import PersonRecord, SearchEntry

CANDIDATES = 400  # read at most this many index rows per query
# How much each field counts when both the query and the record have it.
WEIGHTS = {
    "surname": 3.0,
    "given_name": 2.0,
    "patronymic": 1.0,
    "birth_date": 3.0,
    "document": 3.0,
    "sex": 0.5,
}
EXACT, CLOSE, DIFFERS = "exact", "close", "differs"
STRENGTH = {EXACT: 1.0, CLOSE: 0.6, DIFFERS: 0.0}


def _name(value) -> str:
    if isinstance(value, dict):
        value = value.get("cyrillic") or value.get("latin") or ""
    return fold(value)[:64] if value else ""


def document_key(value: str) -> str:
    return re.sub(r"[^0-9A-ZА-ЯЁ]", "", (value or "").upper())[:40]


def entry(data: dict, authority_id: int, **source) -> SearchEntry:
    documents = data.get("identity_document") or []
    first = documents[0] if documents else {}
    birth = data.get("birth_date")
    return SearchEntry(
        authority_id=authority_id,
        surname=_name(data.get("surname")),
        given_name=_name(data.get("given_name")),
        patronymic=_name(data.get("patronymic")),
        sex=data.get("sex") or "",
        birth_date=dt.date.fromisoformat(birth) if birth else None,
        document=document_key((first.get("series") or "") + (first.get("number") or "")),
        **source,
    )


def index_case_persons(persons, authority_id: int) -> None:
    SearchEntry.objects.bulk_create(
        entry(p.data, authority_id, case_person_id=p.pk) for p in persons
    )


def index_records(records, authority_id: int) -> None:
    SearchEntry.objects.bulk_create(
        (entry(r.data, authority_id, record_id=r.pk) for r in records), batch_size=2000
    )


# Where reindex() finds every person record: each app that holds some registers a function
# yielding their entries (this app the received datasets, the cases app the persons of cases).
_sources: list[Callable[[], Iterator[SearchEntry]]] = []


def indexes(source: Callable[[], Iterator[SearchEntry]]) -> None:
    if source not in _sources:
        _sources.append(source)


def dataset_entries() -> Iterator[SearchEntry]:
    for r in PersonRecord.objects.select_related("dataset").iterator(chunk_size=2000):
        yield entry(r.data, r.dataset.recipient_id, record_id=r.pk)


def reindex() -> int:
    """Rebuild every entry from the records (after a change to the folding rules)."""
    SearchEntry.objects.all().delete()
    entries = itertools.chain.from_iterable(source() for source in _sources)
    count = 0
    while batch := list(itertools.islice(entries, 2000)):
        SearchEntry.objects.bulk_create(batch)
        count += len(batch)
    return count


@dataclass(frozen=True)
class Query:
    surname: str = ""
    given_name: str = ""
    patronymic: str = ""
    birth_date: dt.date | None = None
    document: str = ""
    sex: str = ""

    def keys(self) -> dict[str, object]:
        return {
            "surname": fold(self.surname)[:64] if self.surname else "",
            "given_name": fold(self.given_name)[:64] if self.given_name else "",
            "patronymic": fold(self.patronymic)[:64] if self.patronymic else "",
            "birth_date": self.birth_date,
            "document": document_key(self.document),
            "sex": self.sex,
        }


@dataclass
class Candidate:
    entry: SearchEntry
    score: float  # 0…1: the weighted share of the query's fields that agree
    fields: dict[str, str] = field(default_factory=dict)  # field -> exact | close | differs


@dataclass
class Found:
    candidates: list[Candidate]
    truncated: bool  # more index rows matched than were read: the query should be narrower


def _filters(k: dict[str, object]) -> list[Q]:
    """Index lookups, most specific first: each is read on its own, so a common name's hundreds
    of namesakes never crowd out the record with the right document or birth date."""
    s, g, b, d = k["surname"], k["given_name"], k["birth_date"], k["document"]
    found = []
    if d:
        found.append(Q(document=d))
    if b:  # about 45 people share a birth date among a million
        found.append(Q(birth_date=b))
    if s and g:
        found.append(Q(surname=s, given_name=g))
    elif s:
        found.append(Q(surname=s))
    elif g and not b:
        found.append(Q(given_name=g))
    return found


def _dates(a: dt.date, b: dt.date) -> str:
    if a == b:
        return EXACT
    x, y = a.isoformat(), b.isoformat()
    one_digit = sum(p != q for p, q in zip(x, y, strict=True)) == 1
    swapped = a.year == b.year and a.month == b.day and a.day == b.month
    return CLOSE if one_digit or swapped else DIFFERS


def _names(a: str, b: str) -> str:
    if a == b:
        return EXACT
    return CLOSE if JaroWinkler.similarity(a, b) >= 0.88 else DIFFERS


def compare(keys: dict[str, object], entry: SearchEntry) -> Candidate:
    fields: dict[str, str] = {}
    for name in WEIGHTS:
        asked, held = keys[name], getattr(entry, name)
        if not asked or not held:
            continue
        if name == "birth_date":
            fields[name] = _dates(asked, held)
        elif name in {"document", "sex"}:
            fields[name] = EXACT if asked == held else DIFFERS
        else:
            fields[name] = _names(asked, held)
    asked_weight = sum(WEIGHTS[n] for n in WEIGHTS if keys[n])
    score = sum(WEIGHTS[n] * STRENGTH[v] for n, v in fields.items()) / (asked_weight or 1)
    return Candidate(entry, round(score, 3), fields)


def search(authority_id: int, query: Query, *, limit: int = 20) -> Found:
    """The best `limit` candidates among the authority's records, best first."""
    keys = query.keys()
    filters = _filters(keys)
    if not filters:
        return Found([], False)
    rows: dict[int, SearchEntry] = {}
    truncated = False
    for lookup in filters:
        room = CANDIDATES - len(rows)
        if room <= 0:
            truncated = True
            break
        found = SearchEntry.objects.filter(lookup, authority_id=authority_id).order_by()
        batch = list(found[: room + 1])
        truncated |= len(batch) > room
        rows.update((row.pk, row) for row in batch[:room])
    ranked = sorted(
        (compare(keys, row) for row in rows.values()),
        key=lambda c: (-c.score, c.entry.pk),
    )
    return Found(ranked[:limit], truncated)


def move_case_persons(case_id: int, authority_id: int) -> None:
    """The persons of a case another authority of this node now holds (a forwarded request,
    Art. 2) are found by that authority's searches, and no longer by the one that held it."""
    SearchEntry.objects.filter(case_person__case_id=case_id).update(authority_id=authority_id)
