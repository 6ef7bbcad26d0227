"""Statistical datasets exchanged under Art. 3.1.1: each held by one competent authority, its own
(imported from a file) or received from the other party."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class StatDataset(models.Model):
    class Origin(models.TextChoices):
        OWN = "own", _("own")
        RECEIVED = "received", _("received")

    authority = models.ForeignKey(
        "agreements.Authority",
        verbose_name=_("held by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices)
    title = models.CharField(_("title"), max_length=300)
    indicator = models.CharField(_("indicator"), max_length=500)
    unit = models.CharField(_("unit"), max_length=100, blank=True)
    source = models.CharField(_("source"), max_length=500, blank=True)
    # The file's layout, so that it is written back as it came: [[name, role], …] in order
    # (roles of formats.py), its format, and the SDMX structure id.
    columns = models.JSONField(_("columns"))
    format = models.CharField(_("format"), max_length=10)
    dataflow = models.CharField(_("SDMX structure"), max_length=200, blank=True)
    structure = models.CharField(_("SDMX structure kind"), max_length=20, blank=True)
    # Received datasets: from whom, under which agreement, in which message.
    provider = models.ForeignKey(
        "agreements.Authority",
        verbose_name=_("provided by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    agreement = models.ForeignKey(
        "agreements.Agreement",
        verbose_name=_("agreement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    message_id = models.UUIDField(_("message id"), unique=True, null=True, blank=True)
    created_by = models.CharField(_("imported by"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("statistical dataset")
        verbose_name_plural = _("statistical datasets")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(origin="own", provider__isnull=True, message_id__isnull=True)
                | Q(origin="received", provider__isnull=False, message_id__isnull=False),
                name="stats_dataset_origin",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def received(self) -> bool:
        return self.origin == self.Origin.RECEIVED


class Observation(models.Model):
    """One number: the period, the other dimensions' values, the value (kept as written, a
    decimal string, so that it goes back out unchanged) and the attributes."""

    dataset = models.ForeignKey(StatDataset, on_delete=models.CASCADE, related_name="observations")
    position = models.PositiveIntegerField(_("order in the file"))
    period = models.CharField(_("period"), max_length=20)
    key = models.JSONField(_("dimensions"))
    value = models.CharField(_("value"), max_length=60)
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)

    class Meta:
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        ordering = ["dataset", "position"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "position"], name="stats_obs_position")
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.key}: {self.value}"

    @property
    def number(self) -> Decimal:
        return Decimal(self.value)


class Dispatch(models.Model):
    """A dataset sent to an authority of the other party: the outbox message that carries it."""

    dataset = models.ForeignKey(StatDataset, on_delete=models.PROTECT, related_name="dispatches")
    message_id = models.UUIDField(_("message id"), unique=True)
    agreement = models.ForeignKey(
        "agreements.Agreement", verbose_name=_("agreement"), on_delete=models.PROTECT
    )
    receiver = models.ForeignKey(
        "agreements.Authority",
        verbose_name=_("sent to"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    sent_by = models.CharField(_("sent by"), max_length=300)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("dataset sent")
        verbose_name_plural = _("datasets sent")
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return f"{self.dataset_id} → {self.receiver_id}"
