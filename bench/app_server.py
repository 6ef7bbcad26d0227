"""Benchmark: the application server, waitress (as `migrex serve` runs it) against gunicorn.

Seeds a fresh node with N cases (bench/cases_pages.py's seed), eight officers with four sessions
each and an API token each, on SQLite and, if given, PostgreSQL. In each of R rounds, every
candidate server is started as a real process on that node and warmed up; then each concurrency
level is run on each server in turn (the order rotated from round to round), so that the figures
compared are measured within a minute of each other whatever else the machine is doing. A level is
a fixed time of client threads with keep-alive connections (http.client), each client an officer
signed in with their own session, cycling through a mix of GETs: the inbox list, a case page, a
case through the JSON API with a bearer token, and /healthz (3 : 3 : 3 : 1). The case page and the
API case both write a `personal_data.read` audit entry and every signed-in request saves its
session, as in service.

Servers (--servers):
  waitress-8    `migrex serve` as it is (waitress, 8 threads): the baseline
  gunicorn      gunicorn, gthread worker, 2 × cores + 1 workers (gunicorn's suggested count) ×
                4 threads, no --preload
  gunicorn-1pc  gunicorn, gthread worker, one worker per core × 4 threads
  waitress-16   `migrex serve --threads 16`

Printed for each server and concurrency, as medians of the rounds: requests/s, latency p50, p95
and p99, errors (summed over the rounds), the server's CPU (its whole process tree; 200 % is both
cores), requests per CPU-second of the server, and its memory at the level's peak: RSS summed over
the process tree (counts pages the processes share once per process) and PSS (shares them out).
"× base" is the median of each round's ratio to waitress-8 measured in the same round.

Slow clients: in each round, after the levels, each server is driven at concurrency 8 while
20 more connections each send a request's headers one byte every half second for 10 s
(slowloris-style), and a new connection every 0.25 s asks for /healthz (a new visitor); printed
is what the 8 clients got meanwhile, against the same server's concurrency-8 level of the same
round, how many of the slow requests were answered, and the new connections' slowest answer.

    .venv/bin/python bench/app_server.py [--cases 3000] [--seconds 10] [--rounds 3]
        [--concurrency 1,8,32] [--servers waitress-8,gunicorn,gunicorn-1pc,waitress-16]
        [--postgres postgres://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._app_server_load import (
    BASELINE,
    CORES,
    SERVERS,
    SLOW_CLIENTS,
    SLOW_SECONDS,
    SLOW_STEP,
    WARM_UP_SECONDS,
    Node,
    Server,
    drive,
    figures,
    seed,
    slowloris,
)
from bench._harness import database_options, each_database, node_environment, setup_django


@dataclass
class Results:
    levels: dict = field(default_factory=dict)  # (server, concurrency) → [figures per round]
    slow: dict = field(default_factory=dict)  # server → [figures per round]
    load: tuple[float, float] = (0.0, 0.0)  # the machine's 1-minute load average, least and most


def one_round(number: int, env, node: Node, args, results: Results, log: Path) -> None:
    """All candidates up at once, warmed up; then each concurrency level on each server in turn
    (the order rotated from round to round), so that what they are compared on is measured
    within a minute, whatever else the machine is doing; then the slow clients on each."""
    shift = number % len(args.servers)
    order = args.servers[shift:] + args.servers[:shift]
    servers: dict[str, Server] = {}
    try:
        for key in order:
            servers[key] = Server(key, env, log)
        for key in order:
            drive(servers[key], node, max(args.concurrency), WARM_UP_SECONDS)
        for c in args.concurrency:
            line = []
            for key in order:
                level, _ = drive(servers[key], node, c, args.seconds)
                f = figures(level.samples, level.seconds)
                f.update(
                    cpu=100 * level.cpu / level.seconds,
                    per_cpu=f["rps"] * level.seconds / level.cpu if level.cpu else 0.0,
                    rss=level.rss,
                    pss=level.pss,
                )
                results.levels.setdefault((key, c), []).append(f)
                line.append(f"{key} {f['rps']:.0f}/s p99 {f['p99']:.0f} ms")
            print(f"  round {number + 1} c={c}: {', '.join(line)}", flush=True)
        if not args.slow:
            return
        line = []
        for key in order:
            server = servers[key]
            level, slow = drive(
                server,
                node,
                8,
                SLOW_SECONDS + 2.0,
                during=lambda t0, port=server.port: slowloris(port, args.slow, SLOW_SECONDS, t0),
            )
            inside = level.window(slow["start"], slow["end"])
            f = figures(inside, slow["end"] - slow["start"])
            f.update(served=slow["served"], probe_max=slow["probe_max"])
            f["probe_failed"] = slow["probe_failed"]
            results.slow.setdefault(key, []).append(f)
            line.append(f"{key} {f['rps']:.0f}/s max {f['max']:.0f} ms")
        print(f"  round {number + 1} slow clients: {', '.join(line)}", flush=True)
    finally:
        for server in servers.values():
            server.stop()


def _median(rows: list[dict], name: str) -> float:
    return statistics.median(r[name] for r in rows)


def _ratio(results: dict, key, base_key, name: str) -> float:
    pairs = zip(results[key], results[base_key], strict=True)
    return statistics.median(a[name] / b[name] if b[name] else float("nan") for a, b in pairs)


def report(label: str, args, results: Results) -> None:
    servers = args.servers
    print(f"\n{label}: {args.cases} cases; GETs inbox : case page : API case : /healthz = 3:3:3:1;")
    print(
        f"  {args.seconds:.0f} s per level, medians of {args.rounds} interleaved rounds; "
        f"{CORES} cores, load average {results.load[0]:.1f} to {results.load[1]:.1f} "
        f"(other work on the machine); × base = ratio to {BASELINE} in the same round (median)"
    )
    head = (
        f"  {'server':<40}{'conc':>5}{'req/s':>8}{'× base':>8}{'p50':>7}{'p95':>7}{'p99':>7}"
        f"{'× base':>8}{'err':>5}{'CPU %':>7}{'req/CPU-s':>10}{'RSS MB':>8}{'PSS MB':>8}"
        f"{'× base':>8}"
    )
    print(head)
    for key in servers:
        for c in args.concurrency:
            rows = results.levels[(key, c)]
            base = (BASELINE, c)
            has_base = base in results.levels
            print(
                f"  {SERVERS[key][0]:<40}{c:>5}{_median(rows, 'rps'):>8.1f}"
                f"{_ratio(results.levels, (key, c), base, 'rps') if has_base else 0:>8.2f}"
                f"{_median(rows, 'p50'):>7.0f}{_median(rows, 'p95'):>7.0f}"
                f"{_median(rows, 'p99'):>7.0f}"
                f"{_ratio(results.levels, (key, c), base, 'p99') if has_base else 0:>8.2f}"
                f"{sum(r['errors'] for r in rows):>5}{_median(rows, 'cpu'):>7.0f}"
                f"{_median(rows, 'per_cpu'):>10.1f}{_median(rows, 'rss'):>8.0f}"
                f"{_median(rows, 'pss'):>8.0f}"
                f"{_ratio(results.levels, (key, c), base, 'pss') if has_base else 0:>8.2f}"
            )
    if not results.slow:
        return
    print(
        f"\n  slow clients: {args.slow} connections sending headers one byte per {SLOW_STEP} s "
        f"for {SLOW_SECONDS:.0f} s, while 8 clients run the mix"
    )
    print(
        f"  {'server':<40}{'req/s without':>14}{'with':>7}{'p50':>7}{'p99':>8}{'max ms':>8}"
        f"{'> 1 s':>7}{'err':>5}{'slow answered':>15}{'new conn max ms':>17}{'failed':>8}"
    )
    for key in servers:
        rows = results.slow[key]
        without = _median(results.levels[(key, 8)], "rps") if (key, 8) in results.levels else 0
        print(
            f"  {SERVERS[key][0]:<40}{without:>14.1f}{_median(rows, 'rps'):>7.1f}"
            f"{_median(rows, 'p50'):>7.0f}{_median(rows, 'p99'):>8.0f}{_median(rows, 'max'):>8.0f}"
            f"{sum(r['over_1s'] for r in rows):>7}{sum(r['errors'] for r in rows):>5}"
            f"{_median(rows, 'served'):>10.0f} / {args.slow}"
            f"{_median(rows, 'probe_max'):>17.0f}{sum(r['probe_failed'] for r in rows):>8}"
        )


def run_one(database: str, args) -> None:
    label = "SQLite" if database == "sqlite" else "PostgreSQL"
    with node_environment(database) as env:
        setup_django(env)
        started = time.monotonic()
        node = seed(args.cases, max([*args.concurrency, 8]))
        print(f"{label}: seeded in {time.monotonic() - started:.0f} s", flush=True)
        log = Path(env["MIGREX_DATA_DIR"]) / "servers.log"
        results = Results()
        loads = []
        for number in range(args.rounds):
            before = os.getloadavg()[0]
            one_round(number, env, node, args, results, log)
            loads += [before, os.getloadavg()[0]]
        results.load = (min(loads), max(loads))
        report(label, args, results)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=3000)
    parser.add_argument("--seconds", type=float, default=10.0, help="per concurrency level")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", default="1,8,32")
    parser.add_argument("--servers", default=",".join(SERVERS))
    parser.add_argument("--slow", type=int, default=SLOW_CLIENTS, help="slow clients; 0: none")
    database_options(parser)  # --postgres, and --only: one database, in a child process
    args = parser.parse_args()
    if args.only:
        # Stopped: stop the servers and drop the database on the way out.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        args.concurrency = [int(c) for c in args.concurrency.split(",")]
        args.servers = args.servers.split(",")
        unknown = set(args.servers) - set(SERVERS)
        if unknown:
            parser.error(f"unknown servers: {', '.join(sorted(unknown))}")
        run_one(args.only, args)
        return 0
    passed = [
        "--cases", str(args.cases), "--seconds", str(args.seconds), "--rounds", str(args.rounds),
        "--concurrency", args.concurrency, "--servers", args.servers, "--slow", str(args.slow),
    ]  # fmt: skip
    return each_database(__file__, args.postgres, *passed)


if __name__ == "__main__":
    sys.exit(main())
