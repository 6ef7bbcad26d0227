"""The signatories' own keys on the lists the parties exchange (Art. 9.3, 9.4): each entry of a
list sent carries its public key, the receiver keeps it to check signatures against, the page
shows each entry's key and warns of a list changed and not sent; `migrex signatories key
generate|import` enrols a key."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from migrex.agreements import signer_keys, signers
from migrex.agreements.models import SignatoryList, SigningKey
from migrex.agreements.tests.conftest import PASSWORD, pkcs12_file, put_on_list
from migrex.audit.models import AuditEntry
from migrex.exchange.models import OutboxMessage
from migrex.registers import authority_notices

pytestmark = pytest.mark.django_db


def key(username: str, *lines: str, **options) -> str:
    """`migrex signatories key …` with `lines` on stdin (the passwords)."""
    out = io.StringIO()
    args = ["import", "--pkcs12", str(options["pkcs12"])] if "pkcs12" in options else ["generate"]
    stdin = io.StringIO("\n".join(lines) + "\n")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("sys.stdin", stdin)
        call_command(
            "signatories", "key", *args, "--user", username, "--password-stdin", stdout=out
        )
    return out.getvalue()


def test_the_list_sent_carries_each_key_and_the_receiver_keeps_it_art_9_3(officers, both_nodes):
    signatory = officers["kz_signatory"]
    listing = SignatoryList.objects.get(party_id="KZ")
    notice = authority_notices.send_signatory_list(actor=signatory, listing=listing)
    (entry,) = notice.payload["signatories"]
    assert entry["jwk"] == signers.key_of(signatory).public_jwk and "d" not in entry["jwk"]
    SignatoryList.objects.filter(party_id="KZ").delete()  # as the BY node, which has none yet
    message = OutboxMessage.objects.get(kind="authority_notice", receiver_authority="by-mvd")
    assert both_nodes.receive(message).code == "accepted"
    received = SignatoryList.objects.get(party_id="KZ").signatories.get()
    assert received.user is None
    assert json.loads(received.public_key) == entry["jwk"] == received.jwk


def test_a_key_that_does_not_fit_is_refused_with_the_entry_named_art_9_3(officers, from_by):
    listing = SignatoryList.objects.get(party_id="BY")
    body = authority_notices.signatory_body(listing, sent_on=listing.exchanged_on)
    good = body["signatories"][0]["jwk"]
    for bad in ({**good, "d": "AAAA"}, {**good, "kid": "another"}, {"kty": "RSA", "n": "x"}):
        body["signatories"][0]["jwk"] = bad
        refused = from_by("authority_notice", {"change": "signatories", **body})
        said = f"{refused.code}: {refused.detail}"
        assert "authority_notice_invalid" in said and "signatories[0].jwk:" in said, said
        assert "(Art. 9.4)" in said
    assert SignatoryList.objects.filter(party_id="BY").count() == 1


def test_the_page_shows_each_entrys_key_and_warns_of_a_list_not_sent_art_9_4(
    officers, agreement, make_user
):
    kid = signers.key_of(officers["kz_signatory"]).kid
    page = Client()
    page.force_login(officers["kz_operator"])
    text = page.get("/registers/signatories/").content.decode()
    lists = text[text.index('id="lists"') :]
    assert kid in lists and "unsent-list" not in text
    put_on_list(agreement, make_user("kz-deputy", "kz-mvd", "signatory"), key=False, sent=False)
    text = page.get("/registers/signatories/").content.decode()
    assert "unsent-list" in text and "badge-danger" in text[text.index('id="lists"') :]


def test_a_key_is_generated_for_a_signatory_who_types_the_password(officers):
    signatory = officers["kz_signatory"]
    old = signers.key_of(signatory).kid
    out = key("kz-signatory", PASSWORD)
    new = SigningKey.objects.get(user=signatory)
    assert new.kid != old and new.kid in out and "Ed25519" in out
    assert "ст. 9.4" in out  # the list must be sent again
    entry = AuditEntry.objects.get(action="registers.signing_key_enrolled")
    assert entry.actor == "kz-signatory" and entry.detail["kid"] == new.kid
    with pytest.raises(CommandError, match="wrong_password"):
        key("kz-signatory", "not the password")
    assert SigningKey.objects.get(user=signatory).kid == new.kid


def test_a_key_is_imported_from_a_certification_authoritys_pkcs12_file(officers, tmp_path):
    file = tmp_path / "ivanov.p12"
    file.write_bytes(pkcs12_file("пароль файла"))
    out = key("kz-signatory", PASSWORD, "пароль файла", pkcs12=file)
    stored = SigningKey.objects.get(user=officers["kz_signatory"])
    assert stored.source == "pkcs12" and stored.public_jwk["alg"] == "ES256"
    assert stored.kid in out and len(stored.public_jwk["x5c"]) == 2
    assert signer_keys.public_jwk(signers.unlock(stored, PASSWORD))["kid"] == stored.kid
    with pytest.raises(CommandError, match="PKCS#12 file does not open"):
        key("kz-signatory", PASSWORD, "не тот пароль", pkcs12=file)
    with pytest.raises(CommandError, match="no active user"):
        key("nobody", PASSWORD)
    with pytest.raises(CommandError, match=r"missing\.p12"):
        key("kz-signatory", PASSWORD, "x", pkcs12=tmp_path / "missing.p12")
