"""Notices of changes in migration legislation (Art. 4): recorded, sent through the outbox,
received and kept, searched."""

from __future__ import annotations

import base64
import datetime as dt
import uuid

import pytest
from django.utils import timezone

from migrex.audit.models import AuditEntry
from migrex.core import vault
from migrex.core.errors import Invalid
from migrex.exchange.models import OutboxMessage
from migrex.registers import legislation
from migrex.registers.models import LegislationNotice
from migrex.registers.tests.conftest import TEXT, legislation_payload

pytestmark = pytest.mark.django_db
FILE = legislation_payload()["text"]
TODAY = dt.date(2026, 3, 2)


def _notify(officers, agreement, **over):
    values = {
        "actor": officers["kz_signatory"],
        "agreement": agreement,
        "title": "Закон «О внесении изменений в Закон О миграции населения»",
        "adopted_on": dt.date(2026, 1, 15),
        "in_force_on": dt.date(2026, 3, 1),
        "summary": "Порядок выдачи разрешений на временное проживание упрощён.",
        "text": ("law.txt", "text/plain", TEXT),
        "today": TODAY,
    }
    return legislation.notify(**(values | over))


def test_a_notice_goes_to_every_authority_of_the_other_party_art_4(officers, agreement):
    notice = _notify(officers, agreement)
    sent = OutboxMessage.objects.filter(kind="legislation_notice").order_by("receiver_authority")
    assert [m.receiver_authority for m in sent] == ["by-border", "by-mvd"]
    assert {str(m.conversation_id) for m in sent} == {str(notice.conversation_id)}
    body = sent[0].payload
    assert body["title"] == notice.title and body["adopted_on"] == "2026-01-15"
    assert base64.b64decode(body["text"]["content"]) == TEXT
    assert vault.read(notice) == TEXT  # sealed at rest, opens again
    with open(notice.file.path, "rb") as f:
        assert TEXT not in f.read()
    assert AuditEntry.objects.filter(action="registers.legislation_sent").exists()


def test_notice_errors_name_the_field_and_article(officers, agreement):
    with pytest.raises(Invalid) as caught:
        _notify(officers, agreement, title=" ", summary="", in_force_on=dt.date(2025, 1, 1))
    got = {(e.code, e.field, e.article) for e in caught.value.errors}
    assert got == {
        ("title_required", "title", "4"),
        ("summary_required", "summary", "4"),
        ("in_force_before_adoption", "in_force_on", "4"),
    }
    assert not LegislationNotice.objects.exists() and not OutboxMessage.objects.exists()


def test_nothing_is_sent_before_the_agreement_is_in_force_art_17(officers, agreement):
    with pytest.raises(Invalid) as caught:
        _notify(officers, agreement, today=dt.date(2020, 1, 1))
    assert caught.value.errors[0].code == "agreement_not_in_force"
    assert not OutboxMessage.objects.exists()


def test_a_received_notice_is_kept_once_with_its_text(from_by):
    conversation = uuid.uuid4()
    assert (
        from_by("legislation_notice", legislation_payload(), conversation=conversation).code
        == "accepted"
    )
    notice = LegislationNotice.objects.get()
    assert (notice.direction, notice.party_id, notice.authority.code) == (
        "received",
        "BY",
        "by-mvd",
    )
    assert notice.in_force_on == dt.date(2026, 4, 1) and vault.read(notice) == TEXT
    again = from_by(
        "legislation_notice", legislation_payload(), receiver="kz-labour", conversation=conversation
    )
    assert again.code == "accepted"
    assert LegislationNotice.objects.count() == 1
    assert AuditEntry.objects.filter(action="registers.legislation_received").count() == 1


@pytest.mark.parametrize(
    ("payload", "field", "code"),
    [
        (legislation_payload(adopted_on="1 февраля"), "payload.adopted_on", "payload_invalid"),
        (legislation_payload(title=""), "at payload.title:", "title_required"),
        (
            legislation_payload(in_force_on="2026-01-01"),
            "at payload.in_force_on:",
            "in_force_before_adoption",
        ),
        (
            legislation_payload(
                text={**legislation_payload()["text"], "content": "bm90IHRoZSBkaWdlc3Q="}
            ),
            "at payload.text:",
            "file_invalid",
        ),
        (
            legislation_payload(text={**legislation_payload()["text"], "content": "%%%"}),
            "at payload.text:",
            "file_invalid",
        ),
    ],
)
def test_a_malformed_notice_is_refused_naming_the_field(from_by, payload, field, code):
    refused = from_by("legislation_notice", payload)
    assert refused.code == code and field in refused.detail
    assert not LegislationNotice.objects.exists()


def test_a_notice_crosses_as_a_signed_envelope(officers, agreement, both_nodes):
    _notify(officers, agreement, today=timezone.localdate())
    message = OutboxMessage.objects.get(kind="legislation_notice", receiver_authority="by-mvd")
    reply = both_nodes.receive(message)
    assert (reply.status, reply.code) == (200, "accepted")
    got = LegislationNotice.objects.get(direction="received")
    assert got.authority.code == "kz-mvd" and vault.read(got) == TEXT
    assert both_nodes.receive(message).code == "duplicate"


def test_search_ignores_case_in_cyrillic_and_filters_by_country_and_dates(
    officers, agreement, from_by
):
    ours = _notify(officers, agreement)
    assert from_by("legislation_notice", legislation_payload()).code == "accepted"
    theirs = LegislationNotice.objects.get(direction="received")
    assert list(legislation.search(text="УПРОЩЁН")) == [ours]
    assert list(legislation.search(text="убежищ ходатайств")) == [theirs]
    assert list(legislation.search(text="закон")) == [ours]
    assert list(legislation.search(party="BY")) == [theirs]
    assert list(legislation.search(since=dt.date(2026, 1, 20))) == [theirs]
    assert list(legislation.search(until=dt.date(2026, 1, 20))) == [ours]
    assert list(legislation.search(text="визы")) == []
