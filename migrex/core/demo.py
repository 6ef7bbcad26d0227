"""`migrex demo`: set up and run demo nodes on this machine, each in its own data directory.

The orchestrator itself does not load Django: each node is a separate `migrex` process with its own
environment (data directory, SQLite database, secret key), exactly as in production.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class DemoNode:
    party: str
    title: str
    port: int
    time_zone: str


NODES = (DemoNode("KZ", "Казахстан / Kazakhstan", 8000, "Asia/Almaty"),)


def _secret(path: Path) -> str:
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def node_env(node: DemoNode, base: Path) -> dict[str, str]:
    data = base / node.party.lower()
    data.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        MIGREX_DATA_DIR=str(data),
        MIGREX_PARTY=node.party,
        MIGREX_TIME_ZONE=node.time_zone,
        SECRET_KEY=_secret(data / "secret_key"),
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    return env


def _migrex(*args: str) -> list[str]:
    return [sys.executable, "-m", "migrex.cli", *args]


def _wait_http(url: str, proc: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"migrex demo: the server for {url} exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - our own loopback URL
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"migrex demo: {url} did not answer within {timeout:.0f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="migrex demo", description=__doc__)
    parser.add_argument("--data-dir", default="var/demo", help="where the demo nodes keep files")
    args = parser.parse_args(argv)
    base = Path(args.data_dir).resolve()

    # Stop the same way on Ctrl-C and on SIGTERM (a service manager, `timeout`, a CI runner).
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    servers: list[subprocess.Popen] = []
    logins: list[str] = []
    try:
        for node in NODES:
            env = node_env(node, base)
            print(f"== {node.title}: preparing {env['MIGREX_DATA_DIR']}", flush=True)
            subprocess.run(_migrex("migrate", "--no-input", "-v", "0"), env=env, check=True)
            subprocess.run(_migrex("collectstatic", "--no-input", "-v", "0"), env=env, check=True)
            out = subprocess.run(
                _migrex("demo_setup"), env=env, check=True, capture_output=True, text=True
            ).stdout
            logins.append(f"{node.title}: http://127.0.0.1:{node.port}/\n{out}")
            servers.append(subprocess.Popen(_migrex("serve", "--port", str(node.port)), env=env))
        for node, proc in zip(NODES, servers, strict=True):
            _wait_http(f"http://127.0.0.1:{node.port}/healthz", proc)
        print("\n" + "\n".join(logins), flush=True)
        print("Ctrl-C stops the demo.", flush=True)
        while all(p.poll() is None for p in servers):
            time.sleep(0.5)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        for proc in servers:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in servers:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        print("migrex demo: stopped.", flush=True)
