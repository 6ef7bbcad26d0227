"""Personal data this node received from the other party, as a unit that consents cover (Art.
11.2–11.4): a received dataset (this app), or the persons a case received (the cases app, which
registers its kind of source here). Both nodes name a source by the same id.

Each kind of source says, for the views, which of its sources a user may see (404 otherwise,
Art. 11.1) and, for a consent request that arrives, whether an authority provided it."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.http import Http404
from django.urls import reverse

from migrex.agreements.models import Agreement, Authority
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
    url: str
    records: Callable[[], Iterator[tuple[int, dict]]]  # (line or position, Art. 6 data)

    @property
    def subject(self) -> str:
        return f"{self.kind}:{self.pk}"


@dataclass(frozen=True)
class SourceKind:
    visible: Callable[[object, int], Source]  # (user, pk) → the source, or Http404
    provided: Callable[[uuid.UUID | str, Authority], bool]  # (ref, authority): provided it?


_kinds: dict[str, SourceKind] = {}


def register(name: str, *, visible, provided) -> None:
    _kinds[name] = SourceKind(visible, provided)


def visible(user, kind: str, pk: int) -> Source:
    """Received data of `kind` the user may see (Http404 otherwise)."""
    if kind not in _kinds:
        raise Http404
    return _kinds[kind].visible(user, pk)


def provided(kind: str, ref, authority: Authority) -> bool:
    """Whether `authority` provided the source `ref` of `kind` (a consent request names it)."""
    return kind in _kinds and _kinds[kind].provided(ref, authority)


def of_dataset(dataset: Dataset) -> Source:
    def records() -> Iterator[tuple[int, dict]]:
        rows = dataset.persons.order_by("position")
        for r in rows.iterator(chunk_size=2000):
            yield r.position, r.data

    return Source(
        "dataset",
        dataset.message_id,
        dataset.pk,
        dataset.agreement,
        dataset.provider,
        dataset.recipient,
        dataset.title,
        dataset.purpose,
        reverse("persons:dataset", args=[dataset.pk]),
        records,
    )
