"""HTTPS in front of local nodes, as operators deploy it: a throwaway certificate authority and
a real nginx process running the site the project ships (contrib/nginx/migrex.conf) with its
host names, ports and certificate paths replaced. Used by the HTTPS tests and the load benchmark;
nothing here is needed to run a node."""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import pwd
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from migrex.shell.nodes import ROOT, LocalNode, free_port, pair

SITE = ROOT / "contrib" / "nginx" / "migrex.conf"


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _write_key(key, path: Path) -> None:
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    path.chmod(0o600)


class ThrowawayCA:
    """A certificate authority made on the spot, in `directory` (ca.crt), issuing server and
    client certificates valid for a day."""

    def __init__(self, directory: Path):
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.name = _name("migrex test CA")
        now = dt.datetime.now(dt.UTC)
        self.cert = (
            self._builder(self.name, self.key.public_key(), now)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .sign(self.key, hashes.SHA256())
        )
        self.cert_file = directory / "ca.crt"
        self.cert_file.write_bytes(self.cert.public_bytes(serialization.Encoding.PEM))

    def _builder(self, subject: x509.Name, public_key, now: dt.datetime):
        return x509.CertificateBuilder(
            subject_name=subject,
            issuer_name=self.name,
            public_key=public_key,
            serial_number=x509.random_serial_number(),
            not_valid_before=now - dt.timedelta(minutes=5),
            not_valid_after=now + dt.timedelta(days=1),
        )

    def issue(self, common_name: str, *, server: bool) -> tuple[Path, Path]:
        """(certificate, key) files for a server on 127.0.0.1 / localhost, or a client."""
        key = ec.generate_private_key(ec.SECP256R1())
        builder = self._builder(_name(common_name), key.public_key(), dt.datetime.now(dt.UTC))
        if server:
            names = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
            usage = ExtendedKeyUsageOID.SERVER_AUTH
        else:
            usage = ExtendedKeyUsageOID.CLIENT_AUTH
        builder = builder.add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
        cert = builder.sign(self.key, hashes.SHA256())
        stem = self.directory / common_name
        cert_file, key_file = stem.with_suffix(".crt"), stem.with_suffix(".key")
        cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        _write_key(key, key_file)
        return cert_file, key_file


MAIN = """\
{user}
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log {dir}/access.log;
    client_body_temp_path {dir}/tmp/body;
    proxy_temp_path {dir}/tmp/proxy;
    fastcgi_temp_path {dir}/tmp/fastcgi;
    uwsgi_temp_path {dir}/tmp/uwsgi;
    scgi_temp_path {dir}/tmp/scgi;
    include {dir}/site.conf;
}}
"""


@dataclass
class Nginx:
    """nginx running contrib/nginx/migrex.conf in front of the node on `upstream_port`."""

    directory: Path
    upstream_port: int
    cert: Path
    key: Path
    https_port: int = 0
    http_port: int = 0
    proc: subprocess.Popen | None = field(default=None, repr=False)

    def __post_init__(self):
        self.https_port = self.https_port or free_port()
        self.http_port = self.http_port or free_port()

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.https_port}"

    def site(self) -> str:
        """The shipped site with this proxy's ports and files."""
        text = SITE.read_text()
        replaced = {
            "listen 80;": f"listen 127.0.0.1:{self.http_port};",
            "listen 443 ssl http2;": f"listen 127.0.0.1:{self.https_port} ssl http2;",
            "server 127.0.0.1:8000;": f"server 127.0.0.1:{self.upstream_port};",
            "/etc/migrex/tls/server.crt": str(self.cert),
            "/etc/migrex/tls/server.key": str(self.key),
            "shared:migrex:10m": f"shared:migrex{self.https_port}:1m",
        }
        for old, new in replaced.items():
            if old not in text:
                raise RuntimeError(f"{SITE}: no {old!r} to replace")
            text = text.replace(old, new)
        return text

    def start(self) -> Nginx:
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        (self.directory / "tmp").mkdir(parents=True, exist_ok=True)
        (self.directory / "site.conf").write_text(self.site())
        # As root, the workers would drop to nobody, who cannot write these temporary files.
        user = f"user {pwd.getpwuid(os.geteuid()).pw_name};" if os.geteuid() == 0 else ""
        conf = self.directory / "nginx.conf"
        conf.write_text(MAIN.format(user=user, dir=self.directory))
        self.proc = subprocess.Popen(
            [binary, "-p", str(self.directory), "-c", str(conf), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=open(self.directory / "stderr.log", "ab"),  # noqa: SIM115
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                log = (self.directory / "stderr.log").read_text(errors="replace")
                raise RuntimeError(f"nginx exited with {self.proc.returncode}: {log[-2000:]}")
            try:
                socket.create_connection(("127.0.0.1", self.https_port), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"nginx did not listen on {self.https_port} within 10 s")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.proc = None


def pair_behind_nginx(
    base: Path, database_urls: tuple[str | None, str | None], **extra_env: str
) -> tuple[LocalNode, LocalNode, ThrowawayCA, dict[str, Nginx]]:
    """Two prepared nodes (nodes.pair), each behind its nginx with a certificate of one
    throwaway CA, MIGREX_HTTPS=1, and each pinning the other's client certificate (mutual TLS,
    docs/protocol.md §8.4). Nothing is started: start each proxy, then each node."""
    ca = ThrowawayCA(base / "ca")
    proxies: dict[str, Nginx] = {}

    def behind_nginx(node: LocalNode) -> None:
        cert, key = ca.issue(f"{node.party}-server", server=True)
        client_cert, client_key = ca.issue(f"{node.party}-client", server=False)
        proxies[node.party] = Nginx(base / f"nginx-{node.party}", node.port, cert, key)
        node.public_url = proxies[node.party].url
        node.extra_env.update(
            extra_env,
            MIGREX_HTTPS="1",
            MIGREX_TLS_CA_FILE=str(ca.cert_file),
            MIGREX_TLS_CLIENT_CERT=str(client_cert),
            MIGREX_TLS_CLIENT_KEY=str(client_key),
        )

    kz, by = pair(base, database_urls=database_urls, configure=behind_nginx)
    kz.migrex("peers", "pin", "BY", str(ca.directory / "BY-client.crt"))
    by.migrex("peers", "pin", "KZ", str(ca.directory / "KZ-client.crt"))
    return kz, by, ca, proxies
