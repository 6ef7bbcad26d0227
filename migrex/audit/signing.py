"""What the audit log needs of the node's keys to sign and check its checkpoints, as a small
interface: the keys and their cryptography belong to the exchange, a floor above, which installs
its notary here when it starts (ExchangeConfig.ready). Until one is installed (a node without
keys), `notary()` raises LookupError and no checkpoint is made."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol


class SignatureError(ValueError):
    """A signed document whose signature or key does not hold; `code` as the exchange names it
    (docs/protocol.md §7: `bad_signature`, `unknown_sender`, `key_not_valid` …)."""

    def __init__(self, code: str, detail: str):
        super().__init__(f"{code}: {detail}")
        self.code, self.detail = code, detail


@dataclass(frozen=True)
class Opened:
    """A verified document: its JSON body, the key it was signed with, and when that key was
    valid."""

    body: object
    kid: str
    valid_at: Callable[[dt.datetime], bool]


class Notary(Protocol):
    def sign(self, body: dict, typ: str) -> tuple[str, str]:
        """(JWS compact over the RFC 8785 JSON of `body`, signing key id); LookupError when
        the node has no key valid now."""

    def open(self, token: str, typ: str, jwks: dict | None) -> Opened:
        """Verify `token` against the JWK Set `jwks`; SignatureError if it does not hold."""

    def own_keys(self) -> dict:
        """The JWK Set of every generation of this node's keys, expired ones too."""

    def publish(self, token: str) -> int:
        """Send a signed checkpoint to the peer nodes; how many it was queued for."""


_installed: list[Notary] = []


def install(notary: Notary) -> None:
    _installed[:] = [notary]


def notary() -> Notary:
    if not _installed:
        raise LookupError("this node cannot sign: its exchange keys are not set up")
    return _installed[0]
