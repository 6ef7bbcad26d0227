"""Two real node processes (KZ and BY under kz-by-2019), each with its own database, keys, web
server and delivery worker, exchanging over HTTP on this machine (the pair: conftest.py).

- The whole case scenario crosses: a request with a clarification and an answer, a refusal,
  information without a request (migrex/shell/scenario.py).
- What the BY node must refuse, POSTed to its inbox as raw bytes: each answer is a signed refusal
  with its stable code (verified against BY's published keys) and leaves a `message.refused`
  entry in BY's audit log; a replay changes nothing; a batch is answered as its envelopes alone.
"""

from __future__ import annotations

import json

import pytest

from migrex.exchange.envelope import digest
from migrex.exchange.receipts import Receipt, Refusal
from migrex.exchange.tests.conftest import (
    SEAL,
    audit,
    case_count,
    parallel,
    post,
    reply_to,
    request_payload,
    script,
    tamper,
    terminated_profile,
)
from migrex.shell.nodes import Api, LocalNode
from migrex.shell.scenario import PERSON, Scenario

pytestmark = pytest.mark.nodes


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
        "field_not_allowed",
    ),
    "unusable_payload": (
        {"kind": "request", "payload": request_payload(persons="Оганесян А.")},
        422,
        "payload_invalid",
    ),
    "replayed": ({"kind": "request", "payload": request_payload()}, 200, "accepted"),
}
RESEALED = len(CASES)  # the replayed message sealed a second time, as a worker's retry


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
    if authenticated:
        assert [e["detail"]["code"] for e in entries] == [code]
    else:  # one entry per address and window (audit/repeats.py): the first one, or none
        assert [e["detail"]["code"] for e in entries] in ([code], [])
    if name == "art6":
        assert "religion" in refusal.detail and "Art. 6" in refusal.detail
    if name == "not_in_force":
        assert "Art. 17" in refusal.detail
    if name == "unusable_payload":  # a signed refusal, not a 500 the sender would retry for hours
        assert "payload.persons" in refusal.detail


def test_unauthenticated_refusals_from_one_address_make_one_entry(refusals):
    """Of the envelopes no known sender signed, the first of the window is audited; the others
    are counted into the next window's entry, not appended one by one."""
    digests = {
        digest(refusals["sent"][n]["raw"]) for n in ("tampered", "unknown_sender", "forged_kid")
    }
    entries = [
        e for e in refusals["audit"]
        if e["action"] == "message.refused" and e["detail"]["digest"] in digests
    ]  # fmt: skip
    assert len(entries) == 1


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
