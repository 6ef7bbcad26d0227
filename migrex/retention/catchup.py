"""What an earlier destruction left (Art. 11.5): a case or a dataset whose persons, files or
records were destroyed (its tombstones say so) while its free texts or the stored copies of its
messages stayed, because the version of migrex that destroyed them did not erase those yet. The
next run erases them under the rule the first destruction applied and lists them in its own act.

Nothing is done twice: a text that already holds an act's note and a copy already forgotten are
left as they are, and a message the conversation carried after the destruction (the notice of
it to the provider, say) is not the destruction's to forget."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, Subquery

from migrex.cases.models import Case
from migrex.exchange.models import InboxMessage, OutboxMessage
from migrex.persons import holdings
from migrex.persons.models import Consent, Dataset
from migrex.retention import sweep
from migrex.retention.models import PurposeEnd, Tombstone


@dataclass(frozen=True)
class Unfinished:
    case: Case | None
    dataset: Dataset | None
    first: Tombstone  # the earliest tombstone: the rule and due date the destruction applied
    destroyed_at: dt.datetime  # the first destruction: messages after it are not its own


def _stones(field: str):
    return Tombstone.objects.filter(**{field: OuterRef("pk")})


def _first(field: str) -> Subquery:
    return Subquery(_stones(field).order_by("destroyed_at").values("destroyed_at")[:1])


def _unforgotten(source: str) -> Q:
    """A copy kept in full of a message of the conversation `source`, or of a consent asked
    about its data, from before the destruction; or such a consent's texts."""
    asked = Consent.objects.filter(source=OuterRef(OuterRef(source)))
    ours = Q(conversation_id=OuterRef(source)) | Q(conversation_id__in=asked.values("ref"))
    sent = (
        OutboxMessage.objects.filter(ours, created_at__lte=OuterRef("destroyed"))
        .exclude(status=OutboxMessage.Status.PENDING)
        .exclude(payload__has_key="destroyed")
    )
    received = (
        InboxMessage.objects.filter(ours, received_at__lte=OuterRef("destroyed"))
        .exclude(signed="")
        .exclude(signed__contains="..")  # header..signature: forgotten
    )
    texts = Consent.objects.filter(holdings.unerased_consents(), source=OuterRef(source))
    return Q(Exists(sent)) | Q(Exists(received)) | Q(Exists(texts))


def _noted(field: str) -> Q:
    """The note on the end of its purpose, still as written."""
    notes = PurposeEnd.objects.filter(**{field: OuterRef("pk")}).exclude(note="")
    return Q(Exists(notes.exclude(note__startswith=holdings.ERASED)))


def unfinished() -> list[Unfinished]:
    cases = (
        Case.objects.filter(pk__in=Tombstone.objects.values("case"))
        .annotate(destroyed=_first("case"))
        .filter(
            ~Exists(_stones("case").filter(kind=Tombstone.Kind.CASE_TEXTS))
            | _unforgotten("conversation_id")
            | _noted("case")
        )
    )
    datasets = (
        Dataset.objects.filter(pk__in=Tombstone.objects.values("dataset"))
        .annotate(destroyed=_first("dataset"))
        .filter(
            ~Exists(_stones("dataset").filter(kind=Tombstone.Kind.DATASET_TEXTS))
            | _unforgotten("conversation_id")
            | _unforgotten("message_id")
            | _noted("dataset")
        )
    )
    first = {}
    for stone in Tombstone.objects.filter(
        Q(case__in=[c.pk for c in cases]) | Q(dataset__in=[d.pk for d in datasets])
    ).order_by("-destroyed_at", "-pk"):
        first[(stone.case_id, stone.dataset_id)] = stone
    found = [Unfinished(c, None, first[(c.pk, None)], c.destroyed) for c in cases]
    return found + [Unfinished(None, d, first[(None, d.pk)], d.destroyed) for d in datasets]


def finish(item: Unfinished, act_number: str, common: dict) -> list[Tombstone]:
    """Erase what `item` still holds, inside the caller's transaction; a tombstone for each."""
    common = {
        **common,
        "case": item.case,
        "dataset": item.dataset,
        "rule": item.first.rule,
        "rule_text": item.first.rule_text,
        "due_on": item.first.due_on,
    }
    if item.case is not None:
        stones = sweep.case_texts(item.case, act_number, common)
        ids = [item.case.conversation_id]
    else:
        stones = sweep.dataset_texts(item.dataset, act_number, common)
        ids = [item.dataset.conversation_id, item.dataset.message_id]
    return stones + sweep.messages(ids, act_number, common, before=item.destroyed_at)
