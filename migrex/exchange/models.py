"""The outbox: every message the other side must receive, written in the same transaction as the
change that caused it. The delivery worker reads from here."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        DELIVERED = "delivered", _("delivered")
        UNDELIVERABLE = "undeliverable", _("undeliverable")

    id = models.UUIDField(_("message id"), primary_key=True, default=uuid.uuid4, editable=False)
    agreement = models.CharField(_("agreement"), max_length=64)
    conversation_id = models.UUIDField(_("conversation"))
    in_reply_to = models.UUIDField(_("in reply to"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=40)
    sender_authority = models.CharField(_("sender authority"), max_length=64)
    receiver_authority = models.CharField(_("receiver authority"), max_length=64)
    receiver_party = models.CharField(_("receiver party"), max_length=2)
    payload = models.JSONField(_("payload"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outbox")
        ordering = ["created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.kind} → {self.receiver_authority}"
