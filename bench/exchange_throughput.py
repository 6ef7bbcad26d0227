"""Benchmark: end-to-end delivery between two real nodes, beside a bare baseline.

Two nodes (KZ, BY) on this machine, each with its own SQLite database (or, with `--database
postgres://…/postgres`, a throwaway PostgreSQL database each). N request messages (default 2,000,
each with a person record) wait in KZ's outbox; KZ's delivery code (claim, seal each: JWS + JWE,
POST the batch, verify each signed receipt, record the delivery) sends them with K threads, each
claiming as many messages at a time as the worker does (10), to BY's `migrex serve`, which
decrypts, verifies, checks, deduplicates, validates against the agreement, creates the case,
writes the audit entry and signs the receipt, per envelope. Both load what their processes
load when they start (shell/warm.py: the node's keys, the name tables) before the first round.
The baseline POSTs the same payloads one by one as plain JSON to the same server, which stores
each as an inbox row: no cryptography, no checks, no case. Three rounds; msg/s are medians over
the rounds.

A message's latency runs from the start of the claim that takes it from the outbox to its
delivery recorded (its receipt verified, committed). Its wait in the outbox before that claim is
not counted: every message is queued before a round starts, so that wait measures the backlog,
not the exchange. It is printed split by stage (STAGES): claim, seal, its turn at BY (the
request sent and waiting in BY's server, and for the opening of the envelopes before it, until
the `received_at` of its receipt, when BY opened it), BY's work from then to the reply (the
opening of the envelopes after it, the wait for BY's writer, the checks and writes of the
batch, the commit), verify + record.
CPU per message is printed for KZ's sender, BY's server and the whole machine (the database
servers too): on a machine of few cores it is the whole machine's that bounds the rate.

    .venv/bin/python bench/exchange_throughput.py [--messages 2000] [--threads 2] [--rounds 3]
        [--batch 10] [--database sqlite|postgres://…/postgres]

Targets (issue 16): at least 300 messages/s with a p99 latency under 100 ms, every message
delivered.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._harness import baseline_server, setup_django
from migrex.shell.nodes import databases, pair
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


# Messages a sender thread claims and POSTs at once (docs/protocol.md §8.1): as the worker
# (exchange/delivery.CLAIM).
BATCH = 10
# What each message's latency is made of, in order: claimed from the outbox (the claim's
# transaction), sealed (with the rest of its batch), its turn at the receiver (the POST sent,
# waiting in the receiver's server, the opening of the envelopes before it in the batch: until
# the `received_at` of its receipt, the moment the receiver opened it), the receiver's work from
# then to the reply (the envelopes after it opened, the wait for its writer, the batch taken in,
# the commit), and the sender's verifying of the receipts and recording of the delivery.
STAGES = ("claim", "seal", "to its turn at BY", "BY: turn -> reply", "verify + record")


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run_threads(threads: int, work) -> tuple[float, list]:
    """Run `work(index, samples)` in `threads` threads; wall seconds and all samples. A thread
    that fails fails the run (its rate would count messages never sent)."""
    samples: list[list] = [[] for _ in range(threads)]
    failures: list[BaseException] = []

    def run(index: int) -> None:
        try:
            work(index, samples[index])
        except BaseException as exc:
            failures.append(exc)
            raise

    pool = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    start = time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    if failures:
        raise SystemExit(f"a thread failed: {type(failures[0]).__name__}: {failures[0]}")
    return time.perf_counter() - start, [x for part in samples for x in part]


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of process `pid` so far (all its threads)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_cpu_seconds() -> float:
    """Busy CPU time of the whole machine so far, every process on every core (/proc/stat: user,
    nice, system, irq, softirq; not idle, iowait or the time the hypervisor stole)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(fields[:3]) + fields[5] + fields[6]) / os.sysconf("SC_CLK_TCK")


def received_at(token: str) -> float:
    """The receipt's `received_at` (ms precision, UTC) as a Unix time."""
    import base64
    import datetime as dt

    part = token.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    return dt.datetime.fromisoformat(claims["received_at"].replace("Z", "+00:00")).timestamp()


def exchange(threads: int, batch_size: int) -> tuple[float, list[float], dict, dict]:
    """KZ's delivery code in `threads` threads, each claiming `batch_size` messages at a time.
    A message's latency runs from the start of its claim to its delivery recorded (receipt
    verified, committed); the wait in the outbox before its claim is not counted: every message
    is queued before the round starts, so that wait measures the backlog, not the exchange.
    Returns wall seconds, latencies (ms), the outbox's statuses and the stages (ms)."""
    from django.db import connection
    from django.db.models import Count

    from migrex.exchange.client import Http
    from migrex.exchange.delivery import claim, send
    from migrex.exchange.models import OutboxMessage

    class TimedHttp(Http):
        posts: list[tuple[float, float]]

        def post(self, *args, **kwargs):
            start = time.time()
            try:
                return super().post(*args, **kwargs)
            finally:
                self.posts.append((start, time.time()))

    def work(index: int, marks: list) -> None:
        client = TimedHttp()
        try:
            while True:
                t0 = time.time()
                batch = claim(f"bench-{index}", limit=batch_size)
                if not batch:
                    return
                t1 = time.time()
                client.posts = []
                send(batch, client)
                t4 = time.time()
                t2, t3 = client.posts[0][0], client.posts[-1][1]
                marks.extend((m.pk, t0, t1, t2, t3, t4) for m in batch)
        finally:
            connection.close()

    wall, marks = run_threads(threads, work)
    requests = OutboxMessage.objects.filter(kind="request")  # not KZ's list sent by pair()
    outcome = dict(requests.values_list("status").annotate(n=Count("pk")))
    tokens = dict(requests.filter(id__in=[m[0] for m in marks]).values_list("id", "receipt"))
    stages: dict[str, list[float]] = {name: [] for name in STAGES}
    latencies = []
    for pk, t0, t1, t2, t3, t4 in marks:
        turn = min(max(received_at(tokens[pk]), t2), t3)  # clamped: the receipt's ms precision
        spans = [(t0, t1), (t1, t2), (t2, turn), (turn, t3), (t3, t4)]
        for name, (a, b) in zip(STAGES, spans, strict=True):
            stages[name].append((b - a) * 1000)
        latencies.append((t4 - t0) * 1000)
    return wall, latencies, outcome, stages


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
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--batch", type=int, default=BATCH, help="messages per claim and POST")
    parser.add_argument(
        "--database", default="sqlite", help="sqlite, or a PostgreSQL server postgres://…/postgres"
    )
    args = parser.parse_args()
    n = args.messages
    rates, base_rates, lat, base_lat, outcomes = [], [], [], [], []
    stages: dict[str, list[float]] = {name: [] for name in STAGES}
    # ms per message: KZ's sender, BY's server, the whole machine
    cpu: tuple[list[float], ...] = ([], [], [])
    with (
        tempfile.TemporaryDirectory(prefix="migrex-bench-") as tmp,
        databases(2, "" if args.database == "sqlite" else args.database) as urls,
    ):
        print("Preparing two nodes…", flush=True)
        kz, by = pair(Path(tmp), database_urls=tuple(urls))
        by.start(worker=False)
        try:
            kz.migrex("worker", "--once", "--idle", "0")  # KZ's signatory list first (Art. 9.4)
            with baseline_server(by.env) as base_url:
                setup_django(kz.env)
                from migrex.core import walcheckpoint
                from migrex.shell.warm import warm

                warm()  # KZ's sender, as its worker (`migrex worker`) does when it starts
                walcheckpoint.start()
                for r in range(args.rounds):
                    kz.python(QUEUE, {"n": n, "start": r * n, "person": PERSON})
                    server, mine = cpu_seconds(by.procs["server"].pid), time.process_time()
                    machine = machine_cpu_seconds()
                    wall, latencies, outcome, parts = exchange(args.threads, args.batch)
                    cpu[0].append((time.process_time() - mine) * 1000 / n)
                    cpu[1].append((cpu_seconds(by.procs["server"].pid) - server) * 1000 / n)
                    cpu[2].append((machine_cpu_seconds() - machine) * 1000 / n)
                    base_wall, base_latencies = baseline(base_url, n, args.threads, r * n)
                    rates.append(n / wall)
                    base_rates.append(n / base_wall)
                    lat += latencies
                    base_lat += base_latencies
                    outcomes.append(outcome)
                    for name in STAGES:
                        stages[name] += parts[name]
                    print(
                        f"  round {r + 1}: exchange {n / wall:.0f} msg/s "
                        f"(p50 {statistics.median(latencies):.0f} ms, "
                        f"p99 {percentile(latencies, 0.99):.0f} ms), "
                        f"baseline {n / base_wall:.0f} msg/s",
                        flush=True,
                    )
        finally:
            by.stop()
    rate, base_rate = statistics.median(rates), statistics.median(base_rates)
    ratio = statistics.median(a / b for a, b in zip(rates, base_rates, strict=True))
    database = "SQLite" if args.database == "sqlite" else "PostgreSQL"
    print(
        f"\n{n} messages x {args.rounds} rounds, {args.threads} sender threads, up to "
        f"{args.batch} envelopes per claim and POST; both nodes on this machine ({database}); "
        "msg/s: median over the rounds; latency: a message from its claim to its delivery "
        "recorded, all rounds"
    )
    print(f"  {'':<34}{'msg/s':>8}{'p50 ms':>9}{'p99 ms':>9}")
    print(
        f"  {'exchange (sealed, receipted)':<34}{rate:>8.0f}{statistics.median(lat):>9.1f}"
        f"{percentile(lat, 0.99):>9.1f}"
    )
    print(
        f"  {'baseline (plain JSON, stored)':<34}{base_rate:>8.0f}"
        f"{statistics.median(base_lat):>9.1f}{percentile(base_lat, 0.99):>9.1f}"
    )
    print("  a message's latency by stage:")
    for name in STAGES:
        part = stages[name]
        print(f"    {name:<32}{'':>8}{statistics.median(part):>9.1f}{percentile(part, 0.99):>9.1f}")
    print(
        f"  CPU per message: KZ's sender {statistics.median(cpu[0]):.2f} ms, BY's server "
        f"{statistics.median(cpu[1]):.2f} ms, the whole machine {statistics.median(cpu[2]):.2f} ms "
        f"(on {os.cpu_count()} cores: the database servers' and any other process's too)"
    )
    print(f"  ratio exchange / baseline: {ratio:.2f}")
    delivered = outcomes[-1]
    print(f"  outbox after the last round: {delivered}")
    p99 = percentile(lat, 0.99)
    ok = delivered == {"delivered": n * args.rounds} and rate >= 300 and p99 < 100
    print(f"  targets (>= 300 msg/s, p99 < 100 ms, all delivered): {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
