"""API tokens for national systems: issued once, stored as a SHA-256 digest, revoked by id.

A token works MIGREX_TOKEN_DAYS after it is issued, and only until its user's password changes
(User.password_changed_at): whoever held the old password may have issued it.

A token is 32 random bytes (URL-safe base64). It has the full entropy of a key, so a plain
SHA-256 is the right digest: a slow password hash would protect nothing more and would cost
every API call its time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets

from django.conf import settings
from django.db import OperationalError, transaction
from django.db.models import Q
from django.utils import timezone

from migrex.accounts.events import Event, tell
from migrex.accounts.models import ApiToken, User
from migrex.core.dbwait import brief_wait
from migrex.core.errors import Unauthenticated

TOKEN_BYTES = 32
# last_used_at is written at most this often per token: a busy national system would otherwise
# turn every read into a write (and, on SQLite, into a wait for the write lock).
LAST_USED_GRANULARITY = dt.timedelta(minutes=1)

log = logging.getLogger("migrex.accounts")


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def issue(*, user: User, name: str = "", actor: str = "") -> tuple[ApiToken, str]:
    """A new token for `user`: the stored record and the token, which is never shown again.
    `actor` is who issued it, for the audit log (which never sees the token)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    expires_at = timezone.now() + dt.timedelta(days=settings.MIGREX_TOKEN_DAYS)
    record = ApiToken.objects.create(
        user=user, name=name, digest=digest(token), expires_at=expires_at
    )
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


def ended(record: ApiToken, now: dt.datetime) -> Unauthenticated | None:
    """Why a token that was issued no longer works, if it does not."""
    if record.expires_at <= now:
        at = timezone.localtime(record.expires_at)
        return Unauthenticated(
            "token_expired",
            f"Срок действия токена API истёк {at:%d.%m.%Y %H:%M}: выпустите новый.",
            f"The API token expired on {at:%Y-%m-%d %H:%M}: issue a new one.",
        )
    changed = record.user.password_changed_at
    if changed is not None and record.created_at < changed:
        return Unauthenticated(
            "token_ended_by_password_change",
            "Токен API выпущен до смены пароля пользователя и больше не действует: выпустите "
            "новый.",
            "The API token was issued before the user's password changed and no longer works: "
            "issue a new one.",
        )
    return None


def authenticate(token: str) -> User | None:
    """The active user a live token belongs to, or None for an unknown or revoked token or an
    inactive user; records when the token was used. Unauthenticated, saying why, for a token
    that has expired or was issued before its user's password changed."""
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
    reason = ended(record, now)
    if reason is not None:
        raise reason
    _note_use(record, now)
    return record.user


def _note_use(record: ApiToken, now: dt.datetime) -> None:
    """When the token was last used: bookkeeping, which must neither fail nor hold up the call
    it comes with. While another holds SQLite's write lock, it waits a moment (core/dbwait.py),
    then is left for the token's next use; before, the call waited MIGREX_SQLITE_TIMEOUT and
    answered 500 (issue 14). Within LAST_USED_GRANULARITY of the last one noted, nothing is
    written, nor is the write lock asked for (an UPDATE takes it, whether or not a row
    matches)."""
    if record.last_used_at is not None and record.last_used_at >= now - LAST_USED_GRANULARITY:
        return
    try:
        with brief_wait(), transaction.atomic():  # a savepoint, should a caller's block be open
            ApiToken.objects.filter(pk=record.pk).filter(
                Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_GRANULARITY)
            ).update(last_used_at=now)
    except OperationalError as exc:
        log.warning("API token %s: last use not recorded (%s)", record.pk, exc)
