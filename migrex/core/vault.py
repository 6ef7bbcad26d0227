"""The vault: stored files (attachments, texts of acts) sealed on disk with a key per item on the
way in, opened on the way out, shredded (key deleted, then the file) on destruction (Art. 11.4,
11.5). The cryptography is in filecrypto.py; this module keeps the node's data key and the files.

An item is any model row with `file`, `key`, `size` and `sha256` fields.

A file follows its row. The ciphertext is written at its final name the moment it is stored, so
that code of the same transaction can read it back at once; a transaction that rolls back takes
the row with it, but not the file. Django tells of commits only (`on_commit`), so the code that
runs a unit of work whose failure must leave nothing (the exchange's inbox, per message) wraps
its atomic block in `discarded_on_failure()`: every file stored inside it is remembered, and
when the block ends with an exception, each such file that no row references any more (asked of
the database, after the rollback) is removed. The database is the judge, not the exception: a
failure after the commit (an `on_commit` hook that raises) removes nothing that was kept. Blocks
nest (a batch around its messages): what an inner block kept, the outer one judges again should
it fail in turn."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import threading
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import DatabaseError, transaction

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
    written = getattr(_written, "stack", None)
    if written:
        written[-1].append((attachment, attachment.file.name))


_written = threading.local()  # per thread, as Django's connections are


@contextlib.contextmanager
def discarded_on_failure():
    """Wrap an atomic block in this (`with vault.discarded_on_failure(), transaction.atomic():`):
    a file stored inside does not outlive the rollback of its row (see the module's docstring).
    The rows of items stored inside must be saved before the outermost such block ends (the
    inbox's batch saves them at its end: exchange/inbox.accept_batch)."""
    stack = _written.__dict__.setdefault("stack", [])
    stack.append([])
    try:
        yield
    except BaseException:
        kept = _remove_orphans(stack.pop())
        if stack:
            stack[-1].extend(kept)
        raise
    written = stack.pop()
    if stack:
        stack[-1].extend(written)


def _remove_orphans(written: list) -> list:
    """Remove each (item, name) file no row refers to; the ones still referred to."""
    kept = []
    for item, name in written:
        try:
            referred = (
                item.pk is not None
                and type(item)._base_manager.filter(pk=item.pk, file=name).exists()
            )
        except DatabaseError:  # the database cannot say (a transaction still to roll back)
            log.warning("kept %s: cannot tell whether a row still refers to it", name)
            kept.append((item, name))
            continue
        if referred:
            kept.append((item, name))
            continue
        try:
            item.file.storage.delete(name)
        except OSError:
            log.exception("could not remove %s (its row was rolled back)", name)
    return kept


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
