"""Datasets of persons: validated line by line before anything is queued, streamed between two
real nodes, stored whole or not at all."""

from __future__ import annotations

import base64
import io
import json
import urllib.error
import urllib.request

import pytest

from migrex.core.errors import Invalid
from migrex.exchange import outbox
from migrex.exchange.models import OutboxMessage
from migrex.exchange.receipts import Receipt, Refusal, verify_receipt
from migrex.persons import datasets

RECORD = {
    "surname": {"cyrillic": "Оганесян", "latin": "Hovhannisyan"},
    "given_name": {"cyrillic": "Арам", "latin": "Aram"},
    "birth_date": "1990-01-05",
    "citizenship": ["AM", "KZ"],
}
FIELDS = {
    "agreement": "kz-by-2019",
    "sender": "kz-mvd",
    "receiver": "by-mvd",
    "title": "Получившие разрешение на проживание",
    "purpose": "Ст. 3: обмен сведениями",
    "category": "residence_permit",
}


def jsonl(*records) -> io.BytesIO:
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    return io.BytesIO("\n".join(lines).encode() + b"\n")


@pytest.fixture
def kz_node(agreement, settings, tmp_path):
    settings.MIGREX_PARTY = "KZ"
    settings.MEDIA_ROOT = tmp_path


def test_a_valid_file_is_queued_with_its_digest(kz_node):
    message = datasets.queue(jsonl(RECORD, "", {**RECORD, "birth_date": "1991-02-03"}), **FIELDS)
    body = outbox.body_path(message.id).read_bytes()
    assert body.count(b"\n") == 2  # the blank line is skipped
    assert message.kind == "dataset" and message.payload["records"] == 2
    described = message.payload["body"]
    assert described["bytes"] == len(body) and "key" not in described


@pytest.mark.parametrize(
    ("lines", "code", "field"),
    [
        ([RECORD, RECORD, "{not json"], "not_json", "line 3"),
        ([RECORD, [1, 2]], "not_an_object", "line 2"),
        ([RECORD, "", {**RECORD, "religion": "x"}], "field_not_allowed", "line 3.data.religion"),
        (
            [{**RECORD, "birth_date": "1990-02-30"}],
            "invalid_person_field",
            "line 1.data.birth_date",
        ),
        ([], "empty_dataset", "file"),
    ],
)
def test_a_bad_line_is_named_and_nothing_is_queued(kz_node, lines, code, field):
    with pytest.raises(Invalid) as caught:
        datasets.queue(jsonl(*lines), **FIELDS)
    assert (caught.value.errors[0].code, caught.value.errors[0].field) == (code, field)
    assert not OutboxMessage.objects.exists()
    spool = outbox.body_dir()
    assert not spool.exists() or not any(spool.iterdir())


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"category": "pets"}, "category_not_allowed"),
        ({"purpose": " "}, "invalid_text"),
        ({"sender": "by-mvd", "receiver": "kz-mvd"}, "not_own_authority"),
        ({"receiver": "kz-labour"}, "unknown_authority"),
    ],
)
def test_the_description_is_checked(kz_node, overrides, code):
    with pytest.raises(Invalid) as caught:
        datasets.queue(jsonl(RECORD), **{**FIELDS, **overrides})
    assert caught.value.errors[0].code == code


# --- between two real nodes -----------------------------------------------------------------------

SEAL_DATASET = """
import base64, hashlib, uuid
from migrex.exchange import streams
from migrex.exchange.crypto import b64e
from migrex.exchange.delivery import seal_message
from migrex.exchange.models import OutboxMessage, Peer
body = "".join(json.dumps(r, ensure_ascii=False) + "\\n" for r in DATA["records"]).encode()
key = streams.new_key()
message = OutboxMessage(
    agreement="kz-by-2019", conversation_id=uuid.uuid4(), kind="dataset",
    sender_authority="kz-mvd", receiver_authority="by-mvd", receiver_party="BY",
    payload={"title": "Тест", "purpose": "Ст. 3", "category": "residence_permit",
             "records": len(DATA["records"]),
             "body": {"format": "application/x-ndjson", "algorithm": "A256GCM-frames",
                      "bytes": len(body), "sha256": hashlib.sha256(body).hexdigest(),
                      "key": b64e(key)}})
sealed = seal_message(message, Peer.objects.get(node_id="BY"), payload=message.payload)
chunks = [body[i:i + DATA["frame"]] for i in range(0, len(body), DATA["frame"])]
frames = streams.encrypt(key, str(message.id).encode(), chunks)
print(json.dumps({"id": str(message.id), "sealed": sealed.decode(),
                  "frames": [base64.b64encode(f).decode() for f in frames]}))
"""

STORED = """
from migrex.persons.models import Dataset, PersonRecord
print(json.dumps({"datasets": Dataset.objects.count(), "records": PersonRecord.objects.count()}))
"""


@pytest.fixture(scope="module")
def nodes(tmp_path_factory, node_databases):
    from migrex.shell.nodes import pair

    kz, by = pair(tmp_path_factory.mktemp("nodes"), database_urls=tuple(node_databases))
    by.start(worker=False)
    yield kz, by
    by.stop()


def post_stream(node, wire: bytes) -> tuple[int, bytes]:
    request = urllib.request.Request(  # noqa: S310 - our own node's http URL
        node.url + "/exchange/inbox/stream", data=wire, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def sealed_dataset(kz, records, frame=2000):
    made = kz.python(SEAL_DATASET, {"records": records, "frame": frame})
    frames = [base64.b64decode(f) for f in made["frames"]]
    return made["id"], made["sealed"].encode(), frames


def reply(kz, by, sealed, body, message_id):
    keys = json.loads((by.data_dir / "peer.json").read_text())["keys"]
    from migrex.exchange.envelope import digest

    return verify_receipt(body, peer_keys=keys, message_id=message_id, digest=digest(sealed))


@pytest.mark.nodes
@pytest.mark.parametrize(
    ("tamper", "code"),
    [
        (lambda f: [f[0], *f[2:]], "stream_broken"),  # a frame dropped
        (lambda f: f[:-1], "stream_broken"),  # the last frame cut off
        (lambda f: [f[1], f[0], *f[2:]], "stream_broken"),
    ],
)
def test_a_broken_stream_is_refused_and_stores_nothing(nodes, tamper, code):
    kz, by = nodes
    before = by.python(STORED)
    records = [{**RECORD, "birth_date": f"19{50 + i % 40}-01-05"} for i in range(100)]
    mid, sealed, frames = sealed_dataset(kz, records, frame=1500)
    assert len(frames) > 3
    status, body = post_stream(by, sealed + b"\n" + b"".join(tamper(frames)))
    refusal = reply(kz, by, sealed, body, mid)
    assert status == 422 and isinstance(refusal, Refusal) and refusal.code == code
    assert by.python(STORED) == before


@pytest.mark.nodes
def test_a_bad_record_refuses_the_whole_dataset_naming_the_line(nodes):
    kz, by = nodes
    before = by.python(STORED)
    records = [RECORD] * 4500 + [{**RECORD, "religion": "x"}] + [RECORD] * 10
    mid, sealed, frames = sealed_dataset(kz, records)
    status, body = post_stream(by, sealed + b"\n" + b"".join(frames))
    refusal = reply(kz, by, sealed, body, mid)
    assert status == 422 and refusal.code == "field_not_allowed"
    assert "line 4501.data.religion" in refusal.detail and "Art. 6" in refusal.detail
    assert by.python(STORED) == before  # the first 4,000 stored records rolled back too


@pytest.mark.nodes
def test_a_dataset_crosses_whole_through_the_worker(nodes, tmp_path):
    kz, by = nodes
    before = by.python(STORED)
    n = 5000
    source = tmp_path / "persons.jsonl"
    source.write_text(
        "".join(
            json.dumps({**RECORD, "identity_document": [{"number": f"{i:07d}"}]}) + "\n"
            for i in range(n)
        )
    )
    args = [f"--{k}={v}" for k, v in FIELDS.items() if k not in ("sender", "receiver")]
    out = kz.migrex("dataset", "send", str(source), "--from", "kz-mvd", "--to", "by-mvd", *args)
    assert f"{n} record(s)" in out
    kz.migrex("worker", "--once")
    after = by.python(STORED)
    assert after == {"datasets": before["datasets"] + 1, "records": before["records"] + n}
    listed = by.migrex("dataset", "list")
    assert "Получившие разрешение на проживание" in listed and str(n) in listed
    status = kz.python(
        "from migrex.exchange.models import OutboxMessage\n"
        "m = OutboxMessage.objects.get(kind='dataset')\n"
        "from migrex.exchange.outbox import body_path\n"
        "print(json.dumps([m.status, body_path(m.id).exists()]))"
    )
    assert status == ["delivered", False]  # the sender keeps no second copy once delivered
    # The same message again (a retry after a lost reply): a duplicate receipt, nothing stored.
    mid, sealed, frames = sealed_dataset(kz, [RECORD])
    for _ in range(2):
        code, body = post_stream(by, sealed + b"\n" + b"".join(frames))
        assert code == 200 and isinstance(reply(kz, by, sealed, body, mid), Receipt)
    assert by.python(STORED)["datasets"] == after["datasets"] + 1


CONSENT_ASK = """
from migrex.accounts.models import User
from migrex.persons import consents, sources
from migrex.persons.models import Dataset
dataset = sources.of_dataset(Dataset.objects.get(message_id=DATA))
c = consents.ask(User.objects.get(username="by-operator"), dataset, use="export",
                 purpose="Передача в суд")
print(json.dumps(str(c.ref)))
"""

CONSENT_GRANT = """
import datetime as dt
from migrex.accounts.models import User
from migrex.persons import consents
from migrex.persons.models import Consent
c = Consent.objects.get(ref=DATA, side="provider")
consents.decide(User.objects.get(username="kz-supervisor"), c, grant=True,
                expires_on=dt.date(2099, 1, 1))
print(json.dumps(c.purpose))
"""

CONSENT_STATE = """
from migrex.persons.models import Consent
c = Consent.objects.get(ref=DATA, side="asked")
print(json.dumps([c.status, str(c.expires_on), c.decided_by]))
"""


@pytest.mark.nodes
def test_a_consent_travels_between_the_nodes(nodes, tmp_path):
    """The request for consent and the decision cross as signed, encrypted messages."""
    kz, by = nodes
    source = tmp_path / "one.jsonl"
    source.write_text(json.dumps(RECORD) + "\n")
    args = [f"--{k}={v}" for k, v in FIELDS.items() if k not in ("sender", "receiver")]
    out = kz.migrex("dataset", "send", str(source), "--from", "kz-mvd", "--to", "by-mvd", *args)
    dataset_id = out.split()[1].rstrip(":")
    kz.migrex("worker", "--once")
    ref = by.python(CONSENT_ASK, dataset_id)
    kz.start(worker=False)  # KZ's inbox, to receive the request
    try:
        by.migrex("worker", "--once")
        assert kz.python(CONSENT_GRANT, ref) == "Передача в суд"
        kz.migrex("worker", "--once")
    finally:
        kz.stop()
    status, expires, decided_by = by.python(CONSENT_STATE, ref)
    assert (status, expires) == ("granted", "2099-01-01") and decided_by
