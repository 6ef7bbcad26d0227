"""The audit log: append-only, each entry chained to the previous one by its hash."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    seq = models.PositiveBigIntegerField(_("number"), unique=True)
    at = models.DateTimeField(_("time"))
    actor = models.CharField(_("actor"), max_length=300, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True, db_index=True)
    detail = models.JSONField(_("detail"), default=dict)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.subject}"


class AuditHead(models.Model):
    """The chain's last number and hash, in one row that writers lock: appends are serialised
    on every database without a gap or a fork."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"#{self.seq}"
