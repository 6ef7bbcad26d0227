"""A run completes what an earlier version of the destruction left (Art. 11.5): that version
destroyed the persons, files and records, and left the free texts and the stored copies of the
messages. The next run erases them under the rule first applied, audits each and lists each in
its own act; the run after that finds nothing."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter

import pytest

from migrex.audit.models import AuditEntry
from migrex.cases.destruction import NOTE, is_note
from migrex.exchange.models import InboxMessage, OutboxMessage
from migrex.persons import holdings
from migrex.persons.models import Consent
from migrex.retention import services, sweep
from migrex.retention.models import Act, PurposeEnd, Tombstone
from migrex.retention.tests.conftest import CLOSED_AT, dataset, kz_rule

pytestmark = pytest.mark.django_db
DAY = CLOSED_AT.date() + dt.timedelta(days=40)


def destroyed_as_before(monkeypatch, day: dt.date):
    """A run as the version before texts and copies were erased made it."""
    with monkeypatch.context() as old:
        for name in ("case_texts", "dataset_texts", "messages"):
            old.setattr(sweep, name, lambda *args, **kwargs: [])
        return services.run(today=day)


def test_an_earlier_destruction_gets_its_texts_and_copies_erased(answered, monkeypatch):
    ours, theirs = answered
    kz_rule(ours.agreement, days=30)
    first = destroyed_as_before(monkeypatch, DAY)
    assert Counter(s.kind for s in first.act.tombstones.all()) == {
        "case_person": 2,
        "attachment": 2,
    }
    ours.refresh_from_db()
    assert "Проверка" in ours.summary  # the earlier version's leftovers
    kept = OutboxMessage.objects.filter(conversation_id=ours.conversation_id).count()
    later = OutboxMessage.objects.create(  # the conversation went on after the destruction
        agreement="kz-by-2019",
        conversation_id=ours.conversation_id,
        kind="destruction_notice",
        sender_authority="kz-mvd",
        receiver_authority="by-mvd",
        receiver_party="BY",
        payload={"act": first.act.number},
        status="delivered",
    )

    second = services.run(today=DAY + dt.timedelta(days=1))

    kinds = Counter(s.kind for s in second.act.tombstones.all())
    copies = kept + InboxMessage.objects.filter(conversation_id=ours.conversation_id).count()
    assert kinds == {"case_texts": 1, "message": copies}
    stones = list(second.act.tombstones.all())
    assert {s.case_id for s in stones} == {ours.pk}
    assert all(s.rule_text == first.act.tombstones.first().rule_text for s in stones)
    assert all(s.due_on == CLOSED_AT.date() + dt.timedelta(days=30) for s in stones)
    ours.refresh_from_db()
    assert is_note(ours.summary) and second.act.number in ours.summary
    assert (
        all(is_note(e.text) or not e.text for e in ours.events.all())
        and not ours.events.filter(text__contains="Пребывание законно").exists()
    )
    later.refresh_from_db()
    assert later.payload == {"act": first.act.number}  # not the destruction's to forget
    audited = AuditEntry.objects.filter(action="retention.destroyed", detail__act=second.act.number)
    assert audited.count() == len(stones) == second.act.items
    theirs.refresh_from_db()
    assert not is_note(theirs.summary)  # BY's copy: no rule, nothing destroyed, kept whole

    third = services.run(today=DAY + dt.timedelta(days=2))
    assert third.destroyed == 0 and third.act is None and Act.objects.count() == 2


def test_an_earlier_destruction_of_a_dataset_gets_its_purpose_and_copy_erased(
    agreement, monkeypatch
):
    ds = dataset(agreement, n=2)
    sent = OutboxMessage.objects.create(
        id=uuid.uuid4(),
        agreement="kz-by-2019",
        conversation_id=ds.conversation_id,
        kind="dataset",
        sender_authority="by-mvd",
        receiver_authority="kz-mvd",
        receiver_party="KZ",
        payload={"title": ds.title, "purpose": ds.purpose},
        status="delivered",
    )
    kz_rule(agreement, days=1, counted_from="purpose-ended")
    PurposeEnd.objects.create(dataset=ds, ended_on=dt.date(2026, 4, 1), recorded_by="x")
    assert destroyed_as_before(monkeypatch, dt.date(2026, 4, 8)).destroyed == 1

    again = services.run(today=dt.date(2026, 4, 9))

    assert Counter(s.kind for s in again.act.tombstones.all()) == {
        "dataset_texts": 1,
        "message": 1,
    }
    ds.refresh_from_db()
    sent.refresh_from_db()
    assert is_note(ds.purpose) and set(sent.payload) == {"destroyed"}
    assert services.run(today=dt.date(2026, 4, 10)).act is None
    assert Tombstone.objects.filter(dataset=ds).count() == 3


def test_the_persons_app_knows_an_erased_text_as_the_cases_app_writes_it():
    assert holdings.ERASED == NOTE


def test_consents_and_notes_left_beside_erased_texts_are_erased_next(answered, monkeypatch):
    """The version that erased a case's texts and copies left the consents asked about its data
    and the note on the end of its purpose: the next run erases those, nothing else twice."""
    ours, _ = answered
    kz_rule(ours.agreement, days=30, counted_from="purpose-ended")
    end = services.record_purpose_end(
        case=ours, ended_on=CLOSED_AT.date(), actor="x", note="Цель достигнута: Оганесян"
    )
    consent = Consent.objects.create(
        ref=uuid.uuid4(),
        side=Consent.Side.ASKED,
        agreement=ours.agreement,
        requester=ours.owner,
        provider=ours.other_authority,
        source_kind="case",
        source=ours.conversation_id,
        use=Consent.Use.THIRD_PARTY,
        purpose="Передать сведения об Оганесян",
        recipient="МВД РФ",
        asked_by="x",
    )
    with monkeypatch.context() as old:
        for name in ("consent_texts", "purpose_note"):
            old.setattr(sweep, name, lambda *args, **kwargs: [])
        first = services.run(today=DAY)
    assert {"case_texts", "message"} <= {s.kind for s in first.act.tombstones.all()}

    second = services.run(today=DAY + dt.timedelta(days=1))

    assert Counter(s.kind for s in second.act.tombstones.all()) == {
        "consent_texts": 1,
        "purpose_note": 1,
    }
    consent.refresh_from_db()
    end.refresh_from_db()
    assert is_note(consent.purpose) and is_note(end.note) and consent.recipient == "МВД РФ"
    assert services.run(today=DAY + dt.timedelta(days=2)).act is None
