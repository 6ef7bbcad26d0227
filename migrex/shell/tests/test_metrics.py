"""GET /metrics: absent without a token configured, refused without the right bearer token, and
with it every metric family, its values read from the database."""

import datetime as dt

import pytest
from django.test import Client, override_settings
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from migrex.audit.actions import Action
from migrex.audit.models import AuditHead
from migrex.audit.services import record
from migrex.cases.models import Case
from migrex.cases.workflow import Side
from migrex.conftest import send
from migrex.exchange.models import OutboxMessage

TOKEN = "s3cret-metrics-token"
pytestmark = pytest.mark.django_db


def scrape() -> dict[tuple[str, frozenset], float]:
    with override_settings(MIGREX_METRICS_TOKEN=TOKEN):
        response = Client().get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def value(samples, name: str, **labels) -> float:
    return samples[name, frozenset(labels.items())]


def test_without_a_token_configured_there_is_no_metrics_page():
    with override_settings(MIGREX_METRICS_TOKEN=""):
        assert Client().get("/metrics", headers={"Authorization": "Bearer x"}).status_code == 404


@pytest.mark.parametrize(
    ("header", "status"),
    [
        ({}, 401),
        ({"Authorization": "Basic czNjcmV0"}, 401),
        ({"Authorization": "Bearer "}, 401),
        ({"Authorization": "Bearer wrong-token"}, 403),
        ({"Authorization": f"Bearer {TOKEN}x"}, 403),
    ],
)
def test_a_missing_or_wrong_token_is_refused(header, status):
    with override_settings(MIGREX_METRICS_TOKEN=TOKEN):
        response = Client().get("/metrics", headers=header)
    assert response.status_code == status
    assert b"migrex_" not in response.content


def test_a_signed_in_officer_without_the_token_is_refused(officers):
    client = Client()
    client.force_login(officers["kz_auditor"])
    with override_settings(MIGREX_METRICS_TOKEN=TOKEN):
        assert client.get("/metrics").status_code == 401


def test_an_empty_node_answers_every_family_with_zeros():
    samples = scrape()
    assert value(samples, "migrex_outbox_depth") == 0
    assert value(samples, "migrex_outbox_oldest_age_seconds") == 0
    assert value(samples, "migrex_delivery_latency_seconds_count") == 0
    assert value(samples, "migrex_requests_overdue", side="requested") == 0
    assert value(samples, "migrex_sign_in_failures_total", action="login.failed") == 0
    assert value(samples, "migrex_sign_in_failures_counting", stage="password") == 0


def test_the_metrics_count_messages_cases_refusals_and_failures(officers, both_nodes, deliver):
    ours, theirs = send(officers, deliver)
    # Their copy is 2 days late; one delivered message took 30 s.
    Case.objects.filter(pk=theirs.pk).update(due_date=timezone.localdate() - dt.timedelta(days=2))
    request = OutboxMessage.objects.get(kind="request")
    request.delivered_at = request.created_at + dt.timedelta(seconds=30)
    request.save(update_fields=["delivered_at"])
    # A pending message, ten minutes old.
    pending = OutboxMessage.objects.create(
        agreement="kz-by-2019",
        conversation_id=ours.conversation_id,
        kind="request",
        sender_authority="kz-mvd",
        receiver_authority="by-mvd",
        receiver_party="BY",
        payload={},
    )
    OutboxMessage.objects.filter(pk=pending.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=10)
    )
    # A message the receiver refuses, one the peer refused, a wrong password.
    refusal = both_nodes.refusal(both_nodes.send_as_is("request", {"summary": "no"}))
    record(Action.MESSAGE_REFUSED_BY_PEER, subject="x", detail={"kind": "reply", "code": "late"})
    Client().post("/login/", {"username": "kz-operator", "password": "wrong"})

    samples = scrape()

    assert value(samples, "migrex_messages_sent_total", kind="request") == 1
    assert value(samples, "migrex_messages_received_total", kind="request") == 1
    refused = {"direction": "incoming", "kind": "", "code": refusal["code"]}
    assert value(samples, "migrex_messages_refused_total", **refused) == 1
    peer = {"direction": "outgoing", "kind": "reply", "code": "late"}
    assert value(samples, "migrex_messages_refused_total", **peer) == 1
    assert value(samples, "migrex_outbox_depth") == 1
    assert value(samples, "migrex_outbox_messages", status="pending") == 1
    assert 599 <= value(samples, "migrex_outbox_oldest_age_seconds") < 700
    assert value(samples, "migrex_delivery_latency_seconds_count") == 1
    assert value(samples, "migrex_delivery_latency_seconds_sum") == pytest.approx(30)
    assert value(samples, "migrex_delivery_latency_seconds_bucket", le="15.0") == 0
    assert value(samples, "migrex_delivery_latency_seconds_bucket", le="60.0") == 1
    assert value(samples, "migrex_delivery_latency_seconds_bucket", le="+Inf") == 1
    for case in (Case.objects.get(pk=ours.pk), Case.objects.get(pk=theirs.pk)):
        labels = {"kind": case.kind, "side": case.side, "state": case.status}
        assert value(samples, "migrex_cases", **labels) == 1
    assert value(samples, "migrex_requests_overdue", side=Side.REQUESTED) == 1
    assert value(samples, "migrex_requests_overdue", side=Side.REQUESTER) == 0
    assert value(samples, "migrex_sign_in_failures_total", action="login.failed") == 1
    assert value(samples, "migrex_sign_in_failures_counting", stage="password") == 1
    assert value(samples, "migrex_audit_entries_total") == AuditHead.objects.get().seq
    assert value(samples, "migrex_audit_entries_by_action_total", action="login.failed") == 1
