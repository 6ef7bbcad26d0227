"""Administrative changes that reach the audit log without their code calling record():

- `admin.change`: every change made in Django's admin (its LogEntry: who, which object, the
  change message), including deletions of several objects at once, which the admin writes in
  bulk without signals;
- `agreement.loaded`: an agreement profile becoming the current version (a new revision, or an
  earlier one made current again);
- `keys.changed` / `keys.deleted`: a generation of the node's keys changed (its validity ended
  by a rotation) or removed (`keys.created` and `peer.configured` are recorded by their services);
- `peer.removed`: a peer node deleted.
"""

from __future__ import annotations

import json

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry, LogEntryManager
from django.db.models.signals import post_delete, post_save
from django.utils import translation

from migrex.audit.services import record

FLAGS = {ADDITION: "added", CHANGE: "changed", DELETION: "deleted"}


def admin_change(entry: LogEntry) -> None:
    with translation.override("en"):
        message = entry.get_change_message()
    try:
        changes = json.loads(entry.change_message or "[]")
    except ValueError:
        changes = entry.change_message
    ct = entry.content_type
    model = f"{ct.app_label}.{ct.model}" if ct else ""
    record(
        "admin.change",
        actor=getattr(entry.user, "username", "") if entry.user_id else "",
        subject=f"{model}:{entry.object_id}",
        detail={
            "model": model,
            "object_id": entry.object_id,
            "object": entry.object_repr,
            "flag": FLAGS.get(entry.action_flag, str(entry.action_flag)),
            "message": message,
            "changes": changes,
        },
    )


def _log_entry_saved(sender, instance: LogEntry, created: bool, raw: bool = False, **kwargs):
    if created and not raw:
        admin_change(instance)


def _wrap_bulk_log_actions() -> None:
    """The admin logs an action on several objects (delete selected) with bulk_create, which
    sends no post_save: record those entries after it."""
    original = LogEntryManager.log_actions
    if getattr(original, "_migrex_audit", False):
        return

    def log_actions(self, *args, **kwargs):
        result = original(self, *args, **kwargs)
        if isinstance(result, list) and len(result) > 1:
            for entry in result:
                admin_change(entry)
        return result

    log_actions._migrex_audit = True
    LogEntryManager.log_actions = log_actions


def _agreement_saved(sender, instance, created: bool, raw: bool = False, **kwargs):
    if raw or instance.current_version_id is None:
        return
    version = instance.current_version
    loaded_by = version.loaded_by
    record(
        "agreement.loaded",
        actor=getattr(loaded_by, "username", "") if loaded_by else "",
        subject=instance.code,
        detail={
            "revision": version.number,
            "profile_version": version.profile_version,
            "digest": version.digest,
            "source": version.source,
        },
    )


def _key_saved(sender, instance, created: bool, raw: bool = False, **kwargs):
    if created or raw:
        return
    record(
        "keys.changed",
        subject=instance.signing_kid,
        detail={
            "suite": instance.suite,
            "not_before": instance.not_before,
            "not_after": instance.not_after,
        },
    )


def _key_deleted(sender, instance, **kwargs):
    record("keys.deleted", subject=instance.signing_kid, detail={"suite": instance.suite})


def _peer_deleted(sender, instance, **kwargs):
    record(
        "peer.removed",
        subject=instance.node_id,
        detail={"party": instance.party_id, "url": instance.url},
    )


def connect() -> None:
    from migrex.agreements.models import Agreement
    from migrex.exchange.models import NodeKey, Peer

    post_save.connect(_log_entry_saved, sender=LogEntry, dispatch_uid="audit-admin-change")
    _wrap_bulk_log_actions()
    post_save.connect(_agreement_saved, sender=Agreement, dispatch_uid="audit-agreement")
    post_save.connect(_key_saved, sender=NodeKey, dispatch_uid="audit-key-saved")
    post_delete.connect(_key_deleted, sender=NodeKey, dispatch_uid="audit-key-deleted")
    post_delete.connect(_peer_deleted, sender=Peer, dispatch_uid="audit-peer-deleted")
