"""What matters once: attempts anyone can repeat at no cost (a POST to the inbox that fails before
its sender is known; a sign-in attempt on a locked account) are recorded once per source and
window (MIGREX_AUDIT_REPEAT_WINDOW seconds, default 10 minutes), not once each: a hundred garbage
POSTs must not make a hundred entries nobody may ever delete.

The first attempt of a window is recorded as any entry is, with `repeats` in its detail:
`{"source": …, "window": seconds, "earlier": n}`, where `n` counts the attempts from that source
in its previous window that got no entry of their own. Those are counted, meanwhile, in a row of
Repeat (one per action and source, in the database, so every process of the node counts
together); a source that never comes back leaves its last count there, not in the chain.

A window opens with the attempt recorded and lasts the setting's length; the next attempt after
that opens the next one. Rows with nothing left to tell are removed as windows open."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from migrex.audit.actions import Action
from migrex.audit.models import AuditEntry, Repeat
from migrex.audit.services import record


def record_repeated(
    action: Action,
    *,
    source: str,
    actor: object = "",
    subject: object = "",
    detail: dict | None = None,
) -> AuditEntry | None:
    """Record `action` unless `source` has had an entry of it in the current window: then only
    count the attempt. The entry made, or None."""
    action, source = Action(action).value, source[:300]
    now = timezone.now()
    window = dt.timedelta(seconds=settings.MIGREX_AUDIT_REPEAT_WINDOW)
    with transaction.atomic():
        row = _locked(action, source)
        if row is not None and now - row.window_start < window:
            row.attempts += 1
            row.save(update_fields=["attempts"])
            return None
        earlier = row.attempts - 1 if row is not None else 0
        if row is None:
            Repeat.objects.filter(action=action, attempts=1, window_start__lt=now - window).delete()
            _create(action, source, now)
        else:
            row.window_start, row.attempts = now, 1
            row.save(update_fields=["window_start", "attempts"])
        repeats = {"source": source, "window": int(window.total_seconds()), "earlier": earlier}
        return record(
            action, actor=actor, subject=subject, detail={**(detail or {}), "repeats": repeats}
        )


def _locked(action: str, source: str) -> Repeat | None:
    return Repeat.objects.select_for_update().filter(action=action, source=source).first()


def _create(action: str, source: str, now) -> None:
    """The source's row; if another process made it meanwhile, this attempt opens the window
    all the same (at worst one entry more, never one fewer)."""
    try:
        with transaction.atomic():
            Repeat.objects.create(action=action, source=source, window_start=now)
    except IntegrityError:
        Repeat.objects.filter(action=action, source=source).update(window_start=now, attempts=1)
