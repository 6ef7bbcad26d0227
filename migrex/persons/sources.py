"""Personal data this node received from the other party, as a unit that consents cover (Art.
11.2–11.4): a received dataset, or the persons a case received (those of a request received, or
of the other party's replies to a request sent). Both nodes name it by the same id."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse

from migrex.agreements.models import Agreement, Authority
from migrex.cases.models import Case, CasePerson
from migrex.cases.workflow import Side
from migrex.persons.models import Dataset


@dataclass(frozen=True)
class Source:
    kind: str  # "dataset" or "case"
    ref: uuid.UUID  # the dataset's message id, or the case's conversation id
    pk: int
    agreement: Agreement
    provider: Authority  # the other party's authority that provided the data
    recipient: Authority  # this node's authority that received it
    label: str
    purpose: str

    @property
    def url(self) -> str:
        if self.kind == "dataset":
            return reverse("persons:dataset", args=[self.pk])
        return reverse("cases:detail", args=[self.pk])

    @property
    def subject(self) -> str:
        return f"{self.kind}:{self.pk}"

    def records(self) -> Iterator[tuple[int, dict]]:
        """(line or position, Art. 6 data) of every received record."""
        if self.kind == "dataset":
            rows = Dataset.objects.get(pk=self.pk).persons.order_by("position")
            for r in rows.iterator(chunk_size=2000):
                yield r.position, r.data
            return
        for i, person in enumerate(received_persons(Case.objects.get(pk=self.pk)), 1):
            yield i, person.data


def of_dataset(dataset: Dataset) -> Source:
    return Source(
        "dataset",
        dataset.message_id,
        dataset.pk,
        dataset.agreement,
        dataset.provider,
        dataset.recipient,
        dataset.title,
        dataset.purpose,
    )


def of_case(case: Case) -> Source:
    return Source(
        "case",
        case.conversation_id,
        case.pk,
        case.agreement,
        case.other_authority,
        case.owner,
        str(case),
        case.purpose,
    )


def came_in(case: Case, person: CasePerson) -> bool:
    """The same test as received_persons(), on a loaded person (its event loaded too)."""
    if person.event_id is None:
        return case.side == Side.REQUESTED
    return person.event.direction == "in"


def received_persons(case: Case):
    """The case's person records that came from the other party: a received request's own
    persons, and those of every message that came in (answers, additional information)."""
    came_in = Q(event__direction="in")
    if case.side == Side.REQUESTED:
        came_in |= Q(event__isnull=True)
    return CasePerson.objects.filter(came_in, case=case).order_by("event_id", "position")
