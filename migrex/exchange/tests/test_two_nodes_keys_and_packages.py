"""Two real node processes (the pair: conftest.py) through a key rotation with an overlap, and
offline packages with both servers down. The offline test stops the processes; the rotation
test starts whatever is not running.
"""

from __future__ import annotations

import json
import time

import pytest

from migrex.exchange.envelope import digest
from migrex.exchange.receipts import Receipt, Refusal
from migrex.exchange.tests.conftest import (
    SEAL,
    SEAL_ALL,
    audit,
    parallel,
    post,
    reply_to,
    request_payload,
    script,
    tamper,
)
from migrex.shell.scenario import PERSON, Scenario

pytestmark = pytest.mark.nodes


# --- key rotation ---------------------------------------------------------------------------------

# `migrex keys rotate` on KZ, then an envelope sealed with the old key during the overlap (a
# retry in flight, say), and KZ's new peer file.
ROTATE = (
    SEAL_ALL
    + """
from io import StringIO
from django.core.management import call_command
from migrex.exchange.models import NodeKey
from migrex.exchange.peers import own_peer_file

call_command("keys", "rotate", "--overlap-seconds", str(DATA["overlap"]), stdout=StringIO())
old, new = NodeKey.objects.order_by("not_before")[:2]
print(json.dumps({"peer": own_peer_file(), "old": old.signing_kid, "new": new.signing_kid,
                  "ends": old.not_after.timestamp(), "during": seal_all(DATA["seal"])[0]}))
"""
)
OVERLAP = 8  # seconds: long enough to re-import the peer file and send during it


def test_key_rotation_with_overlap(running):
    """After `migrex keys rotate` on KZ and BY installing KZ's new peer file, messages flow both
    ways with the new keys; an envelope signed with the old key is accepted while the overlap
    lasts and refused (key_not_valid) once it has ended."""
    kz, by = running
    old_key = {"kind": "request", "payload": request_payload(), "signer": "old"}
    rotated = script(kz, ROTATE, {"overlap": OVERLAP, "seal": [old_key]})
    during = rotated["during"]
    assert during["kid"] == rotated["old"] != rotated["new"]
    (kz.data_dir / "peer.json").write_text(json.dumps(rotated["peer"], indent=2))
    by.trust(kz)
    raw = during["sealed"].encode()
    status, body = post(by, raw)
    assert status == 200, body
    assert isinstance(reply_to(by, raw, body, during["message_id"]), Receipt)

    # Both ways with the new keys: KZ signs with its new key; BY encrypts to KZ's new key.
    story = Scenario(kz, by, out=lambda *_: None)
    case = story.draft(
        summary="Запрос после смены ключей",
        purpose="Проверка",
        justification="Ст. 9",
        persons=[PERSON],
    )
    conversation = story.send(case)["conversation_id"]
    theirs = story.wait(story.by_op, conversation, "received")
    story.act(story.by_op, theirs, "register")
    story.wait(story.kz_op, conversation, "registered")

    time.sleep(max(0.0, rotated["ends"] - time.time() + 0.5))
    after = script(kz, SEAL, [old_key])[0]
    raw_after = after["sealed"].encode()
    status, body = post(by, raw_after)
    assert status == 422
    refusal = reply_to(by, raw_after, body, after["message_id"])
    assert isinstance(refusal, Refusal) and refusal.code == "key_not_valid", refusal
    log = audit(by, 100)
    refused = [e for e in log if e["action"] == "message.refused"]
    assert refused[-1]["detail"]["code"] == "key_not_valid"
    assert refused[-1]["detail"]["digest"] == digest(raw_after)
    keys_used = {e["subject"]: e["detail"]["key"] for e in log if e["action"] == "message.received"}
    assert keys_used[during["message_id"]] == rotated["old"]
    newest = [e for e in log if e["action"] == "message.received"][-1]
    assert newest["detail"]["conversation"] == conversation
    assert newest["detail"]["key"] == rotated["new"]


# --- offline packages -----------------------------------------------------------------------------

# KZ, offline: officers draft and sign a request and spontaneous information (the case
# services, as the web UI would), then `migrex package export`.
DRAFT_SIGN_EXPORT = """
from io import StringIO
from django.core.management import call_command
from migrex.accounts.models import User
from migrex.agreements.models import Agreement, Authority
from migrex.cases.services import create_draft, transition
from migrex.exchange.models import OutboxMessage
from migrex.shell.demo_signatory import password

operator = User.objects.get(username="kz-operator")
signatory = User.objects.get(username="kz-signatory")
signed = {"password": password("kz-signatory")}  # opens the signatory's own key (Art. 9.3)
made = []
for kind, fields in DATA["cases"]:
    case = create_draft(
        actor=operator, agreement=Agreement.objects.get(code="kz-by-2019"),
        requested_authority=Authority.objects.get(code="by-mvd"), kind=kind, **fields,
    )
    transition(case=case, action="submit", actor=operator)
    transition(case=case, action="sign", actor=signatory, data=signed, confirmed=True)
    message = OutboxMessage.objects.get(conversation_id=case.conversation_id)
    made.append({"conversation": str(case.conversation_id), "message": str(message.id),
                 "status": message.status})
out = StringIO()
call_command("package", "export", "--peer", "BY", "--out", DATA["out"], stdout=out)
print(json.dumps({"made": made, "export": out.getvalue()}))
"""

# BY, offline: the tampered package first (refused as a whole: none of its envelopes applied,
# not even the intact ones before the changed one), then the genuine one.
BY_IMPORT = """
from io import StringIO
from django.core.management import call_command
from django.core.management.base import CommandError
from migrex.cases.models import Case

def cases():
    return Case.objects.filter(conversation_id__in=DATA["conversations"]).count()

try:
    call_command("package", "import", DATA["tampered"], stdout=StringIO())
    refusal = None
except CommandError as exc:
    refusal = str(exc)
after_tampered = cases()
out = StringIO()
call_command("package", "import", DATA["package"], stdout=out)
print(json.dumps({"refusal": refusal, "after_tampered": after_tampered, "import": out.getvalue(),
                  "after_import": cases()}))
"""

KZ_AFTER = """
from io import StringIO
from django.core.management import call_command
from django.utils import timezone
from migrex.audit.models import AuditEntry
from migrex.exchange import keys, peers
from migrex.exchange.bundles import read_receipts
from migrex.exchange.models import OutboxMessage

out = StringIO()
call_command("package", "receipts", DATA["second"], stdout=out)

def replies(path):
    with open(path, "rb") as f:
        data = f.read()
    return read_receipts(data, receiver=keys.node_keys(), node_id="KZ",
                         sender_keys=peers.sender_keys, now=timezone.now()).replies

ours = OutboxMessage.objects.filter(pk__in=DATA["ids"])
messages = {str(m.id): [m.status, m.receipt] for m in ours}
sent = AuditEntry.objects.filter(action="message.sent", subject__in=DATA["ids"])
print(json.dumps({"second": out.getvalue(), "messages": messages,
                  "sent": [e.detail for e in sent],
                  "same_replies": replies(DATA["first"]) == replies(DATA["second"])}))
"""

BY_AFTER = """
from migrex.audit.models import AuditEntry
from migrex.cases.models import Case
from migrex.exchange.models import InboxMessage
print(json.dumps({
    "cases": {c: Case.objects.filter(conversation_id=c).count() for c in DATA},
    "inbox": InboxMessage.objects.filter(conversation_id__in=DATA).count(),
    "imported": AuditEntry.objects.filter(action="package.imported").count(),
    "refused": [e.detail for e in AuditEntry.objects.filter(action="package.refused")],
}))
"""


def test_offline_package_with_the_network_down(pair, tmp_path):
    """Both nodes' servers and workers down: KZ's pending messages travel as a package file,
    BY accepts them with the inbox's checks, the receipts travel back and settle the outbox."""
    kz, by = pair
    kz.stop()
    by.stop()
    package = tmp_path / "kz-by.pkg"
    cases = [
        ["request", {"summary": "Запрос без сети", "purpose": "Проверка",
                     "justification": "Ст. 9", "persons": [PERSON]}],
        ["spontaneous", {"summary": "Информация без сети", "purpose": "Информирование",
                         "justification": "Ст. 8", "topics": ["migration_law_violations"]}],
    ]  # fmt: skip
    done = script(kz, DRAFT_SIGN_EXPORT, {"cases": cases, "out": str(package)})
    assert [m["status"] for m in done["made"]] == ["pending", "pending"]
    assert "message(s) for BY" in done["export"]
    ids = [m["message"] for m in done["made"]]
    conversations = [m["conversation"] for m in done["made"]]

    data = json.loads(package.read_text())
    assert data["format"] == "migrex-package/1" and len(data["envelopes"]) >= 2
    data["envelopes"][-1] = tamper(data["envelopes"][-1].encode()).decode()
    tampered = tmp_path / "tampered.pkg"
    tampered.write_text(json.dumps(data))
    imported = script(
        by,
        BY_IMPORT,
        {"tampered": str(tampered), "package": str(package), "conversations": conversations},
    )
    assert "package_mismatch" in imported["refusal"]
    assert imported["after_tampered"] == 0
    assert not (tmp_path / "tampered.pkg.receipts").exists()
    assert imported["import"].count("accepted") >= 2
    assert imported["after_import"] == 2
    first = tmp_path / "first.receipts"
    (tmp_path / "kz-by.pkg.receipts").rename(first)

    # The replies reach KZ; meanwhile BY imports the same package again (through the CLI).
    settled, again = parallel(
        lambda: kz.migrex("package", "receipts", str(first)),
        lambda: by.migrex("package", "import", str(package)),
    )
    assert all(f"{i}  delivered" in settled for i in ids), settled
    assert "accepted" not in again and "duplicate" in again

    kz_state, by_state = parallel(
        lambda: script(
            kz,
            KZ_AFTER,
            {"ids": ids, "first": str(first), "second": str(tmp_path / "kz-by.pkg.receipts")},
        ),
        lambda: script(by, BY_AFTER, conversations),
    )
    # BY: each message applied once, although imported twice; the tampered copy left nothing.
    assert by_state["cases"] == dict.fromkeys(conversations, 1)
    assert by_state["inbox"] == 2
    assert by_state["imported"] == 2
    assert [r["code"] for r in by_state["refused"]] == ["package_mismatch"]
    # KZ: delivered, with BY's signed receipts archived; the second reply file (to the second
    # import) holds the very same receipts and settles nothing more.
    for mid in ids:
        status, receipt = kz_state["messages"][mid]
        assert status == "delivered" and receipt.count(".") == 2
    assert sorted(e["via"] for e in kz_state["sent"]) == ["package", "package"]
    assert kz_state["same_replies"]
    assert all(f"{i}  settled (already delivered)" in kz_state["second"] for i in ids)
