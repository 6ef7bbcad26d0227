"""Fixtures of the audit tests: the node's keys, and a way around the PostgreSQL trigger that
keeps the audit tables append-only, to play the attacker who has the database."""

from __future__ import annotations

import contextlib

import pytest
from django.db import connection
from django.utils import timezone

from migrex.audit import checkpoints
from migrex.exchange import keys
from migrex.exchange.receipts import canonicalize, format_time, sign_jws

TABLES = ("audit_auditentry", "audit_checkpoint", "audit_peercheckpoint")


@contextlib.contextmanager
def tampering():
    """UPDATE and DELETE on the audit tables allowed for the block (on PostgreSQL the trigger is
    disabled, as the tables' owner could; SQLite has no trigger)."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only")
    try:
        yield
    finally:
        # A block marked for rollback undoes the ALTER TABLE with everything else.
        if not connection.needs_rollback:
            with connection.cursor() as cursor:
                for table in TABLES:
                    cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {table}_append_only")


@pytest.fixture
def node_keys(db):
    """This node's signing and encryption keys (`migrex keys init`)."""
    keys.create_keys()
    return keys.signing_keys()


@pytest.fixture
def signed_checkpoint():
    """A checkpoint as another node (or a forger) signs it with its keys: sign(keys, seq, hash,
    node="BY") → JWS."""

    def sign(signer, seq: int, hash_: str, node: str = "BY") -> str:
        body = {"node": node, "seq": seq, "hash": hash_, "at": format_time(timezone.now())}
        return sign_jws(canonicalize(body), signer, checkpoints.TYP)

    return sign
