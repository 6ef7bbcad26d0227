"""Two real node processes (KZ and BY under kz-by-2019), each with its own database, keys, web
server and delivery worker, exchanging over HTTP on this machine.

- The whole case scenario crosses: a request with a clarification and an answer, a refusal,
  information without a request (migrex/shell/scenario.py).
- What the BY node must refuse, POSTed to its inbox as raw bytes: each answer is a signed refusal
  with its stable code (verified against BY's published keys) and leaves a `message.refused`
  entry in BY's audit log; a replay changes nothing.
- Key rotation with an overlap, and offline packages with both servers down.

One pair of nodes serves the module (setting a node up takes seconds); the offline test stops
the processes, the others start whatever is not running.
"""

from __future__ import annotations

import json
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from migrex.exchange.envelope import digest
from migrex.exchange.receipts import Receipt, Refusal, verify_receipt
from migrex.shell.nodes import ROOT, Api, LocalNode
from migrex.shell.scenario import PERSON, Scenario

pytestmark = pytest.mark.nodes

USERS = {"KZ": ["kz-operator", "kz-signatory"], "BY": ["by-operator", "by-signatory"]}


# --- running things on the nodes ------------------------------------------------------------------


def parallel(*calls):
    """Run independent calls (each mostly waiting for a node's subprocess) side by side."""
    with ThreadPoolExecutor(len(calls)) as pool:
        return [f.result() for f in [pool.submit(c) for c in calls]]


def script(node: LocalNode, code: str, data: Any = None) -> Any:
    return node.python(code, data)


def post(
    node: LocalNode, body: bytes, path: str = "/exchange/inbox", kind: str = "application/jose"
) -> tuple[int, bytes]:
    request = urllib.request.Request(  # noqa: S310 - our own node's http URL
        node.url + path, data=body, method="POST", headers={"Content-Type": kind}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def audit(node: LocalNode, n: int = 500) -> list[dict]:
    """The node's last `n` audit entries, through `migrex audit tail --json`."""
    out = node.migrex("audit", "tail", "--json", str(n))
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def published_keys(node: LocalNode) -> dict:
    """The JWK Set in the peer file `node` handed out (what the other side trusts)."""
    return json.loads((node.data_dir / "peer.json").read_text())["keys"]


def reply_to(node: LocalNode, sent: bytes, body: bytes, message_id: str | None):
    """The verified receipt or refusal `node` answered to the bytes `sent`."""
    return verify_receipt(
        body, peer_keys=published_keys(node), message_id=message_id or "", digest=digest(sent)
    )


def case_count(api: Api) -> int:
    return api.ok("GET", "/cases?limit=1")["count"]


# A node set up in one process (what LocalNode.prepare does in four, less the static files,
# which no test here needs): its database, the agreements, its keys and demo officers; the keys
# as if made a day ago at set-up (so that an envelope "created ten minutes ago" is inside their
# validity, as on any node in service); API tokens for the officers the tests act as; its peer
# file for the other node.
SET_UP = """
import datetime as dt
from io import StringIO
from django.conf import settings
from django.core.management import call_command
from migrex.accounts import tokens
from migrex.accounts.models import User
from migrex.exchange.crypto import NodeKeys, export_private, public_jwks
from migrex.exchange.keys import _decrypt
from migrex.exchange.models import NodeKey
from migrex.exchange.peers import own_peer_file

call_command("migrate", "--no-input", verbosity=0, stdout=StringIO())
call_command("demo_setup", stdout=StringIO())
for row in NodeKey.objects.all():
    k = _decrypt(bytes(row.private))
    k = NodeKeys(k.suite, k.signing, k.encryption, k.not_before - dt.timedelta(days=1))
    row.not_before = k.not_before
    row.private = export_private(k, settings.MIGREX_KEY_PASSPHRASE)
    row.public_jwks = public_jwks(k)
    row.save()
issued = {u: tokens.issue(user=User.objects.get(username=u))[1] for u in DATA}
print(json.dumps({"peer": own_peer_file(), "tokens": issued}))
"""


def set_up(node: LocalNode) -> None:
    done = script(node, SET_UP, USERS[node.party])
    (node.data_dir / "peer.json").write_text(json.dumps(done["peer"], indent=2))
    logins = (node.data_dir / "demo-logins.txt").read_text().splitlines()
    node.logins = dict(line.split(" ", 1) for line in logins)
    node.tokens.update(done["tokens"])


@pytest.fixture(scope="module")
def pair(tmp_path_factory, node_databases):
    base = tmp_path_factory.mktemp("nodes")
    kz = LocalNode("KZ", base / "kz", time_zone="Asia/Almaty", database_url=node_databases[0])
    by = LocalNode("BY", base / "by", time_zone="Europe/Minsk", database_url=node_databases[1])
    try:
        parallel(lambda: set_up(kz), lambda: set_up(by))
        parallel(lambda: kz.trust(by), lambda: by.trust(kz))
        yield kz, by
    finally:
        kz.stop()
        by.stop()
        for node in (kz, by):  # what the processes said, should a test have failed
            log = node.data_dir / "node.log"
            if log.exists():
                sys.stderr.write(f"--- {node.party} node.log (tail) ---\n")
                sys.stderr.write(log.read_text(errors="replace")[-4000:])


@pytest.fixture
def running(pair):
    kz, by = pair
    parallel(kz.start, by.start)
    return kz, by


# Seals envelopes on KZ, with KZ's keys and BY's published keys, as KZ's worker would; each spec
# says what to seal. signer: "current" (the generation valid at `created`), "fresh" (new keys BY
# never saw), "forged" (new keys under the kid of KZ's real key), "old" (the generation being
# rotated out, its validity ignored so that it can sign after the overlap too).
SEAL_ALL = """
import datetime as dt
from migrex.exchange import keys
from migrex.exchange.crypto import NodeKeys, generate_node_keys
from migrex.exchange.envelope import new_envelope, seal
from migrex.exchange.models import Peer
from migrex.exchange.receipts import format_time

def seal_all(specs):
    peer = Peer.objects.get(node_id="BY")
    gens = keys.node_keys()
    out, made = [], []
    for spec in specs:
        created = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=spec.get("created_offset", 0))
        if "reseal_of" in spec:  # the same message sealed again, as a retry would
            envelope = dict(made[spec["reseal_of"]], created=format_time(created))
        else:
            envelope = new_envelope(
                agreement="kz-by-2019", kind=spec["kind"], sender_node="KZ",
                sender_authority="kz-mvd", receiver_node="BY", receiver_authority="by-mvd",
                payload=spec["payload"], created=created,
            )
        made.append(envelope)
        when = dt.datetime.fromisoformat(envelope["created"])
        signer = spec.get("signer", "current")
        if signer == "current":
            keys_ = next(k for k in gens if k.valid_at(when))
        elif signer == "old":
            old = next(k for k in gens if k.not_after is not None)
            keys_ = NodeKeys(old.suite, old.signing, old.encryption)
        else:
            keys_ = generate_node_keys()
            if signer == "forged":
                keys_.__dict__["signing_kid"] = keys.signing_keys().signing_kid
        sealed = seal(envelope, sender=keys_, receiver_public=peer.jwks).decode()
        out.append({"sealed": sealed, "message_id": envelope["message_id"],
                    "conversation_id": envelope["conversation_id"], "kid": keys_.signing_kid})
    return out
"""
SEAL = SEAL_ALL + "print(json.dumps(seal_all(DATA)))"


def request_payload(**overrides) -> dict:
    """What KZ's case services put in a request (cases/messages.py)."""
    body = {
        "number": "KZ-MVD-2026-009999",
        "kind": "request",
        "requesting_authority": "kz-mvd",
        "requested_authority": "by-mvd",
        "summary": "Сведения о временном пребывании",
        "purpose": "Проверка законности пребывания",
        "justification": "Материалы проверки № 17/2026",
        "other_information": "",
        "topics": ["citizens_in_other_state"],
        "confidential": True,
        "persons": [PERSON],
        "attachments": [],
        "signatory": {
            "name": "Подписант KZ",
            "position": "Подписант",
            "signed_at": "2026-03-01T09:00:00Z",
        },
    }
    body.update(overrides)
    return body


# --- the scenario ---------------------------------------------------------------------------------


def test_scenario_crosses_between_two_nodes(running):
    """Request → clarification → answer, a refusal, and spontaneous information (Art. 8–10)."""
    kz, by = running
    lines: list[str] = []
    Scenario(kz, by, out=lines.append).run()
    assert sum(line.strip()[:1].isdigit() for line in lines) == 8, lines


# --- what BY refuses ------------------------------------------------------------------------------

# key → (what to seal, the HTTP status, the code)
CASES: dict[str, tuple[dict, int, str]] = {
    "tampered": ({"kind": "request", "payload": request_payload()}, 422, "decryption_failed"),
    "unknown_sender": (
        {"kind": "request", "payload": request_payload(), "signer": "fresh"},
        422,
        "unknown_sender",
    ),
    "forged_kid": (
        {"kind": "request", "payload": request_payload(), "signer": "forged"},
        422,
        "bad_signature",
    ),
    "clock_behind": (
        {"kind": "request", "payload": request_payload(), "created_offset": -600},
        422,
        "clock_skew",
    ),
    "clock_ahead": (
        {"kind": "request", "payload": request_payload(), "created_offset": 600},
        422,
        "clock_skew",
    ),
    "not_in_force": (
        {"kind": "request", "payload": request_payload()},
        422,
        "agreement_not_in_force",
    ),
    "art6": (
        {
            "kind": "request",
            "payload": request_payload(
                persons=[{**PERSON, "data": {**PERSON["data"], "religion": "—"}}]
            ),
        },
        422,
        "payload_invalid",
    ),
    "unusable_payload": (
        {"kind": "request", "payload": request_payload(persons="Оганесян А.")},
        422,
        "payload_invalid",
    ),
    "replayed": ({"kind": "request", "payload": request_payload()}, 200, "accepted"),
}
RESEALED = len(CASES)  # the replayed message sealed a second time, as a worker's retry


def terminated_profile(tmp: Path) -> Path:
    """kz-by-2019 as a new profile version recording a termination notice received on
    15 January 2024: terminated since 16 July 2024 (Art. 17), so not in force today."""
    shipped = ROOT / "migrex" / "agreements" / "profiles" / "kz-by-2019.yaml"
    text = shipped.read_text(encoding="utf-8")
    notice = (
        "  - kind: termination-notice\n    party: KZ\n    date: 2024-01-15\n"
        '    article: "17"\n\nrules:\n'
    )
    assert text.count("\nrules:\n") == 1
    path = tmp / "kz-by-2019-terminated.yaml"
    path.write_text(text.replace("\nrules:\n", "\n" + notice), encoding="utf-8")
    return path


def tamper(sealed: bytes) -> bytes:
    """One character of the JWE ciphertext changed (still canonical base64url)."""
    parts = sealed.split(b".")
    middle = len(parts[3]) // 2
    flipped = b"B" if parts[3][middle : middle + 1] == b"A" else b"A"
    parts[3] = parts[3][:middle] + flipped + parts[3][middle + 1 :]
    return b".".join(parts)


@pytest.fixture(scope="module")
def refusals(pair, tmp_path_factory):
    """Everything of CASES POSTed to BY once: per case the bytes sent, HTTP status and body;
    BY's audit log and case counts around it."""
    kz, by = pair
    parallel(kz.start, by.start)
    by_op = Api(by, "by-operator")
    cases_before = case_count(by_op)
    specs = [spec for spec, _, _ in CASES.values()] + [{"reseal_of": list(CASES).index("replayed")}]
    sealed = script(kz, SEAL, specs)
    sent: dict[str, dict] = {}
    for (name, _), item in zip(CASES.items(), sealed, strict=False):
        raw = item["sealed"].encode()
        sent[name] = dict(item, raw=tamper(raw) if name == "tampered" else raw)
    results: dict[str, tuple[int, bytes]] = {}
    for name in CASES:
        if name != "not_in_force":
            results[name] = post(by, sent[name]["raw"])
    # The replay: the very same bytes again, then the same message sealed afresh.
    results["replayed_again"] = post(by, sent["replayed"]["raw"])
    resealed = dict(sealed[RESEALED], raw=sealed[RESEALED]["sealed"].encode())
    results["resealed"] = post(by, resealed["raw"])
    # Agreement not in force: BY loads a new version of the profile recording a termination,
    # receives the envelope, and goes back to the shipped profile.
    profile = terminated_profile(tmp_path_factory.mktemp("profiles"))
    assert "new-version" in by.migrex("agreements", "load", str(profile))
    results["not_in_force"] = post(by, sent["not_in_force"]["raw"])
    reloaded, log = parallel(
        lambda: by.migrex("agreements", "load", "kz-by-2019"), lambda: audit(by)
    )
    assert "new-version" in reloaded
    return {
        "sent": sent,
        "resealed": resealed,
        "results": results,
        "audit": log,
        "cases_before": cases_before,
        "cases_after": case_count(by_op),
    }


@pytest.mark.parametrize("name", [n for n, (_, status, _) in CASES.items() if status != 200])
def test_refused_with_code_and_audit_entry(refusals, pair, name):
    _, by = pair
    _, status, code = CASES[name]
    sent = refusals["sent"][name]
    got_status, body = refusals["results"][name]
    assert got_status == status, body
    # Only an envelope whose signature verified is named in the refusal (docs/protocol.md §11).
    authenticated = name not in ("tampered", "unknown_sender", "forged_kid")
    refusal = reply_to(by, sent["raw"], body, sent["message_id"] if authenticated else None)
    assert isinstance(refusal, Refusal)
    assert refusal.code == code, refusal.detail
    assert refusal.message_id == (sent["message_id"] if authenticated else None)
    entries = [
        e
        for e in refusals["audit"]
        if e["action"] == "message.refused" and e["detail"]["digest"] == digest(sent["raw"])
    ]
    assert [e["detail"]["code"] for e in entries] == [code]
    if name == "art6":
        assert "religion" in refusal.detail and "Art. 6" in refusal.detail
    if name == "not_in_force":
        assert "Art. 17" in refusal.detail
    if name == "unusable_payload":  # a signed refusal, not a 500 the sender would retry for hours
        assert "payload.persons" in refusal.detail


def test_refused_messages_create_no_case(refusals):
    """Of everything sent, only the replayed request became a case on BY, once."""
    assert refusals["cases_after"] == refusals["cases_before"] + 1


def test_replay_gets_the_original_receipt_and_changes_nothing(refusals, pair):
    _, by = pair
    sent, results = refusals["sent"]["replayed"], refusals["results"]
    status, first = results["replayed"]
    assert status == 200
    receipt = reply_to(by, sent["raw"], first, sent["message_id"])
    assert isinstance(receipt, Receipt) and receipt.status == "accepted"
    # The very same bytes again: the original receipt, byte for byte.
    assert results["replayed_again"] == (200, first)
    # The same message sealed afresh (other bytes): a receipt over those bytes, "duplicate".
    resealed = refusals["resealed"]
    status, body = results["resealed"]
    assert status == 200
    again = reply_to(by, resealed["raw"], body, sent["message_id"])
    assert isinstance(again, Receipt) and again.status == "duplicate"
    log = refusals["audit"]
    received = [e for e in log if e["action"] == "message.received"]
    assert [e["subject"] for e in received].count(sent["message_id"]) == 1
    duplicates = [e for e in log if e["action"] == "message.duplicate"]
    assert [e["subject"] for e in duplicates].count(sent["message_id"]) == 2


def post_batch(node: LocalNode, envelopes: list) -> tuple[int, dict]:
    body = json.dumps({"envelopes": envelopes}).encode()
    status, reply = post(node, body, "/exchange/inbox/batch", "application/json")
    return status, json.loads(reply)


def test_a_batch_is_answered_in_order_each_as_if_alone(refusals, pair):
    """docs/protocol.md §8.1: one POST, several envelopes, one reply each, in order."""
    _, by = pair
    names = ["tampered", "replayed", "art6", "unknown_sender"]
    sent = [refusals["sent"][n] for n in names]
    status, body = post_batch(by, [s["raw"].decode() for s in sent])
    assert status == 200
    replies = body["replies"]
    assert [r["status"] for r in replies] == [422, 200, 422, 422]
    # The replayed message: the very receipt it got when it came alone.
    assert replies[1]["token"].encode() == refusals["results"]["replayed"][1]
    for name, item, reply in zip(names, sent, replies, strict=True):
        if name != "replayed":
            expected = CASES[name][2]
            authenticated = name not in ("tampered", "unknown_sender")
            mid = item["message_id"] if authenticated else None
            refusal = reply_to(by, item["raw"], reply["token"].encode(), mid)
            assert isinstance(refusal, Refusal) and refusal.code == expected


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"not json", "JSON object"),
        (b'{"envelopes": "abc"}', "list of JWE"),
        (b'{"envelopes": []}', "1 to 100"),
        (json.dumps({"envelopes": ["a.b.c.d.e"] * 101}).encode(), "1 to 100"),
        ('{"envelopes": ["é"]}'.encode(), "ASCII"),
    ],
)
def test_a_malformed_batch_is_refused_with_the_reason(running, body, reason):
    _, by = running
    status, reply = post(by, body, "/exchange/inbox/batch", "application/json")
    assert status == 400
    assert reason in json.loads(reply)["error"]


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

operator = User.objects.get(username="kz-operator")
signatory = User.objects.get(username="kz-signatory")
made = []
for kind, fields in DATA["cases"]:
    case = create_draft(
        actor=operator, agreement=Agreement.objects.get(code="kz-by-2019"),
        requested_authority=Authority.objects.get(code="by-mvd"), kind=kind, **fields,
    )
    transition(case=case, action="submit", actor=operator)
    transition(case=case, action="sign", actor=signatory, confirmed=True)
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
