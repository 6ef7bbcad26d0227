"""TLS towards the peers: whom their servers' certificates must chain to, and the client
certificate this node shows them (mutual TLS, docs/protocol.md §8.4). One context, built once
per process from MIGREX_TLS (config/settings.py): certificate checks and host names as Python's
defaults have them, TLS 1.2 at least."""

from __future__ import annotations

import functools
import http.client
import ssl
from urllib.parse import SplitResult

from django.conf import settings


@functools.cache
def context() -> ssl.SSLContext:
    tls = settings.MIGREX_TLS
    ctx = ssl.create_default_context(cafile=tls["ca_file"])
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    if tls["client_cert"]:
        ctx.load_cert_chain(tls["client_cert"], tls["client_key"])
    return ctx


def connection(parts: SplitResult, timeout: float) -> http.client.HTTPConnection:
    """A connection to the peer's origin: HTTPS with this node's context, or plain HTTP."""
    if parts.scheme == "https":
        return http.client.HTTPSConnection(parts.netloc, timeout=timeout, context=context())
    return http.client.HTTPConnection(parts.netloc, timeout=timeout)
