"""Changes of the node's keys and peers that reach the audit log without their code calling
record() (Art. 11.4): `keys.changed` / `keys.deleted`, a generation of the node's keys changed
(its validity ended by a rotation) or removed, and `peer.removed`, a peer node deleted (in the
admin, say). `keys.created` and `peer.configured` are recorded by their services."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from migrex.audit.actions import Action
from migrex.audit.services import record
from migrex.exchange.models import NodeKey, Peer


def _key_saved(sender, instance, created: bool, raw: bool = False, **kwargs):
    if created or raw:
        return
    record(
        Action.KEYS_CHANGED,
        subject=instance.signing_kid,
        detail={
            "suite": instance.suite,
            "not_before": instance.not_before,
            "not_after": instance.not_after,
        },
    )


def _key_deleted(sender, instance, **kwargs):
    record(Action.KEYS_DELETED, subject=instance.signing_kid, detail={"suite": instance.suite})


def _peer_deleted(sender, instance, **kwargs):
    record(
        Action.PEER_REMOVED,
        subject=instance.node_id,
        detail={"party": instance.party_id, "url": instance.url},
    )


def connect() -> None:
    post_save.connect(_key_saved, sender=NodeKey, dispatch_uid="audit-key-saved")
    post_delete.connect(_key_deleted, sender=NodeKey, dispatch_uid="audit-key-deleted")
    post_delete.connect(_peer_deleted, sender=Peer, dispatch_uid="audit-peer-deleted")
