"""The backup archive as bytes: one file, encrypted under a passphrase, holding a tar stream.

Layout: the magic line `MIGREX-BACKUP\\n`, a 4-byte big-endian length and that many bytes of
header (JSON: format, the key derivation and its parameters, a random salt, a passphrase check),
then the body in the frames of exchange/streams.py. Inside the body, a tar stream (POSIX pax)
whose first member is `manifest.json`.

Why this construction, all from the `cryptography` package (no cipher or mode written here):

- The key comes from the passphrase through Argon2id (RFC 9106, its second recommended setting:
  3 passes over 64 MiB, 4 lanes), memory-hard so that guessing a passphrase from a stolen
  archive costs what RFC 9106 intends; the parameters travel in the header, so a later version
  can raise them and still read older archives.
- The body is the STREAM construction (Hoang, Reyhanitabar, Rogaway, Vizár 2015), the one age
  and Tink use for files and migrex for datasets: AES-256-GCM frames of 1 MiB whose nonce is the
  frame's number and a last-frame flag, with the whole header as associated data. A frame
  altered, moved, dropped or added, a header changed, an archive cut short: each fails a tag.
  Neither side holds more than a frame in memory. The salt is random for every archive, so the
  key is too and a nonce never repeats under a key.
- The header carries 16 bytes derived with the key (not the key): a wrong passphrase is told
  apart from an altered archive before any frame is read. It gives a guesser nothing that the
  first frame would not.

Pure module (no Django).
"""

from __future__ import annotations

import base64
import io
import json
import os
import tarfile
from collections.abc import Callable
from typing import BinaryIO

from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from migrex.exchange import streams
from migrex.exchange.crypto import EnvelopeError

MAGIC = b"MIGREX-BACKUP\n"
FORMAT = 1
KDF = {"name": "argon2id", "iterations": 3, "lanes": 4, "memory_kib": 64 * 1024}
MAX_HEADER = 4096


class ArchiveError(Exception):
    """The archive cannot be used; the message says why and what to do."""


def _derive(passphrase: str, salt: bytes, kdf: dict) -> tuple[bytes, bytes]:
    """(stream key, passphrase check) from one Argon2id output."""
    if kdf.get("name") != "argon2id":
        raise ArchiveError(f"the archive's key derivation {kdf.get('name')!r} is not known here")
    out = Argon2id(
        salt=salt,
        length=48,
        iterations=int(kdf["iterations"]),
        lanes=int(kdf["lanes"]),
        memory_cost=int(kdf["memory_kib"]),
    ).derive(passphrase.encode())
    return out[:32], out[32:]


def _reasonable(kdf: dict) -> bool:
    """Parameters a restore can afford (a forged header must not exhaust the machine)."""
    try:
        return (
            1 <= int(kdf["iterations"]) <= 64
            and 1 <= int(kdf["lanes"]) <= 64
            and 8 * int(kdf["lanes"]) <= int(kdf["memory_kib"]) <= 4 * 1024 * 1024
        )
    except (KeyError, TypeError, ValueError):
        return False


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


class Writer:
    """A file-like sink for tarfile: what it writes is framed and encrypted into `out`."""

    def __init__(self, out: BinaryIO, passphrase: str, kdf: dict | None = None):
        kdf = dict(kdf or KDF)
        salt = os.urandom(16)
        key, check = _derive(passphrase, salt, kdf)
        header = json.dumps(
            {"format": FORMAT, "kdf": kdf, "salt": _b64(salt), "check": _b64(check)},
            sort_keys=True,
        ).encode()
        out.write(MAGIC + len(header).to_bytes(4, "big") + header)
        self.out = out
        self.encryptor = streams.Encryptor(key, MAGIC + header, out.write)
        self.written = 0

    def write(self, data: bytes) -> int:
        self.written += len(data)
        return self.encryptor.write(data)

    def close(self) -> None:
        self.encryptor.close()


class Reader:
    """The decrypted body of an archive as a readable file, for tarfile's stream mode."""

    def __init__(self, source: BinaryIO, passphrase: str):
        head = source.read(len(MAGIC))
        if head != MAGIC:
            raise ArchiveError("this file is not a migrex backup archive")
        length = int.from_bytes(source.read(4), "big")
        if not 0 < length <= MAX_HEADER:
            raise ArchiveError("the archive's header is damaged: restore from another copy")
        raw = source.read(length)
        try:
            header = json.loads(raw)
            salt, check = base64.b64decode(header["salt"]), base64.b64decode(header["check"])
            fmt, kdf = header["format"], header["kdf"]
        except (ValueError, KeyError, TypeError):
            raise ArchiveError(
                "the archive's header is damaged: restore from another copy"
            ) from None
        if fmt != FORMAT:
            raise ArchiveError(
                f"the archive is in format {fmt}, this migrex reads format {FORMAT}: "
                "restore it with the migrex version that made it, or a later one"
            )
        if not _reasonable(kdf):
            raise ArchiveError("the archive's header is damaged: restore from another copy")
        key, expected = _derive(passphrase, salt, kdf)
        if expected != check:
            raise ArchiveError(
                "wrong passphrase for this archive: give the one used by `migrex backup`"
            )
        self.frames = streams.decrypt(key, MAGIC + raw, source.read)
        self.buffer, self.position, self.done = b"", 0, False

    def read(self, n: int = -1) -> bytes:
        # tarfile reads a record (10 KiB) at a time: the frame is sliced, not copied, per read.
        while not self.done and (n < 0 or len(self.buffer) - self.position < n):
            try:
                frame = next(self.frames, None)
            except EnvelopeError as exc:
                raise ArchiveError(
                    f"the archive was altered or is incomplete ({exc}): nothing was restored; "
                    "restore from another copy"
                ) from None
            if frame is None:
                self.done = True
            else:
                self.buffer, self.position = self.buffer[self.position :] + frame, 0
        end = len(self.buffer) if n < 0 else min(len(self.buffer), self.position + n)
        out, self.position = self.buffer[self.position : end], end
        return out

    def finish(self) -> None:
        """Read to the end: the last frame's tag vouches that nothing was cut or added."""
        while self.read(streams.FRAME):
            pass


def open_tar_writer(writer: Writer) -> tarfile.TarFile:
    return tarfile.open(fileobj=writer, mode="w|", format=tarfile.PAX_FORMAT)


def open_tar_reader(reader: Reader) -> tarfile.TarFile:
    return tarfile.open(fileobj=reader, mode="r|")


def add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode = len(data), 0o600
    tar.addfile(info, io.BytesIO(data))


def add_file(tar: tarfile.TarFile, name: str, path: os.PathLike, size: int) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode = size, 0o600
    with open(path, "rb") as f:
        tar.addfile(info, f)


def copy_member(tar: tarfile.TarFile, member: tarfile.TarInfo, sink: Callable[[bytes], object]):
    """Pass a member's bytes to `sink` a block at a time."""
    source = tar.extractfile(member)
    if source is None:
        raise ArchiveError(f"the archive's member {member.name} is not a file")
    while block := source.read(1 << 20):
        sink(block)
