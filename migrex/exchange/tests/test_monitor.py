"""The supervisors' exchange page: what needs a person is shown with its error, an undeliverable
message can be sent again, and only supervisors of the sending authority see any of it."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from migrex.audit.models import AuditEntry
from migrex.cases import actions
from migrex.exchange import kinds
from migrex.exchange.models import OutboxMessage
from migrex.exchange.tests.queued import outbox_row

Status = OutboxMessage.Status


def outgoing(status: str, authority: str = "kz-mvd", **fields) -> OutboxMessage:
    message = outbox_row(status=status, sender_authority=authority, **fields)
    message.save()
    return message


@pytest.fixture
def stuck(officers):
    return {
        "lost": outgoing(
            Status.UNDELIVERABLE, attempts=12, last_error="OSError: Connection refused"
        ),
        "refused": outgoing(Status.REFUSED, attempts=1, last_error="payload_invalid: persons[0]"),
        "retrying": outgoing(Status.PENDING, attempts=3, last_error="HTTP 503 from BY"),
        "fine": outgoing(Status.DELIVERED, attempts=1),
        "other": outgoing(Status.UNDELIVERABLE, authority="kz-labour", last_error="labour's"),
    }


def test_supervisor_sees_what_needs_a_person(client, officers, stuck):
    client.force_login(officers["kz_signatory"])  # a signatory and supervisor of kz-mvd
    page = client.get(reverse("exchange-outbox")).content.decode()
    for error in ("Connection refused", "payload_invalid", "HTTP 503"):
        assert error in page
    assert "labour's" not in page  # another authority's messages stay with it (Art. 11.1)
    assert "Обмен" in page and "Отправить повторно" in page
    assert page.count("Отправить повторно") == 1  # only the undeliverable one


def test_an_undeliverable_message_is_sent_again(client, officers, stuck):
    client.force_login(officers["kz_signatory"])
    lost = stuck["lost"]
    response = client.post(reverse("exchange-outbox"), {"message": str(lost.pk)}, follow=True)
    assert "будет отправлено повторно" in response.content.decode()
    lost.refresh_from_db()
    assert (lost.status, lost.attempts, lost.next_attempt_at) == (Status.PENDING, 0, None)
    entry = AuditEntry.objects.get(action="message.requeued")
    assert entry.subject == str(lost.pk) and "Connection refused" in entry.detail["last_error"]


@pytest.mark.parametrize("which", ["refused", "fine", "other"])
def test_only_an_undeliverable_message_of_ones_own_can_be_sent_again(
    client, officers, stuck, which
):
    client.force_login(officers["kz_signatory"])
    message = stuck[which]
    response = client.post(reverse("exchange-outbox"), {"message": str(message.pk)}, follow=True)
    assert "Повторно отправляется только недоставленное сообщение" in response.content.decode()
    before = message.status
    message.refresh_from_db()
    assert message.status == before


@pytest.mark.parametrize("who", ["kz_operator", "kz_auditor", "by_operator"])
def test_others_are_refused_and_see_no_tab(client, officers, stuck, who):
    client.force_login(officers[who])
    assert client.get(reverse("exchange-outbox")).status_code == 403
    assert 'href="/exchange/"' not in client.get("/incoming/").content.decode()


def carried_kinds() -> set[str]:
    """Every kind the apps registered with the exchange: what nodes send one another; each kind
    a move of the case workflow sends among them."""
    carried = {k.name for k in kinds.known()}
    assert {t.emits for t in actions.TRANSITIONS if t.emits} <= carried
    assert {"dataset", "destruction_notice", "audit_checkpoint", "consent_request"} <= carried
    return carried


def test_every_kind_the_exchange_carries_has_a_russian_label():
    """Art. 14: the supervisors see every kind named in Russian."""
    with translation.override("ru"):
        for kind in carried_kinds():
            label = kinds.label(kind)
            assert label != kind and any("а" <= c <= "я" for c in label), (kind, label)


def test_every_kind_the_exchange_carries_is_in_the_protocol():
    protocol = Path(__file__).resolve().parents[3] / "docs" / "protocol.md"
    kinds = protocol.read_text(encoding="utf-8").split("## 13. Message kinds and payloads")[1]
    assert not {k for k in carried_kinds() if f"`{k}`" not in kinds}


def test_a_stuck_destruction_notice_is_shown_with_its_russian_label(client, officers):
    message = outgoing(Status.UNDELIVERABLE, last_error="HTTP 503 from BY")
    OutboxMessage.objects.filter(pk=message.pk).update(kind="destruction_notice")
    client.force_login(officers["kz_signatory"])
    page = client.get(reverse("exchange-outbox")).content.decode()
    assert "уведомление об уничтожении" in page


@pytest.mark.parametrize("value", ["abc", "", "1' OR '1'='1", "0" * 5000])
def test_a_message_id_that_is_not_one_redisplays_the_page_with_the_reason(
    client, officers, stuck, value
):
    client.force_login(officers["kz_signatory"])
    response = client.post(reverse("exchange-outbox"), {"message": value})
    assert response.status_code == 400
    assert "нужен его идентификатор" in response.content.decode()
    assert stuck["lost"].status == Status.UNDELIVERABLE
    assert not AuditEntry.objects.filter(action="message.requeued").exists()
