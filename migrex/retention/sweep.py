"""The rest of what holds a person once its persons, attachments and records are gone
(Art. 11.5): the free texts of a case or a dataset, the stored copies of the messages of their
conversation (through the exchange's `outbox.forget`), and received items kept by other apps
(`persons.holdings`, a channel report), with the consents asked about them. Each leaves
tombstones, as services.py's do."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from migrex.agreements.models import Agreement, Authority
from migrex.cases import destruction as case_destruction
from migrex.exchange import outbox
from migrex.exchange.models import InboxMessage, OutboxMessage
from migrex.persons import holdings
from migrex.retention import rules
from migrex.retention.models import PurposeEnd, Tombstone


def _item_id(message_id: str, direction: str) -> int:
    """A copy's tombstone key: the low 62 bits of its message id (their random part), and
    whether it was sent or received (a node may hold both copies while it talks to itself)."""
    low = int(message_id.replace("-", ""), 16) & ((1 << 62) - 1)
    return low | (1 << 62) if direction == "in" else low


def _digests(conversation_ids) -> dict[str, str]:
    ids = list(conversation_ids)
    found = {
        str(pk): d
        for pk, d in OutboxMessage.objects.filter(conversation_id__in=ids).values_list(
            "pk", "digest"
        )
    }
    found.update(
        (str(m), d)
        for m, d in InboxMessage.objects.filter(conversation_id__in=ids).values_list(
            "message_id", "digest"
        )
    )
    return found


def messages(conversation_ids, act_number: str, common: dict, before=None) -> list[Tombstone]:
    """Forget the stored copies of the conversations' messages (those of `before` or earlier,
    if given); a tombstone for each, with the digest of what was sent or received (the one the
    receipts sign)."""
    conversation_ids = holdings.conversations(conversation_ids)
    digests = _digests(conversation_ids)
    note = case_destruction.note(act_number)
    return [
        Tombstone(
            kind=Tombstone.Kind.MESSAGE,
            item_kind=f"{f.direction}:{f.kind}",
            item_id=_item_id(f.message_id, f.direction),
            ref=f.message_id,
            sha256=digests.get(f.message_id) or "0" * 64,
            **common,
        )
        for f in outbox.forget(conversation_ids, note, before=before)
    ]


def _sha(values) -> str:
    text = json.dumps(values, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def consent_texts(source, act_number: str, common: dict) -> list[Tombstone]:
    """The texts of the consents asked about the data of `source` (a conversation, a dataset's
    message id): a tombstone for each consent."""
    note = case_destruction.note(act_number)
    return [
        Tombstone(
            kind=Tombstone.Kind.CONSENT_TEXTS,
            item_id=consent.pk,
            ref=str(consent.ref),
            sha256=digest,
            **common,
        )
        for consent, digest in holdings.erase_consents([source], note)
    ]


def purpose_note(act_number: str, common: dict, **subject) -> list[Tombstone]:
    """The note an officer wrote on recording the end of the purpose of the case or dataset."""
    end = PurposeEnd.objects.select_for_update().filter(**subject).first()
    if end is None or not end.note or case_destruction.is_note(end.note):
        return []
    digest = _sha(end.note)
    end.note = case_destruction.note(act_number)
    end.save(update_fields=["note"])
    return [Tombstone(kind=Tombstone.Kind.PURPOSE_NOTE, item_id=end.pk, sha256=digest, **common)]


def case_texts(case, act_number: str, common: dict) -> list[Tombstone]:
    before = [
        [getattr(case, n) for n in case_destruction.TEXT_FIELDS],
        list(case.events.order_by("pk").values_list("text", "data")),
    ]
    stones = consent_texts(case.conversation_id, act_number, common)
    stones += purpose_note(act_number, common, case=case)
    count = case_destruction.erase_texts(case, act_number)
    if not count:
        return stones
    return [
        Tombstone(
            kind=Tombstone.Kind.CASE_TEXTS,
            item_id=case.pk,
            count=count,
            sha256=_sha(before),
            **common,
        ),
        *stones,
    ]


def dataset_texts(dataset, act_number: str, common: dict) -> list[Tombstone]:
    note = case_destruction.note(act_number)
    stones = consent_texts(dataset.message_id, act_number, common)
    stones += purpose_note(act_number, common, dataset=dataset)
    if case_destruction.is_note(dataset.purpose):
        return stones
    digest = _sha(dataset.purpose)
    dataset.purpose = note
    dataset.save(update_fields=["purpose"])
    return [
        Tombstone(kind=Tombstone.Kind.DATASET_TEXTS, item_id=dataset.pk, sha256=digest, **common),
        *stones,
    ]


def due_items(today: dt.date) -> list[tuple[holdings.Held, rules.Effective]]:
    """The received items of other apps whose period (from their receipt) has expired."""
    found = []
    agreements = {a.code: a for a in Agreement.objects.all()}
    parties = dict(Authority.objects.values_list("code", "party_id"))
    for item in holdings.held():
        agreement = agreements.get(item.agreement)
        party = parties.get(item.recipient)
        rule = rules.effective(agreement, party) if agreement and party else None
        if rule is not None and rule.due(item.received_on) <= today:
            found.append((item, rule))
    return found


def received_item(item: holdings.Held, rule, act_number: str, common: dict) -> list[Tombstone]:
    common = {
        **common,
        "rule": rule.rule,
        "rule_text": rule.snapshot(),
        "due_on": rule.due(item.received_on),
    }
    digest = holdings.destroy(item, case_destruction.note(act_number))
    stone = Tombstone(
        kind=item.kind, item_id=item.pk, ref=item.label[:100], sha256=digest, **common
    )
    return [stone, *messages([item.conversation_id], act_number, common)]
