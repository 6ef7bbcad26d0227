"""Photographs and fingerprint cards encrypted at rest with a key per item (Art. 11.4, 11.5)."""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
from pathlib import Path

import pytest

from migrex.cases.models import Attachment
from migrex.core import filecrypto as crypto
from migrex.core import vault
from migrex.retention import services
from migrex.retention.models import Rule
from migrex.retention.tests.conftest import CARD, CLOSED_AT, PHOTO

pytestmark = pytest.mark.django_db


def test_stored_bytes_are_ciphertext_not_the_plaintext(answered):
    ours, theirs = answered
    for case in (ours, theirs):  # the sender's own upload and the receiver's stored copy
        photo = case.attachments.get(kind="photo")
        stored = Path(photo.file.path).read_bytes()
        assert stored.startswith(crypto.FILE_MAGIC)
        assert PHOTO not in stored and PHOTO[:40] not in stored
        assert photo.key and bytes(photo.key) != stored[:60]
        assert vault.read(photo) == PHOTO
        assert photo.sha256 not in photo.file.name  # the file name says nothing of the content
    keys = {bytes(a.key) for a in Attachment.objects.all()}
    assert len(keys) == Attachment.objects.count() == 4  # a key per item


def test_the_attachment_view_serves_the_plaintext_to_officers_only(answered, client, officers):
    ours, _ = answered
    photo = ours.attachments.get(kind="photo")
    url = f"/cases/{ours.pk}/attachments/{photo.pk}/"
    client.force_login(officers["kz_operator"])
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PHOTO
    client.force_login(officers["kz_auditor"])  # sees the case, not its personal data
    assert client.get(url).status_code == 403
    client.force_login(officers["by_operator"])  # another authority's copy: not found
    assert client.get(url).status_code == 404


def test_the_peer_receives_the_plaintext_it_can_verify(answered):
    _, theirs = answered
    card = theirs.attachments.get(kind="fingerprint_card")
    assert card.sha256 == hashlib.sha256(CARD).hexdigest()
    assert vault.read(card) == CARD


def test_a_tampered_file_fails_to_decrypt_with_a_clear_error(answered, client, officers):
    ours, _ = answered
    photo = ours.attachments.get(kind="photo")
    path = Path(photo.file.path)
    raw = bytearray(path.read_bytes())
    raw[40] ^= 0x01
    path.write_bytes(bytes(raw))
    with pytest.raises(crypto.Unreadable, match="altered"):
        vault.read(photo)
    client.force_login(officers["kz_operator"])
    response = client.get(f"/cases/{ours.pk}/attachments/{photo.pk}/")
    assert response.status_code == 409
    text = response.content.decode()
    assert "photo.jpg" in text and ours.number in text and "11.4" in text


def test_a_file_swapped_for_another_items_does_not_open(answered):
    ours, _ = answered
    photo, card = ours.attachments.get(kind="photo"), ours.attachments.get(kind="fingerprint_card")
    shutil.copyfile(card.file.path, photo.file.path)
    with pytest.raises(crypto.Unreadable):
        vault.read(photo)


def test_after_destruction_a_copy_made_before_cannot_be_read(
    answered, tmp_path, django_capture_on_commit_callbacks
):
    """Art. 11.5: destroying the item's key destroys the data in every copy of the file."""
    ours, _ = answered
    photo = ours.attachments.get(kind="photo")
    backup = tmp_path / "backup.bin"
    shutil.copyfile(photo.file.path, backup)
    wrapped, digest, path = bytes(photo.key), photo.sha256, photo.file.path
    master = vault.master()
    assert crypto.open_(backup.read_bytes(), wrapped=wrapped, sha256=digest, master=master) == PHOTO

    Rule.objects.create(
        agreement=ours.agreement,
        party="KZ",
        days=30,
        counted_from="case-closed",
        basis="Закон РК «О персональных данных и их защите», ст. 12",
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = services.run(today=CLOSED_AT.date().replace(month=5))
    assert result.destroyed >= 4
    assert not Attachment.objects.filter(pk=photo.pk).exists()  # its wrapped key went with it
    assert not Attachment.objects.filter(key=wrapped).exists()
    assert not os.path.exists(path)
    # The copy is intact, but nothing on the node can open it any more.
    with pytest.raises(crypto.Unreadable, match="destroyed"):
        crypto.open_(backup.read_bytes(), wrapped=None, sha256=digest, master=master)
    other_keys = [bytes(a.key) for a in Attachment.objects.exclude(key=None)]
    for key in other_keys:
        with pytest.raises(crypto.Unreadable):
            crypto.open_(backup.read_bytes(), wrapped=key, sha256=digest, master=master)


def test_the_master_key_comes_from_the_data_key_or_the_passphrase(settings):
    raw = bytes(range(32))
    settings.MIGREX_DATA_KEY = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    assert vault.master() == raw
    settings.MIGREX_DATA_KEY = ""
    settings.MIGREX_KEY_PASSPHRASE = "a passphrase"
    derived = vault.master()
    assert len(derived) == 32 and derived != raw
    settings.MIGREX_KEY_PASSPHRASE = "another passphrase"
    assert vault.master() != derived
    settings.MIGREX_DATA_KEY = base64.b64encode(b"short").decode()
    with pytest.raises(ValueError, match="32 bytes"):
        vault.master()


def test_a_changed_master_key_is_named_as_the_cause(answered, settings):
    ours, _ = answered
    photo = ours.attachments.get(kind="photo")
    settings.MIGREX_DATA_KEY = base64.b64encode(b"k" * 32).decode()
    with pytest.raises(crypto.Unreadable, match="MIGREX_DATA_KEY"):
        vault.read(photo)


def test_the_api_serves_the_plaintext_and_names_a_tampered_file(answered, officers):
    from django.test import Client

    from migrex.accounts.tokens import issue

    ours, _ = answered
    card = ours.attachments.get(kind="fingerprint_card")
    _, token = issue(user=officers["kz_operator"])
    api = Client(headers={"Authorization": f"Bearer {token}"})
    url = f"/api/v1/cases/{ours.pk}/attachments/{card.pk}"
    response = api.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == CARD
    path = Path(card.file.path)
    stored = path.read_bytes()
    path.write_bytes(stored[:-1] + bytes([stored[-1] ^ 0xFF]))  # the last byte of the GCM tag
    broken = api.get(url)
    assert broken.status_code == 409 and b"altered" in broken.content


def test_attachments_stored_before_encryption_are_encrypted_by_the_command(
    answered, django_capture_on_commit_callbacks
):
    from django.core.files.base import ContentFile
    from django.core.management import call_command

    ours, _ = answered
    legacy = Attachment(
        case=ours,
        kind="photo",
        name="old.jpg",
        content_type="image/jpeg",
        size=len(PHOTO),
        sha256=hashlib.sha256(PHOTO).hexdigest(),
    )
    legacy.file.save("legacy", ContentFile(PHOTO), save=True)
    old_path = Path(legacy.file.path)
    assert old_path.read_bytes() == PHOTO and vault.read(legacy) == PHOTO
    with django_capture_on_commit_callbacks(execute=True):
        call_command("retention", "encrypt-files")
    legacy.refresh_from_db()
    assert legacy.key and not old_path.exists()
    assert PHOTO[:40] not in Path(legacy.file.path).read_bytes()
    assert vault.read(legacy) == PHOTO
