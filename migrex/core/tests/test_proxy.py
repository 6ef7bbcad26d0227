"""Forwarded headers are believed from the configured proxy only (core/proxy.py)."""

from __future__ import annotations

import datetime as dt
import urllib.parse

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

from migrex.core.proxy import CLIENT_CERT, behind_proxy, certificate_sha256, fingerprint


def _seen(trusted: str, **environ) -> dict:
    """What the application sees of a request with `environ`."""
    seen = {}

    def app(env, start_response):
        seen.update(env)
        start_response("200 OK", [])
        return [b""]

    base = {"REMOTE_ADDR": "127.0.0.1", "wsgi.url_scheme": "http", "REQUEST_METHOD": "GET"}
    behind_proxy(app, trusted)({**base, **environ}, lambda *a: None)
    return seen


def _certificate() -> x509.Certificate:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "BY")])
    now = dt.datetime.now(dt.UTC)
    builder = x509.CertificateBuilder(
        subject_name=name,
        issuer_name=name,
        public_key=key.public_key(),
        serial_number=x509.random_serial_number(),
        not_valid_before=now,
        not_valid_after=now + dt.timedelta(days=1),
    )
    return builder.sign(key, hashes.SHA256())


def test_the_proxy_is_believed_for_scheme_address_and_client_certificate():
    cert = _certificate()
    escaped = urllib.parse.quote(cert.public_bytes(Encoding.PEM).decode())  # as nginx sends it
    seen = _seen(
        "127.0.0.1",
        HTTP_X_FORWARDED_PROTO="https",
        HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.4",
        HTTP_X_CLIENT_CERT=escaped,
    )
    assert seen["wsgi.url_scheme"] == "https"
    assert seen["REMOTE_ADDR"] == "198.51.100.4"  # the hop the proxy appended
    assert seen[CLIENT_CERT] == fingerprint(cert) == certificate_sha256(escaped)
    assert "HTTP_X_CLIENT_CERT" not in seen


def test_anyone_else_is_not_believed():
    seen = _seen(
        "127.0.0.1",
        REMOTE_ADDR="192.0.2.50",
        HTTP_X_FORWARDED_PROTO="https",
        HTTP_X_FORWARDED_FOR="198.51.100.4",
        HTTP_X_CLIENT_CERT="-----BEGIN%20CERTIFICATE-----",
    )
    assert seen["wsgi.url_scheme"] == "http"
    assert seen["REMOTE_ADDR"] == "192.0.2.50"
    assert CLIENT_CERT not in seen
    assert not any(k.startswith(("HTTP_X_FORWARDED", "HTTP_X_CLIENT")) for k in seen)


def test_believing_nobody_and_a_proxy_without_a_certificate():
    seen = _seen("", HTTP_X_FORWARDED_FOR="198.51.100.4", HTTP_X_CLIENT_CERT="x")
    assert seen["REMOTE_ADDR"] == "127.0.0.1" and CLIENT_CERT not in seen
    assert _seen("127.0.0.1")[CLIENT_CERT] == ""  # from the proxy, no certificate shown
    assert _seen("127.0.0.1", HTTP_X_CLIENT_CERT="not%20a%20certificate")[CLIENT_CERT] == ""
