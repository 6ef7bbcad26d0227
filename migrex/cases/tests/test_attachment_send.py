"""Signing a request whose attachment was altered in storage (Art. 11.4): the officer is told which
file, nothing is sent or half-written, and the audit log keeps the refusal."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from migrex.agreements.models import Agreement, Authority
from migrex.audit.models import AuditEntry
from migrex.cases.models import Case, CaseEvent
from migrex.cases.services import add_attachment, create_draft, transition
from migrex.cases.tests.conftest import draft_post
from migrex.cases.workflow import State
from migrex.conftest import PASSWORD, Api
from migrex.exchange.models import OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def awaiting_signature(officers, settings, tmp_path) -> Case:
    """A request with a scan attached, submitted and waiting for its signatory."""
    settings.MEDIA_ROOT = tmp_path
    operator = officers["kz_operator"]
    case = create_draft(
        actor=operator,
        agreement=Agreement.objects.get(code="kz-by-2019"),
        requested_authority=Authority.objects.get(code="by-mvd"),
        summary="Проверка сведений",
        purpose="Законность пребывания",
        justification="Материалы проверки",
    )
    add_attachment(
        case=case,
        actor=operator,
        name="справка.pdf",
        content=b"%PDF-1.4 scan",
        content_type="application/pdf",
    )
    return transition(case=case, action="submit", actor=operator)


def _nothing_sent(case: Case) -> None:
    case.refresh_from_db()
    assert case.status == State.AWAITING_SIGNATURE
    assert case.signed_by is None and case.signed_at is None
    assert not case.events.filter(action="sign").exists()
    assert not OutboxMessage.objects.exists()
    entry = AuditEntry.objects.get(action="case.attachment_unreadable")
    attachment = case.attachments.get()
    assert entry.actor == "kz-signatory" and entry.subject == case.number
    assert entry.detail["attachment"] == attachment.pk
    assert entry.detail["kind"] == "document" and entry.detail["action"] == "sign"
    assert "справка" not in str(entry.detail)  # a file's name may name the person (Art. 11.5)


def test_a_file_altered_on_disk_is_refused_by_name_in_the_ui(client, officers, awaiting_signature):
    case = awaiting_signature
    path = Path(case.attachments.get().file.path)
    raw = bytearray(path.read_bytes())
    raw[-1] ^= 0x01
    path.write_bytes(bytes(raw))
    client.force_login(officers["kz_signatory"])
    response = client.post(f"/cases/{case.pk}/act/sign/", {"password": PASSWORD})
    assert response.status_code == 409
    body = response.content.decode()
    assert "Вложение «справка.pdf»" in body and "Ничего не отправлено" in body
    assert "ст. 11.4" in body
    _nothing_sent(case)


def test_a_changed_stored_digest_is_refused_by_name_in_the_api(officers, awaiting_signature):
    case = awaiting_signature
    case.attachments.update(sha256="0" * 64)
    response = Api(officers["kz_signatory"]).act(case.pk, "sign", password=PASSWORD)
    assert response.status_code == 409
    [error] = response.json()["errors"]
    assert error["code"] == "attachment_unreadable" and error["article"] == "11.4"
    assert "«справка.pdf»" in error["message_ru"] and "справка.pdf" in error["message_en"]
    _nothing_sent(case)
    assert CaseEvent.objects.filter(case=case).count() == 2  # create, submit


def test_a_sound_attachment_is_sent(client, officers, awaiting_signature):
    client.force_login(officers["kz_signatory"])
    response = client.post(f"/cases/{awaiting_signature.pk}/act/sign/", {"password": PASSWORD})
    assert response.status_code == 302
    [message] = OutboxMessage.objects.all()
    assert message.payload["attachments"][0]["name"] == "справка.pdf"


def test_a_lost_file_uploaded_with_the_draft_is_refused(
    client, officers, agreement, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(officers["kz_operator"])
    data = draft_post(agreement, Authority.objects.get(code="by-mvd"))
    data["attachments-f1-kind"] = "photo"
    data["attachments-f1-file"] = SimpleUploadedFile("фото.jpg", b"\xff\xd8jpeg", "image/jpeg")
    client.post("/cases/new/", data)
    case = Case.objects.get()
    assert client.post(f"/cases/{case.pk}/act/submit/", {"text": ""}).status_code == 302
    Path(case.attachments.get().file.path).unlink()  # lost from storage altogether
    client.force_login(officers["kz_signatory"])
    response = client.post(f"/cases/{case.pk}/act/sign/", {"password": PASSWORD})
    assert response.status_code == 409
    assert "Вложение «фото.jpg»" in response.content.decode()
    case.refresh_from_db()
    assert case.status == State.AWAITING_SIGNATURE and not OutboxMessage.objects.exists()
