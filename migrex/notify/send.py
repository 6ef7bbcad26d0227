"""Sending the notices: each officer's at once, or in one mail a day, through Django's SMTP
backend (settings MIGREX_SMTP_*; the node has no other way to send mail).

Nothing lost, nothing sent twice: a run first claims the notices it will send (a conditional
update that writes its own token and the time, so two runs never take the same rows), sends each
mail, and marks its notices sent as soon as the SMTP server has accepted it. When the server
refuses or cannot be reached, the run gives its claims back and stops: the notices wait, pending,
for the next run. A run killed in the middle leaves claims that lapse after LEASE, and the next
run takes them again; only a crash between the server's acceptance and the mark (milliseconds)
can send a mail twice, which is the better side to err on than losing one.

A notice is dropped, not sent, when it is due and its officer turned the mail off, has no address
or account any more, or no longer belongs to the authority that holds the case (the link would
answer 404)."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import smtplib
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import F, Q
from django.utils import timezone

from migrex.core.logsafe import summary
from migrex.notify import compose
from migrex.notify.models import Mode, Notice

log = logging.getLogger("migrex.notify")
SMTP = "django.core.mail.backends.smtp.EmailBackend"
LEASE = dt.timedelta(minutes=10)
DIGEST_AT = dt.time(8, 0)  # the daily digest goes at the first run after this, node's time
PENDING, SENT, DROPPED = Notice.Status


@dataclass
class Sent:
    mails: int = 0
    notices: int = 0
    dropped: int = 0
    failed: str = ""  # why the SMTP server took no more mail, if it did not


class _NotTaken(Exception):
    pass


def digest_boundary(now: dt.datetime) -> dt.datetime:
    """The latest DIGEST_AT at or before `now`, in the node's time zone: a digest carries what
    was found before it."""
    local = timezone.localtime(now)
    at = local.replace(hour=DIGEST_AT.hour, minute=DIGEST_AT.minute, second=0, microsecond=0)
    return at if at <= local else at - dt.timedelta(days=1)


def deliver(now: dt.datetime | None = None) -> Sent:
    now = now or timezone.now()
    result = Sent(dropped=_drop_unreachable())
    token = secrets.token_hex(16)  # this run's claims
    immediate, digests = _due(now, token)
    if not immediate and not digests:
        return result
    connection = get_connection(SMTP, fail_silently=False)
    try:
        with connection:
            for notice in immediate:
                _send(connection, [notice], compose.single(notice), token, result)
            day = timezone.localtime(digest_boundary(now)).date()
            for notices in digests.values():
                _send(connection, notices, compose.digest(notices, day), token, result)
    except (smtplib.SMTPException, OSError, _NotTaken) as exc:
        result.failed = summary(exc)
        log.warning("mail not sent (%s): the notices wait for the next run", result.failed)
    finally:
        # Whatever this run claimed and did not send is free again at once.
        Notice.objects.filter(claim=token, status=PENDING).update(claim="", claimed_at=None)
    return result


def _drop_unreachable() -> int:
    mode_off = Q(user__notification_preference__mode=Mode.OFF)
    gone = Q(user__email="") | Q(user__is_active=False) | Q(user__authority__isnull=True)
    elsewhere = ~Q(user__authority_id=F("case__owner_id"))
    return Notice.objects.filter(mode_off | gone | elsewhere, status=PENDING).update(status=DROPPED)


def _due(now: dt.datetime, token: str) -> tuple[list[Notice], dict[int, list[Notice]]]:
    """Claim what is due now: every immediate notice, and the digests whose day has come."""
    free = Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - LEASE)
    pending = Notice.objects.filter(free, status=PENDING)
    digest = Q(user__notification_preference__mode=Mode.DIGEST)
    pending.exclude(digest).update(claim=token, claimed_at=now)
    boundary = digest_boundary(now)
    owed = pending.filter(digest).filter(created_at__lt=boundary).values("user_id").distinct()
    # A digest goes whole: all the officer's pending notices found before the boundary.
    pending.filter(digest, user_id__in=owed, created_at__lt=boundary).update(
        claim=token, claimed_at=now
    )
    claimed = Notice.objects.filter(claim=token, status=PENDING).select_related(
        "case", "user", "user__notification_preference"
    )
    immediate, digests = [], defaultdict(list)
    for notice in claimed.order_by("created_at", "pk"):
        mode = getattr(getattr(notice.user, "notification_preference", None), "mode", None)
        if mode == Mode.DIGEST:
            digests[notice.user_id].append(notice)
        else:
            immediate.append(notice)
    return immediate, dict(digests)


def _send(connection, notices: list[Notice], mail: compose.Mail, token: str, result: Sent) -> None:
    to = notices[0].user.email
    message = EmailMessage(
        mail.subject, mail.body, settings.DEFAULT_FROM_EMAIL, [to], connection=connection
    )
    if message.send() != 1:
        raise _NotTaken("the SMTP server took no message")
    done = Notice.objects.filter(pk__in=[n.pk for n in notices], claim=token).update(
        status=SENT, sent_at=timezone.now()
    )
    result.mails += 1
    result.notices += done
