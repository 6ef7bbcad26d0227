"""Benchmark: 100,000 Art. 6 person records in one dataset message between two real nodes.

KZ validates a JSON Lines file and queues it (`migrex dataset send`); KZ's delivery worker
(`migrex worker --once`) seals the envelope, encrypts the body a frame at a time and streams it to
BY's `migrex serve`, which decrypts, validates every record against the agreement and stores them
a chunk per transaction, out of sight, then makes them visible with the receipt in one short
transaction (persons/staging.py; bench/dataset_lock.py measures what others see meanwhile).
Printed: the time of each step and end to end, the peak memory (maximum resident set) of the KZ
processes and of the BY server, and beside them a baseline measured in the same run: the same file
POSTed in the clear to the same server, which writes it to a file as it arrives (no cryptography,
no parsing, no database).

    .venv/bin/python bench/dataset_stream.py [--records 100000]

Targets (issue): under 15 s end to end and under 400 MB peak per node.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._harness import baseline_server
from migrex.shell.nodes import ROOT, pair

SURNAMES = [
    ("Иванов", "Ivanov"), ("Оганесян", "Hovhannisyan"), ("Нурсултанов", "Nursultanov"),
    ("Ковальчук", "Kovalchuk"), ("Петросян", "Petrosyan"), ("Жумабаев", "Zhumabayev"),
    ("Лукашевич", "Lukashevich"), ("Саргсян", "Sargsyan"), ("Ахметов", "Akhmetov"),
]  # fmt: skip
GIVEN = [
    ("Арам", "Aram"), ("Александр", "Aleksandr"), ("Айгерим", "Aigerim"), ("Ольга", "Olga"),
    ("Нурлан", "Nurlan"), ("Анна", "Anna"), ("Гайк", "Gaik"), ("Сергей", "Sergei"),
]  # fmt: skip


def records(n: int, seed: int = 20261122):
    rng = random.Random(seed)
    start = dt.date(1950, 1, 1)
    for i in range(n):
        surname, given = rng.choice(SURNAMES), rng.choice(GIVEN)
        yield {
            "surname": {"cyrillic": surname[0], "latin": surname[1]},
            "given_name": {"cyrillic": given[0], "latin": given[1]},
            "birth_date": (start + dt.timedelta(days=rng.randrange(20000))).isoformat(),
            "citizenship": rng.choice([["BY"], ["KZ"], ["AM", "KZ"], ["RU", "BY"]]),
            "identity_document": [{"series": "MP", "number": f"{i:07d}"}],
        }


def run(node, *args: str) -> tuple[float, float, str]:
    """Wall seconds, peak resident memory (MB) and stdout of `migrex ARGS` on `node`."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "migrex.cli", *args],
            env=node.env,
            cwd=ROOT,
            stdout=out,
            stderr=err,
        )
        _, status, usage = os.wait4(proc.pid, 0)  # reaped here, with its resource usage
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - start
        out.seek(0), err.seek(0)
        if proc.returncode:
            raise SystemExit(f"migrex {' '.join(args)}: {err.read().decode()[-2000:]}")
        return wall, usage.ru_maxrss / 1024, out.read().decode()


def cpu_s(pid: int) -> float:
    """CPU seconds (user and system) a process has used so far: less swayed than wall time by
    what else the machine runs."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def baseline(url: str, path: Path) -> float:
    host, port = url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=600)
    start = time.perf_counter()
    with open(path, "rb") as body:
        conn.request(
            "POST",
            "/baseline/stream",
            body=iter(lambda: body.read(1 << 20), b""),
            headers={"Content-Length": str(path.stat().st_size)},
        )
        response = conn.getresponse()
        response.read()
    if response.status != 200:
        raise SystemExit(f"baseline: HTTP {response.status}")
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="migrex-bench-") as tmp:
        print("Preparing two nodes…", flush=True)
        kz, by = pair(Path(tmp))
        source = Path(tmp) / "persons.jsonl"
        with open(source, "w", encoding="utf-8") as out:
            for r in records(args.records):
                out.write(json.dumps(r, ensure_ascii=False) + "\n")
        size_mb = source.stat().st_size / 2**20
        by.start(worker=False)
        try:
            queue_s, queue_mb, _ = run(
                kz, "dataset", "send", str(source), "--agreement", "kz-by-2019",
                "--from", "kz-mvd", "--to", "by-mvd", "--category", "residence_permit",
                "--title", "Получившие разрешение на проживание", "--purpose", "Ст. 3 Соглашения",
            )  # fmt: skip
            server_cpu = cpu_s(by.procs["server"].pid)
            send_s, send_mb, _ = run(kz, "worker", "--once")
            server_mb = peak_mb(by.procs["server"].pid)
            server_cpu = cpu_s(by.procs["server"].pid) - server_cpu
            stored = by.python(
                "from migrex.persons.models import PersonRecord\n"
                "print(json.dumps(PersonRecord.objects.count()))"
            )
            outbox = kz.python(
                "from migrex.exchange.models import OutboxMessage\n"
                "sent = OutboxMessage.objects.filter(kind='dataset')\n"  # pair() sent a list too
                "print(json.dumps(list(sent.values_list('status', flat=True))))"
            )
            with baseline_server(by.env) as base_url:
                base_s = baseline(base_url, source)
        finally:
            by.stop()
    total = queue_s + send_s
    print(f"\n{args.records} records ({size_mb:.1f} MB of JSON Lines), both nodes on this machine")
    print(f"  {'':<44}{'seconds':>9}{'peak MB':>9}")
    print(f"  {'KZ: validate and queue (migrex dataset send)':<44}{queue_s:>9.2f}{queue_mb:>9.0f}")
    print(f"  {'KZ: seal, encrypt, stream (migrex worker)':<44}{send_s:>9.2f}{send_mb:>9.0f}")
    print(f"  {'BY: decrypt, validate, store (migrex serve)':<44}{'':>9}{server_mb:>9.0f}")
    print(f"  {'  of which CPU seconds of the BY server':<44}{server_cpu:>9.2f}")
    print(f"  {'end to end':<44}{total:>9.2f}")
    print(f"  {'baseline: same file POSTed in the clear':<44}{base_s:>9.2f}")
    print(f"  ratio delivery / baseline: {send_s / base_s:.0f} x the bare copy's time")
    print(f"  BY stored {stored} records; KZ outbox: {outbox}")
    ok = (
        stored == args.records
        and outbox == ["delivered"]
        and total < 15
        and max(queue_mb, send_mb, server_mb) < 400
    )
    print(f"  targets (< 15 s end to end, < 400 MB per node): {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
