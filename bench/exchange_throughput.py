"""Benchmark: end-to-end delivery between two real nodes, beside a bare baseline.

Two nodes (KZ, BY) on this machine, each with its own SQLite database. N request messages (default
2,000, each with a person record) wait in KZ's outbox; KZ's delivery code (claim, seal each: JWS +
JWE, POST up to 25 envelopes at once, verify each signed receipt, mark delivered) sends them with K
threads to BY's `migrex serve`, which decrypts, verifies, checks, deduplicates, validates against
the agreement, creates the case, writes the audit entry and signs the receipt, per envelope. The
baseline POSTs the same payloads one by one as plain JSON to the same server, which stores each as
an inbox row: no cryptography, no checks, no case. Three rounds; medians are printed.

    .venv/bin/python bench/exchange_throughput.py [--messages 2000] [--threads 4] [--rounds 3]

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
from bench._harness import baseline_server, setup_django
from migrex.shell.nodes import pair
from migrex.shell.scenario import PERSON

QUEUE = """
import uuid
from migrex.exchange.models import OutboxMessage
from migrex.shell.demo_signatory import signer
sign = signer("kz-signatory")  # each request signed with the signatory's own key (Art. 9.3)
rows = []
for i in range(DATA["start"], DATA["start"] + DATA["n"]):
    rows.append(OutboxMessage(
        agreement="kz-by-2019", conversation_id=uuid.uuid4(), kind="request",
        sender_authority="kz-mvd", receiver_authority="by-mvd", receiver_party="BY",
        payload=sign({"number": f"KZ-MVD-2026-{i:06d}", "kind": "request",
                      "requesting_authority": "kz-mvd", "requested_authority": "by-mvd",
                      "summary": f"Сведения о временном пребывании, запрос {i}",
                      "purpose": "Проверка законности пребывания",
                      "justification": "Материалы проверки", "other_information": "",
                      "topics": ["citizens_in_other_state"], "confidential": True,
                      "persons": [DATA["person"]], "attachments": []}),
    ))
OutboxMessage.objects.bulk_create(rows, batch_size=500)
print(json.dumps(len(rows)))
"""


BATCH = 25  # messages a sender thread claims and POSTs at once (docs/protocol.md §8.1)


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
            while batch := claim(f"bench-{index}", limit=BATCH):
                start = time.perf_counter()
                send(batch, client)
                # Every message of the batch waits for the batch's receipts.
                latencies.extend([(time.perf_counter() - start) * 1000] * len(batch))
        finally:
            connection.close()

    wall, latencies = run_threads(threads, work)
    requests = OutboxMessage.objects.filter(kind="request")  # not KZ's list sent by pair()
    outcome = dict(requests.values_list("status").annotate(n=Count("pk")))
    return wall, latencies, outcome


def baseline(url: str, n: int, threads: int, start: int) -> tuple[float, list[float]]:
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

    counter = iter(range(start, start + n))
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
                "/baseline",
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
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    n = args.messages
    rates, base_rates, lat, base_lat, outcomes = [], [], [], [], []
    with tempfile.TemporaryDirectory(prefix="migrex-bench-") as tmp:
        print("Preparing two nodes…", flush=True)
        kz, by = pair(Path(tmp))
        by.start(worker=False)
        try:
            kz.migrex("worker", "--once", "--idle", "0")  # KZ's signatory list first (Art. 9.4)
            with baseline_server(by.env) as base_url:
                setup_django(kz.env)
                for r in range(args.rounds):
                    kz.python(QUEUE, {"n": n, "start": r * n, "person": PERSON})
                    wall, latencies, outcome = exchange(args.threads)
                    base_wall, base_latencies = baseline(base_url, n, args.threads, r * n)
                    rates.append(n / wall)
                    base_rates.append(n / base_wall)
                    lat += latencies
                    base_lat += base_latencies
                    outcomes.append(outcome)
                    print(
                        f"  round {r + 1}: exchange {n / wall:.0f} msg/s, "
                        f"baseline {n / base_wall:.0f} msg/s",
                        flush=True,
                    )
        finally:
            by.stop()
    rate, base_rate = statistics.median(rates), statistics.median(base_rates)
    ratio = statistics.median(a / b for a, b in zip(rates, base_rates, strict=True))
    print(
        f"\n{n} messages x {args.rounds} rounds, {args.threads} sender threads, up to {BATCH} "
        "envelopes per POST; both nodes on this machine (SQLite); medians over the rounds"
    )
    print(f"  {'':<34}{'msg/s':>8}{'median ms':>11}{'p99 ms':>9}")
    print(
        f"  {'exchange (sealed, receipted)':<34}{rate:>8.0f}{statistics.median(lat):>11.1f}"
        f"{percentile(lat, 0.99):>9.1f}"
    )
    print(
        f"  {'baseline (plain JSON, stored)':<34}{base_rate:>8.0f}"
        f"{statistics.median(base_lat):>11.1f}{percentile(base_lat, 0.99):>9.1f}"
    )
    print(f"  ratio exchange / baseline: {ratio:.2f}")
    delivered = outcomes[-1]
    print(f"  outbox after the last round: {delivered}")
    ok = delivered == {"delivered": n * args.rounds} and rate >= 200 and ratio >= 0.5
    print(
        f"  targets (>= 200 msg/s, >= 0.5 x baseline, all delivered): {'met' if ok else 'MISSED'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
