"""The backup archive's bytes (shell/archive.py): what goes in comes out; a wrong passphrase, an
altered, cut or extended archive, a changed header and a file that is no archive are each told
apart with their own reason."""

from __future__ import annotations

import io
import json
import os

import pytest

from migrex.exchange import streams
from migrex.shell import archive
from migrex.shell.archive import ArchiveError

# Cheap parameters for the tests' many archives; the default (RFC 9106) is checked once below.
FAST = {"name": "argon2id", "iterations": 1, "lanes": 1, "memory_kib": 8}
PASS = "the right passphrase"


def make(members: dict[str, bytes], passphrase: str = PASS, kdf: dict | None = FAST) -> bytes:
    out = io.BytesIO()
    writer = archive.Writer(out, passphrase, kdf)
    with archive.open_tar_writer(writer) as tar:
        for name, data in members.items():
            archive.add_bytes(tar, name, data)
    writer.close()
    return out.getvalue()


def read_all(data: bytes, passphrase: str = PASS) -> dict[str, bytes]:
    reader = archive.Reader(io.BytesIO(data), passphrase)
    found = {}
    with archive.open_tar_reader(reader) as tar:
        while (member := tar.next()) is not None:
            parts = bytearray()
            archive.copy_member(tar, member, parts.extend)
            found[member.name] = bytes(parts)
    reader.finish()
    return found


MEMBERS = {"manifest.json": b"{}", "database/db": os.urandom(3 * streams.FRAME + 5)}


def test_members_come_out_as_they_went_in_over_many_frames():
    data = make(MEMBERS)
    assert read_all(data) == MEMBERS
    assert MEMBERS["database/db"][:4096] not in data  # encrypted


def test_the_default_key_derivation_is_argon2id_of_rfc_9106():
    data = make({"a": b"x"}, kdf=None)
    header = json.loads(data[len(archive.MAGIC) + 4 : body_start(data)])
    assert header["kdf"] == {"name": "argon2id", "iterations": 3, "lanes": 4, "memory_kib": 65536}
    assert read_all(data) == {"a": b"x"}


def test_a_wrong_passphrase_is_named_as_such():
    with pytest.raises(ArchiveError, match="wrong passphrase"):
        read_all(make(MEMBERS), "another passphrase")


def body_start(data: bytes) -> int:
    return len(archive.MAGIC) + 4 + int.from_bytes(data[len(archive.MAGIC) :][:4], "big")


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(
            lambda d, s: d[: s + 5000] + bytes([d[s + 5000] ^ 1]) + d[s + 5001 :], id="byte"
        ),
        pytest.param(lambda d, s: d[:-100], id="cut"),
        pytest.param(lambda d, s: d[: s + streams.FRAME + 20], id="cut-at-a-frame"),
        pytest.param(lambda d, s: d + b"\x00" * 50, id="extended"),
    ],
)
def test_an_altered_or_incomplete_archive_is_refused(damage):
    data = make(MEMBERS)
    with pytest.raises(ArchiveError, match="altered or is incomplete"):
        read_all(damage(data, body_start(data)))


def test_frames_swapped_are_refused():
    data = make(MEMBERS)
    start = body_start(data)
    size = 4 + streams.FRAME + streams.TAG
    first, second = data[start : start + size], data[start + size : start + 2 * size]
    swapped = data[:start] + second + first + data[start + 2 * size :]
    with pytest.raises(ArchiveError, match="altered or is incomplete"):
        read_all(swapped)


def test_a_changed_header_fails_the_frames():
    """The header is the frames' associated data: the same settings written differently (so
    that the passphrase check still holds) no longer open the body."""
    data = make(MEMBERS)
    length = int.from_bytes(data[len(archive.MAGIC) :][:4], "big")
    raw = data[len(archive.MAGIC) + 4 : len(archive.MAGIC) + 4 + length]
    changed = json.dumps(json.loads(raw), indent=1).encode()
    forged = archive.MAGIC + len(changed).to_bytes(4, "big") + changed + data[body_start(data) :]
    with pytest.raises(ArchiveError, match="altered or is incomplete"):
        read_all(forged)


def test_a_file_that_is_no_archive_is_named_as_such():
    with pytest.raises(ArchiveError, match="not a migrex backup archive"):
        read_all(b"SQLite format 3\x00" + b"\x00" * 100)


def test_a_header_asking_for_an_unaffordable_key_derivation_is_refused():
    """A forged header cannot make the restore allocate a terabyte for Argon2id."""
    data = make(MEMBERS)
    header = json.loads(data[len(archive.MAGIC) + 4 : body_start(data)])
    header["kdf"]["memory_kib"] = 1 << 30
    raw = json.dumps(header).encode()
    forged = archive.MAGIC + len(raw).to_bytes(4, "big") + raw + data[body_start(data) :]
    with pytest.raises(ArchiveError, match="header is damaged"):
        read_all(forged)
