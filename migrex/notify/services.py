"""A run of the notifications (`migrex notify`, every minute by contrib/systemd's
migrex-notify.timer): find what officers are to be told (collect.py), then send what is due
(send.py). Each half can be run again at any moment: a second run finds the same notices and
sends nothing more.

Why a timer and a command rather than a step of the delivery worker: the mail server is another
party that may be slow or down, and the worker must keep delivering the outbox whatever it does;
a oneshot unit also cannot overlap itself (systemd starts no second run while one is going).

A node without MIGREX_SMTP_HOST sends no mail: the runs still move the watermark over the
history, so that setting a server later does not bring a flood of old news."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from migrex.notify import collect, send
from migrex.notify.models import Mode, Preference


@dataclass
class Run:
    collected: collect.Collected
    sent: send.Sent | None  # None: no mail server configured


def configured() -> bool:
    return bool(settings.EMAIL_HOST)


def run(now: dt.datetime | None = None) -> Run:
    now = now or timezone.now()
    if not configured():
        return Run(collect.collect(now, record=False), None)
    return Run(collect.collect(now), send.deliver(now))


def mode_of(user) -> str:
    found = Preference.objects.filter(user=user).values_list("mode", flat=True).first()
    return found or Mode.IMMEDIATE


@transaction.atomic
def set_mode(*, user, mode: str) -> Preference:
    """The officer's choice (Mode); from the next run on, what is pending goes that way too."""
    preference, _ = Preference.objects.select_for_update().get_or_create(user=user)
    preference.mode = Mode(mode)
    preference.save()
    return preference
