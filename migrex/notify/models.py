"""What the e-mail notifications keep: each officer's choice, one row per thing an officer is to
be told (a case event or a deadline reminder), and how far the case history has been read.

A Notice is the record of the decision to tell an officer something: it is written once, under a
unique (officer, case, key), in the same transaction that reads the history (collect.py), and
carries its own state through the sending (send.py). Deleting a case deletes its notices.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Mode(models.TextChoices):
    IMMEDIATE = "immediate", _("At once, one e-mail for each event")
    DIGEST = "digest", _("Once a day, one e-mail with everything since the last one")
    OFF = "off", _("No e-mail")


class Preference(models.Model):
    """An officer's choice; an officer without a row is told at once (Mode.IMMEDIATE)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    mode = models.CharField(
        _("e-mail notifications"), max_length=16, choices=Mode.choices, default=Mode.IMMEDIATE
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.mode}"


class Notice(models.Model):
    """One thing one officer is to be told by e-mail: pending until a mail carrying it is
    accepted by the SMTP server (sent), or dropped when the officer turned notifications off or
    has no address any more when it is due."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        SENT = "sent", _("sent")
        DROPPED = "dropped", _("not sent")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="+"
    )
    # "event:<id>" for an event of the case's history, "due:<date>:<stage>" for a reminder: the
    # same thing found twice (a rescan, a second run) is the same row.
    key = models.CharField(_("key"), max_length=64)
    what = models.CharField(_("what happened"), max_length=40)  # an action, or "reminder"
    due_date = models.DateField(_("due date"), null=True, blank=True)  # reminders
    days_left = models.IntegerField(_("days left"), null=True, blank=True)  # reminders
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # Taken by a run that is sending it; another run leaves it alone until the lease runs out.
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    claim = models.CharField(_("claimed by"), max_length=32, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "case", "key"], name="notice_once"),
        ]
        indexes = [models.Index(fields=["status", "user", "created_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.case_id} {self.key} {self.status}"


class Watermark(models.Model):
    """How far the case history has been read for notifications (one row, pk 1)."""

    event_id = models.BigIntegerField(_("last case event read"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("notification watermark")
        verbose_name_plural = _("notification watermarks")

    def __str__(self) -> str:
        return str(self.event_id)
