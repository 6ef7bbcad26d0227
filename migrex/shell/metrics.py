"""The node's metrics in the Prometheus text format, computed from the database at each scrape.

Every fact measured here is already a row: an outbox message with its status and times, an inbox
message, a case with its status and due date, an audit entry, a failed sign-in. Reading them when
Prometheus asks, instead of counting in memory, gives the same answer from whichever of the node's
web processes serves the scrape, survives restarts, and needs none of prometheus-client's
multiprocess mode (its shared directory of mmap files, cleaned on every start). The "counters" are
counts of rows that are never deleted (sent, received, refused, audit entries), so they only grow,
as Prometheus expects of a counter; the rest are gauges of the present state.

Each query is one aggregate over an index (outbox status and kind, outbox status and creation
time, inbox kind, case kind/side/state, audit action), counting `*` so that the index alone
answers; `bench/metrics_scrape.py` prints the time of a scrape.

Nothing here carries personal data: the labels are message kinds, refusal codes, case states,
sides, audit actions and sign-in stages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import Count, DurationField, ExpressionWrapper, F, Min, Q, Sum
from django.db.models.fields.json import KT
from django.utils import timezone
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector

from migrex.accounts.models import LoginFailure
from migrex.audit.actions import Action
from migrex.audit.models import AuditEntry, AuditHead
from migrex.cases import selectors
from migrex.cases.models import Case
from migrex.exchange.models import InboxMessage, OutboxMessage

Status = OutboxMessage.Status

# Delivery latency, created → delivered, of the messages created within this window.
LATENCY_WINDOW = dt.timedelta(hours=24)
LATENCY_BUCKETS = (1.0, 5.0, 15.0, 60.0, 300.0, 900.0, 3600.0, 4 * 3600.0, 24 * 3600.0)
SIGN_IN_FAILURES = (Action.LOGIN_FAILED, Action.IDENTITY_FAILED, Action.LOGIN_LOCKED)


class NodeCollector(Collector):
    """Every metric family of the node, read from the database when collected."""

    def collect(self) -> Iterator[Metric]:
        now = timezone.now()
        yield from messages()
        yield from outbox(now)
        yield delivery_latency(now)
        yield from cases(timezone.localdate(now))
        yield from audit()
        yield from sign_in_failures()


def messages() -> Iterator[Metric]:
    sent = CounterMetricFamily(
        "migrex_messages_sent",
        "Messages delivered to and accepted by the other party's node, by kind.",
        labels=["kind"],
    )
    for row in _grouped(OutboxMessage.objects.filter(status=Status.DELIVERED), "kind"):
        sent.add_metric([row["kind"]], row["n"])
    yield sent

    received = CounterMetricFamily(
        "migrex_messages_received",
        "Messages received from the other party's node and accepted, by kind.",
        labels=["kind"],
    )
    for row in _grouped(InboxMessage.objects.all(), "kind"):
        received.add_metric([row["kind"]], row["n"])
    yield received

    refused = CounterMetricFamily(
        "migrex_messages_refused",
        "Messages refused: incoming ones this node refused (kind is empty when the envelope could "
        "not be opened), outgoing ones the other party refused; by direction, kind and code.",
        labels=["direction", "kind", "code"],
    )
    ours = AuditEntry.objects.filter(action=Action.MESSAGE_REFUSED)
    for row in _grouped(ours.annotate(code=KT("detail__code")), "code"):
        refused.add_metric(["incoming", "", row["code"] or ""], row["n"])
    theirs = AuditEntry.objects.filter(action=Action.MESSAGE_REFUSED_BY_PEER).annotate(
        code=KT("detail__code"), kind=KT("detail__kind")
    )
    for row in _grouped(theirs, "kind", "code"):
        refused.add_metric(["outgoing", row["kind"] or "", row["code"] or ""], row["n"])
    yield refused


def outbox(now: dt.datetime) -> Iterator[Metric]:
    by_status = GaugeMetricFamily(
        "migrex_outbox_messages",
        "Outbox messages by status (pending: still to deliver).",
        labels=["status"],
    )
    counts = {row["status"]: row["n"] for row in _grouped(OutboxMessage.objects, "status")}
    for status in Status.values:
        by_status.add_metric([status], counts.get(status, 0))
    yield by_status

    pending = OutboxMessage.objects.filter(status=Status.PENDING)
    yield GaugeMetricFamily(
        "migrex_outbox_depth",
        "Messages waiting in the outbox to be delivered.",
        value=counts.get(Status.PENDING, 0),
    )
    oldest = pending.aggregate(oldest=Min("created_at"))["oldest"]
    yield GaugeMetricFamily(
        "migrex_outbox_oldest_age_seconds",
        "Age of the oldest message waiting in the outbox (0 when none waits).",
        value=(now - oldest).total_seconds() if oldest else 0.0,
    )


def delivery_latency(now: dt.datetime) -> Metric:
    """A histogram rebuilt at each scrape from the messages created in the last 24 hours and
    delivered: one aggregate row with a conditional count per bucket."""
    latency = ExpressionWrapper(F("delivered_at") - F("created_at"), output_field=DurationField())
    recent = OutboxMessage.objects.filter(
        status=Status.DELIVERED, created_at__gte=now - LATENCY_WINDOW, delivered_at__isnull=False
    ).annotate(latency=latency)
    buckets = {
        f"le{i}": Count("pk", filter=Q(latency__lte=dt.timedelta(seconds=bound)))
        for i, bound in enumerate(LATENCY_BUCKETS)
    }
    row = recent.aggregate(n=Count("pk"), total=Sum("latency"), **buckets)
    cumulative = [(_bound(b), row[f"le{i}"]) for i, b in enumerate(LATENCY_BUCKETS)]
    total = row["total"]
    return HistogramMetricFamily(
        "migrex_delivery_latency_seconds",
        "Time from a message's creation to its delivery, over the messages created in the last "
        "24 hours.",
        buckets=[*cumulative, ("+Inf", row["n"])],
        sum_value=total.total_seconds() if total else 0.0,
    )


def cases(today: dt.date) -> Iterator[Metric]:
    states = GaugeMetricFamily(
        "migrex_cases",
        "Cases (each side's copy of a request or of information sent without one) by kind, side "
        "and state.",
        labels=["kind", "side", "state"],
    )
    for row in _grouped(Case.objects, "kind", "side", "status"):
        states.add_metric([row["kind"], row["side"], row["status"]], row["n"])
    yield states

    overdue = GaugeMetricFamily(
        "migrex_requests_overdue",
        "Open requests past their 30-day period (Art. 10.3), postponements that hold excepted, "
        "by side.",
        labels=["side"],
    )
    found = selectors.overdue_on_node(today)
    for side in ("requested", "requester"):
        overdue.add_metric([side], found.get(side, 0))
    yield overdue


def audit() -> Iterator[Metric]:
    head = AuditHead.objects.values_list("seq", flat=True).first()
    yield CounterMetricFamily("migrex_audit_entries", "Entries in the audit log.", value=head or 0)
    by_action = CounterMetricFamily(
        "migrex_audit_entries_by_action", "Entries in the audit log, by action.", labels=["action"]
    )
    for row in _grouped(AuditEntry.objects, "action"):
        by_action.add_metric([row["action"]], row["n"])
    yield by_action


def sign_in_failures() -> Iterator[Metric]:
    failures = CounterMetricFamily(
        "migrex_sign_in_failures",
        "Failed sign-ins recorded in the audit log: a wrong password or one-time code "
        "(login.failed), a wrong password before a signature or a wrong code (identity.failed), "
        "an attempt on a locked account (login.locked).",
        labels=["action"],
    )
    counts = {
        row["action"]: row["n"]
        for row in _grouped(AuditEntry.objects.filter(action__in=SIGN_IN_FAILURES), "action")
    }
    for action in SIGN_IN_FAILURES:
        failures.add_metric([action.value], counts.get(action.value, 0))
    yield failures

    counting = GaugeMetricFamily(
        "migrex_sign_in_failures_counting",
        "Failed proofs of identity still counting towards a lockout, by stage.",
        labels=["stage"],
    )
    counts = {row["stage"]: row["n"] for row in _grouped(LoginFailure.objects, "stage")}
    for stage in LoginFailure.Stage.values:
        counting.add_metric([stage], counts.get(stage, 0))
    yield counting


def _grouped(rows, *fields: str):
    return rows.values(*fields).annotate(n=Count("*")).order_by()


def _bound(seconds: float) -> str:
    return str(float(seconds))
