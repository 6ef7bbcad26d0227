"""Encryption at rest of attachments with a key per item (Art. 11.4, 11.5).

Each file is sealed with its own random AES-256-GCM key; the item key is stored only wrapped
(AES-256-GCM) by the node's data master key. Destroying an item deletes its wrapped key, so every
copy of the file made before, in any backup of the media directory, can no longer be decrypted.
Pure module (no Django): the master key is passed in.
"""

from __future__ import annotations

import base64
import hashlib
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

FILE_MAGIC = b"MXA1"  # migrex attachment, format 1: magic, 12-byte nonce, ciphertext with tag
KEY_MAGIC = b"MXK1"  # a wrapped item key, format 1: magic, 12-byte nonce, wrapped key with tag
NONCE = 12
KEY_AAD = b"migrex item key"


class Unreadable(Exception):
    """The stored bytes cannot be decrypted: altered, not ours, or their key was destroyed."""


def master_key(*, data_key: str = "", passphrase: str = "") -> bytes:
    """The node's 32-byte data master key: MIGREX_DATA_KEY (base64 of 32 bytes) if set, else
    derived from the key passphrase with HKDF-SHA256."""
    if data_key:
        try:
            raw = base64.urlsafe_b64decode(data_key + "=" * (-len(data_key) % 4))
        except ValueError as exc:
            raise ValueError("MIGREX_DATA_KEY is not base64") from exc
        if len(raw) != 32:
            raise ValueError(f"MIGREX_DATA_KEY must be 32 bytes in base64, not {len(raw)}")
        return raw
    if not passphrase:
        raise ValueError("no MIGREX_DATA_KEY and no key passphrase to derive it from")
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"migrex", info=b"migrex data key v1"
    ).derive(passphrase.encode())


def _aad(sha256: str) -> bytes:
    # Binds the ciphertext to the item's plaintext digest: a file swapped for another item's fails.
    return b"migrex attachment " + sha256.encode("ascii")


def seal(plaintext: bytes, *, master: bytes) -> tuple[bytes, bytes]:
    """(file bytes, wrapped item key) for `plaintext`."""
    item_key = AESGCM.generate_key(bit_length=256)
    nonce = os.urandom(NONCE)
    digest = hashlib.sha256(plaintext).hexdigest()
    blob = FILE_MAGIC + nonce + AESGCM(item_key).encrypt(nonce, plaintext, _aad(digest))
    wrap_nonce = os.urandom(NONCE)
    wrapped = KEY_MAGIC + wrap_nonce + AESGCM(master).encrypt(wrap_nonce, item_key, KEY_AAD)
    return blob, wrapped


def unwrap(wrapped: bytes | None, *, master: bytes) -> bytes:
    if not wrapped:
        raise Unreadable("the item's key has been destroyed (Art. 11.5)")
    wrapped = bytes(wrapped)
    if not wrapped.startswith(KEY_MAGIC):
        raise Unreadable("the stored item key is not a migrex wrapped key")
    nonce, body = (
        wrapped[len(KEY_MAGIC) : len(KEY_MAGIC) + NONCE],
        wrapped[len(KEY_MAGIC) + NONCE :],
    )
    try:
        return AESGCM(master).decrypt(nonce, body, KEY_AAD)
    except InvalidTag:
        raise Unreadable(
            "the item key does not open with this node's data key (MIGREX_DATA_KEY changed?)"
        ) from None


def open_(blob: bytes, *, wrapped: bytes | None, sha256: str, master: bytes) -> bytes:
    """The plaintext of `blob`; Unreadable if it was altered, is not for this item, or its key
    is gone."""
    key = unwrap(wrapped, master=master)
    if not blob.startswith(FILE_MAGIC) or len(blob) < len(FILE_MAGIC) + NONCE + 16:
        raise Unreadable("the stored file is not a migrex encrypted attachment")
    nonce = blob[len(FILE_MAGIC) : len(FILE_MAGIC) + NONCE]
    try:
        plaintext = AESGCM(key).decrypt(nonce, blob[len(FILE_MAGIC) + NONCE :], _aad(sha256))
    except InvalidTag:
        raise Unreadable(
            "the stored file fails its authentication tag: it was altered or belongs to "
            "another item"
        ) from None
    return plaintext
