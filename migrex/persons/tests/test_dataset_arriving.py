"""A dataset is stored as it arrives, a chunk per transaction, out of every reader's sight until
its body is verified (persons/staging.py, issue 14). A stream that breaks on the way leaves
nothing, visible or staged; the same message delivered again is accepted once; what a receiver
killed mid-stream left is removed. Through the real inbox (`accept_stream`), in one database as
both nodes."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import io
import json

import pytest
from django.test import override_settings
from django.utils import timezone

from migrex.agreements.models import Authority
from migrex.exchange import inbox, outbox, streams
from migrex.exchange.crypto import b64e
from migrex.exchange.models import InboxMessage
from migrex.persons import datasets, search, staging
from migrex.persons.models import Dataset, PersonRecord, SearchEntry
from migrex.persons.tests.conftest import staged_copy

N = 4500  # more than two chunks (datasets.CHUNK) are stored before the end of the body
FIELDS = {
    "agreement": "kz-by-2019",
    "sender": "kz-mvd",
    "receiver": "by-mvd",
    "title": "Получившие разрешение на проживание",
    "purpose": "Ст. 3: обмен сведениями",
    "category": "residence_permit",
}


def person(i: int) -> dict:
    return {
        "surname": {"cyrillic": "Оганесян", "latin": "Hovhannisyan"},
        "given_name": {"cyrillic": "Арам", "latin": "Aram"},
        "birth_date": "1990-01-05",
        "citizenship": ["AM", "KZ"],
        "identity_document": [{"series": "AN", "number": f"{i:07d}"}],
    }


@pytest.fixture
def nodes(both_nodes, settings, tmp_path):
    settings.MIGREX_PARTY = "KZ"
    settings.MEDIA_ROOT = tmp_path
    return both_nodes


def queued(records: list) -> object:
    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    return datasets.queue(io.BytesIO(lines.encode()), **FIELDS)


def with_a_bad_last_line(message) -> None:
    """The body as a peer that breaks Art. 6 would send it (queue() refuses such a line)."""
    path = outbox.body_path(message.id)
    body = path.read_bytes().rsplit(b"\n", 2)[0] + b'\n{"religion":"x"}\n'
    path.write_bytes(body)
    message.payload["body"].update(bytes=len(body), sha256=hashlib.sha256(body).hexdigest())


def wire(nodes, message, *, frame=40_000, tamper=None, sha256=None) -> bytes:
    """The envelope and the body in frames of `frame` bytes, as the sender's worker posts it;
    `tamper` changes the frames, `sha256` what the signed envelope says of the body."""
    key = streams.new_key()
    described = {**message.payload["body"], "key": b64e(key)}
    if sha256:
        described["sha256"] = sha256
    sealed = copy.copy(message)
    sealed.payload = {**message.payload, "body": described}
    head = nodes.seal(sealed)
    body = outbox.body_path(message.id).read_bytes()
    chunks = [body[i : i + frame] for i in range(0, len(body), frame)]
    frames = list(streams.encrypt(key, str(message.id).encode(), chunks))
    return head + b"\n" + b"".join(tamper(frames) if tamper else frames)


def found(number: str) -> int:
    by = Authority.objects.get(code="by-mvd").pk
    return len(search.search(by, search.Query(document="AN" + number)).candidates)


class Watched(io.BytesIO):
    """The request body, read as the receiver reads it; before each read, what others see."""

    def __init__(self, data: bytes):
        super().__init__(data)
        self.seen: list[dict] = []

    def read(self, n=-1):
        self.seen.append(
            {
                "visible": Dataset.objects.count(),
                "staged": PersonRecord.objects.count(),
                "found": found("0000007"),
            }
        )
        return super().read(n)

    @property
    def staged(self) -> int:
        return max(s["staged"] for s in self.seen)


def receive(data: bytes) -> tuple[inbox.Reply, Watched]:
    body = Watched(data)
    with override_settings(MIGREX_NODE_ID="BY", MIGREX_PARTY="BY"):
        return inbox.accept_stream(body), body


def nothing_left() -> bool:
    return not (
        Dataset.arriving.exists()
        or PersonRecord.objects.exists()
        or SearchEntry.objects.filter(record__isnull=False).exists()
        or InboxMessage.objects.filter(kind="dataset").exists()
    )


def test_the_records_are_stored_as_they_arrive_and_seen_only_once_verified(nodes):
    message = queued([person(i) for i in range(N)])
    reply, body = receive(wire(nodes, message))
    assert reply.code == "accepted"
    # Midway, thousands of records were stored, and no one could see or find any of them.
    assert body.staged >= 2 * datasets.CHUNK
    assert {(s["visible"], s["found"]) for s in body.seen} == {(0, 0)}
    dataset = Dataset.objects.get()
    assert dataset.records == N and dataset.persons.count() == N
    assert found("0000007") == 1
    assert Dataset.arriving.count() == 1


def _drop_a_middle_frame(frames):
    return [*frames[:12], *frames[13:]]


@pytest.mark.parametrize(
    ("tamper", "sha256", "bad_line", "code"),
    [
        (_drop_a_middle_frame, None, False, "stream_broken"),
        (lambda f: f[:-1], None, False, "stream_broken"),  # cut before its last frame
        (None, "0" * 64, False, "stream_broken"),  # whole, but not the body the sender signed
        (None, None, True, "field_not_allowed"),  # its last line breaks Art. 6
    ],
)
def test_a_stream_that_breaks_midway_leaves_nothing_and_is_accepted_once_again(
    nodes, tamper, sha256, bad_line, code
):
    message = queued([person(i) for i in range(N)])
    if bad_line:
        with_a_bad_last_line(message)
    reply, body = receive(wire(nodes, message, tamper=tamper, sha256=sha256))
    assert reply.code == code
    assert body.staged >= datasets.CHUNK  # stored on the way, then removed
    assert nothing_left()
    if bad_line:
        return
    reply, _ = receive(wire(nodes, message))  # the sender tries again
    assert reply.code == "accepted"
    reply, _ = receive(wire(nodes, message))  # and again, its reply lost
    assert reply.code == "duplicate"
    assert Dataset.arriving.get().persons.count() == N
    assert SearchEntry.objects.filter(record__isnull=False).count() == N


def test_a_second_copy_arriving_meanwhile_is_a_duplicate_and_leaves_nothing(nodes):
    """Two copies of one message at once (a retry while the first is still arriving): the one
    that ends first is the dataset, the other is answered as a duplicate, its staging gone."""
    message = queued([person(i) for i in range(N)])
    first, second = wire(nodes, message), wire(nodes, message)
    replies = []

    class Overtaken(Watched):
        def read(self, n=-1):
            if self.tell() > len(self.getvalue()) // 2 and not replies:
                replies.append(receive(second)[0])  # the second copy, whole, meanwhile
            return super().read(n)

    with override_settings(MIGREX_NODE_ID="BY", MIGREX_PARTY="BY"):
        late = inbox.accept_stream(Overtaken(first))
    assert [r.code for r in replies] == ["accepted"] and late.code == "duplicate"
    assert Dataset.arriving.count() == 1 and PersonRecord.objects.count() == N


def _left_by_a_killed_receiver(message_id, records: int, at: dt.datetime | None = None):
    """What a receiver killed mid-stream leaves: a staged copy with some of its records."""
    copy_ = staged_copy(message_id, N)
    copy_.add([(i + 1, person(i)) for i in range(records)])
    if at is not None:
        Dataset.arriving.filter(pk=copy_.dataset.pk).update(staged_at=at)
    return copy_.dataset.pk


def test_copies_left_behind_go_once_the_message_is_accepted_or_long_abandoned(
    nodes, django_capture_on_commit_callbacks
):
    """A receiver killed mid-stream leaves a staged copy, seen by no one; it goes once the
    message is accepted from another delivery, or once it has not grown for STALE."""
    message = queued([person(i) for i in range(N)])
    other = queued([person(i) for i in range(10)])
    killed = _left_by_a_killed_receiver(message.id, 2500)
    long_ago = _left_by_a_killed_receiver(
        other.id, 100, at=timezone.now() - staging.STALE - dt.timedelta(seconds=1)
    )
    recent = _left_by_a_killed_receiver(other.id, 100)
    assert not Dataset.objects.exists() and found("0000007") == 0  # none of them is seen
    with django_capture_on_commit_callbacks(execute=True):
        reply, _ = receive(wire(nodes, message))  # the sender tries again
    assert reply.code == "accepted"
    left = set(Dataset.arriving.values_list("pk", flat=True))
    assert killed not in left and long_ago not in left and recent in left
    published = Dataset.objects.get()
    assert published.persons.count() == N and found("0000007") == 1
    assert PersonRecord.objects.exclude(dataset=published).count() == 100  # `recent`'s
