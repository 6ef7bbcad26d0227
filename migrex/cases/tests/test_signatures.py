"""A request carries its signatory's own signature (Art. 9.3): made with the key the signatory's
re-entered password opens, once the list giving that key has gone to the other party (Art. 9.4),
and checked by the receiver against the list it holds from that party, in force on the signing
date. Both nodes in one database, messages through the receiver's real inbox (`both_nodes`)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from migrex.agreements import signer_keys, signers
from migrex.agreements.tests.conftest import LIGHT_KDF, record_sent
from migrex.cases import signatures
from migrex.cases.messages import RequestPayload
from migrex.cases.models import Case, CaseEvent
from migrex.cases.services import transition
from migrex.cases.tests.conftest import refused, signed_and_queued, signed_by
from migrex.conftest import PASSWORD, Api, draft, put_on_list, send
from migrex.core.errors import Forbidden
from migrex.core.tests.pdftext import pdf_text
from migrex.exchange.models import OutboxMessage
from migrex.registers import authority_notices

pytestmark = pytest.mark.django_db


def test_a_request_is_signed_with_the_signatorys_key_and_verified_on_receipt_art_9_3(
    officers, deliver
):
    ours, theirs = send(officers, deliver)
    signatory = officers["kz_signatory"]
    key = signers.key_of(signatory)
    message = OutboxMessage.objects.get(conversation_id=ours.conversation_id, kind="request")
    sent = RequestPayload.model_validate(message.payload)
    assert sent.signatory.key_id == key.kid and sent.signatory.name == ours.signatory_name
    assert signer_keys.verify(sent.signatory.signature, signatures.content(sent), key.public_jwk)
    # Both histories keep the key and the signature; neither keeps the password.
    sign = ours.events.get(action="sign")
    assert set(sign.data) == {"key_id", "signature"}
    assert sign.data["signature"] == sent.signatory.signature
    everything = list(CaseEvent.objects.values_list("data", "text"))
    assert PASSWORD not in str(everything)
    record = signatures.record_of(theirs)
    assert record.key_id == key.kid
    assert record.list_sent_on == record.list_effective_from == dt.date(2021, 1, 10)
    assert theirs.signed_at == ours.signed_at


def test_the_case_page_letter_and_api_show_the_key_and_the_list_checked_against(officers, deliver):
    ours, theirs = send(officers, deliver)
    kid = signers.key_of(officers["kz_signatory"]).kid
    client = Client()
    client.force_login(officers["by_operator"])
    page = client.get(f"/cases/{theirs.pk}/").content.decode()
    verified = page[page.index("signature-verified") :].split("</div>", 1)[0]
    assert "10.01.2021" in verified and "2021-01-10" not in verified  # no ISO dates for officers
    assert kid in page
    letter = pdf_text(client.get(f"/cases/{theirs.pk}/request.pdf").content)
    assert kid in letter and ours.signatory_name in letter
    assert "электронной подписью подписанта" in letter
    body = Api(officers["by_operator"]).get(f"/cases/{theirs.pk}").json()["signature"]
    assert body["key_id"] == kid and body["verified_against"] == "2021-01-10"
    mine = Api(officers["kz_operator"]).get(f"/cases/{ours.pk}").json()["signature"]
    assert mine["key_id"] == kid and mine["verified_against"] is None


@pytest.mark.parametrize("who", ["outsider", "listed_name_other_key", "before_the_list"])
def test_a_request_by_a_signer_not_on_the_list_received_is_refused_art_9_3(
    officers, both_nodes, make_user, who
):
    message = signed_and_queued(officers)
    genuine = RequestPayload.model_validate(message.payload)
    listed = officers["kz_signatory"]
    if who == "before_the_list":  # the list in force on the signing date has no one yet
        early = dt.datetime(2020, 12, 20, 9, 0, tzinfo=dt.UTC)
        payload = signed_by(listed, genuine, signed_at=early)
    else:
        outsider = make_user("kz-outsider", "kz-mvd", "signatory")
        signers.enrol(outsider, PASSWORD, kdf=LIGHT_KDF)
        same = {"name": genuine.signatory.name, "position": genuine.signatory.position}
        payload = signed_by(outsider, genuine, **(same if who == "listed_name_other_key" else {}))
    detail = refused(both_nodes, payload.model_dump(mode="json"))
    assert "signatory_not_listed" in detail and "payload.signatory" in detail
    assert "Art. 9.3" in detail


def test_a_request_changed_after_signing_is_refused_and_nothing_is_stored_art_9_3(
    officers, both_nodes
):
    message = signed_and_queued(officers)
    changed = {**message.payload, "summary": "Другое существо запроса"}
    detail = refused(both_nodes, changed)
    assert "signature_invalid" in detail and "payload.signatory" in detail
    assert "Art. 9.3" in detail
    unsigned = {**message.payload, "signatory": {**message.payload["signatory"], "signature": ""}}
    assert "signature_invalid" in refused(both_nodes, unsigned)
    assert both_nodes.receive(message).code == "accepted"  # the request as it was signed


def test_a_new_signatory_signs_only_once_the_list_is_sent_art_9_4(officers, agreement, make_user):
    newcomer = make_user("kz-newcomer", "kz-mvd", "signatory")
    entry = put_on_list(agreement, newcomer, sent=False)
    case = draft(officers)
    transition(case=case, action="submit", actor=officers["kz_operator"])
    client = Client()
    client.force_login(newcomer)
    form = client.get(f"/cases/{case.pk}/act/sign/").content.decode()
    assert 'id="signing-refused"' in form and "ст. 9.4" in form
    with pytest.raises(Forbidden) as caught:
        transition(
            case=case, action="sign", actor=newcomer, data={"password": PASSWORD}, confirmed=True
        )
    assert (caught.value.code, caught.value.article) == ("signatory_list_not_sent", "9.4")
    assert Case.objects.get(pk=case.pk).status == "awaiting_signature"
    assert not OutboxMessage.objects.filter(kind="request").exists()
    admin = make_user("kz-admin", "kz-mvd", "administrator")
    page = Client()
    page.force_login(admin)
    assert "unsent-list" in page.get("/registers/signatories/").content.decode()
    authority_notices.send_signatory_list(actor=admin, listing=entry.signatory_list)
    assert "unsent-list" not in page.get("/registers/signatories/").content.decode()
    assert 'id="signing-refused"' not in client.get(f"/cases/{case.pk}/act/sign/").content.decode()
    transition(
        case=case, action="sign", actor=newcomer, data={"password": PASSWORD}, confirmed=True
    )
    assert OutboxMessage.objects.filter(kind="request").count() == 1


def test_a_new_key_signs_only_once_the_list_giving_it_is_sent_art_9_4(officers, agreement):
    signatory = officers["kz_signatory"]
    signers.enrol(signatory, PASSWORD, kdf=LIGHT_KDF)  # a new key: the list sent gives the old
    case = draft(officers)
    transition(case=case, action="submit", actor=officers["kz_operator"])
    with pytest.raises(Forbidden) as caught:
        transition(
            case=case, action="sign", actor=signatory, data={"password": PASSWORD}, confirmed=True
        )
    assert caught.value.code == "signatory_list_not_sent"
    record_sent(signatory.signatory_entries.get().signatory_list)
    transition(
        case=case, action="sign", actor=signatory, data={"password": PASSWORD}, confirmed=True
    )
    message = OutboxMessage.objects.get(kind="request")
    assert message.payload["signatory"]["key_id"] == signers.key_of(signatory).kid


def test_signing_without_a_key_or_with_a_key_the_password_does_not_open_is_refused_art_9_3(
    officers, agreement, make_user
):
    keyless = make_user("kz-keyless", "kz-mvd", "signatory")
    put_on_list(agreement, keyless, key=False)
    case = draft(officers)
    transition(case=case, action="submit", actor=officers["kz_operator"])
    with pytest.raises(Forbidden) as caught:
        transition(
            case=case, action="sign", actor=keyless, data={"password": PASSWORD}, confirmed=True
        )
    assert caught.value.code == "signing_key_missing"
    signatory = officers["kz_signatory"]
    signatory.set_password("a new password of the signatory")  # the key stays sealed under the old
    signatory.save()
    with pytest.raises(Forbidden) as locked:
        transition(
            case=case,
            action="sign",
            actor=signatory,
            data={"password": "a new password of the signatory"},
            confirmed=True,
        )
    assert locked.value.code == "signing_key_locked"
