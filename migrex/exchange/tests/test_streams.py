"""Streamed bodies (docs/protocol.md §8.2): what goes in comes out, and any change to the frames
on the way — altered, dropped, reordered, added, cut — is detected."""

from __future__ import annotations

import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from migrex.exchange import streams
from migrex.exchange.crypto import EnvelopeError

KEY = bytes(range(32))
AAD = b"0190a0b0-0000-7000-8000-000000000001"


def frames_of(body: bytes, size: int) -> list[bytes]:
    chunks = [body[i : i + size] for i in range(0, len(body), size)]
    return list(streams.encrypt(KEY, AAD, chunks))


def read_back(wire: bytes, key: bytes = KEY, aad: bytes = AAD) -> bytes:
    return b"".join(streams.decrypt(key, aad, io.BytesIO(wire).read))


@given(st.binary(max_size=5000), st.integers(1, 700))
def test_round_trip_and_length(body, size):
    frames = frames_of(body, size)
    wire = b"".join(frames)
    assert read_back(wire) == body
    assert len(frames) == max(1, -(-len(body) // size))
    if size == streams.FRAME or len(body) <= size:
        assert len(wire) == streams.framed_length(len(body))


def test_framed_length_counts_every_frame_of_the_default_size():
    assert streams.framed_length(0) == 20
    assert streams.framed_length(streams.FRAME) == streams.FRAME + 20
    assert streams.framed_length(streams.FRAME + 1) == streams.FRAME + 1 + 40


BODY = b"".join(b'{"line": %d}\n' % i for i in range(200))


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda f: [f[0][:-1] + bytes([f[0][-1] ^ 1]), *f[1:]], "does not decrypt"),
        (lambda f: [f[0], *f[2:]], "does not decrypt"),  # a frame dropped
        (lambda f: [f[1], f[0], *f[2:]], "does not decrypt"),  # two swapped
        (lambda f: f[:-1], "ends before its last frame"),  # cut after a frame
        (lambda f: [*f[:-1], f[-1][:-5]], "ends before its last frame"),  # cut inside one
        (lambda f: [*f, b"x"], "data after the last frame"),
        (lambda f: [*f, f[0]], "data after the last frame"),
        (lambda f: [b"\xff\xff\xff\xff", *f], "out of range"),
    ],
)
def test_any_change_is_detected(change, reason):
    wire = b"".join(change(frames_of(BODY, 300)))
    with pytest.raises(EnvelopeError, match=reason) as caught:
        read_back(wire)
    assert caught.value.code == "stream_broken"


def test_another_message_or_key_does_not_open_it():
    wire = b"".join(frames_of(BODY, 300))
    with pytest.raises(EnvelopeError, match="frame 0 does not decrypt"):
        read_back(wire, aad=b"another message id")
    with pytest.raises(EnvelopeError, match="frame 0 does not decrypt"):
        read_back(wire, key=bytes(32))


def test_lines_split_across_frames_with_digest_and_size():
    import hashlib

    body = "Оганесян\nHovhannisyan\nНұрсұлтан".encode()
    lines = streams.Lines(body[i : i + 5] for i in range(0, len(body), 5))
    assert list(lines) == body.split(b"\n")
    assert lines.size == len(body) and lines.sha256.hexdigest() == hashlib.sha256(body).hexdigest()
