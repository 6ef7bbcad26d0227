"""Benchmark: end-to-end delivery between two real nodes, beside a bare baseline.

Two nodes (KZ, BY) on this machine, each with its own SQLite database. N request messages (default
2,000, each with a person record) wait in KZ's outbox; KZ's delivery code (claim, seal: JWS + JWE,
POST, verify the signed receipt, mark delivered) sends them with K threads to BY's `migrex serve`,
which decrypts, verifies, checks, deduplicates, validates against the agreement, creates the case,
writes the audit entry and signs the receipt. The baseline POSTs the same payloads as plain JSON to
the same server, which stores each as an inbox row: no cryptography, no checks, no case.

    .venv/bin/python bench/exchange_throughput.py [--messages 2000] [--threads 4]

Targets (issue): at least 200 messages/s, and at least half the baseline's throughput.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._harness import setup_django
from migrex.core.nodes import pair
from migrex.core.scenario import PERSON

QUEUE = """
import uuid
from migrex.exchange.models import OutboxMessage
rows = []
for i in range(DATA["n"]):
    rows.append(OutboxMessage(
        agreement="kz-by-2019", conversation_id=uuid.uuid4(), kind="request",
        sender_authority="kz-mvd", receiver_authority="by-mvd", receiver_party="BY",
        payload={"number": f"KZ-MVD-2026-{i:06d}", "kind": "request",
                 "requesting_authority": "kz-mvd", "requested_authority": "by-mvd",
                 "summary": f"Сведения о временном пребывании, запрос {i}",
                 "purpose": "Проверка законности пребывания",
                 "justification": "Материалы проверки", "other_information": "",
                 "topics": ["citizens_in_other_state"], "confidential": True,
                 "persons": [DATA["person"]], "attachments": [],
                 "signatory": {"name": "Подписант KZ", "position": "Заместитель министра",
                               "signed_at": "2026-11-22T09:00:00+00:00"}},
    ))
OutboxMessage.objects.bulk_create(rows, batch_size=500)
print(json.dumps(len(rows)))
"""


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run_threads(threads: int, work) -> tuple[float, list[float]]:
    """Run `work(index, latencies)` in `threads` threads; wall seconds and all latencies (ms)."""
    latencies: list[list[float]] = [[] for _ in range(threads)]
    pool = [threading.Thread(target=work, args=(i, latencies[i])) for i in range(threads)]
    start = time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return time.perf_counter() - start, [x for part in latencies for x in part]


def exchange(threads: int) -> tuple[float, list[float], dict]:
    from django.db import connection
    from django.db.models import Count

    from migrex.exchange.delivery import Http, claim, send
    from migrex.exchange.models import OutboxMessage

    def work(index: int, latencies: list[float]) -> None:
        client = Http()
        try:
            while batch := claim(f"bench-{index}", limit=10):
                for message in batch:
                    start = time.perf_counter()
                    send(message, client)
                    latencies.append((time.perf_counter() - start) * 1000)
        finally:
            connection.close()

    wall, latencies = run_threads(threads, work)
    outcome = dict(OutboxMessage.objects.values_list("status").annotate(n=Count("pk")))
    return wall, latencies, outcome


def baseline(url: str, n: int, threads: int) -> tuple[float, list[float]]:
    import http.client
    import uuid

    from migrex.exchange.envelope import uuid7

    def body(i: int) -> bytes:
        return json.dumps(
            {
                "message_id": str(uuid7()),
                "conversation_id": str(uuid.uuid4()),
                "agreement": "kz-by-2019",
                "kind": "request",
                "sender_node": "KZ",
                "payload": {"number": f"KZ-MVD-2026-{i:06d}", "persons": [PERSON]},
            },
            ensure_ascii=False,
        ).encode()

    counter = iter(range(n))
    lock = threading.Lock()
    host, port = url.removeprefix("http://").split(":")

    def work(index: int, latencies: list[float]) -> None:
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            data = body(i)
            start = time.perf_counter()
            conn.request(
                "POST",
                "/exchange/baseline",
                body=data,
                headers={"Content-Type": "application/json"},
            )
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                raise SystemExit(f"baseline: HTTP {response.status}")
            latencies.append((time.perf_counter() - start) * 1000)

    return run_threads(threads, work)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="migrex-bench-") as tmp:
        print("Preparing two nodes…", flush=True)
        kz, by = pair(Path(tmp))
        by.extra_env["MIGREX_BENCH_BASELINE"] = "1"
        kz.python(QUEUE, {"n": args.messages, "person": PERSON})
        by.start(worker=False)
        try:
            setup_django(kz.env)
            wall, lat, outcome = exchange(args.threads)
            base_wall, base_lat = baseline(by.url, args.messages, args.threads)
        finally:
            by.stop()
    n = args.messages
    rate, base_rate = n / wall, n / base_wall
    print(f"\n{n} messages, {args.threads} sender threads, both nodes on this machine (SQLite)")
    print(f"  {'':<34}{'msg/s':>8}{'median ms':>11}{'p99 ms':>9}")
    print(
        f"  {'exchange (sealed, receipted)':<34}{rate:>8.0f}{statistics.median(lat):>11.1f}"
        f"{percentile(lat, 0.99):>9.1f}"
    )
    print(
        f"  {'baseline (plain JSON, stored)':<34}{base_rate:>8.0f}"
        f"{statistics.median(base_lat):>11.1f}{percentile(base_lat, 0.99):>9.1f}"
    )
    print(f"  ratio exchange / baseline: {rate / base_rate:.2f}")
    print(f"  outbox after the run: {outcome}")
    ok = outcome == {"delivered": n} and rate >= 200 and rate >= base_rate / 2
    print(
        f"  targets (>= 200 msg/s, >= 0.5 x baseline, all delivered): {'met' if ok else 'MISSED'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
