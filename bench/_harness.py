"""Shared set-up for benchmarks: a throwaway node (SQLite in a temp dir, or a throwaway
PostgreSQL database), a real `migrex serve` process, and timing helpers."""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

from migrex.shell.nodes import free_port

ROOT = Path(__file__).resolve().parent.parent
# The process id of each server running, by its URL (for cpu_seconds).
SERVERS: dict[str, int] = {}


@contextlib.contextmanager
def node_environment(database: str) -> Iterator[dict[str, str]]:
    """Environment of a fresh node on `database` ("sqlite" or a postgres:// server URL)."""
    with tempfile.TemporaryDirectory(prefix="migrex-bench-") as tmp:
        env = dict(os.environ)
        env.update(
            MIGREX_DATA_DIR=tmp,
            SECRET_KEY=secrets.token_urlsafe(32),
            DJANGO_SETTINGS_MODULE="config.settings",
            MIGREX_PARTY="BY",
            MIGREX_TIME_ZONE="Europe/Minsk",
            MIGREX_HTTPS="0",  # plain HTTP on 127.0.0.1, no TLS proxy in front (as nodes.py)
        )
        env.pop("DATABASE_URL", None)
        if database == "sqlite":
            yield env
            return
        import psycopg

        name = f"migrex_bench_{os.getpid()}"
        admin = database.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = database.rsplit("/", 1)[0] + f"/{name}"
        try:
            yield env
        finally:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def database_options(parser) -> None:
    """--postgres (the server for a throwaway database, empty to skip) and the hidden --only
    with which each_database runs one database in a child process."""
    parser.add_argument(
        "--postgres",
        default="postgres://postgres@127.0.0.1:5432/postgres",
        help="server to make a throwaway database on; empty to skip",
    )
    parser.add_argument("--only", help=argparse.SUPPRESS)


def each_database(script: str, postgres: str, *args: str) -> int:
    """Run `script --only DATABASE *args` once for SQLite and once for the PostgreSQL server
    `postgres` (none when empty), each in a child process: Django is set up once per process.
    Nonzero when any run missed its target."""
    code = 0
    for database in ["sqlite"] + ([postgres] if postgres else []):
        code |= subprocess.call([sys.executable, script, "--only", database, *args])
    return code


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    if "DATABASE_URL" not in env:
        os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()


@contextlib.contextmanager
def _serving(command: list[str], env: dict[str, str], probe: str) -> Iterator[str]:
    """A server process of this tree on a free port, once `probe` answers: its URL. What it
    writes goes to a file, read only if it fails to start: a pipe nobody reads fills up with
    its request log, and the server then hangs on its next log line, a request left unanswered
    until the client's timeout (the exchange bench's baseline stalled 30 s in most rounds)."""
    port = free_port()
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", *command, "--port", str(port)],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    urllib.request.urlopen(url + probe, timeout=2).read()  # noqa: S310
                    break
                except urllib.error.HTTPError:  # it answers (a route that takes only POST)
                    break
                except OSError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        log.seek(0)
                        raise SystemExit(log.read().decode(errors="replace")) from None
                    time.sleep(0.2)
            SERVERS[url] = proc.pid
            yield url
        finally:
            SERVERS.pop(url, None)
            proc.terminate()
            proc.wait(timeout=10)


def server(env: dict[str, str], threads: int = 4):
    """`migrex serve` on a node's environment: the URL."""
    return _serving(["migrex.cli", "serve", "--threads", str(threads)], env, "/healthz")


def baseline_server(env: dict[str, str]):
    """bench/baseline.py on a node's environment (its database and settings): the URL."""
    return _serving(["bench.baseline"], env, "/baseline")


def timed(fn: Callable[[], object], n: int) -> list[float]:
    """Milliseconds of `n` sequential calls."""
    out = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def summary(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def cpu_seconds(pid: int) -> float:
    """User and system CPU a process has used so far (Linux): unlike the time a request takes,
    it hardly grows when other work loads the machine."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
