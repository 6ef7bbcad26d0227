"""The vault: stored files (attachments, texts of acts) sealed on disk with a key per item on the
way in, opened on the way out, shredded (key deleted, then the file) on destruction (Art. 11.4,
11.5). The cryptography is in filecrypto.py; this module keeps the node's data key and the files.

An item is any model row with `file`, `key`, `size` and `sha256` fields."""

from __future__ import annotations

import hashlib
import logging
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction

from migrex.core import filecrypto as crypto
from migrex.core.filecrypto import Unreadable

log = logging.getLogger("migrex.vault")


def master() -> bytes:
    return crypto.master_key(
        data_key=getattr(settings, "MIGREX_DATA_KEY", ""),
        passphrase=settings.MIGREX_KEY_PASSPHRASE,
    )


def store(attachment, content: bytes) -> None:
    """Seal `content` into `attachment` (not saved): ciphertext on disk, wrapped key in the row.
    The file name is random: it says nothing about the content (not even its digest)."""
    blob, wrapped = crypto.seal(content, master=master())
    attachment.size = len(content)
    attachment.sha256 = hashlib.sha256(content).hexdigest()
    attachment.key = wrapped
    attachment.file.save(uuid.uuid4().hex, ContentFile(blob), save=False)


def read(attachment) -> bytes:
    """The plaintext of a stored attachment; Unreadable if it cannot be opened."""
    try:
        with attachment.file.open("rb") as f:
            blob = f.read()
    except (FileNotFoundError, ValueError):
        raise Unreadable(f"the file of attachment {attachment.pk} is missing") from None
    if attachment.key is None and not blob.startswith(crypto.FILE_MAGIC):
        # Stored before encryption at rest: checked against its digest all the same.
        if hashlib.sha256(blob).hexdigest() != attachment.sha256:
            raise Unreadable(f"attachment {attachment.pk} does not match its SHA-256")
        return blob
    plaintext = crypto.open_(
        blob, wrapped=attachment.key, sha256=attachment.sha256, master=master()
    )
    if hashlib.sha256(plaintext).hexdigest() != attachment.sha256:
        raise Unreadable(f"attachment {attachment.pk} does not match its SHA-256")
    return plaintext


def shred(attachment) -> None:
    """Delete the item's key with its row (inside the caller's transaction), and the file once
    that commits: if the file cannot be removed, it is ciphertext nobody can open any more."""
    name, storage = attachment.file.name, attachment.file.storage
    attachment.delete()

    def remove() -> None:
        try:
            if name:
                storage.delete(name)
        except OSError:
            log.exception("could not remove %s (its key is destroyed already)", name)

    transaction.on_commit(remove)
