"""The audit log: append-only, each entry chained to the previous one by its hash; signed
checkpoints of the chain, this node's and those its peers sent."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    seq = models.PositiveBigIntegerField(_("number"), unique=True)
    at = models.DateTimeField(_("time"), db_index=True)
    actor = models.CharField(_("actor"), max_length=300, blank=True, db_index=True)
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


class Checkpoint(models.Model):
    """This node's signature over the chain as it stood at entry `seq`: a JWS (signed with the
    node's signing key) over {node, seq, hash, at}. Verification checks that the chain still
    holds `hash` at `seq`; copies sent to the peers let them vouch for it too."""

    seq = models.PositiveBigIntegerField(_("number"), db_index=True)
    hash = models.CharField(_("hash"), max_length=64)
    at = models.DateTimeField(_("signed at"))
    kid = models.CharField(_("signing key id"), max_length=64)
    token = models.TextField(_("signed checkpoint (JWS)"))

    class Meta:
        verbose_name = _("audit checkpoint")
        verbose_name_plural = _("audit checkpoints")
        ordering = ["seq", "at"]

    def __str__(self) -> str:
        return f"checkpoint #{self.seq}"


class PeerCheckpoint(models.Model):
    """A checkpoint of a peer node's audit log, as the peer sent it (verified with its keys on
    arrival). Kept as evidence: the peer cannot later rewrite its history before it unnoticed."""

    node = models.CharField(_("node"), max_length=64)
    seq = models.PositiveBigIntegerField(_("number"))
    hash = models.CharField(_("hash"), max_length=64)
    at = models.DateTimeField(_("signed at"))
    kid = models.CharField(_("signing key id"), max_length=64)
    token = models.TextField(_("signed checkpoint (JWS)"))
    message_id = models.UUIDField(_("message id"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("peer's audit checkpoint")
        verbose_name_plural = _("peers' audit checkpoints")
        ordering = ["node", "seq", "at"]
        constraints = [
            models.UniqueConstraint(fields=["node", "seq", "hash"], name="peer_checkpoint_once")
        ]

    def __str__(self) -> str:
        return f"{self.node} checkpoint #{self.seq}"


class Repeat(models.Model):
    """Attempts of one kind from one source (an address; a username and an address) in the
    current window of repeats.py: the first was recorded, the count of the others waits here for
    the next entry of that kind and source."""

    action = models.CharField(_("action"), max_length=64)
    source = models.CharField(_("source"), max_length=300)
    window_start = models.DateTimeField(_("window start"))
    attempts = models.PositiveIntegerField(_("attempts"), default=1)

    class Meta:
        verbose_name = _("repeated attempt")
        verbose_name_plural = _("repeated attempts")
        constraints = [
            models.UniqueConstraint(fields=["action", "source"], name="audit_repeat_once")
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.source} ×{self.attempts}"
