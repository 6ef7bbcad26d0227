"""Whatever arrives at the inbox over HTTP, single, batched or streamed, is answered without a 5xx:
random bytes, malformed and deeply nested JSON, lone surrogates, bodies over the limits, and
JWE-shaped strings with random parts, down to envelopes that decrypt and verify but carry
random JSON. A node with its keys in one process (`both_nodes`), the Django test client."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client, override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from migrex.exchange.crypto import b64e, get_suite
from migrex.exchange.envelope import MAX_WIRE_BYTES
from migrex.exchange.inbox import MAX_BATCH_BYTES
from migrex.exchange.tests.conftest import encrypt_raw, envelope, sign_raw

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

# Text with lone surrogates, control characters and the rest of Unicode, as bytes that
# "surrogatepass" lets through (what a client that does not check its UTF-8 sends).
wild_text = st.text(st.characters(codec=None), max_size=200)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | wild_text,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(wild_text, inner, max_size=5),
    max_leaves=30,
)


def encoded(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def nested(depth: int, opener: str = "[") -> bytes:
    closer = {"[": "]", "{": "}"}[opener]
    inner = '{"a":' if opener == "{" else "["
    return (inner * depth + "1" + closer * depth).encode()


def post(path: str, body: bytes, content_type: str):
    client = Client(REMOTE_ADDR="192.0.2.66", raise_request_exception=False)
    response = client.post(path, body, content_type=content_type)
    assert response.status_code < 500, (path, body[:200], response.content[:500])
    return response


@pytest.fixture
def node(both_nodes):
    with override_settings(MIGREX_NODE_ID="BY", MIGREX_PARTY="BY"):
        yield both_nodes


def every_endpoint(body: bytes) -> None:
    post("/exchange/inbox", body, "application/jose")
    post("/exchange/inbox/stream", body, "application/octet-stream")
    post("/exchange/inbox/batch", body, "application/json")


@st.composite
def garbage(draw) -> bytes:
    return draw(
        st.one_of(
            st.binary(max_size=2048),
            wild_text.map(encoded),
            json_values.map(lambda v: encoded(json.dumps(v, ensure_ascii=False))),
            st.builds(nested, st.integers(1, 100_000), st.sampled_from("[{")),
            st.sampled_from([b"", b"\x00", b"{", b"null", b'"\\ud800"', b"\xff\xfe", b"\n\n"]),
        )
    )


@st.composite
def jwe_shaped(draw, keys) -> str:
    """Five parts: each random base64url, random text, or (the header) a real one naming this
    node's key."""
    by = keys["BY"]
    suite = get_suite(by.suite)
    real_header = {"alg": suite.jwe_alg, "enc": suite.jwe_enc, "kid": by.encryption_kid}
    real_header["migrex-suite"] = by.suite
    header = draw(
        st.one_of(
            st.text(B64URL, max_size=80),
            wild_text,
            json_values.map(lambda v: b64e(json.dumps(v).encode())),
            st.just(b64e(json.dumps(real_header).encode())),
        )
    )
    rest = draw(
        st.lists(st.one_of(st.text(B64URL, max_size=120), wild_text), min_size=0, max_size=6)
    )
    return ".".join([header, *rest])


def a_request(payload) -> dict:
    """An envelope as the peer makes it, now, with `payload` of any shape."""
    return {**envelope(payload={}, created=dt.datetime.now(dt.UTC)), "payload": payload}


@st.composite
def sealed_nonsense(draw, keys) -> str:
    """A JWE to this node that decrypts: inside it random text, or a JWS by the peer's real key
    over random JSON (an envelope of any shape)."""
    kz, by = keys["KZ"], keys["BY"]
    inner = draw(
        st.one_of(
            wild_text.map(encoded),
            json_values.map(
                lambda v: sign_raw(kz.suite, json.dumps(v).encode(), kz).encode("ascii")
            ),
            st.builds(a_request, st.dictionaries(wild_text, json_values, max_size=5)).map(
                lambda e: sign_raw(kz.suite, json.dumps(e).encode(), kz).encode("ascii")
            ),
        )
    )
    return encrypt_raw(inner, by, by.suite).decode("ascii")


@FUZZ
@given(body=garbage())
def test_garbage_never_makes_a_5xx(node, body):
    every_endpoint(body)
    post("/exchange/inbox/batch", b'{"envelopes": ' + body + b"}", "application/json")


@FUZZ
@given(data=st.data())
def test_jwe_shaped_strings_never_make_a_5xx(node, data):
    text = data.draw(st.one_of(jwe_shaped(node.keys), sealed_nonsense(node.keys)))
    every_endpoint(encoded(text))
    batch = {"envelopes": [text, data.draw(jwe_shaped(node.keys))]}
    post(
        "/exchange/inbox/batch", encoded(json.dumps(batch, ensure_ascii=False)), "application/json"
    )


@pytest.mark.parametrize(
    "path", ["/exchange/inbox", "/exchange/inbox/stream", "/exchange/inbox/batch"]
)
def test_bodies_over_the_limits_are_refused_not_a_5xx(node, path):
    for size in (MAX_WIRE_BYTES + 1, MAX_BATCH_BYTES + 1):
        assert post(path, b"A" * size, "application/jose").status_code in (400, 413, 422)
