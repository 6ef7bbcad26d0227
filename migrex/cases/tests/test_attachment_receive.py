"""A received request's attachments are sealed into the vault as the request is opened (Art. 11.4);
a request refused after one of them was stored leaves no file behind, alone or in a batch. Both
nodes in one database, messages through the receiver's real inbox (`both_nodes`)."""

from __future__ import annotations

import base64
import hashlib
import uuid
from pathlib import Path

import pytest
from django.test import override_settings

from migrex.cases.messages import AttachmentPayload, RequestPayload
from migrex.cases.models import Attachment, Case
from migrex.cases.services import transition
from migrex.cases.tests.conftest import signed_by
from migrex.conftest import PASSWORD, draft
from migrex.core import vault
from migrex.exchange import inbox
from migrex.exchange.models import OutboxMessage

pytestmark = pytest.mark.django_db


def attachment(content: bytes, *, digest_of: bytes | None = None) -> AttachmentPayload:
    return AttachmentPayload(
        name="справка.pdf",
        kind="document",
        content_type="application/pdf",
        sha256=hashlib.sha256(content if digest_of is None else digest_of).hexdigest(),
        content=base64.b64encode(content).decode(),
    )


def request_with(officers, *attachments: AttachmentPayload) -> dict:
    """A request KZ's signatory signed, carrying `attachments` (their names and digests signed
    too, Art. 9.3), as a peer would send it."""
    case = draft(officers)
    transition(case=case, action="submit", actor=officers["kz_operator"])
    signed = {"password": PASSWORD}
    transition(
        case=case, action="sign", actor=officers["kz_signatory"], data=signed, confirmed=True
    )
    queued = OutboxMessage.objects.get(conversation_id=case.conversation_id, kind="request")
    genuine = RequestPayload.model_validate(queued.payload)
    with_files = genuine.model_copy(update={"attachments": list(attachments)})
    return signed_by(officers["kz_signatory"], with_files).model_dump(mode="json")


def files(root) -> list[Path]:
    return [p for p in Path(root).rglob("*") if p.is_file()]


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_a_request_refused_after_its_first_attachment_was_stored_leaves_no_file(
    officers, both_nodes, media
):
    good, bad = attachment(b"%PDF-1.4 scan"), attachment(b"%PDF-1.4 other", digest_of=b"x")
    conversation = uuid.uuid4()
    reply = both_nodes.send_as_is(
        "request", request_with(officers, good, bad), conversation=conversation
    )
    assert reply.status == 422
    assert both_nodes.refusal(reply)["code"] == "attachment_digest"
    assert not Case.objects.filter(conversation_id=conversation).exists()
    assert files(media) == []
    # The same request with its good attachment only: accepted, its one file kept and readable.
    reply = both_nodes.send_as_is("request", request_with(officers, good))
    assert reply.code == "accepted"
    assert len(files(media)) == 1
    assert vault.read(Attachment.objects.get()) == b"%PDF-1.4 scan"


def test_in_a_batch_the_refused_requests_file_goes_and_the_accepted_ones_stays(
    officers, both_nodes, media
):
    good, bad = attachment(b"%PDF-1.4 scan"), attachment(b"%PDF-1.4 other", digest_of=b"x")
    sealed = [
        both_nodes.seal(_message(request_with(officers, good, bad))),
        both_nodes.seal(_message(request_with(officers, good))),
    ]
    with override_settings(MIGREX_NODE_ID="BY", MIGREX_PARTY="BY"):
        replies = inbox.accept_batch(sealed)
    assert [r.code for r in replies] == ["attachment_digest", "accepted"]
    assert len(files(media)) == 1
    assert vault.read(Attachment.objects.get()) == b"%PDF-1.4 scan"


def test_a_failed_block_keeps_the_files_a_row_still_refers_to(officers, both_nodes, media):
    both_nodes.send_as_is("request", request_with(officers, attachment(b"kept")))
    stored = Attachment.objects.get()
    with pytest.raises(RuntimeError), vault.discarded_on_failure():
        # A file stored and its row saved, then a failure after the block's atomic part.
        copy = Attachment(case=stored.case, kind="document", name="b", content_type="text/plain")
        vault.store(copy, b"also kept")
        copy.save()
        raise RuntimeError
    assert len(files(media)) == 2


def _message(payload: dict) -> OutboxMessage:
    return OutboxMessage(
        agreement="kz-by-2019",
        conversation_id=uuid.uuid4(),
        kind="request",
        sender_authority="kz-mvd",
        receiver_authority="by-mvd",
        receiver_party="BY",
        payload=payload,
    )
