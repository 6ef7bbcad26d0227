"""Retention of received personal data (Art. 11.5): the rules a node applies, the end of a
purpose as an officer records it, and what is left of destroyed data: tombstones, acts, notices."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

CASE_CLOSED, PURPOSE_ENDED = "case-closed", "purpose-ended"
COUNTED_FROM = [
    (CASE_CLOSED, _("the closing of the case")),
    (PURPOSE_ENDED, _("the end of the purpose")),
]


class Rule(models.Model):
    """How long a party keeps personal data received under an agreement, under its own law
    (Art. 11.5: the agreement sets no period; a period in the profile takes precedence)."""

    agreement = models.ForeignKey(
        "agreements.Agreement", verbose_name=_("agreement"), on_delete=models.PROTECT
    )
    party = models.CharField(_("party"), max_length=2)
    days = models.PositiveIntegerField(_("days"))
    counted_from = models.CharField(_("counted from"), max_length=16, choices=COUNTED_FROM)
    basis = models.TextField(_("legal basis (national legal act)"))
    updated_by = models.CharField(_("set by"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")
        ordering = ["agreement", "party"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "party"], name="retention_rule_one"),
            models.CheckConstraint(condition=Q(days__gt=0), name="retention_rule_days"),
        ]

    def __str__(self) -> str:
        return f"{self.agreement_id}/{self.party}: {self.days} d from {self.counted_from}"


class PurposeEnd(models.Model):
    """The date an officer records on which the purpose of a case or a dataset was achieved."""

    case = models.OneToOneField(
        "cases.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    dataset = models.OneToOneField(
        "persons.Dataset", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    ended_on = models.DateField(_("purpose ended on"))
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.CharField(_("recorded by"), max_length=300)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("end of purpose")
        verbose_name_plural = _("ends of purpose")
        constraints = [
            models.CheckConstraint(
                condition=Q(case__isnull=False, dataset__isnull=True)
                | Q(case__isnull=True, dataset__isnull=False),
                name="purpose_end_one_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id or self.dataset_id}: {self.ended_on}"


class Act(models.Model):
    """A destruction act: the PDF naming what was destroyed, under which rule, when and by whom."""

    number = models.CharField(_("number"), max_length=40, unique=True)
    made_at = models.DateTimeField(_("made at"))
    made_by = models.CharField(_("made by"), max_length=300)
    items = models.PositiveIntegerField(_("items destroyed"))
    pdf = models.BinaryField(_("PDF"))
    sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64)

    class Meta:
        verbose_name = _("destruction act")
        verbose_name_plural = _("destruction acts")
        ordering = ["-made_at", "-id"]

    def __str__(self) -> str:
        return self.number


class Tombstone(models.Model):
    """What is left of one destroyed item: what it was, where it was, when and under which rule
    it was destroyed, and the SHA-256 of what was destroyed; never the data itself."""

    class Kind(models.TextChoices):
        CASE_PERSON = "case_person", _("person of a case (Art. 6 data)")
        ATTACHMENT = "attachment", _("attachment")
        DATASET_RECORDS = "dataset_records", _("records of a dataset")
        CASE_TEXTS = "case_texts", _("free texts of a case")
        DATASET_TEXTS = "dataset_texts", _("purpose of a dataset")
        MESSAGE = "message", _("stored copy of a message")
        CHANNEL_REPORT = "channel_report", _("received channel report")
        CONSENT_TEXTS = "consent_texts", _("texts of a consent request")
        PURPOSE_NOTE = "purpose_note", _("note on the end of the purpose")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    item_kind = models.CharField(_("item"), max_length=32, blank=True)  # photo, fingerprint_card…
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    dataset = models.ForeignKey(
        "persons.Dataset", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    item_id = models.BigIntegerField(_("item id"))
    # What the act names it by, never personal data: a message id, a stored file's random name.
    ref = models.CharField(_("reference"), max_length=100, blank=True)
    count = models.PositiveIntegerField(_("records"), default=1)
    sha256 = models.CharField(_("SHA-256 of what was destroyed"), max_length=64)
    rule = models.ForeignKey(
        Rule, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The rule as it stood when applied (a rule may change or go later).
    rule_text = models.JSONField(_("rule applied"))
    due_on = models.DateField(_("due on"))
    destroyed_at = models.DateTimeField(_("destroyed at"))
    destroyed_by = models.CharField(_("destroyed by"), max_length=300)
    act = models.ForeignKey(Act, on_delete=models.PROTECT, related_name="tombstones")
    notified = models.BooleanField(_("provider notified"), default=False)

    class Meta:
        verbose_name = _("tombstone")
        verbose_name_plural = _("tombstones")
        ordering = ["-destroyed_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "item_id"], name="tombstone_one_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.item_id}"


class Run(models.Model):
    """One run of the destruction job; a scheduled run holds its day, so that it runs once."""

    day = models.DateField(_("scheduled day"), null=True, blank=True, unique=True)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    destroyed = models.PositiveIntegerField(_("items destroyed"), default=0)
    act = models.ForeignKey(Act, null=True, blank=True, on_delete=models.PROTECT)
    by = models.CharField(_("by"), max_length=300)

    class Meta:
        verbose_name = _("destruction run")
        verbose_name_plural = _("destruction runs")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.destroyed}"


class ReceivedNotice(models.Model):
    """A `destruction_notice` from the other party: it destroyed data this node had provided."""

    message_id = models.UUIDField(_("message id"), unique=True)
    conversation_id = models.UUIDField(_("conversation"))
    agreement = models.CharField(_("agreement"), max_length=64)
    sender_authority = models.CharField(_("from"), max_length=64)
    receiver_authority = models.CharField(_("to"), max_length=64)
    act_number = models.CharField(_("act number"), max_length=40)
    destroyed_on = models.DateField(_("destroyed on"))
    basis = models.TextField(_("legal basis"))
    items = models.JSONField(_("items"))
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("destruction notice received")
        verbose_name_plural = _("destruction notices received")
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.sender_authority} {self.act_number}"
