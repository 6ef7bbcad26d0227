"""The application-server benchmark (app_server.py): the servers, the seeded node, the
clients that drive them (officers, a probe, slow clients) and what is measured of them."""

from __future__ import annotations

import contextlib
import http.client
import os
import random
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from bench._harness import ROOT
from migrex.shell.nodes import free_port

CORES = os.cpu_count() or 1
WORKERS = 2 * CORES + 1
THREADS_PER_WORKER = 4
OFFICERS = 8
# The mix each client cycles through (from a random place in it): 3 : 3 : 3 : 1.
MIX = ["inbox", "case", "api", "inbox", "case", "api", "healthz", "inbox", "case", "api"]
WARM_UP_SECONDS = 5.0
SLOW_CLIENTS = 20
SLOW_SECONDS = 10.0
SLOW_STEP = 0.5  # one byte of a header this often
PROBE_EVERY = 0.25  # meanwhile, a new connection this often
BASELINE = "waitress-8"


def _gunicorn(workers: int):
    def argv(port: int) -> list[str]:
        return [
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--worker-class",
            "gthread",
            "--workers",
            str(workers),
            "--threads",
            str(THREADS_PER_WORKER),
            "--bind",
            f"127.0.0.1:{port}",
        ]

    return argv


def _waitress(threads: int):
    def argv(port: int) -> list[str]:
        return ["-m", "migrex.cli", "serve", "--threads", str(threads), "--port", str(port)]

    return argv


SERVERS = {
    BASELINE: ("waitress, 8 threads (migrex serve)", _waitress(8), 1),
    "gunicorn": (
        f"gunicorn gthread {WORKERS} workers × {THREADS_PER_WORKER} threads",
        _gunicorn(WORKERS),
        WORKERS + 1,
    ),
    "gunicorn-1pc": (
        f"gunicorn gthread {CORES} workers × {THREADS_PER_WORKER} threads",
        _gunicorn(CORES),
        CORES + 1,
    ),
    "waitress-16": ("waitress, 16 threads", _waitress(16), 1),
}


# --- the node's data ----------------------------------------------------------------------------


@dataclass
class Node:
    sessions: list[str]  # Cookie header values, one per client slot
    tokens: list[str]  # bearer tokens, one per client slot
    case_ids: list[int]


def seed(n_cases: int, slots: int) -> Node:
    """The cases of bench/cases_pages.py, OFFICERS officers, `slots` sessions and tokens (slot i
    belongs to officer i % OFFICERS)."""
    from django.conf import settings
    from django.contrib.auth.models import Group
    from django.db import connection, connections
    from django.test import Client

    from bench.cases_pages import seed as seed_cases
    from migrex.accounts import tokens
    from migrex.accounts.models import User

    _, case_ids = seed_cases(n_cases)
    first = User.objects.get(username="bench")
    groups = list(Group.objects.filter(name__in=["operator", "supervisor"]))
    officers = [first]
    for i in range(1, OFFICERS):
        officer = User.objects.create_user(
            f"bench{i}", authority=first.authority, last_name=f"Петрова-{i}"
        )
        officer.groups.set(groups)
        officers.append(officer)
    issued = [tokens.issue(user=officer)[1] for officer in officers]
    sessions, slot_tokens = [], []
    for i in range(slots):
        client = Client()
        client.force_login(officers[i % OFFICERS])
        sessions.append(
            f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        )
        slot_tokens.append(issued[i % OFFICERS])
    # Each request of the mix answers 200 before any server is timed.
    check = Client(headers={"Host": "localhost", "Cookie": sessions[0]})
    for path in ("/incoming/", f"/cases/{case_ids[0]}/", "/healthz"):
        status = check.get(path).status_code
        assert status == 200, f"GET {path}: {status}"
    api = Client(headers={"Host": "localhost", "Authorization": f"Bearer {slot_tokens[0]}"})
    status = api.get(f"/api/v1/cases/{case_ids[0]}").status_code
    assert status == 200, f"GET /api/v1/cases/<id>: {status}"
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    connections.close_all()
    return Node(sessions, slot_tokens, case_ids)


# --- the server process and its tree -------------------------------------------------------------


def _children() -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            out.setdefault(ppid, []).append(int(entry))
    return out


def tree(pid: int) -> list[int]:
    children, out, todo = _children(), [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def memory_mb(pids: list[int]) -> tuple[float, float]:
    """RSS summed over the processes, and PSS (shared pages divided among their sharers)."""
    rss = pss = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1])
        except OSError:
            pass
    return rss / 1024, pss / 1024


TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICK


class Server:
    """One candidate as a real process on the node's environment, on a free port."""

    def __init__(self, key: str, env: dict[str, str], log: Path):
        self.key = key
        self.label, argv, self.processes = SERVERS[key]
        self.port = free_port()
        self.log = open(log, "ab")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [sys.executable, *argv(self.port)],
            env=env,
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                url = f"http://127.0.0.1:{self.port}/healthz"
                urllib.request.urlopen(url, timeout=2).read()
                if len(tree(self.proc.pid)) >= self.processes:
                    break
            except (OSError, urllib.error.HTTPError):
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"{self.label} did not start: see {log}")
            time.sleep(0.2)

    def pids(self) -> list[int]:
        return tree(self.proc.pid)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


# --- the load ------------------------------------------------------------------------------------


@dataclass
class Level:
    """One server at one concurrency in one round."""

    samples: list[tuple[str, float, float, bool]]  # kind, start (monotonic), ms, ok
    seconds: float
    cpu: float  # CPU-seconds of the server's tree
    rss: float
    pss: float

    def window(self, start: float, end: float) -> list[tuple[str, float, float, bool]]:
        return [s for s in self.samples if start <= s[1] < end]


def _pct(ordered: list[float], q: float) -> float:
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else 0.0


def figures(samples: list, seconds: float) -> dict[str, float]:
    ok = sorted(ms for _, _, ms, good in samples if good)
    return {
        "rps": len(ok) / seconds,
        "p50": _pct(ok, 0.50),
        "p95": _pct(ok, 0.95),
        "p99": _pct(ok, 0.99),
        "max": ok[-1] if ok else 0.0,
        "errors": sum(1 for *_, good in samples if not good),
        "over_1s": sum(1 for _, _, ms, _ in samples if ms > 1000),
    }


def _client(port: int, node: Node, slot: int, deadline: list, start: threading.Barrier, out):
    rng = random.Random(slot)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    cookie = {"Cookie": node.sessions[slot % len(node.sessions)]}
    bearer = {"Authorization": f"Bearer {node.tokens[slot % len(node.tokens)]}"}
    step = rng.randrange(len(MIX))
    start.wait()  # deadline[0] is set by then
    while time.monotonic() < deadline[0]:
        kind = MIX[step % len(MIX)]
        step += 1
        if kind == "inbox":
            path, headers = "/incoming/", cookie
        elif kind == "case":
            path, headers = f"/cases/{rng.choice(node.case_ids)}/", cookie
        elif kind == "api":
            path, headers = f"/api/v1/cases/{rng.choice(node.case_ids)}", bearer
        else:
            path, headers = "/healthz", {}
        began = time.monotonic()
        try:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            good = response.status == 200
        except (OSError, http.client.HTTPException):
            good = False
            conn.close()
        out.append((kind, began, (time.monotonic() - began) * 1000, good))
    conn.close()


def drive(
    server: Server, node: Node, concurrency: int, seconds: float, during=None
) -> tuple[Level, object]:
    """`concurrency` clients for `seconds`; `during(t0)`, if given, runs in a thread alongside
    (its result is returned). Memory is sampled every 0.2 s; its peak is kept."""
    out: list = []
    barrier = threading.Barrier(concurrency + 1)
    deadline = [0.0]
    threads = [
        threading.Thread(
            target=_client, args=(server.port, node, i, deadline, barrier, out), daemon=True
        )
        for i in range(concurrency)
    ]
    for t in threads:
        t.start()
    pids = server.pids()
    cpu_before = cpu_seconds(pids)
    t0 = time.monotonic()
    deadline[0] = t0 + seconds
    barrier.wait()
    extra: list = []
    side = None
    if during is not None:
        side = threading.Thread(target=lambda: extra.append(during(t0)), daemon=True)
        side.start()
    rss = pss = 0.0
    while any(t.is_alive() for t in threads):
        r, p = memory_mb(pids)
        rss, pss = max(rss, r), max(pss, p)
        time.sleep(0.2)
    elapsed = time.monotonic() - t0
    if side is not None:
        side.join()
    cpu = cpu_seconds(pids) - cpu_before
    return Level(out, elapsed, cpu, rss, pss), (extra[0] if extra else None)


def _probe(port: int, stop: threading.Event, out: list) -> None:
    """A new visitor every PROBE_EVERY seconds: a fresh connection, GET /healthz."""
    while not stop.is_set():
        began = time.monotonic()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            conn.request("GET", "/healthz")
            response = conn.getresponse()
            response.read()
            good = response.status == 200
        except (OSError, http.client.HTTPException):
            good = False
        finally:
            conn.close()
        out.append(((time.monotonic() - began) * 1000, good))
        stop.wait(PROBE_EVERY)


def slowloris(port: int, n: int, seconds: float, t0: float, delay: float = 1.0) -> dict:
    """`n` connections that each send a request line, then a header one byte every SLOW_STEP
    seconds for `seconds`, then end it; meanwhile new connections probe the server. How many
    slow requests were answered 200, the probes, and the window."""
    time.sleep(max(0.0, t0 + delay - time.monotonic()))
    start = time.monotonic()
    socks = []
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", port), timeout=60)
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        socks.append(s)
    stop, probes = threading.Event(), []
    prober = threading.Thread(target=_probe, args=(port, stop, probes), daemon=True)
    prober.start()
    while time.monotonic() - start < seconds:
        time.sleep(SLOW_STEP)
        for s in socks:
            with contextlib.suppress(OSError):
                s.sendall(b"x")
    end = time.monotonic()
    stop.set()
    served = 0
    for s in socks:
        try:
            s.sendall(b"\r\nConnection: close\r\n\r\n")
            served += s.recv(64).startswith(b"HTTP/1.1 200")
        except OSError:
            pass
        finally:
            s.close()
    prober.join()
    return {
        "start": start,
        "end": end,
        "served": served,
        "probe_max": max((ms for ms, _ in probes), default=0.0),
        "probe_failed": sum(1 for _, good in probes if not good),
    }


# --- one database --------------------------------------------------------------------------------
