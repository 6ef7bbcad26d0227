"""A real SMTP server for the notification tests: aiosmtpd in a process of its own, keeping
every mail it accepts in a Maildir that the tests read; it can be stopped and started again on
its port, as a mail server that goes down and comes back."""

from __future__ import annotations

import email
import email.policy
import mailbox
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from migrex.shell.nodes import free_port


@dataclass
class SmtpServer:
    directory: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                f"127.0.0.1:{self.port}",
                "-c",
                "aiosmtpd.handlers.Mailbox",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"aiosmtpd exited with {self.proc.returncode}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("aiosmtpd did not listen")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        self.proc = None

    def messages(self) -> list[email.message.EmailMessage]:
        """Every mail received (in no particular order), parsed, headers decoded."""
        if not (self.directory / "new").exists():
            return []
        box = mailbox.Maildir(self.directory, factory=None, create=False)
        return [
            email.message_from_bytes(box.get_bytes(key), policy=email.policy.default)
            for key in box.iterkeys()
        ]

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for m in self.messages() if m["To"] == address]

    def env(self) -> dict[str, str]:
        """The node's settings that send to this server."""
        return {
            "MIGREX_SMTP_HOST": "127.0.0.1",
            "MIGREX_SMTP_PORT": str(self.port),
            "MIGREX_SMTP_TLS": "none",
            "MIGREX_MAIL_FROM": "migrex@kz.test",
        }


def body(message: email.message.EmailMessage) -> str:
    return message.get_body(("plain",)).get_content()


@pytest.fixture(scope="module")
def mail_server(tmp_path_factory):
    """A real SMTP server process for the tests of a module that runs node processes."""
    server = SmtpServer(tmp_path_factory.mktemp("smtp") / "maildir")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp(tmp_path, settings):
    """The server, and this process's mail settings pointing at it."""
    server = SmtpServer(tmp_path / "maildir")
    server.start()
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.DEFAULT_FROM_EMAIL = "migrex@kz.test"
    settings.MIGREX_PUBLIC_URL = "https://migrex.example.kz"
    yield server
    server.stop()


@pytest.fixture
def addressed(officers):
    """Every officer of the shared fixtures with an address of their own."""
    for user in officers.values():
        user.email = f"{user.username}@mail.test"
        user.save(update_fields=["email"])
    return officers
