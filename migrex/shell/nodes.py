"""Real node processes on this machine: set-up, start, stop, kill. Used by `migrex demo`, the
two-node tests and the benchmarks. Each node has its own data directory, SQLite database (unless
DATABASE_URL is given), secret key, keys, web server and delivery worker."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import ssl
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from migrex.accounts import totp

ROOT = Path(__file__).resolve().parent.parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LocalNode:
    party: str
    data_dir: Path
    port: int = 0
    time_zone: str = "Asia/Almaty"
    database_url: str | None = None
    public_url: str | None = None  # behind a proxy (tlsproxy.py): where peers and officers go
    extra_env: dict[str, str] = field(default_factory=dict)
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)
    logins: dict[str, str] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    code_steps: dict[str, int] = field(default_factory=dict)  # the last code's step, per officer

    def __post_init__(self):
        self.port = self.port or free_port()
        self.data_dir.mkdir(parents=True, exist_ok=True)

    @property
    def url(self) -> str:
        return self.public_url or self.direct_url

    @property
    def direct_url(self) -> str:
        """The node's own server, without the proxy."""
        return f"http://127.0.0.1:{self.port}"

    def ssl_context(self) -> ssl.SSLContext:
        """What a client of this node trusts: the CA of MIGREX_TLS_CA_FILE, if one is set."""
        return ssl.create_default_context(cafile=self.extra_env.get("MIGREX_TLS_CA_FILE"))

    @property
    def env(self) -> dict[str, str]:
        secret = self.data_dir / "secret_key"
        if not secret.exists():
            secret.write_text(secrets.token_urlsafe(48))
            secret.chmod(0o600)
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env.update(
            MIGREX_DATA_DIR=str(self.data_dir),
            MIGREX_PARTY=self.party,
            MIGREX_NODE_ID=self.party,
            MIGREX_TIME_ZONE=self.time_zone,
            MIGREX_PUBLIC_URL=self.url,
            SECRET_KEY=secret.read_text().strip(),
            DJANGO_SETTINGS_MODULE="config.settings",
            PYTHONUNBUFFERED="1",
            # Plain HTTP on 127.0.0.1 unless a TLS proxy is in front (extra_env says so).
            MIGREX_HTTPS="0",
        )
        env.pop("MIGREX_DEBUG", None)
        if self.database_url:
            env["DATABASE_URL"] = self.database_url
        env.update(self.extra_env)
        return env

    def migrex(self, *args: str, check: bool = True) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "migrex.cli", *args],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if check and done.returncode:
            raise RuntimeError(f"migrex {' '.join(args)} on {self.party}: {done.stderr[-2000:]}")
        return done.stdout

    def prepare(self) -> str:
        """Database, static files, agreements, keys and demo officers; returns their logins."""
        self.migrex("migrate", "--no-input", "-v", "0")
        self.migrex("collectstatic", "--no-input", "-v", "0")
        out = self.migrex("demo_setup")
        self.logins = dict(
            line.split(" ", 1)
            for line in (self.data_dir / "demo-logins.txt").read_text().splitlines()
        )
        (self.data_dir / "peer.json").write_text(self.migrex("keys", "export"))
        return out

    def python(self, code: str, data: object = None, timeout: float = 300) -> object:
        """Run `code` in a Python process with this node's settings (its database, its keys),
        `data` as JSON on stdin (as DATA); the code prints one JSON document as its last line,
        which is returned."""
        prelude = "import json, sys\nimport django\ndjango.setup()\nDATA = json.load(sys.stdin)\n"
        done = subprocess.run(
            [sys.executable, "-c", prelude + textwrap.dedent(code)],
            env=self.env,
            cwd=ROOT,
            input=json.dumps(data),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode:
            raise RuntimeError(f"script on {self.party} failed:\n{done.stderr[-3000:]}")
        return json.loads(done.stdout.strip().splitlines()[-1])

    def token(self, username: str) -> str:
        if username not in self.tokens:
            self.tokens[username] = self.migrex("token", "create", username).strip()
        return self.tokens[username]

    def one_time_code(self, username: str) -> str:
        """The officer's code as their authenticator shows it (the key demo_setup wrote to
        demo-totp.txt): of this time step, or of the next one not given out yet, since a code is
        accepted once; waits for it when that step is still ahead."""
        lines = (self.data_dir / "demo-totp.txt").read_text().splitlines()
        secret = dict(line.split(" ", 1) for line in lines)[username]
        step = max(totp.step_at(time.time()), self.code_steps.get(username, 0) + 1)
        while step > totp.step_at(time.time()) + totp.DRIFT:
            time.sleep(0.5)
        self.code_steps[username] = step
        return totp.hotp(totp.key_of(secret), step)

    def trust(self, other: LocalNode, agreement: str = "kz-by-2019") -> None:
        self.migrex("peers", "add", str(other.data_dir / "peer.json"), "--agreement", agreement)

    def start(self, *, server: bool = True, worker: bool = True, log: Path | None = None):
        out = open(log or self.data_dir / "node.log", "ab")  # noqa: SIM115 - lives with the procs
        if server and "server" not in self.procs:
            self.procs["server"] = subprocess.Popen(
                [sys.executable, "-m", "migrex.cli", "serve", "--port", str(self.port)],
                env=self.env,
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        if worker and "worker" not in self.procs:
            self.procs["worker"] = subprocess.Popen(
                [sys.executable, "-m", "migrex.cli", "worker", "--idle", "0.05"],
                env=self.env,
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        if server:
            self.wait_ready()

    def wait_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            proc = self.procs.get("server")
            if proc is not None and proc.poll() is not None:
                raise RuntimeError(f"{self.party} server exited with {proc.returncode}")
            try:
                with urllib.request.urlopen(self.direct_url + "/healthz", timeout=2):  # noqa: S310
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"{self.url} did not answer within {timeout:.0f} s")

    def kill(self, which: str) -> None:
        """SIGKILL, as a power cut would: no clean-up runs."""
        proc = self.procs.pop(which, None)
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            proc.wait()

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs.values():
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        self.procs.clear()


class Api:
    """A national system's view of a node: its JSON API with one officer's token."""

    def __init__(self, node: LocalNode, username: str):
        self.node, self.username = node, username
        self.token = node.token(username)

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        if body and "password" in body and "otp" not in body:
            # A signature: the officer's one-time code goes with the password (Art. 9.3).
            body = {**body, "otp": self.node.one_time_code(self.username)}
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(  # noqa: S310 - our own node's http URL
            self.node.url + "/api/v1" + path,
            data=data,
            method=method,
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(  # noqa: S310
                request, timeout=30, context=self.node.ssl_context()
            ) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"{}")

    def ok(self, method: str, path: str, body: dict | None = None) -> dict:
        status, data = self.call(method, path, body)
        if status >= 300:
            raise RuntimeError(f"{self.username}: {method} {path} → {status} {data}")
        return data


@contextlib.contextmanager
def databases(n: int = 2, server: str | None = None) -> Iterator[list[str | None]]:
    """Database URLs for `n` nodes: throwaway PostgreSQL databases, dropped afterwards, on the
    server of `server` (by default the DATABASE_URL of this process when it is PostgreSQL, as
    when the test suite runs on PostgreSQL); otherwise None each, i.e. each node's own SQLite."""
    server = server if server is not None else os.environ.get("DATABASE_URL", "")
    if not server.startswith(("postgres://", "postgresql://")):
        yield [None] * n
        return
    import psycopg

    base = server.rsplit("/", 1)[0]
    names = [f"migrex_node_{os.getpid()}_{secrets.token_hex(4)}" for _ in range(n)]
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        for name in names:
            conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield [f"{base}/{name}" for name in names]
    finally:
        with psycopg.connect(base + "/postgres", autocommit=True) as conn:
            for name in names:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def pair(
    base: Path,
    *,
    database_urls: tuple[str | None, str | None] = (None, None),
    ports: tuple[int, int] = (0, 0),
    configure: Callable[[LocalNode], None] | None = None,
) -> tuple[LocalNode, LocalNode]:
    """Two prepared nodes, Kazakhstan and Belarus under the 2019 agreement, trusting each
    other (peer files exchanged as they would be out of band), each with its list of signatories
    queued to the other (Art. 9.4: the signatories sign once it is sent). Not started.
    `configure(node)` runs on each before anything is prepared (a proxy in front, say)."""
    kz = LocalNode("KZ", base / "kz", ports[0], "Asia/Almaty", database_urls[0])
    by = LocalNode("BY", base / "by", ports[1], "Europe/Minsk", database_urls[1])
    for node in (kz, by):
        if configure is not None:
            configure(node)
        node.prepare()
    kz.trust(by)
    by.trust(kz)
    for node in (kz, by):
        node.migrex("demo_setup", "--send-lists")
    return kz, by
