"""Benchmark: 50 officers at work for 5 minutes on two nodes, each on PostgreSQL behind nginx.

Two nodes (KZ, BY), each on a throwaway PostgreSQL database, each behind a real nginx running the
shipped site (contrib/nginx/migrex.conf) with TLS from a CA made here, MIGREX_HTTPS=1, the peers'
client certificates pinned (as migrex/shell/tests/test_https.py runs them), each with its
`migrex serve` and `migrex worker`. Each node holds a few hundred cases of history. Officers are
accounts made for the run (`migrex officers add` as a script: registers.officers.add), half on
each node; each is a thread with an HTTPS session of its own (keep-alive, its own cookies) that
signs in through the login form (signatories with their TOTP code), then, 1-3 s of think time
between actions, works and browses:

- KZ operators draft requests through the draft form (one person), submit them, and provide the
  information BY asks for; KZ signatories sign them (password re-entered): each goes to BY;
- BY operators register what arrives, ask for information (a quarter) and reply with the
  persons (the rest); BY supervisors refuse one request in ten on grounds of security;
- with no move to make, an officer opens a box (incoming, outgoing, due soon, overdue, closed,
  sometimes a later page), a case from it, the home page, the request letter as PDF (5 %) or
  the person search (5 %).

A move opens the case, the action's form, posts it as the browser would (every field of the
form, CSRF token, Origin) and follows the redirect. Which case is ready for which move is read
from the two databases every 0.5 s by the bench (not counted); no two officers are given the
same move. Every request is timed; any answer that is not 2xx/3xx (or a form that did not take)
and any exception is an error. The server's and worker's RSS is sampled every 2 s; the idle
workers' CPU (utime + stime from /proc) is measured over a window before the load and after it,
once the outboxes are empty.

Officers sign in one after another over the first 20 s of the warm-up (30 s); they fetch no
static files (a browser has them cached after the first page). Latencies are given over the
whole run and over what follows the warm-up.

The baseline, in the same run: the same mix made by one officer at a time (one of each role in
turn, no think time), and GET /healthz through nginx (the floor of one request on this machine).

    .venv/bin/python bench/officers_load.py [--minutes 5] [--officers 50] [--cases 300]
        [--quick] [--logs DIR] [--postgres postgres://postgres@127.0.0.1:5432/postgres]

--quick: 1 minute, a warm-up, baseline and idle windows of 15 s. --logs: keep the nodes' and
nginx's logs. The report ends with how busy the machine's cores were and with what.

Targets (issue 14): no error, p99 under 1 s, memory growth under 10 % from the end of the
warm-up (the first 30 s) to the end, an idle worker under 0.5 % of a core before and after.
"""

from __future__ import annotations

import argparse
import collections
import itertools
import os
import random
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._officers_browser import Browser, Codes
from bench._officers_measure import (
    Sampler,
    Stats,
    idle_cpu,
    load_average,
    machine_ticks,
    percentile,
)
from bench._officers_setup import (
    THINK,
    Account,
    Db,
    Setup,
    crew,
    prepare,
    wait_drained,
)
from bench._officers_work import PLURAL, Officer, Work
from bench.worker_idle import cpu_seconds
from migrex.shell.nodes import databases

# --- the run -------------------------------------------------------------------------------------


def floor(url: str, ca_file: Path, n: int = 300) -> list[float]:
    stats = Stats()
    browser = Browser(url, ca_file, stats)
    for _ in range(n):
        browser.request("GET", "/healthz", "GET /healthz")
    browser.close()
    return stats.all()


def baseline(setup: Setup, accounts: list[Account], work: Work, codes: Codes, seconds: float):
    """The same mix, one officer at a time: one of each role in turn, no think time."""
    stats = Stats()
    officers = [
        Officer(a, setup.proxies[a.party].url, setup.ca_file, stats, work, codes, setup.pks, i)
        for i, a in enumerate(accounts[:4])
    ]
    for officer in officers:
        officer.login()
    stats.samples.clear()
    end = time.monotonic() + seconds
    for officer in itertools.cycle(officers):
        if time.monotonic() > end:
            break
        officer.step()
    for officer in officers:
        officer.browser.close()
    return stats


def load(setup, accounts, work, codes, seconds: float, ramp: float) -> tuple[Stats, float]:
    """The officers, signing in one after another over `ramp` seconds, at work for `seconds`
    in all."""
    stats = Stats()
    stop = threading.Event()
    t0 = time.monotonic()
    threads = []
    for i, account in enumerate(accounts):
        officer = Officer(
            account, setup.proxies[account.party].url, setup.ca_file, stats, work, codes,
            setup.pks, 1000 + i,
        )  # fmt: skip
        thread = threading.Thread(target=officer.run, args=(t0 + i * ramp / len(accounts), stop))
        thread.start()
        threads.append(thread)
    stop.wait(seconds)
    stop.set()
    for thread in threads:
        thread.join(timeout=120)
    return stats, t0


def node_log_errors(setup: Setup) -> list[list[str]]:
    """The tracebacks in both nodes' logs (server and worker), each with the line before it
    (what was being done: "Internal Server Error: /cases/7/") and its exception line."""
    found = []
    for party, node in setup.nodes().items():
        lines = (node.data_dir / "node.log").read_text(errors="replace").splitlines()
        for i, line in enumerate(lines):
            if not line.startswith("Traceback"):
                continue
            end = next((j for j in range(i + 1, len(lines)) if not lines[j][:1].isspace()), i)
            found.append([f"{party}: {lines[i - 1] if i else ''}", *lines[i : end + 1]])
    return found


def keep_logs(setup: Setup, directory: Path) -> None:
    """The nodes' and the proxies' logs, kept for reading after the run."""
    directory.mkdir(parents=True, exist_ok=True)
    for party, node in setup.nodes().items():
        shutil.copy(node.data_dir / "node.log", directory / f"{party}-node.log")
        for name in ("error.log", "access.log"):
            shutil.copy(setup.proxies[party].directory / name, directory / f"{party}-nginx-{name}")


def report(args, accounts, setup, result: dict) -> bool:
    stats: Stats = result["stats"]
    base: Stats = result["baseline"]
    since_warm = result["t0"] + args.warmup
    roles = collections.Counter((a.party, a.role) for a in accounts)
    print(
        f"\n{len(accounts)} officers ("
        + ", ".join(f"{p} {n} {PLURAL[r]}" for (p, r), n in roles.items())
        + f") for {args.seconds:.0f} s, think time {THINK[0]:.0f}-{THINK[1]:.0f} s, "
        f"two PostgreSQL nodes behind nginx (HTTPS)"
    )
    print(f"  load average (1/5/15 min): {result['loads']}")
    kinds = stats.by_kind()
    base_kinds = base.by_kind()
    print(
        f"\n  {'kind':<28}{'n':>6}{'err':>5}{'p50':>8}{'p95':>8}{'p99':>8}{'max':>8}"
        f"{'base p50':>10}{'p99/base':>9}   (ms)"
    )

    def line(name, samples, errors: int | None, base_samples):
        p99 = percentile(samples, 0.99)
        b50 = f"{percentile(base_samples, 0.5):>10.0f}" if base_samples else f"{'—':>10}"
        ratio = f"{p99 / percentile(base_samples, 0.99):>9.1f}" if base_samples else f"{'—':>9}"
        print(
            f"  {name:<28}{len(samples):>6}{'—' if errors is None else errors:>5}"
            f"{percentile(samples, 0.5):>8.0f}"
            f"{percentile(samples, 0.95):>8.0f}{p99:>8.0f}{max(samples):>8.0f}{b50}{ratio}"
        )

    for kind, samples in kinds.items():
        line(kind, samples, stats.errors.get(kind, 0), base_kinds.get(kind))
    everything = stats.all()
    line("all", everything, sum(stats.errors.values()), base.all())
    after_warmup = stats.all(since_warm)
    line(f"all after the first {args.warmup:.0f} s", after_warmup, None, base.all())
    floor_ms = result["floor"]
    print(
        f"  baseline: the same mix one officer at a time ({args.baseline:.0f} s, "
        f"{len(base.all())} requests): p50 {percentile(base.all(), 0.5):.0f} ms, "
        f"p99 {percentile(base.all(), 0.99):.0f} ms; GET /healthz through nginx: "
        f"p50 {percentile(floor_ms, 0.5):.1f} ms, p99 {percentile(floor_ms, 0.99):.1f} ms"
    )
    p99 = percentile(everything, 0.99)
    print(
        f"  ratio under load / baseline: p50 "
        f"{percentile(everything, 0.5) / percentile(base.all(), 0.5):.1f}, "
        f"p99 {p99 / percentile(base.all(), 0.99):.1f}"
    )
    rate = len(everything) / args.seconds
    print(f"  {len(everything)} requests, {rate:.1f}/s; kept-alive connections reopened: "
          f"{stats.retries}")  # fmt: skip

    n_errors = sum(stats.errors.values()) + sum(base.errors.values())
    print(f"\n  errors: {n_errors}" + (" (baseline " + str(sum(base.errors.values())) + ")"))
    for e in stats.first_errors + base.first_errors:
        print(f"    {e}")
    logged = result["log_errors"]
    kinds_logged = collections.Counter(block[-1] for block in logged)
    print(f"  tracebacks in the nodes' logs: {len(logged)}")
    for what, n in kinds_logged.most_common(5):
        print(f"    {n} x {what[:200]}")
    if logged:
        print("    the first, in full:")
        for text in logged[0][-30:]:
            print(f"      {text[:200]}")

    moves = result["moves"]
    print("\n  moves made: " + ", ".join(f"{k} {n}" for k, n in sorted(moves.items())))
    for party, counts in result["exchanged"].items():
        parts = ", ".join(f"{k} {n}" for k, n in sorted(counts["delivered"].items()))
        print(f"  {party} outbox, delivered during the run: {sum(counts['delivered'].values())} "
              f"({parts}); not delivered: {counts['other'] or 'none'}")  # fmt: skip
    print(f"  outboxes empty {result['drain']:.1f} s after the load ended")

    sampler: Sampler = result["sampler"]
    print(
        f"\n  RSS in MB, the lowest of the 20 s after the warm-up and of the last 20 s; CPU % of a "
        f"core under load\n  {'':<16}{'after warm-up':>14}{'end':>8}{'peak':>8}{'growth':>9}"
        f"{'CPU':>8}"
    )
    growth_ok = True
    for name in sampler.pids:
        start = sampler.floor(name, since_warm, since_warm + 20)
        end = sampler.floor(name, result["t_end"] - 20, result["t_end"])
        growth = (end / start - 1) * 100
        growth_ok &= growth < 10
        print(
            f"  {name:<16}{start:>14.0f}{end:>8.0f}{sampler.peak(name):>8.0f}{growth:>8.1f}%"
            f"{result['busy'][name]:>8.0f}"
        )
    busy = result["busy"]
    cores = os.cpu_count()
    ours = sum(busy.values())
    print(
        f"  the machine's {cores} cores were {result['machine']:.0f} % busy during the load: "
        f"{result['machine'] * cores / 100:.2f} cores, of which the nodes' servers "
        f"{(busy['KZ server'] + busy['BY server']) / 100:.2f}, workers "
        f"{(busy['KZ worker'] + busy['BY worker']) / 100:.2f}, PostgreSQL "
        f"{busy['PostgreSQL'] / 100:.2f}, nginx {busy['nginx'] / 100:.2f}, the bench's "
        f"officers {busy['bench (officers)'] / 100:.2f}; everything else on the machine "
        f"{max(0.0, result['machine'] * cores / 100 - ours / 100):.2f}"
    )
    print("  the lowest RSS of each 30 s of the load (MB):")
    for name in sampler.pids:
        steps = sampler.timeline(name, result["t0"])
        print(f"    {name:<14}" + " ".join(f"{v:.0f}" for v in steps))
    print(f"\n  idle worker CPU, % of one core over {args.idle:.0f} s:")
    idle_ok = True
    for when in ("before", "after"):
        shares = result[f"idle_{when}"]
        idle_ok &= all(v < 0.5 for v in shares.values())
        print(f"    {when} the load: " + ", ".join(f"{k} {v:.2f}" for k, v in shares.items()))

    checks = {
        "no error": n_errors == 0 and not logged and result["undelivered"] == 0,
        "p99 < 1 s": p99 < 1000,
        "memory growth < 10 %": growth_ok,
        "idle worker < 0.5 % of a core, before and after": idle_ok,
    }
    print(
        "\n  targets: " + "; ".join(f"{k}: {'met' if v else 'MISSED'}" for k, v in checks.items())
    )
    return all(checks.values())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=5)
    parser.add_argument("--officers", type=int, default=50)
    parser.add_argument("--cases", type=int, default=300, help="history seeded on each node")
    parser.add_argument("--quick", action="store_true", help="1 minute, short windows: a try")
    parser.add_argument("--logs", type=Path, help="keep the nodes' and nginx's logs here")
    parser.add_argument(
        "--postgres",
        default="postgres://postgres@127.0.0.1:5432/postgres",
        help="server to make the two throwaway databases on",
    )
    args = parser.parse_args()
    args.seconds = args.minutes * 60
    args.warmup, args.idle, args.baseline = 30.0, 60.0, 60.0
    if args.quick:
        args.seconds, args.warmup, args.idle, args.baseline = 60.0, 15.0, 15.0, 15.0
    if args.officers < 4:
        parser.error("--officers: at least 4 (one of each role)")
    accounts = crew(args.officers)
    result: dict = {}
    loads = [load_average()]
    with (
        tempfile.TemporaryDirectory(prefix="migrex-bench-") as tmp,
        databases(2, args.postgres) as urls,
    ):
        print("Preparing two nodes behind nginx, the officers and the history…", flush=True)
        setup = prepare(Path(tmp), urls, accounts, args.cases)
        db = Db(setup.urls)
        try:
            wait_drained(db, 60)  # the new list of signatories reaches BY
            start_counts = {p: db.outbox(p) for p in ("KZ", "BY")}
            pids = {
                f"{party} {which}": node.procs[which].pid
                for party, node in setup.nodes().items()
                for which in ("server", "worker")
            }
            workers = {k: v for k, v in pids.items() if k.endswith("worker")}
            print("  processes: " + ", ".join(f"{k} {v}" for k, v in pids.items()), flush=True)
            time.sleep(5)
            print(f"Idle workers, {args.idle:.0f} s…", flush=True)
            result["idle_before"] = idle_cpu(workers, args.idle)
            print("Baseline…", flush=True)
            result["floor"] = floor(setup.proxies["BY"].url, setup.ca_file)
            work = Work(db, setup.seeded, random.Random(14))
            work.thread.start()
            codes = Codes()
            result["baseline"] = baseline(setup, accounts, work, codes, args.baseline)
            loads.append(load_average())
            print(f"{len(accounts)} officers for {args.seconds:.0f} s…", flush=True)
            sampler = Sampler(
                pids,
                [u.rsplit("/", 1)[1] for u in setup.urls.values()],
                [proxy.proc.pid for proxy in setup.proxies.values()],
            )
            sampler.start()
            busy = {n: cpu_seconds(p) for n, p in pids.items()}
            machine = machine_ticks()
            client = time.process_time()
            stats, t0 = load(setup, accounts, work, codes, args.seconds, args.warmup * 2 / 3)
            result["t_end"] = time.monotonic()
            wall = result["t_end"] - t0
            result["busy"] = {n: (cpu_seconds(p) - busy[n]) / wall * 100 for n, p in pids.items()}
            result["busy"]["bench (officers)"] = (time.process_time() - client) / wall * 100
            sampler.stopping.set()
            sampler.join()
            for group in ("PostgreSQL", "nginx"):
                result["busy"][group] = sampler.cpu(group) / wall * 100
            busy_ticks, all_ticks = (b - a for a, b in zip(machine, machine_ticks(), strict=True))
            result["machine"] = busy_ticks / all_ticks * 100
            loads.append(load_average())
            work.stopping.set()
            result["drain"] = wait_drained(db, 120)
            time.sleep(5)
            print(f"Idle workers again, {args.idle:.0f} s…", flush=True)
            result["idle_after"] = idle_cpu(workers, args.idle)
            loads.append(load_average())
            result.update(stats=stats, t0=t0, sampler=sampler, moves=work.moves)
            result["exchanged"], result["undelivered"] = {}, 0
            for party in ("KZ", "BY"):
                end_counts = db.outbox(party)
                delivered = {
                    k: n - start_counts[party].get((k, s), 0)
                    for (k, s), n in end_counts.items()
                    if s == "delivered" and n - start_counts[party].get((k, s), 0)
                }
                other = {f"{k} {s}": n for (k, s), n in end_counts.items() if s != "delivered"}
                result["undelivered"] += sum(other.values())
                result["exchanged"][party] = {"delivered": delivered, "other": other}
            result["log_errors"] = node_log_errors(setup)
            if args.logs:
                keep_logs(setup, args.logs)
        finally:
            db.close()
            setup.stop()
    result["loads"] = " → ".join(loads) + " (start, load begins, load ends, end)"
    ok = report(args, accounts, setup, result)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
