"""The persons a case received from the other party, as a source of personal data that the
provider's consents cover (persons/sources.py, Art. 11.2–11.4): those of a received request, and
those of every message that came in (answers, additional information)."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Q
from django.http import Http404
from django.urls import reverse

from migrex.accounts.roles import sees_personal_data
from migrex.cases import selectors
from migrex.cases.models import Case, CasePerson
from migrex.cases.workflow import Side
from migrex.persons import search
from migrex.persons.models import SearchEntry
from migrex.persons.sources import Source


def came_in(case: Case, person: CasePerson) -> bool:
    """The same test as received_persons(), on a loaded person (its event loaded too)."""
    if person.event_id is None:
        return case.side == Side.REQUESTED
    return person.event.direction == "in"


def received_persons(case: Case):
    came = Q(event__direction="in")
    if case.side == Side.REQUESTED:
        came |= Q(event__isnull=True)
    return CasePerson.objects.filter(came, case=case).order_by("event_id", "position")


def of_case(case: Case) -> Source:
    def records() -> Iterator[tuple[int, dict]]:
        for i, person in enumerate(received_persons(case), 1):
            yield i, person.data

    return Source(
        "case",
        case.conversation_id,
        case.pk,
        case.agreement,
        case.other_authority,
        case.owner,
        str(case),
        case.purpose,
        reverse("cases:detail", args=[case.pk]),
        records,
    )


def visible(user, pk: int) -> Source:
    if not sees_personal_data(user):
        raise Http404
    return of_case(selectors.case_for(user, pk))


def provided(ref, authority) -> bool:
    """Whether `authority` holds the case of conversation `ref` (it provided its data)."""
    return Case.objects.filter(conversation_id=ref, owner=authority).exists()


def search_entries() -> Iterator[SearchEntry]:
    """Every person of every case, for persons.search.reindex()."""
    for p in CasePerson.objects.select_related("case").iterator(chunk_size=2000):
        yield search.entry(p.data, p.case.owner_id, case_person_id=p.pk)
