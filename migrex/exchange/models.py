"""The exchange's state: this node's keys, its peers, the outbox the case services write to, and
the inbox of what peers sent (one row per message id: the receiver's duplicate filter)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from migrex.exchange.envelope import uuid7


class NodeKey(models.Model):
    """One generation of this node's key pairs (signing + encryption) for one suite. The private
    keys are stored encrypted with the node's key passphrase."""

    suite = models.CharField(_("suite"), max_length=32)
    signing_kid = models.CharField(_("signing key id"), max_length=64, unique=True)
    private = models.BinaryField(_("private keys (encrypted)"))
    public_jwks = models.JSONField(_("public keys"))
    not_before = models.DateTimeField(_("valid from"))
    not_after = models.DateTimeField(_("valid until"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("node key")
        verbose_name_plural = _("node keys")
        ordering = ["-not_before"]

    def __str__(self) -> str:
        return f"{self.suite} {self.signing_kid[:12]}"


class Peer(models.Model):
    """The other party's node, trusted for the agreements listed (configured out of band)."""

    node_id = models.CharField(_("node"), max_length=64, unique=True)
    party = models.ForeignKey("agreements.Party", verbose_name=_("party"), on_delete=models.PROTECT)
    url = models.URLField(_("inbox base URL"))
    jwks = models.JSONField(_("public keys"))
    agreements = models.ManyToManyField("agreements.Agreement", verbose_name=_("agreements"))
    # Mutual TLS (docs/protocol.md §8.4): the SHA-256 of the client certificate the peer must
    # show the proxy for its messages and pings to be taken, lower-case hex; blank: not pinned.
    tls_client_cert = models.CharField(_("pinned client certificate"), max_length=64, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("peer node")
        verbose_name_plural = _("peer nodes")
        ordering = ["node_id"]

    def __str__(self) -> str:
        return f"{self.node_id} ({self.party_id})"


class OutboxMessage(models.Model):
    """Every message the other side must receive, written in the same transaction as the change
    that caused it. The delivery worker (delivery.py) reads from here."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        DELIVERED = "delivered", _("delivered")
        REFUSED = "refused", _("refused by the receiver")
        UNDELIVERABLE = "undeliverable", _("undeliverable")

    id = models.UUIDField(_("message id"), primary_key=True, default=uuid7, editable=False)
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
    claimed_until = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=64, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    digest = models.CharField(_("digest of what was sent"), max_length=64, blank=True)
    receipt = models.TextField(_("signed receipt"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outbox")
        ordering = ["created_at", "id"]
        indexes = [
            # The worker's claim: the oldest pending messages in the order it takes them, read
            # from the index and no further than it takes (exchange/delivery.claim).
            models.Index(fields=["status", "created_at", "id"]),
            # The worker's "no earlier message of this conversation is pending" check.
            models.Index(fields=["conversation_id", "status", "created_at"]),
            # The metrics' counts by status and kind (shell/metrics.py), from the index alone.
            models.Index(fields=["status", "kind"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.receiver_authority}"


class InboxMessage(models.Model):
    """A message accepted from a peer: the signed envelope as proof, and the receipt we gave."""

    message_id = models.UUIDField(_("message id"), unique=True)
    conversation_id = models.UUIDField(_("conversation"))
    sender_node = models.CharField(_("sender node"), max_length=64)
    agreement = models.CharField(_("agreement"), max_length=64)
    kind = models.CharField(_("kind"), max_length=40)
    digest = models.CharField(_("digest of what was received"), max_length=64)
    signed = models.TextField(_("signed envelope (JWS)"))
    receipt = models.TextField(_("signed receipt"))
    received_at = models.DateTimeField(_("received at"))

    class Meta:
        verbose_name = _("received message")
        verbose_name_plural = _("inbox")
        ordering = ["-received_at"]
        # By kind: the metrics' count of messages received (shell/metrics.py).
        indexes = [models.Index(fields=["conversation_id"]), models.Index(fields=["kind"])]

    def __str__(self) -> str:
        return f"{self.kind} ← {self.sender_node}"


class ExportedPackage(models.Model):
    """An offline package this node wrote (packages.py): which envelope bytes it carried for
    which message, so that the peer's reply file can be checked as HTTP replies are."""

    id = models.UUIDField(_("package id"), primary_key=True, editable=False)
    peer = models.CharField(_("peer node"), max_length=64)
    digest = models.CharField(_("digest of the sealed manifest"), max_length=64)
    messages = models.JSONField(_("message ids and envelope digests, in order"))
    file_name = models.CharField(_("file"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    answered_at = models.DateTimeField(_("replies read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("exported package")
        verbose_name_plural = _("exported packages")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"package {self.pk} → {self.peer}"


class WorkerBeat(models.Model):
    """A delivery worker's last sign of life (heartbeat.py): one row per worker, written every
    few seconds from its loop; readiness looks at the newest."""

    worker = models.CharField(_("worker"), max_length=128, primary_key=True)
    beat_at = models.DateTimeField(_("last beat"), db_index=True)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.worker} @ {self.beat_at:%Y-%m-%d %H:%M:%S}"
