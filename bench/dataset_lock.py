"""Benchmark: what a large dataset arriving does to everyone else on a SQLite node (issue 14).

Two real nodes on this machine. KZ queues a dataset of N records (150,000 by default) and its
worker streams it to BY's `migrex serve`. Meanwhile, on BY:

- a probe (its own SQLite connection) takes and releases the write lock every 20 ms,
  `BEGIN IMMEDIATE; COMMIT`, and records how long each BEGIN waited: the longest wait is the
  longest single hold of the write lock by someone else (to within the busy handler's sleeps);
- an officer signed in through the login form GETs the home page and the datasets page, and a
  national system GETs /api/v1/agreements and /api/v1/cases with its token, one after the
  other for the whole receive, each with a 60 s timeout: their statuses and latencies.

Printed: the receive time (KZ's `migrex worker --once`, which ends with BY's receipt), the
longest lock wait and the waits over 1 s, the GETs by status with their median and maximum.

    .venv/bin/python bench/dataset_lock.py [--records 150000] [--repeat 1]

Target (issue 14): no write-lock hold of a second or more; every GET answered 200.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import re
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.dataset_stream import records
from migrex.shell.nodes import pair


class Probe(threading.Thread):
    """BEGIN IMMEDIATE / COMMIT on its own connection every `pause` seconds: the waits."""

    def __init__(self, path: Path, pause: float = 0.02):
        super().__init__(daemon=True)
        self.path, self.pause = path, pause
        self.waits: list[float] = []
        self.stop = threading.Event()

    def run(self) -> None:
        conn = sqlite3.connect(self.path, timeout=600, isolation_level=None)
        try:
            while not self.stop.is_set():
                start = time.perf_counter()
                conn.execute("BEGIN IMMEDIATE")
                self.waits.append(time.perf_counter() - start)
                conn.execute("COMMIT")
                time.sleep(self.pause)
        finally:
            conn.close()


def signed_in(url: str, username: str, password: str) -> urllib.request.OpenerDirector:
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    page = opener.open(url + "/login/", timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": username, "password": password}
    ).encode()
    request = urllib.request.Request(url + "/login/", data=body, headers={"Referer": url})  # noqa: S310
    with opener.open(request, timeout=30) as response:
        assert "/login/" not in response.url, "the officer could not sign in"
    return opener


class Reader(threading.Thread):
    """GETs one after the other until stopped: (path, status, seconds) each."""

    def __init__(self, url: str, opener, paths: list[str], headers: dict[str, str]):
        super().__init__(daemon=True)
        self.url, self.opener, self.paths, self.headers = url, opener, paths, headers
        self.results: list[tuple[str, int, float]] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            for path in self.paths:
                request = urllib.request.Request(self.url + path, headers=self.headers)  # noqa: S310
                start = time.perf_counter()
                try:
                    with self.opener.open(request, timeout=60) as response:
                        response.read()
                        status = response.status
                except urllib.error.HTTPError as exc:
                    status = exc.code
                except OSError:
                    status = 0  # timed out or refused
                self.results.append((path, status, time.perf_counter() - start))
            time.sleep(0.1)


def once(tmp: Path, n: int) -> dict:
    kz, by = pair(tmp)
    source = tmp / "persons.jsonl"
    with open(source, "w", encoding="utf-8") as out:
        for r in records(n):
            out.write(json.dumps(r, ensure_ascii=False) + "\n")
    kz.migrex(
        "dataset", "send", str(source), "--agreement", "kz-by-2019", "--from", "kz-mvd",
        "--to", "by-mvd", "--category", "residence_permit", "--title", "Разрешения",
        "--purpose", "Ст. 3 Соглашения",
    )  # fmt: skip
    by.start(worker=False)
    try:
        page = Reader(
            by.url,
            signed_in(by.url, "by-operator", by.logins["by-operator"]),
            ["/", "/datasets/"],
            {},
        )
        api = Reader(
            by.url,
            urllib.request.build_opener(),
            ["/api/v1/agreements", "/api/v1/cases"],
            {"Authorization": f"Bearer {by.token('by-operator')}"},
        )
        probe = Probe(by.data_dir / "migrex.sqlite3")
        for t in (probe, page, api):
            t.start()
        time.sleep(1)
        start = time.perf_counter()
        kz.migrex("worker", "--once")
        receive = time.perf_counter() - start
        time.sleep(1)
        for t in (probe, page, api):
            t.stop.set()
        for t in (probe, page, api):
            t.join(timeout=120)
        stored = by.python(
            "from migrex.persons.models import PersonRecord\n"
            "print(json.dumps(PersonRecord.objects.count()))"
        )
    finally:
        by.stop()
    gets = page.results + api.results
    return {
        "receive": receive,
        "stored": stored,
        "longest_wait": max(probe.waits),
        "p99_wait": sorted(probe.waits)[int(0.99 * (len(probe.waits) - 1))],
        "waits_over_1s": sum(w > 1 for w in probe.waits),
        "probes": len(probe.waits),
        "gets": len(gets),
        "statuses": sorted({s for _, s, _ in gets}),
        "not_200": [(p, s, round(t, 2)) for p, s, t in gets if s != 200],
        "get_median": statistics.median(t for _, _, t in gets),
        "get_max": max(t for _, _, t in gets),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=150_000)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    runs = []
    for i in range(args.repeat):
        with tempfile.TemporaryDirectory(prefix="migrex-bench-") as tmp:
            print(f"Run {i + 1}: preparing two nodes…", flush=True)
            run = once(Path(tmp), args.records)
        runs.append(run)
        print(
            f"  receive {run['receive']:.1f} s, stored {run['stored']}; longest write-lock wait "
            f"{run['longest_wait']:.2f} s, p99 {run['p99_wait']:.2f} s "
            f"({run['waits_over_1s']} of {run['probes']} over 1 s); "
            f"{run['gets']} GETs, statuses {run['statuses']}, median {run['get_median']:.2f} s, "
            f"max {run['get_max']:.2f} s",
            flush=True,
        )
        for failed in run["not_200"][:10]:
            print(f"    not 200: {failed}")
    med = {k: statistics.median(r[k] for r in runs) for k in ("receive", "longest_wait", "get_max")}
    print(
        f"\n{args.records} records, median of {len(runs)}: receive {med['receive']:.1f} s, "
        f"longest write-lock hold {med['longest_wait']:.2f} s, slowest GET {med['get_max']:.2f} s"
    )
    ok = all(
        r["stored"] == args.records and r["longest_wait"] < 1 and r["statuses"] == [200]
        for r in runs
    )
    print(f"  target (no hold of 1 s or more, every GET 200): {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
