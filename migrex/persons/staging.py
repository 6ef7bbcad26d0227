"""A dataset arriving (docs/protocol.md §8.2), stored without holding the database's write lock
for as long as its body takes to arrive.

SQLite has one write lock for the whole database. A receiver that stored a 150,000-record
dataset in one transaction held it for the minute the body took to arrive, and every other write
of the node waited for it: an officer's session, an API token's last use, the audit entry of a
read, the delivery worker — each failing with "database is locked" after MIGREX_SQLITE_TIMEOUT
(issue 14). So the records are stored as they are read, a chunk at a time, each chunk in a short
transaction of its own, under a Dataset row no one else sees: its `staged_at` is set, so
`Dataset.objects` leaves it out (models.Visible) and search leaves out its records' entries
(search.ARRIVED). Once the body is whole and its length and SHA-256 are the envelope's, the
inbox's last transaction — the inbox row, the receipt, the audit entry — also makes the dataset
visible (`Staging.publish`): one row updated, whatever the dataset's size. On PostgreSQL a long
transaction would block no other writer, but the same code serves both.

A copy that fails on the way (a frame that does not decrypt, a bad line, a digest other than the
envelope's, another copy of the message accepted first) removes what it staged
(`Staging.discard`), a chunk per transaction too. A receiver killed mid-stream cannot: what it
left is removed once the same message is accepted from a later delivery (every other copy of an
accepted message is garbage), and in any case once it has not grown for STALE (`sweep`, run as
each dataset begins to arrive). Neither is ever visible meanwhile.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import DatabaseError, transaction
from django.utils import timezone

from migrex.persons import search, similar
from migrex.persons.models import Dataset, PersonRecord, SearchEntry

# A copy no chunk was added to for this long is abandoned (its receiver was killed). A live one
# adds a chunk every fraction of a second, or every MIGREX_SQLITE_TIMEOUT at worst while others
# hold the write lock, whatever the network: the web server has read the whole request body
# before the receiver reads a byte of it (waitress buffers it).
STALE = dt.timedelta(minutes=10)
# Records written, and removed, per transaction: some 30 ms of the write lock (2,000: 110 ms).
# The web server's other threads share the interpreter with the receiver, so while they serve
# pages a transaction takes several times longer; a smaller one would cost more commits.
WRITE = REMOVE = 500

log = logging.getLogger("migrex.persons")


class Lost(RuntimeError):
    """The staged copy was removed while it was still arriving (taken for abandoned): the
    sender is answered with a 5xx, and tries again."""


class Staging:
    """One copy of a dataset message arriving: `exchange.kinds.Staged`."""

    def __init__(self, **fields):
        now = timezone.now()
        with transaction.atomic():
            self.dataset = Dataset.arriving.create(received_at=now, staged_at=now, **fields)
        self.count = 0

    def add(self, rows: list[tuple[int, dict]]) -> None:
        """Store `rows`, (line number, validated record) each, WRITE at a time, each in a
        transaction of its own. Their search keys are made before, so that a transaction holds
        the lock for the inserts only."""
        d = self.dataset
        entries = [search.entry(data, d.recipient_id) for _line, data in rows]
        for start in range(0, len(rows), WRITE):
            part = slice(start, start + WRITE)
            with transaction.atomic():
                # First, so that a copy removed meanwhile is noticed before anything is added.
                if not _staged(d.pk).update(staged_at=timezone.now()):
                    raise Lost(f"staged dataset {d.pk} was removed while it arrived")
                created = PersonRecord.objects.bulk_create(
                    PersonRecord(dataset=d, position=line, data=data) for line, data in rows[part]
                )
                for entry, record in zip(entries[part], created, strict=True):
                    entry.record_id = record.pk
                SearchEntry.objects.bulk_create(entries[part])
                similar.register(entries[part])
            self.count += len(created)

    def publish(self) -> None:
        """Make the dataset visible: inside the inbox's last transaction, which stores the
        message and its audit entry with it. Then every other copy of the message still staged
        is removed (after the commit, a chunk per transaction)."""
        d = self.dataset
        stored = PersonRecord.objects.filter(dataset_id=d.pk).count()
        if stored != self.count or not _staged(d.pk).update(staged_at=None):
            raise Lost(f"staged dataset {d.pk}: {stored} of {self.count} records left")
        message_id = d.message_id
        transaction.on_commit(lambda: sweep(message_id=message_id))

    def discard(self) -> None:
        """Remove what was staged. Never raises: what a failing database leaves, the sweep
        removes later."""
        _remove(self.dataset.pk)


def _staged(pk: int):
    return Dataset.arriving.filter(pk=pk, staged_at__isnull=False)


def _remove(pk: int) -> None:
    """A staged copy's records, REMOVE per transaction, then its row. Only while it is staged:
    nothing of a visible dataset is ever touched here."""
    names: set[tuple[int, str]] = set()
    try:
        while True:
            with transaction.atomic():
                ids = list(
                    PersonRecord.objects.filter(dataset_id=pk, dataset__staged_at__isnull=False)
                    .order_by()
                    .values_list("pk", flat=True)[:REMOVE]
                )
                if not ids:
                    break
                entries = SearchEntry.objects.filter(record_id__in=ids)
                names |= similar.names_of(entries)
                entries.delete()
                PersonRecord.objects.filter(pk__in=ids).only("pk").delete()
        with transaction.atomic():
            _staged(pk).delete()
        similar.prune(names)  # the surnames only the staged copy held
    except DatabaseError:
        log.warning("staged dataset %s: not removed yet, left to the sweep", pk, exc_info=True)


def sweep(*, message_id=None, now: dt.datetime | None = None) -> int:
    """Remove staged copies that will never be published: every one of `message_id` once that
    message is accepted (a receiver of another copy still alive then fails as a duplicate), or
    else every one that has not grown for STALE. How many were removed."""
    copies = Dataset.arriving.filter(staged_at__isnull=False)
    if message_id is not None:
        copies = copies.filter(message_id=message_id)
    else:
        copies = copies.filter(staged_at__lt=(now or timezone.now()) - STALE)
    found = list(copies.values_list("pk", flat=True))
    for pk in found:
        _remove(pk)
    if found:
        log.info("removed %d abandoned copies of arriving datasets", len(found))
    return len(found)
