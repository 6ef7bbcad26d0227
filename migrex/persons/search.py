"""Finding one person among the records an authority may use, whatever the spelling.

Every person record gets a `SearchEntry` of folding keys (`translit.fold`): Оганесян,
Hovhannisyan and Հովհաննիսյան share one. A query is folded the same way; candidates come from the
indexes (document, birth date, surname with given name), read one by one, most specific first;
each is scored field by field: which fields agree, and how strongly.

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

import datetime as dt
import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Q
from django.utils import timezone
from rapidfuzz.distance import JaroWinkler

from migrex.matching.translit import fold
from migrex.persons.models import Consent, Dataset, PersonRecord, SearchEntry

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
# The records of a dataset still arriving are stored, with their entries, before the dataset is
# verified and visible (persons/staging.py): no one may find them until then. A case's entry has
# no record, and passes (a left join: the dataset's `staged_at` is null for it too).
ARRIVED = Q(record__dataset__staged_at__isnull=True)
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
class Scope:
    """What one authority's officers may find (the module's docstring): the entries it holds,
    and those its consents in force open."""

    authority_id: int
    consents: tuple[Consent, ...] = ()  # the one ending last first
    holders: frozenset[int] = frozenset()  # the other authorities holding what they open
    opened: Q | None = None  # which of those authorities' entries they open

    def branches(self) -> list[Q]:
        """Disjoint conditions, each read on its own. Both start from the holding authority, so
        every lookup is served by an index that leads with it."""
        own = Q(authority_id=self.authority_id)
        others = self.holders - {self.authority_id}
        if self.opened is None or not others:
            return [own]
        return [own, Q(authority_id__in=sorted(others)) & self.opened]

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
    filters = _filters(keys)
    where = within or scope(authority_id, today)
    if not filters:
        return Found([], False, where)
    rows: dict[int, SearchEntry] = {}
    truncated = False
    for lookup, branch in itertools.product(filters, where.branches()):
        room = CANDIDATES - len(rows)
        if room <= 0:
            truncated = True
            break
        found = SearchEntry.objects.filter(lookup, branch, ARRIVED).order_by()
        batch = list(found[: room + 1])
        truncated |= len(batch) > room
        rows.update((row.pk, row) for row in batch[:room])
    ranked = sorted(
        (compare(keys, row) for row in rows.values()),
        key=lambda c: (-c.score, c.entry.pk),
    )
    return Found(ranked[:limit], truncated, where)


def move_case_persons(case_id: int, authority_id: int) -> None:
    """The persons of a case another authority of this node now holds (a forwarded request,
    Art. 2) are found by that authority's searches, and no longer by the one that held it."""
    SearchEntry.objects.filter(case_person__case_id=case_id).update(authority_id=authority_id)
