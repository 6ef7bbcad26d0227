"""API tokens for national systems: issued once, stored as a SHA-256 digest, revoked by id.

A token is 32 random bytes (URL-safe base64). It has the full entropy of a key, so a plain
SHA-256 is the right digest: a slow password hash would protect nothing more and would cost
every API call its time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from migrex.accounts.events import Event, tell
from migrex.accounts.models import ApiToken, User

TOKEN_BYTES = 32
# last_used_at is written at most this often per token: a busy national system would otherwise
# turn every read into a write (and, on SQLite, into a wait for the write lock).
LAST_USED_GRANULARITY = dt.timedelta(minutes=1)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def issue(*, user: User, name: str = "", actor: str = "") -> tuple[ApiToken, str]:
    """A new token for `user`: the stored record and the token, which is never shown again.
    `actor` is who issued it, for the audit log (which never sees the token)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    record = ApiToken.objects.create(user=user, name=name, digest=digest(token))
    tell(
        Event.TOKEN_ISSUED,
        actor=actor,
        subject=f"token:{record.pk}",
        detail={"user": user.username, "name": name},
    )
    return record, token


@transaction.atomic
def revoke(*, token_id: int, actor: str = "") -> ApiToken:
    """Revoke a token (idempotent: a revoked token keeps its first revocation time, and only
    that revocation is audited).

    ApiToken.DoesNotExist if there is no such token.
    """
    record = ApiToken.objects.select_for_update().select_related("user").get(pk=token_id)
    if record.revoked_at is None:
        record.revoked_at = timezone.now()
        record.save(update_fields=["revoked_at"])
        tell(
            Event.TOKEN_REVOKED,
            actor=actor,
            subject=f"token:{record.pk}",
            detail={"user": record.user.username, "name": record.name},
        )
    return record


def authenticate(token: str) -> User | None:
    """The active user a live token belongs to, or None; records when the token was used."""
    if not token:
        return None
    record = (
        ApiToken.objects.select_related("user", "user__authority")
        .filter(digest=digest(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if record is None:
        return None
    now = timezone.now()
    ApiToken.objects.filter(pk=record.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_GRANULARITY)
    ).update(last_used_at=now)
    return record.user
