"""Registers kept under the agreement: notices of changes in migration law (Art. 3.1.1, 4),
notices of changes of competent authorities and signatory lists (Art. 2, 9.4), and cooperation
activities (Art. 7, 15)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from migrex.agreements.models import Agreement, Authority, Party


class Direction(models.TextChoices):
    SENT = "sent", _("sent")
    RECEIVED = "received", _("received")


class LegislationNotice(models.Model):
    """A change in one party's migration law, told to the other party (Art. 4)."""

    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices)
    agreement = models.ForeignKey(Agreement, verbose_name=_("agreement"), on_delete=models.PROTECT)
    party = models.ForeignKey(Party, verbose_name=_("country"), on_delete=models.PROTECT)
    authority = models.ForeignKey(
        Authority, verbose_name=_("competent authority"), on_delete=models.PROTECT
    )
    title = models.CharField(_("title of the act"), max_length=500)
    adopted_on = models.DateField(_("adopted on"))
    in_force_on = models.DateField(_("in force from"), null=True, blank=True)
    summary = models.TextField(_("summary"))
    # Lower-cased title and summary: a case-insensitive search for Cyrillic that works alike on
    # PostgreSQL and SQLite (SQLite's LIKE folds ASCII only).
    search_text = models.TextField(editable=False, default="")
    conversation_id = models.UUIDField(_("conversation"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    # The text of the act, sealed as case attachments are (migrex/core/vault.py).
    file = models.FileField(_("text of the act"), upload_to="legislation/%Y/", blank=True)
    name = models.CharField(_("file name"), max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    key = models.BinaryField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("legislation notice")
        verbose_name_plural = _("legislation notices")
        ordering = ["-adopted_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["conversation_id", "direction"], name="legislation_one_per_side"
            )
        ]

    def __str__(self) -> str:
        return self.title


class AuthorityNotice(models.Model):
    """A change of a competent authority (Art. 2) or of a signatory list or form samples
    (Art. 9.4), as sent or as received and applied."""

    class Change(models.TextChoices):
        RENAME = "rename", _("renaming of an authority")
        REPLACE = "replace", _("replacement of an authority")
        SIGNATORIES = "signatories", _("list of signatories and form samples")

    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices)
    agreement = models.ForeignKey(Agreement, verbose_name=_("agreement"), on_delete=models.PROTECT)
    party = models.ForeignKey(Party, verbose_name=_("party"), on_delete=models.PROTECT)
    change = models.CharField(_("change"), max_length=16, choices=Change.choices)
    payload = models.JSONField(_("content"))
    conversation_id = models.UUIDField(_("conversation"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("authority notice")
        verbose_name_plural = _("authority notices")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["conversation_id", "direction"], name="authority_notice_one_per_side"
            )
        ]

    def __str__(self) -> str:
        return f"{self.change} {self.party_id}"


class CooperationEvent(models.Model):
    """One activity of cooperation (Art. 7) or a consultation (Art. 15)."""

    class Kind(models.TextChoices):
        TRAINING = "training", _("training or internship")
        WORKING_GROUP = "working_group", _("working group")
        EXPERT_EXCHANGE = "expert_exchange", _("exchange of experts")
        CONFERENCE = "conference", _("conference or seminar")
        STUDY_VISIT = "study_visit", _("study visit")
        JOINT_PROJECT = "joint_project", _("joint project")
        CONSULTATION = "consultation", _("consultation")

    agreement = models.ForeignKey(Agreement, verbose_name=_("agreement"), on_delete=models.PROTECT)
    kind = models.CharField(_("form of cooperation"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    authorities = models.ManyToManyField(
        Authority, verbose_name=_("participating authorities"), related_name="+"
    )
    people = models.TextField(_("participants"), blank=True)
    outcomes = models.TextField(_("outcomes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("cooperation activity")
        verbose_name_plural = _("cooperation activities")
        ordering = ["starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="cooperation_dates_in_order",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def people_list(self) -> list[str]:
        return [line.strip() for line in self.people.splitlines() if line.strip()]
