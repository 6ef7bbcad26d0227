"""A dataset travels as a `statistics` message (Art. 3.1.1): the sender queues it in the outbox,
the receiver's handler checks it and keeps it as a received dataset, audited; a payload that
does not fit is refused and leaves nothing."""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest

from migrex.agreements.models import Agreement, Authority
from migrex.agreements.services import load
from migrex.audit.models import AuditEntry
from migrex.core.errors import Invalid
from migrex.exchange.models import OutboxMessage
from migrex.stats import services
from migrex.stats.models import Dispatch, StatDataset
from migrex.stats.tests.conftest import ARMENIANS, BELARUSIANS

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(armenians, officers):
    message = services.send_dataset(
        dataset=armenians,
        agreement=Agreement.objects.get(code="kz-by-2019"),
        receiver=Authority.objects.get(code="by-mvd"),
        actor=officers["kz_signatory"],
    )
    return message


def test_sending_queues_a_statistics_message_and_records_the_dispatch(queued, armenians):
    assert (queued.kind, queued.sender_authority, queued.receiver_authority) == (
        "statistics",
        "kz-mvd",
        "by-mvd",
    )
    body = queued.payload
    assert (body["article"], body["indicator"], body["unit"]) == ("3.1.1", ARMENIANS, "человек")
    assert body["observations"][1] == {
        "period": "2025",
        "key": {"citizenship": "AM"},
        "value": "2134",
        "attributes": {},
    }
    dispatch = Dispatch.objects.get()
    assert dispatch.message_id == queued.id and dispatch.dataset == armenians
    assert AuditEntry.objects.filter(action="stats.sent", subject=f"stats:{armenians.pk}").exists()


def test_the_handler_keeps_the_dataset_for_the_receiving_authority(queued, armenians, both_nodes):
    assert both_nodes.receive(queued).code == "accepted"
    received = StatDataset.objects.get(origin="received")
    assert (received.origin, received.authority.code, received.provider.code) == (
        "received",
        "by-mvd",
        "kz-mvd",
    )
    assert (received.indicator, received.agreement.code, str(received.message_id)) == (
        ARMENIANS,
        "kz-by-2019",
        str(queued.id),
    )
    assert [(o.period, o.key, o.number) for o in received.observations.all()] == [
        (o.period, o.key, o.number) for o in armenians.observations.all()
    ]
    entry = AuditEntry.objects.get(action="stats.received")
    assert (entry.actor, entry.subject) == ("kz-mvd", str(queued.id))


def _broken(payload: dict) -> dict:
    changes = {
        "no columns": lambda p: p.pop("columns"),
        "two periods": lambda p: p["columns"].append(["year", "period"]),
        "unknown format": lambda p: p.update(format="xlsx"),
        "no observations": lambda p: p.update(observations=[]),
        "a period that is not one": lambda p: p["observations"][0].update(period="2024-13"),
        "a value that is not a number": lambda p: p["observations"][0].update(value="2 6x3"),
        "a number, not a string": lambda p: p["observations"][0].update(value=2623),
        "a key of other dimensions": lambda p: p["observations"][0].update(key={"sex": "F"}),
        "an unknown attribute": lambda p: p["observations"][0].update(attributes={"X": "1"}),
        "the same observation twice": lambda p: p["observations"].append(p["observations"][0]),
        "no indicator": lambda p: p.update(indicator="  "),
        "no title": lambda p: p.pop("title"),
    }
    cases: dict[str, object] = {}
    for name, change in changes.items():
        copied = copy.deepcopy(payload)
        change(copied)
        cases[name] = copied
    return cases


def test_a_payload_that_does_not_fit_is_refused_and_leaves_nothing(queued, both_nodes):
    """What the schema says (members and their types) is refused naming the member; what only
    the figures say (periods, numbers, keys) with the article, as an imported file would be."""
    for name, payload in _broken(queued.payload).items():
        refusal = both_nodes.refusal(both_nodes.send_as_is("statistics", payload))
        detail = refusal["detail"]
        assert refusal["code"] in ("payload_invalid", "statistics_invalid"), name
        assert "payload." in detail, name
        if refusal["code"] == "statistics_invalid":  # a rule of the figures, with its article
            assert refusal["article"] == "3.1.1", name
    assert not StatDataset.objects.filter(origin="received").exists()
    assert not AuditEntry.objects.filter(action="stats.received").exists()


def test_a_received_dataset_is_not_passed_on(queued, officers, both_nodes):
    """Art. 11.3: passing received information on needs the provider's consent."""
    assert both_nodes.receive(queued).code == "accepted"
    received = StatDataset.objects.get(origin="received")
    with pytest.raises(Invalid) as caught:
        services.send_dataset(
            dataset=received,
            agreement=Agreement.objects.get(code="kz-by-2019"),
            receiver=Authority.objects.get(code="kz-mvd"),
            actor=officers["by_supervisor"],
        )
    assert (caught.value.errors[0].code, caught.value.errors[0].article) == (
        "not_own_dataset",
        "11.3",
    )


def test_nothing_is_sent_under_an_agreement_not_in_force(armenians, officers):
    """Art. 17: the Kazakhstan–Armenia agreement was signed but not yet in force."""
    load("kz-am-2024")
    with pytest.raises(Invalid) as caught:
        services.send_dataset(
            dataset=armenians,
            agreement=Agreement.objects.get(code="kz-am-2024"),
            receiver=Authority.objects.filter(party_id="AM").first(),
            actor=officers["kz_signatory"],
        )
    assert caught.value.errors[0].code == "agreement_not_in_force"
    assert not OutboxMessage.objects.exists() and not Dispatch.objects.exists()


def test_nothing_is_sent_within_the_same_party(armenians, officers):
    with pytest.raises(Invalid):
        services.send_dataset(
            dataset=armenians,
            agreement=Agreement.objects.get(code="kz-by-2019"),
            receiver=Authority.objects.get(code="kz-labour"),
            actor=officers["kz_signatory"],
        )
    assert not OutboxMessage.objects.exists()


def test_the_inbox_accepts_a_sealed_statistics_message_once(queued, both_nodes):
    """Signed and encrypted as between nodes: the inbox hands the kind to the handler, which
    keeps it; the same message again changes nothing."""
    reply = both_nodes.receive(queued)
    assert (reply.status, reply.code) == (200, "accepted")
    received = StatDataset.objects.get(origin="received")
    assert received.authority.code == "by-mvd" and received.message_id == queued.id
    assert both_nodes.receive(queued).code == "duplicate"
    assert StatDataset.objects.filter(origin="received").count() == 1


def test_the_inbox_refuses_a_malformed_statistics_message(queued, both_nodes):
    queued.payload["observations"][0]["value"] = "две тысячи"
    reply = both_nodes.receive(queued)
    assert (reply.status, reply.code) == (422, "statistics_invalid")
    refused = AuditEntry.objects.filter(action="message.refused").last()
    assert "observations[0]" in refused.detail["detail"] and "3.1.1" in refused.detail["detail"]
    assert not StatDataset.objects.filter(origin="received").exists()


def test_mirror_figures_arrive_through_the_outbox(mirror_pair):
    _ours, theirs = mirror_pair
    assert (theirs.provider.code, theirs.authority.code, theirs.indicator) == (
        "by-mvd",
        "kz-mvd",
        BELARUSIANS,
    )
    assert [o.number for o in theirs.observations.all()] == [Decimal(1420), Decimal(1530)]
