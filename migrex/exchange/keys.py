"""This node's key pairs: created at set-up, rotated with an overlap, loaded once per process."""

from __future__ import annotations

import datetime as dt
import functools

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from migrex.audit.actions import Action
from migrex.audit.services import record
from migrex.core import reference
from migrex.exchange.crypto import (
    NodeKeys,
    export_private,
    fingerprint_for_humans,
    generate_node_keys,
    import_private,
    public_jwks,
)
from migrex.exchange.models import NodeKey


@transaction.atomic
def create_keys(*, suite: str = "ed25519", not_before: dt.datetime | None = None) -> NodeKey:
    keys = generate_node_keys(suite, not_before=not_before or timezone.now())
    row = NodeKey.objects.create(
        suite=suite,
        signing_kid=keys.signing_kid,
        private=export_private(keys, settings.MIGREX_KEY_PASSPHRASE),
        public_jwks=public_jwks(keys),
        not_before=keys.not_before,
    )
    record(Action.KEYS_CREATED, subject=row.signing_kid, detail={"suite": suite})
    return row


@transaction.atomic
def rotate(*, suite: str = "ed25519", overlap: dt.timedelta = dt.timedelta(days=30)) -> NodeKey:
    """A new generation now; the previous ones of the same suite stay valid for `overlap`, so
    messages sealed with them (and peers that have not yet loaded the new keys) still work
    meanwhile. Keys of other suites are left alone."""
    ends = timezone.now() + overlap
    for old in NodeKey.objects.filter(suite=suite, not_after__isnull=True):
        keys = _decrypt(bytes(old.private))
        keys = NodeKeys(keys.suite, keys.signing, keys.encryption, keys.not_before, ends)
        old.not_after = ends
        old.private = export_private(keys, settings.MIGREX_KEY_PASSPHRASE)
        old.public_jwks = public_jwks(keys)
        old.save()
    return create_keys(suite=suite)


def _decrypt(blob: bytes) -> NodeKeys:
    return _open(blob, settings.MIGREX_KEY_PASSPHRASE)


@functools.lru_cache(maxsize=32)
def _open(blob: bytes, passphrase: str) -> NodeKeys:
    """Each stored generation is decrypted once per process (PBKDF2 takes a noticeable part of
    a second), not again whenever some other reference data changes."""
    return import_private(blob, passphrase)


@reference.cached
def node_keys() -> list[NodeKeys]:
    """Every generation this node holds, newest first (decryption tries them all); decrypted
    once per process and generation of the reference data."""
    rows = NodeKey.objects.order_by("-not_before")
    return [_decrypt(bytes(r.private)) for r in rows]


class NoValidKey(LookupError):
    """This node holds no key valid now (none made yet, or all expired): it can neither open
    nor answer a message until its administrator runs `migrex keys init` (or `rotate`)."""


def signing_keys(
    now: dt.datetime | None = None, generations: list[NodeKeys] | None = None
) -> NodeKeys:
    """The newest generation valid now: what this node signs and seals with (picked from
    `generations` when the caller has already loaded them)."""
    now = now or timezone.now()
    for keys in generations if generations is not None else node_keys():
        if keys.valid_at(now):
            return keys
    raise NoValidKey("this node has no valid key: run `migrex keys init`")


def published() -> dict:
    """The JWK Set this node hands its peers: every generation still valid."""
    now = timezone.now()
    return public_jwks([k for k in node_keys() if k.not_after is None or k.not_after > now])


def fingerprints(jwks: dict) -> list[tuple[str, str, str]]:
    return [(k.get("use", ""), k["kid"], fingerprint_for_humans(k)) for k in jwks["keys"]]
