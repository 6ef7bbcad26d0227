"""The node behind its reverse proxy: which forwarded headers to believe.

The proxy (nginx, contrib/nginx/migrex.conf) terminates TLS and tells the node in headers the
scheme (X-Forwarded-Proto), the client's address (X-Forwarded-For) and the certificate a peer
node presented (X-Client-Cert, URL-escaped PEM). Anyone can send those headers, so they are
believed from the configured proxy address (MIGREX_TRUSTED_PROXY) only and removed from every
other client. For the forwarded headers this is waitress's own middleware, which validates
them and sets REMOTE_ADDR and wsgi.url_scheme (so Django needs no SECURE_PROXY_SSL_HEADER, and
the lockout counts the real client's address). The certificate header is ours: waitress knows
nothing of it. Wrapping the application (config/wsgi.py), not configuring one server, keeps it
the same under any WSGI server.
"""

from __future__ import annotations

import hashlib
import logging
import urllib.parse

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from waitress.proxy_headers import proxy_headers_middleware

CERT_HEADER = "HTTP_X_CLIENT_CERT"
# The SHA-256 of the DER certificate the client presented to the proxy, as lower-case hex;
# "" when it presented none (or one that cannot be read). Absent: not from the proxy.
CLIENT_CERT = "migrex.client_cert_sha256"

log = logging.getLogger("migrex.proxy")


def behind_proxy(app, trusted: str):
    """`app`, believing the proxy headers from `trusted` (an IP address; "" believes nobody)."""
    forwarded = proxy_headers_middleware(
        app,
        trusted_proxy=trusted or None,
        trusted_proxy_count=1,
        trusted_proxy_headers={"x-forwarded-for", "x-forwarded-proto"},
        clear_untrusted=True,
        log_untrusted=True,
        logger=log,
    )

    def application(environ, start_response):
        pem = environ.pop(CERT_HEADER, "")
        if trusted and environ["REMOTE_ADDR"] == trusted:  # as waitress's middleware reads it
            environ[CLIENT_CERT] = certificate_sha256(pem) if pem else ""
        return forwarded(environ, start_response)

    return application


def certificate_sha256(escaped_pem: str) -> str:
    """nginx's $ssl_client_escaped_cert (or a plain PEM) → the certificate's SHA-256 over its
    DER bytes, lower-case hex; "" if it is no certificate."""
    try:
        cert = x509.load_pem_x509_certificate(urllib.parse.unquote(escaped_pem).encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        return ""
    return fingerprint(cert)


def fingerprint(cert: x509.Certificate) -> str:
    return hashlib.sha256(cert.public_bytes(Encoding.DER)).hexdigest()
