"""A peer holding valid keys that breaks the treaty (docs/protocol.md §9.2): two real node
processes; KZ's keys seal what a wrong, old or hostile implementation would send, and BY holds
each message to the rules its own officers are held to. Every violation is refused with its code,
article and member, audited, and leaves nothing behind; the valid message after it is accepted,
all in one batch, so that one bad envelope never costs the others."""

from __future__ import annotations

import json
import uuid

import pytest

from migrex.cases.tests.node_steps import by_request, wait_for
from migrex.conftest import PERSON
from migrex.exchange.receipts import Receipt, Refusal
from migrex.exchange.tests.conftest import (  # noqa: F401 - fixtures
    SEAL,
    audit,
    case_count,
    pair,
    parallel,
    post,
    reply_to,
    request_payload,
    script,
    terminated_profile,
)
from migrex.shell.nodes import Api

pytestmark = pytest.mark.nodes

STRANGER = {**PERSON, "data": {**PERSON["data"], "citizenship": ["AM"]}}
TEXT = {"text": "", "persons": []}


# name: (what the rogue seals, the code BY answers: "accepted" or the refusal's code, article)
def plan(own: str) -> dict[str, tuple[dict, str, str | None]]:
    return {
        "empty_summary": (
            {"kind": "request", "payload": request_payload(summary=" ")},
            "summary_required",
            "9.2",
        ),
        "unknown_topic": (
            {"kind": "request", "payload": request_payload(topics=["unicorns"])},
            "topic_not_allowed",
            "3",
        ),
        "not_a_citizen": (
            {"kind": "request", "payload": request_payload(persons=[STRANGER])},
            "citizenship_not_party",
            "5",
        ),
        "their_own_conversation": (
            {"kind": "request", "payload": request_payload(), "conversation_id": own},
            "conversation_conflict",
            "9.1",
        ),
        "valid_request": ({"kind": "request", "payload": request_payload()}, "accepted", None),
        "reused_conversation": (
            {"kind": "request", "payload": request_payload(), "conversation_of": "valid_request"},
            "conversation_conflict",
            "9.1",
        ),
        "unasked_confirmation": (
            {
                "kind": "confirmation",
                "payload": {
                    "text": "Подтверждаем",
                    "in_reply_to": str(uuid.uuid4()),
                    "signatory": request_payload()["signatory"],
                },
                "conversation_id": own,
            },
            "illegal_move",
            None,
        ),
        "due_before_receipt": (
            {
                "kind": "registered",
                "payload": {
                    "number": "KZ-1",
                    "received_on": "2026-12-06",
                    "due_date": "2026-11-01",
                },
                "conversation_id": own,
            },
            "due_date_before_receipt",
            "10.3",
        ),
        "registered_far_away": (
            {
                "kind": "registered",
                "payload": {
                    "number": "KZ-1",
                    "received_on": "2026-12-06",
                    "due_date": "2027-12-31",
                },
                "conversation_id": own,
            },
            "accepted",
            None,
        ),
        "refusal_without_grounds": (
            {"kind": "refusal", "payload": {**TEXT, "grounds": []}, "conversation_id": own},
            "grounds_required",
            "10.4",
        ),
        "refusal_unknown_ground": (
            {
                "kind": "refusal",
                "payload": {**TEXT, "text": "Нет", "grounds": ["whim"]},
                "conversation_id": own,
            },
            "unknown_ground",
            "10.4",
        ),
        "refusal": (
            {
                "kind": "refusal",
                "payload": {**TEXT, "text": "Сведения составляют тайну", "grounds": ["security"]},
                "conversation_id": own,
            },
            "accepted",
            None,
        ),
    }


@pytest.fixture(scope="module")
def rogue(pair):  # noqa: F811 - the fixture imported above
    kz, by = pair
    parallel(kz.start, by.start)
    own = by_request(by)
    steps = plan(own["conversation_id"])
    specs = list(s for s, _, _ in steps.values())
    names = list(steps)
    for spec in specs:  # a conversation named by another step's message
        if "conversation_of" in spec:
            spec.pop("conversation_of")
            spec["reseal_conversation_of"] = names.index("valid_request")
    sealed = script(kz, SEAL, specs)
    by_op = Api(by, "by-operator")
    before = case_count(by_op)
    body = json.dumps({"envelopes": [s["sealed"] for s in sealed]}).encode()
    status, reply = post(by, body, "/exchange/inbox/batch", "application/json")
    assert status == 200, reply
    replies = json.loads(reply)["replies"]
    answers = {}
    for name, item, answer in zip(names, sealed, replies, strict=True):
        answers[name] = reply_to(
            by, item["sealed"].encode(), answer["token"].encode(), item["message_id"]
        )
    return {
        "steps": steps,
        "sealed": dict(zip(names, sealed, strict=True)),
        "answers": answers,
        "audit": audit(by),
        "cases": case_count(by_op) - before,
        "own": Api(by, "by-operator").ok("GET", f"/cases/{own['id']}"),
    }


@pytest.mark.parametrize("name", list(plan("-")))
def test_each_violation_is_refused_with_its_code_article_and_audit_entry(rogue, name):
    _, code, article = rogue["steps"][name]
    answer = rogue["answers"][name]
    if code == "accepted":
        assert isinstance(answer, Receipt), answer
        return
    assert isinstance(answer, Refusal) and answer.code == code, answer
    assert answer.article == article
    assert answer.field and (
        answer.field.startswith("payload.") or answer.field in ("conversation_id", "kind")
    )
    digest = next(
        e
        for e in rogue["audit"]
        if e["action"] == "message.refused" and e["subject"] == rogue["sealed"][name]["message_id"]
    )["detail"]
    assert digest["code"] == code and digest["field"] == answer.field


def test_nothing_refused_is_stored(rogue):
    """Of twelve envelopes, one request opened a case; BY's own request was registered and
    refused by the valid messages only, its history has nothing of the refused ones."""
    assert rogue["cases"] == 1
    own = rogue["own"]
    assert own["status"] == "refused"
    moves = [e["action"] for e in own["history"] if e["direction"] == "in"]
    assert moves == ["registered", "refusal"]


def test_the_requester_keeps_its_own_clock(rogue):
    """The 30 days run from the receipt KZ signed, whatever KZ then declares (Art. 10.3)."""
    own = rogue["own"]
    assert own["their_due_date"] == "2027-12-31"
    assert own["due_date"] != own["their_due_date"] and own["due_dates_differ"]


def test_a_refusal_by_the_receiving_node_shows_on_the_senders_case(rogue, pair, tmp_path):  # noqa: F811
    """KZ's node takes the agreement as terminated; BY's request is refused there, and BY's own
    case says so, with the code, the article and what to correct, back in its draft."""
    kz, by = pair
    assert "new-version" in kz.migrex("agreements", "load", str(terminated_profile(tmp_path)))
    try:
        operator = Api(by, "by-operator")
        sent = by_request(by, wait=False)
        case = wait_for(
            lambda: (c := operator.ok("GET", f"/cases/{sent['id']}"))["status"] == "draft" and c,
            "BY's request to come back refused",
        )
    finally:
        kz.migrex("agreements", "load", "kz-by-2019")
    refused = [e for e in case["history"] if e["action"] == "refused_by_peer"]
    assert len(refused) == 1
    assert refused[0]["article"] == "17" and "Art. 17" in refused[0]["text"]
    assert case["signature"] is None  # to be signed again once corrected
