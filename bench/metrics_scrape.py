"""Benchmark: one scrape of GET /metrics over a node with some thousands of rows.

Seeds a fresh node (SQLite and, if given, PostgreSQL) with N cases (bench/cases_pages.py's seed),
N outbox messages (every status, a dozen kinds, delivered ones with their times, some within the
latency window), N inbox messages, N audit entries (login failures and refusals among them) and
N / 20 failed sign-ins, then times scrapes through the Django handler (token check, the collector's
queries, the text format) beside GET /healthz in the same process as the baseline.

    .venv/bin/python bench/metrics_scrape.py [--rows 10000] [--scrapes 50]
        [--postgres postgres://postgres@127.0.0.1:5432/postgres]

Target: a scrape well under Prometheus's default 10 s timeout; aimed at under 100 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._harness import (
    database_options,
    each_database,
    node_environment,
    setup_django,
    summary,
    timed,
)

TOKEN = "bench-metrics-token"  # noqa: S105 - a throwaway node's
KINDS = ["request", "registered", "reply", "refusal", "information", "consent_request", "ack"]


def seed(n: int) -> None:
    from django.utils import timezone

    from bench.cases_pages import seed as seed_cases
    from migrex.accounts.models import LoginFailure
    from migrex.audit.models import AuditEntry, AuditHead
    from migrex.exchange.models import InboxMessage, OutboxMessage

    seed_cases(n)
    rng = random.Random(11)
    now = timezone.now()
    statuses = ["delivered"] * 8 + ["pending", "refused", "undeliverable"]
    outbox = []
    for _ in range(n):
        created = now - dt.timedelta(minutes=rng.randint(0, 60 * 24 * 30))
        status = rng.choice(statuses)
        delivered = created + dt.timedelta(seconds=rng.expovariate(1 / 20))
        outbox.append(
            OutboxMessage(
                agreement="kz-by-2019",
                conversation_id=uuid.uuid4(),
                kind=rng.choice(KINDS),
                sender_authority="by-mvd",
                receiver_authority="kz-mvd",
                receiver_party="KZ",
                payload={},
                status=status,
                delivered_at=delivered if status == "delivered" else None,
            )
        )
    OutboxMessage.objects.bulk_create(outbox, batch_size=2000)
    # auto_now_add set every creation time to now: spread them over the month.
    for message in outbox:
        message.created_at = now - dt.timedelta(minutes=rng.randint(0, 60 * 24 * 30))
    OutboxMessage.objects.bulk_update(outbox, ["created_at"], batch_size=2000)
    InboxMessage.objects.bulk_create(
        (
            InboxMessage(
                message_id=uuid.uuid4(),
                conversation_id=uuid.uuid4(),
                sender_node="KZ",
                agreement="kz-by-2019",
                kind=rng.choice(KINDS),
                digest="0" * 64,
                signed="x",
                receipt="x",
                received_at=now,
            )
            for _ in range(n)
        ),
        batch_size=2000,
    )
    actions = ["personal_data.read"] * 6 + ["message.received", "message.sent", "login.failed"]
    entries = []
    first = (AuditHead.objects.values_list("seq", flat=True).first() or 0) + 1
    for seq in range(first, first + n):
        action = "message.refused" if seq % 50 == 0 else rng.choice(actions)
        detail = {"code": rng.choice(["schema", "route", "signature"])} if seq % 50 == 0 else {}
        entries.append(
            AuditEntry(seq=seq, at=now, action=action, detail=detail, prev_hash="0", hash="0")
        )
    AuditEntry.objects.bulk_create(entries, batch_size=2000)
    AuditHead.objects.update(seq=first + n - 1)
    LoginFailure.objects.bulk_create(
        LoginFailure(username=f"u{i}", address="10.0.0.1", stage="password", at=now)
        for i in range(n // 20)
    )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def run_one(database: str, rows: int, scrapes: int) -> bool:
    label = "SQLite" if database == "sqlite" else "PostgreSQL"
    with node_environment(database) as env:
        env["MIGREX_METRICS_TOKEN"] = TOKEN
        env["MIGREX_LOG_LEVEL"] = "WARNING"  # not a request line for each of the scrapes
        setup_django(env)
        seed(rows)
        from django.test import Client

        client = Client(headers={"Host": "localhost"})
        auth = {"Authorization": f"Bearer {TOKEN}"}
        response = client.get("/metrics", headers=auth)
        assert response.status_code == 200, response.status_code
        body = response.content
        scrape = summary(timed(lambda: client.get("/metrics", headers=auth), scrapes))
        base = summary(timed(lambda: client.get("/healthz"), scrapes))
    print(f"\n{label}: {rows} cases, outbox and inbox messages, audit entries each")
    print(f"  {'':<20}{'median ms':>10}{'p95 ms':>10}")
    print(f"  {'baseline /healthz':<20}{base[0]:>10.1f}{base[1]:>10.1f}")
    print(f"  {'/metrics':<20}{scrape[0]:>10.1f}{scrape[1]:>10.1f}")
    families = body.count(b"# TYPE ")
    print(f"  {len(body)} bytes, {families} families")
    missed = scrape[1] >= 100
    print(f"  target p95 < 100 ms: {'MISSED' if missed else 'met'}")
    return missed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--scrapes", type=int, default=50)
    database_options(parser)  # --postgres, and --only: one database, in a child process
    args = parser.parse_args()
    if args.only:
        return 1 if run_one(args.only, args.rows, args.scrapes) else 0
    return each_database(
        __file__, args.postgres, "--rows", str(args.rows), "--scrapes", str(args.scrapes)
    )


if __name__ == "__main__":
    sys.exit(main())
