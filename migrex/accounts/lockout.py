"""Lockout after repeated failures to prove identity (OWASP ASVS 2.2.1).

Every proof of identity goes through `Attempt`: the password at sign-in, the one-time code at
sign-in, the password re-entered before a signature (form or API), the one-time code sent with
an API signature. Five failures for one username, or twenty from one address, within the window
(15 minutes) lock further attempts — even with the right password or code — until the cool-off
(15 minutes) has passed since the failure that reached the limit. Attempts refused while locked
are not counted, so the cool-off does not grow while someone keeps trying. The failures live in
the database (LoginFailure), so every process of the node sees the same count, and each attempt
is counted before it is checked (Attempt), so attempts made at once get no more checks than the
limit. A login that completes clears the failures of that username (not of the address: one valid
account must not reset the counter of an address that is guessing others).

Why not django-axes (8.x), checked against its code and tracker:
- It counts after the check: AxesBackend refuses a locked client before authenticate(), and the
  failure is written by the `user_login_failed` handler once the password was wrong. Requests
  made at once all read the old count, and all get their password checked; the handler's
  select_for_update only keeps the counter from losing increments. The maintainers closed that
  race as "known issue, wont fix" (jazzband/django-axes#592). Counting first is what this module
  is for.
- One AXES_FAILURE_LIMIT is compared with the largest count of all lockout parameters: it cannot
  say five per username and twenty per address. (Its cool-off by default runs from the last
  failure and restarts on attempts made while locked; two settings change that.)
- It hooks django.contrib.auth's authenticate(); the one-time code and the API's signature
  password are not authenticate() calls, so they would be fed to its handler by hand — the
  mechanism this module already is, plus its AccessAttempt/AccessLog tables (which keep the
  request's GET and POST data) and a lockout answer of our own (AXES_LOCKOUT_CALLABLE) to say in
  Russian at what time to try again.
Adopting it would take more code than the ~100 lines here and lose the count-before-check and
the two limits.
"""

from __future__ import annotations

import datetime as dt
import unicodedata

from django.conf import settings
from django.db import connection
from django.utils import timezone, translation
from django.utils.formats import time_format
from django.utils.translation import ngettext

from migrex.accounts.models import LoginFailure
from migrex.core.errors import MigrexError


def _limits() -> dict:
    return settings.MIGREX_LOCKOUT


def client_address(request) -> str:
    """The client's address: the socket's peer, or behind the HTTPS reverse proxy the address
    the proxy forwarded (core/proxy.py believes it from the configured proxy only)."""
    return (request.META.get("REMOTE_ADDR") or "")[:45]


def _key(username: str) -> str:
    """The username as sign-in reads it (NFKC, as Django's normalize_username: «ｋｚ-ｖｉｃｔｉｍ»
    in full-width letters is kz-victim), case-folded: one count for every way to type it."""
    return unicodedata.normalize("NFKC", username or "").strip().casefold()[:150]


def _until(
    field: str, value: str, limit: int, now: dt.datetime, besides: int | None
) -> dt.datetime | None:
    if not value:
        return None
    window = dt.timedelta(seconds=_limits()["window"])
    cooloff = dt.timedelta(seconds=_limits()["cooloff"])
    recent = list(
        LoginFailure.objects.filter(**{field: value}, at__gte=now - window - cooloff)
        .exclude(pk=besides)
        .order_by("-at")
        .values_list("at", flat=True)[:limit]
    )
    if len(recent) < limit or recent[0] - recent[-1] > window:
        return None
    until = recent[0] + cooloff
    return until if until > now else None


def locked_until(*, username: str, address: str, besides: int | None = None) -> dt.datetime | None:
    """When attempts for this username or from this address may resume; None if not locked.
    `besides`: an attempt's own row, not counted (Attempt)."""
    now = timezone.now()
    limits = _limits()
    found = [
        t
        for t in (
            _until("username", _key(username), limits["username"], now, besides),
            _until("address", address, limits["address"], now, besides),
        )
        if t
    ]
    return max(found) if found else None


class Attempt:
    """One attempt to prove identity, counted before it is checked: parallel attempts then check
    no more passwords or codes than the limit allows (each sees the others' rows), where checking
    first and counting after let 4 clients check 8 against a limit of 5. Refused while locked
    (`locked_until`), and then not counted; `succeeded` takes it back, `failed` keeps it as the
    failure it was counted as and says until when attempts are locked, if they are now.

    Made outside any transaction (requests here are in autocommit: no ATOMIC_REQUESTS): its row
    must be committed before it counts the others, or on PostgreSQL two attempts in open
    transactions would not see each other's rows. The transaction a test case opens is allowed.
    """

    def __init__(self, *, username: str, address: str, stage: str):
        _outside_transactions()
        self.username, self.address = username, address
        self.row = LoginFailure.objects.create(
            username=_key(username), address=address, stage=stage, at=timezone.now()
        )
        #: Set when attempts are locked: this one is refused, and not counted.
        self.locked_until = locked_until(username=username, address=address, besides=self.row.pk)
        if self.locked_until is not None:
            self.row.delete()

    def succeeded(self) -> None:
        LoginFailure.objects.filter(pk=self.row.pk).delete()

    def failed(self) -> dt.datetime | None:
        return locked_until(username=self.username, address=self.address)


def _outside_transactions() -> None:
    opened = [a for a in connection.atomic_blocks if not getattr(a, "_from_testcase", False)]
    if opened:
        raise RuntimeError("an Attempt is counted outside transactions (accounts.lockout)")


def clear(*, username: str) -> None:
    LoginFailure.objects.filter(username=_key(username)).delete()


def message(until: dt.datetime) -> str:
    """What the officer reads: why, and at what time (local) to try again."""
    minutes = max(1, -(-int((until - timezone.now()).total_seconds()) // 60))
    return ngettext(
        "Too many failed attempts. Sign-in is blocked; try again at %(time)s "
        "(in %(minutes)d minute).",
        "Too many failed attempts. Sign-in is blocked; try again at %(time)s "
        "(in %(minutes)d minutes).",
        minutes,
    ) % {"time": time_format(timezone.localtime(until), "H:i"), "minutes": minutes}


class LockedOut(MigrexError):
    """Too many failed attempts (HTTP 429): the same limit as the login (ASVS 2.2.1)."""

    status = 429

    @classmethod
    def until(cls, until: dt.datetime) -> LockedOut:
        with translation.override("ru"):
            ru = message(until)
        with translation.override("en"):
            en = message(until)
        return cls(code="locked_out", message_ru=ru, message_en=en, field="password")
