"""Streamed bodies (docs/protocol.md §8.2). A dataset too large for one envelope travels right
after it, in frames of AES-256-GCM under a content key that the envelope carries — signed by the
sender, encrypted to the receiver — together with the body's length and SHA-256. Neither side ever
holds the whole body: the sender encrypts a frame at a time, the receiver decrypts and uses a
frame at a time.

Frame i (from 0) is a 4-byte big-endian length and that many bytes of ciphertext with its tag;
its nonce is i as 11 big-endian bytes followed by 1 on the last frame and 0 on the others, and
its associated data is the message id. A frame moved, dropped, altered or added fails its tag; a
body cut after any frame lacks its last frame. The key is fresh for every sending, so a nonce
never repeats under a key.

Pure module: no Django."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from migrex.exchange.crypto import EnvelopeError

FRAME = 1 << 20  # plaintext bytes per frame (the last may be shorter, and is never empty …)
TAG = 16  # … unless the whole body is empty: then there is one empty last frame
HEADER = 4
ALGORITHM = "A256GCM-frames"


def new_key() -> bytes:
    return os.urandom(32)


def _nonce(index: int, last: bool) -> bytes:
    return index.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


def framed_length(size: int, frame: int = FRAME) -> int:
    """Bytes on the wire for a body of `size` bytes."""
    frames = max(1, -(-size // frame))
    return size + frames * (HEADER + TAG)


def encrypt(key: bytes, aad: bytes, chunks: Iterable[bytes]) -> Iterator[bytes]:
    """The frames for the body given as `chunks` (each at most FRAME bytes, none empty)."""
    aes = AESGCM(key)
    chunks = iter(chunks)
    current, index = next(chunks, b""), 0
    while True:
        following = next(chunks, None)
        sealed = aes.encrypt(_nonce(index, following is None), current, aad)
        yield len(sealed).to_bytes(HEADER, "big") + sealed
        if following is None:
            return
        current, index = following, index + 1


class Encryptor:
    """`encrypt` for a writer that pushes its bytes (a tar stream, say): the same frames,
    written to `sink` as each FRAME of plaintext fills; `close()` writes the last frame."""

    def __init__(self, key: bytes, aad: bytes, sink: Callable[[bytes], object]):
        self.aes, self.aad, self.sink = AESGCM(key), aad, sink
        self.buffer, self.index, self.closed = bytearray(), 0, False

    def write(self, data: bytes) -> int:
        self.buffer += data
        while len(self.buffer) > FRAME:
            # A full frame is sealed only once more plaintext follows it: the last frame must
            # carry the last flag, and never be empty unless the whole body is.
            self._frame(bytes(self.buffer[:FRAME]), last=False)
            del self.buffer[:FRAME]
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._frame(bytes(self.buffer), last=True)
            self.buffer.clear()
            self.closed = True

    def _frame(self, plain: bytes, *, last: bool) -> None:
        sealed = self.aes.encrypt(_nonce(self.index, last), plain, self.aad)
        self.sink(len(sealed).to_bytes(HEADER, "big") + sealed)
        self.index += 1


def decrypt(key: bytes, aad: bytes, read: Callable[[int], bytes]) -> Iterator[bytes]:
    """The plaintext frames read from `read(n)`; EnvelopeError("stream_broken") on any fault."""
    aes = AESGCM(key)
    index = 0
    while True:
        head = _exactly(read, HEADER)
        length = int.from_bytes(head, "big")
        if not TAG <= length <= FRAME + TAG:
            raise EnvelopeError("stream_broken", f"frame {index}: length {length} out of range")
        sealed = _exactly(read, length)
        for last in (False, True):
            try:
                plain = aes.decrypt(_nonce(index, last), sealed, aad)
                break
            except InvalidTag:
                continue
        else:
            raise EnvelopeError("stream_broken", f"frame {index} does not decrypt")
        yield plain
        if last:
            if read(1):
                raise EnvelopeError("stream_broken", "data after the last frame")
            return
        index += 1


def _exactly(read: Callable[[int], bytes], n: int) -> bytes:
    parts, missing = [], n
    while missing:
        part = read(missing)
        if not part:
            raise EnvelopeError("stream_broken", "the body ends before its last frame")
        parts.append(part)
        missing -= len(part)
    return b"".join(parts)


def chunks_of(file, size: int = FRAME) -> Iterator[bytes]:
    while block := file.read(size):
        yield block


class Lines:
    """Split plaintext frames into lines, hashing and counting the bytes on the way."""

    def __init__(self, frames: Iterable[bytes]):
        self.frames = frames
        self.sha256 = hashlib.sha256()
        self.size = 0

    def __iter__(self) -> Iterator[bytes]:
        rest = b""
        for frame in self.frames:
            self.sha256.update(frame)
            self.size += len(frame)
            lines = (rest + frame).split(b"\n")
            rest = lines.pop()
            yield from lines
        if rest:
            yield rest
