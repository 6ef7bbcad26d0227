"""Finding one person among the records an authority may use, whatever the spelling.

Every person record gets a `SearchEntry` of folding keys (`translit.fold`): Оганесян,
Hovhannisyan and Հովհաննիսյան share one; and of their skeletons (`translit.skeleton`), a coarser
key that spellings made by ear share: Ахмедов, Axmetov and Ахметов. A query is keyed the same
way; candidates come from the indexes, read one by one, most specific first (persons/lookups.py:
the document; the birth date, and the names with a near birth date; then the names alone, by the
folding keys before the skeletons, so exact spellings come first; and when none of those bears
the name, the surnames near it by trigrams, persons/similar.py); each is scored field by field:
which fields agree, and how strongly (persons/ranking.py).

The lookups are SQL of their own (`_read`): through the ORM, building a query and making model
instances of the hundreds of rows a common name matches cost more than the rest of a search.
Only the candidates returned become `SearchEntry` instances.

Purpose binding (Art. 11.2). Received personal data may be used only for the purpose it was
requested or provided for; another use needs the provider's consent. Search keeps to that:

- An officer works on the cases their authority holds (`Case.owner`: the requester's copy on the
  requesting side, the requested authority's copy on the other, and the authority a request was
  forwarded to under Art. 2, `move_case_persons`) and on the datasets it received
  (`Dataset.recipient`). A search entry's `authority` is exactly that holder, so the authority's
  own rows are what its officers may find, each for the case or dataset it came for:
  `own` (a person its own side entered in a case: a draft, its own request, its own answer),
  `case` (a person a case of the authority received: the request itself on the requested side,
  every message that came in), `dataset` (a record of a dataset the authority received).
- Nothing another authority holds is found, of the same party or not, unless a consent opens
  it: a consent this node asked (`Consent.Side.ASKED`) by the officer's authority
  (`requester`), to use the data for another purpose (`Use.OTHER_PURPOSE`; export and passing
  to a third party are other matters, enforced where they happen), granted by the authority
  that provided the data (`provider`) and in force today (`expires_on` today or later). It opens
  the records of the dataset it names, or the persons the case it names received, never the
  holder's own entries. Such a result is `consent`. A refused, pending or expired consent opens
  nothing, so the record is hidden again the day after the consent ends.

Both conditions are part of each index query (`Scope.branches`), not a filter on what came back:
the count of candidates and the `truncated` flag are about what the officer may see.
"""

from __future__ import annotations

import collections
import datetime as dt
import functools
import heapq
import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from migrex.core import deferred
from migrex.matching.translit import fold, skeleton
from migrex.persons import similar
from migrex.persons.lookups import Lookup, lookups, near_names
from migrex.persons.models import Consent, Dataset, PersonRecord, SearchEntry
from migrex.persons.ranking import CLOSE as CLOSE  # the levels, for the page and the API
from migrex.persons.ranking import DIFFERS as DIFFERS
from migrex.persons.ranking import EXACT as EXACT
from migrex.persons.ranking import Candidate, Scorer

CANDIDATES = 400  # read at most this many index rows per query
# The records of a dataset still arriving are stored, with their entries, before the dataset is
# verified and visible (persons/staging.py): no one may find them until then. A case's entry has
# no record, and passes.
ARRIVED = Q(record__dataset__staged_at__isnull=True)


def _name(value) -> str:
    if isinstance(value, dict):
        value = value.get("cyrillic") or value.get("latin") or ""
    return fold(value)[:64] if value else ""


def document_key(value: str) -> str:
    return re.sub(r"[^0-9A-ZА-ЯЁ]", "", (value or "").upper())[:40]


def entry(data: dict, authority_id: int, **source) -> SearchEntry:
    """The search entry of one person record (every entry is made here: reindex() too)."""
    documents = data.get("identity_document") or []
    first = documents[0] if documents else {}
    birth = data.get("birth_date")
    surname, given_name = _name(data.get("surname")), _name(data.get("given_name"))
    return SearchEntry(
        authority_id=authority_id,
        surname=surname,
        given_name=given_name,
        patronymic=_name(data.get("patronymic")),
        surname_key=skeleton(surname) if surname else "",
        given_key=skeleton(given_name) if given_name else "",
        sex=data.get("sex") or "",
        birth_date=dt.date.fromisoformat(birth) if birth else None,
        document=document_key((first.get("series") or "") + (first.get("number") or "")),
        **source,
    )


def index_case_persons(persons, authority_id: int) -> None:
    """Index the persons of a case; in a batch (core/deferred.py: the inbox's), at its end with
    the persons of the batch's other cases."""
    deferred.later(_indexed, [entry(p.data, authority_id, case_person_id=p.pk) for p in persons])


def _indexed(parts: list[list[SearchEntry]]) -> None:
    """Store the entries of `parts` and make their surnames searchable by trigrams."""
    entries = [e for part in parts for e in part]
    SearchEntry.objects.bulk_create(entries)
    similar.register(entries)


def index_records(records, authority_id: int) -> None:
    """Index `records` 2,000 at a time: a whole dataset is never held in memory at once."""
    records = iter(records)
    while batch := [
        entry(r.data, authority_id, record_id=r.pk) for r in itertools.islice(records, 2000)
    ]:
        _indexed([batch])


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
    similar.clear()
    entries = itertools.chain.from_iterable(source() for source in _sources)
    count = 0
    while batch := list(itertools.islice(entries, 2000)):
        _indexed([batch])
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
        surname = fold(self.surname)[:64] if self.surname else ""
        given_name = fold(self.given_name)[:64] if self.given_name else ""
        return {
            "surname": surname,
            "given_name": given_name,
            "patronymic": fold(self.patronymic)[:64] if self.patronymic else "",
            "birth_date": self.birth_date,
            "document": document_key(self.document),
            "sex": self.sex,
            "surname_key": skeleton(surname) if surname else "",
            "given_key": skeleton(given_name) if given_name else "",
        }


# A person a case received: one of the request itself on the requested side (no event), or of a
# message that came in. The same test as cases.received.received_persons(), on a search entry.
RECEIVED_IN_A_CASE = Q(case_person__event__direction="in") | Q(
    case_person__event__isnull=True, case_person__case__side="requested"
)


def _case_opened_by(consent: Consent) -> Q:
    """The persons of the case `consent` names that the case received from its provider."""
    provided = Q(case_person__case__requesting_authority_id=consent.provider_id) | Q(
        case_person__case__requested_authority_id=consent.provider_id
    )
    return (
        Q(case_person__case__conversation_id=consent.source)
        & provided
        & ~Q(authority_id=consent.provider_id)  # the provider's own copy, on a shared node
        & RECEIVED_IN_A_CASE
    )


@dataclass(frozen=True)
class Branch:
    """The entries `authorities` hold, those of them `opened` selects if it is given."""

    authorities: tuple[int, ...]
    opened: Q | None = None

    def q(self) -> Q:
        held = Q(authority_id__in=self.authorities)
        return held if self.opened is None else held & self.opened


@dataclass(frozen=True)
class Scope:
    """What one authority's officers may find (the module's docstring): the entries it holds,
    and those its consents in force open."""

    authority_id: int
    consents: tuple[Consent, ...] = ()  # the one ending last first
    holders: frozenset[int] = frozenset()  # the other authorities holding what they open
    opened: Q | None = None  # which of those authorities' entries they open

    def branches(self) -> list[Branch]:
        """Disjoint conditions, each read on its own. Both start from the holding authority, so
        every lookup is served by an index that leads with it."""
        own = Branch((self.authority_id,))
        others = self.holders - {self.authority_id}
        if self.opened is None or not others:
            return [own]
        return [own, Branch(tuple(sorted(others)), self.opened)]

    def consent_for(self, kind: str, ref) -> Consent | None:
        """The consent that opens the source `ref` of `kind` (the one ending last)."""
        for consent in self.consents:
            if consent.source_kind == kind and consent.source == ref:
                return consent
        return None


# Whether an authority holds any consent to another use in force is asked on every search, so in
# SQL of its own: through the ORM it costs more than the rest of a search by document. The
# consents themselves are read only when there are some.
def _any_consent_sql() -> str:
    q = connection.ops.quote_name
    columns = ("requester_id", "side", "use", "status")
    where = " AND ".join(f"{q(c)} = %s" for c in columns) + f" AND {q('expires_on')} >= %s"
    return f"SELECT 1 FROM {q(Consent._meta.db_table)} WHERE {where} LIMIT 1"  # noqa: S608


def scope(authority_id: int, today: dt.date | None = None) -> Scope:
    """The authority's own entries, and the sources its consents to another use, in force on
    `today` (the node's date by default), open."""
    today = today or timezone.localdate()
    in_force = [authority_id, Consent.Side.ASKED.value, Consent.Use.OTHER_PURPOSE.value]
    in_force += [Consent.Status.GRANTED.value, connection.ops.adapt_datefield_value(today)]
    with connection.cursor() as cursor:
        cursor.execute(_any_consent_sql(), in_force)
        if cursor.fetchone() is None:
            return Scope(authority_id)
    consents = tuple(
        Consent.objects.filter(
            side=Consent.Side.ASKED,
            requester_id=authority_id,
            use=Consent.Use.OTHER_PURPOSE,
            status=Consent.Status.GRANTED,
            expires_on__gte=today,
        )
        .select_related("provider")
        .order_by("-expires_on", "-pk")
    )
    holders: set[int] = set()
    opened = Q(pk__in=[])
    # A dataset is opened by its id, once its provider is the consent's.
    provided = {(c.source, c.provider_id) for c in consents if c.source_kind == "dataset"}
    named = Dataset.objects.filter(message_id__in=[ref for ref, _ in provided])
    datasets = []
    for pk, ref, provider, recipient in named.values_list(
        "pk", "message_id", "provider_id", "recipient_id"
    ):
        if (ref, provider) in provided:
            datasets.append(pk)
            holders.add(recipient)
    if datasets:
        opened |= Q(record__dataset_id__in=datasets)
    cases = [c for c in consents if c.source_kind == "case"]
    if cases:
        held = SearchEntry.objects.filter(
            case_person__case__conversation_id__in=[c.source for c in cases]
        )
        holders.update(held.values_list("authority_id", flat=True).distinct().order_by())
        for consent in cases:
            opened |= _case_opened_by(consent)
    return Scope(authority_id, consents, frozenset(holders), opened)


@dataclass
class Found:
    candidates: list[Candidate]
    truncated: bool  # more index rows matched than were read: the query should be narrower
    scope: Scope | None = None  # what was searched: says why each candidate may be seen


_FIELDS = tuple(f.attname for f in SearchEntry._meta.concrete_fields)
_NAMES = slice(_FIELDS.index("surname"), _FIELDS.index("given_name") + 1)


@functools.cache
def _select_sql(vendor: str) -> str:
    """SELECT every column of the entries that have ARRIVED, up to the holding authority's
    condition. A dataset is staged only while it arrives (or until an abandoned copy is swept),
    so the test of each row's record and dataset is made only when some dataset is: whether one
    is, is asked once per query (SQLite and PostgreSQL evaluate a subquery that does not depend
    on the row once), in the same statement, so on the same snapshot as the rows read."""
    q = connection.ops.quote_name
    columns = ", ".join(q(f.column) for f in SearchEntry._meta.concrete_fields)
    table = q(SearchEntry._meta.db_table)
    record, dataset = q(PersonRecord._meta.db_table), q(Dataset._meta.db_table)
    join = f"{dataset}.{q('id')} = {record}.{q('dataset_id')}"
    staged = f"{dataset}.{q('staged_at')} IS NOT NULL"
    arriving = (
        f"SELECT 1 FROM {record} JOIN {dataset} ON {join} "  # noqa: S608 - names only
        f"WHERE {record}.{q('id')} = {table}.{q('record_id')} AND {staged}"
    )
    return (
        f"SELECT {columns} FROM {table} "  # noqa: S608 - names only
        f"WHERE (NOT EXISTS (SELECT 1 FROM {dataset} WHERE {staged}) "
        f"OR NOT EXISTS ({arriving})) AND {q('authority_id')} "
    )


def _read(lookup: Lookup, branch: Branch, count: int) -> list[tuple]:
    """At most `count` rows (values in the order of `_FIELDS`) of one lookup in one branch of
    the scope: the branch's condition is part of the query."""
    if branch.opened is not None:
        found = SearchEntry.objects.filter(lookup.q(), branch.q(), ARRIVED).order_by()
        return list(found.values_list(*_FIELDS)[:count])
    where, params = lookup.sql()
    holders = branch.authorities
    held = "= %s" if len(holders) == 1 else f"IN ({', '.join(['%s'] * len(holders))})"
    sql = f"{_select_sql(connection.vendor)}{held} AND {where} LIMIT %s"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*holders, *params, count])
        return cursor.fetchall()


def _gather(asked: list[Lookup], where: Scope, rows: dict[int, tuple], limit: int) -> bool:
    """Read the rows of the lookups `asked` in order into `rows`, by id, until they are enough
    (`Lookup.enough`) or `CANDIDATES`: whether more rows matched than were read."""
    truncated = False
    for lookup in asked:
        full = False  # the lookup matched more rows than were read
        for branch in where.branches():
            room = CANDIDATES - len(rows)
            if lookup.enough:  # rows already read may come again
                room = min(room, len(rows) + limit)
            elif lookup.most:
                room = min(room, lookup.most)
            if room <= 0:
                full = True
                break
            batch = _read(lookup, branch, room + 1)
            full |= len(batch) > room
            rows.update((row[0], row) for row in batch[:room])
        truncated |= full
        if full and (lookup.enough or len(rows) >= CANDIDATES):
            break
    return truncated


_SURNAME, _GIVEN = _FIELDS.index("surname"), _FIELDS.index("given_name")
_SURNAME_KEY, _GIVEN_KEY = _FIELDS.index("surname_key"), _FIELDS.index("given_key")


def _too_few(keys: dict[str, object], rows) -> bool:
    """Whether no row read bears the surname asked, by its folding key or its skeleton (nor the
    given name likewise, when one is asked): then the surnames near it are looked up too
    (persons/similar.py). The keys' lookups are the fast ones; the trigrams are for a spelling
    they do not find at all."""
    s, g = keys["surname"], keys["given_name"]
    if not s:
        return False
    for row in rows:
        if (row[_SURNAME] == s or row[_SURNAME_KEY] == keys["surname_key"]) and (
            not g or row[_GIVEN] == g or row[_GIVEN_KEY] == keys["given_key"]
        ):
            return False
    return True


def search(
    authority_id: int,
    query: Query,
    *,
    limit: int = 20,
    today: dt.date | None = None,
    within: Scope | None = None,
) -> Found:
    """The best `limit` candidates among the records the authority's officers may use (the
    module's docstring), best first."""
    keys = query.keys()
    asked = lookups(keys)
    where = within or scope(authority_id, today)
    if not asked:
        return Found([], False, where)
    rows: dict[int, tuple] = {}
    truncated = _gather(asked, where, rows, limit)
    if _too_few(keys, rows.values()):
        held = {a for branch in where.branches() for a in branch.authorities}
        nearby = near_names(keys, similar.near(sorted(held), keys["surname"]))
        truncated |= _gather(nearby, where, rows, limit)
    scorer = Scorer(keys, _FIELDS)
    names = collections.Counter(row[_NAMES] for row in rows.values())
    # Best first: the score, the names' letters off, how many share them, the oldest. Every
    # row read is ordered; only the `limit` best become candidates, and model instances.
    read = list(rows.values())
    order = [
        (-score, letters, -names[row[_NAMES]], row[0], row)
        for (score, letters), row in zip(scorer.ranks(read), read, strict=True)
    ]
    ranked = [scorer.row(best[-1]) for best in heapq.nsmallest(limit, order)]
    for candidate in ranked:
        candidate.entry = SearchEntry.from_db(connection.alias, _FIELDS, candidate.entry)
    return Found(ranked, truncated, where)


def move_case_persons(case_id: int, authority_id: int) -> None:
    """The persons of a case another authority of this node now holds (a forwarded request,
    Art. 2) are found by that authority's searches, and no longer by the one that held it."""
    moved = SearchEntry.objects.filter(case_person__case_id=case_id)
    left = similar.names_of(moved)
    moved.update(authority_id=authority_id)
    similar.register(moved.only("authority_id", "surname"))
    similar.prune(left)  # the names the former authority's entries hold no longer


def forget_case_persons(persons) -> None:
    """Delete `persons` (case persons: a draft's, replaced by its author) with their search
    entries, and the names no entry holds any longer."""
    names = similar.names_of(SearchEntry.objects.filter(case_person__in=persons))
    persons.delete()
    similar.prune(names)
