"""The restore drill, on two real nodes (KZ and BY under kz-by-2019): KZ holds a case with an
attachment, a dataset received from BY and their audit entries; it is backed up while it runs,
stopped, its data directory and database dropped, and restored into a new one. The restored
node's audit chain verifies, its attachment opens, and it goes on exchanging with BY: a message
each way is delivered, and a message BY sends again is not processed a second time."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import urllib.request

import pytest

from migrex.shell.nodes import ROOT, Api, LocalNode, pair

pytestmark = pytest.mark.nodes

PASSPHRASE = "a drill passphrase, long enough"
CONTENT = "%PDF-1.4\n% Справка о регистрации по месту пребывания\n" * 200
DRAFT = {
    "agreement": "kz-by-2019",
    "requested_authority": "by-mvd",
    "summary": "Сведения о временном пребывании",
    "purpose": "Проверка законности пребывания",
    "justification": "Материалы проверки № 17/2026",
    "topics": ["citizens_in_other_state"],
    "persons": [
        {
            "category": "temporary_stay",
            "data": {
                "surname": {"cyrillic": "Оганесян", "latin": "Hovhannisyan"},
                "given_name": {"cyrillic": "Арам", "latin": "Aram"},
                "birth_date": "1990-01-05",
                "citizenship": ["KZ"],
            },
        }
    ],
}

ATTACH = """
from migrex.accounts.models import User
from migrex.cases import services
from migrex.cases.models import Case
a = services.add_attachment(
    case=Case.objects.get(pk=DATA["case"]), actor=User.objects.get(username="kz-operator"),
    name="справка.pdf", content=DATA["content"].encode(), content_type="application/pdf")
print(json.dumps(a.pk))
"""

DATASET = """
import io
from migrex.persons import datasets
lines = "".join(json.dumps(r, ensure_ascii=False) + "\\n" for r in DATA)
m = datasets.queue(io.BytesIO(lines.encode()), agreement="kz-by-2019", sender="by-mvd",
    receiver="kz-mvd", title="Получившие разрешение на проживание", purpose="Ст. 3",
    category="residence_permit")
print(json.dumps(str(m.id)))
"""

# What a node holds, to compare before the loss and after the restore.
STATE = """
from migrex.audit.models import AuditEntry
from migrex.cases.models import Attachment, Case
from migrex.exchange.models import InboxMessage, OutboxMessage
from migrex.persons.models import Dataset, PersonRecord
print(json.dumps({
    "cases": Case.objects.count(), "attachments": Attachment.objects.count(),
    "datasets": Dataset.objects.count(), "records": PersonRecord.objects.count(),
    "audit": AuditEntry.objects.count(), "inbox": InboxMessage.objects.count(),
    "pending": OutboxMessage.objects.filter(status="pending").count(),
}))
"""

# BY sends a message again whose receipt it had (as after a lost reply, or a restored sender).
RESEND = """
import datetime as dt
from migrex.exchange.models import OutboxMessage
m = OutboxMessage.objects.get(pk=DATA)
OutboxMessage.objects.filter(pk=m.pk).update(
    status="pending", attempts=0, next_attempt_at=None, receipt="", delivered_at=None)
print(json.dumps(m.kind))
"""

MESSAGE_OF = """
from migrex.exchange.models import OutboxMessage
print(json.dumps(str(OutboxMessage.objects.get(conversation_id=DATA, kind="request").pk)))
"""

SENT_TO_KZ = """
from migrex.exchange.models import OutboxMessage
rows = OutboxMessage.objects.filter(receiver_party="KZ", status="delivered")
print(json.dumps([[str(r.pk), r.kind, r.status] for r in rows.order_by("created_at")]))
"""


def waited(what, check, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while not (found := check()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.3)
    return found


def case_in(api: Api, conversation: str, status: str | None = None) -> dict | None:
    page = api.ok("GET", "/cases?limit=200")
    found = next((c for c in page["items"] if c["conversation_id"] == conversation), None)
    return found if found and (status is None or found["status"] == status) else None


def download(node: LocalNode, username: str, path: str) -> bytes:
    request = urllib.request.Request(  # noqa: S310 - our own node's http URL
        node.url + "/api/v1" + path, headers={"Authorization": f"Bearer {node.token(username)}"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return response.read()


def received(node: LocalNode) -> list[str]:
    out = node.migrex("audit", "tail", "100000", "--json", "--action", "message.received")
    return [json.loads(line)["subject"] for line in out.splitlines() if line.strip()]


def submit_and_sign(kz: LocalNode, case: dict) -> None:
    Api(kz, "kz-operator").ok("POST", f"/cases/{case['id']}/actions/submit", {})
    Api(kz, "kz-signatory").ok(
        "POST", f"/cases/{case['id']}/actions/sign", {"password": kz.logins["kz-signatory"]}
    )


def drop_database(node: LocalNode) -> None:
    """The node's database gone and made again empty (PostgreSQL), or its SQLite file gone with
    its data directory."""
    if not node.database_url:
        return
    import psycopg

    base, name = node.database_url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


@pytest.fixture(scope="module")
def nodes(tmp_path_factory, node_databases):
    kz, by = pair(tmp_path_factory.mktemp("drill"), database_urls=tuple(node_databases))
    for node in (kz, by):
        node.extra_env["MIGREX_BACKUP_PASSPHRASE"] = PASSPHRASE
    try:
        yield kz, by
    finally:
        kz.stop()
        by.stop()


def test_a_node_lost_and_restored_verifies_opens_and_resumes_exchanging(nodes, tmp_path):
    kz, by = nodes
    kz.start()
    by.start()
    kz_op, by_op = Api(kz, "kz-operator"), Api(by, "by-operator")

    # KZ's request with an attachment crosses to BY, BY registers it; BY's dataset reaches KZ.
    case = kz_op.ok("POST", "/cases", DRAFT)
    attachment = kz.python(ATTACH, {"case": case["id"], "content": CONTENT})
    submit_and_sign(kz, case)
    conversation = case["conversation_id"]
    theirs = waited("the request at BY", lambda: case_in(by_op, conversation, "received"))
    by_op.ok("POST", f"/cases/{theirs['id']}/actions/register", {})
    waited("the registration at KZ", lambda: case_in(kz_op, conversation, "registered"))
    records = [
        {**DRAFT["persons"][0]["data"], "birth_date": f"19{50 + i % 40}-01-05"} for i in range(300)
    ]
    by.python(DATASET, records)
    waited("everything delivered", lambda: kz.python(STATE)["datasets"] == 1)
    waited("KZ's outbox empty", lambda: kz.python(STATE)["pending"] == 0)
    waited("BY's outbox empty", lambda: by.python(STATE)["pending"] == 0)

    # A second request waits in KZ's outbox while BY is down: it is in the archive as pending.
    by.stop()
    late = kz_op.ok("POST", "/cases", {**DRAFT, "summary": "Запрос, ожидающий доставки"})
    submit_and_sign(kz, late)

    # Backed up while it runs; BY comes back and gets the late request; then KZ is lost:
    # processes, data directory, database.
    archive = tmp_path / "kz.mxb"
    before = kz.python(STATE)
    assert before["pending"] == 1, before
    started = time.monotonic()
    said = kz.migrex("backup", str(archive))
    took = time.monotonic() - started
    assert before["attachments"] == 1 and before["records"] == 300, before
    print(f"backup: {archive.stat().st_size:,} bytes in {took:.1f} s ({said.strip()})")
    by.start()
    late_conversation = late["conversation_id"]
    waited("the late request at BY", lambda: case_in(by_op, late_conversation, "received"))
    late_id = kz.python(MESSAGE_OF, late_conversation)
    assert late_id in received(by)
    kz.stop()
    # Kept apart: the node's secret key (its environment) and the officers' authenticators.
    outside = {n: (kz.data_dir / n).read_text() for n in ("secret_key", "demo-totp.txt")}
    shutil.rmtree(kz.data_dir)
    drop_database(kz)

    # Restored into a new node with the same environment.
    kz.data_dir.mkdir()
    for name, text in outside.items():
        (kz.data_dir / name).write_text(text)
    started = time.monotonic()
    said = kz.migrex("restore", str(archive))
    print(f"restore: {time.monotonic() - started:.1f} s ({said.strip()})")
    assert "restored node KZ" in said, said
    assert "chain intact" in kz.migrex("audit", "verify")
    # All of it is back, and the restore is on the record (after the snapshot's last entry).
    assert kz.python(STATE) == {**before, "audit": before["audit"] + 1}
    (last,) = [json.loads(kz.migrex("audit", "tail", "1", "--json"))]
    assert last["action"] == "node.restored" and last["subject"] == "kz.mxb"
    # A second restore is refused: the node is no longer empty.
    refused = subprocess.run(
        [sys.executable, "-m", "migrex.cli", "restore", str(archive)],
        env=kz.env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert refused.returncode == 1 and "this node is not empty" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1, refused.stderr

    kz.start()
    opened = download(kz, "kz-operator", f"/cases/{case['id']}/attachments/{attachment}")
    assert opened == CONTENT.encode()

    # It resumes: BY answers the old request, KZ sends a new one; each arrives once.
    already = received(kz)
    by_op.ok("POST", f"/cases/{theirs['id']}/actions/reply", {"text": "Сведений не имеется."})
    waited("BY's answer at KZ", lambda: case_in(kz_op, conversation, "answered"))
    new = kz_op.ok("POST", "/cases", {**DRAFT, "summary": "Запрос после восстановления"})
    submit_and_sign(kz, new)
    waited("the new request at BY", lambda: case_in(by_op, new["conversation_id"], "received"))

    # KZ's restored outbox sends the late request again: BY knows it, and keeps one case.
    waited("KZ's outbox empty again", lambda: kz.python(STATE)["pending"] == 0)
    at_by = by_op.ok("GET", "/cases?limit=200")["items"]
    assert [c["conversation_id"] for c in at_by].count(late_conversation) == 1
    duplicates = by.migrex("audit", "tail", "50", "--json", "--action", "message.duplicate")
    assert late_id in [json.loads(line)["subject"] for line in duplicates.splitlines()]
    again_at_by = received(by)
    assert len(again_at_by) == len(set(again_at_by)), "a message was processed twice at BY"

    # BY sends again each message KZ had before the loss: KZ processes none of them twice.
    again = [m for m, kind, _ in by.python(SENT_TO_KZ) if m in already and kind != "dataset"]
    assert again
    for mid in again:
        by.python(RESEND, mid)
    waited("BY's resent messages answered", lambda: by.python(STATE)["pending"] == 0)
    subjects = received(kz)
    assert len(subjects) == len(set(subjects)), "a message was processed twice"
    assert len(subjects) == len(already) + 1  # BY's answer, once
    assert kz.python(STATE)["inbox"] == before["inbox"] + 1
