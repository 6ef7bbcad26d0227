"""What reaches the audit log without its code calling record(): the events of officers'
accounts (accounts/events.py: sign-ins, failures, lockouts, tokens; attempts on a locked
account once per username, address and window, repeats.py), and administrative changes:

- `admin.change`: every change made in Django's admin (its LogEntry: who, which object, the
  change message), including deletions of several objects at once, which the admin writes in
  bulk without signals;
- `agreement.loaded`: an agreement profile becoming the current version (a new revision, or an
  earlier one made current again).

The exchange records the changes of its keys and peers the same way (exchange/signals.py).
"""

from __future__ import annotations

import json

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry, LogEntryManager
from django.db.models.signals import post_save
from django.utils import translation

from migrex.accounts import events
from migrex.agreements.models import Agreement
from migrex.audit.actions import Action
from migrex.audit.repeats import record_repeated
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
        Action.ADMIN_CHANGE,
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
        Action.AGREEMENT_LOADED,
        actor=getattr(loaded_by, "username", "") if loaded_by else "",
        subject=instance.code,
        detail={
            "revision": version.number,
            "profile_version": version.profile_version,
            "digest": version.digest,
            "source": version.source,
        },
    )


def _account_event(sender, *, event, actor, subject, detail, **kwargs):
    if event == events.Event.LOGIN_LOCKED:  # once per username, address and window
        address = (detail or {}).get("address", "")
        source = f"{str(actor).strip().casefold()} {address}".strip()
        record_repeated(Action(event), source=source, actor=actor, subject=subject, detail=detail)
        return
    record(Action(event), actor=actor, subject=subject, detail=detail)


def connect() -> None:
    events.happened.connect(_account_event, dispatch_uid="audit-account-event")
    post_save.connect(_log_entry_saved, sender=LogEntry, dispatch_uid="audit-admin-change")
    _wrap_bulk_log_actions()
    post_save.connect(_agreement_saved, sender=Agreement, dispatch_uid="audit-agreement")
