"""Records of identified illegal-migration channels (Art. 4): the channel with its route and
methods, the legal entities and individuals involved, and channel reports received from the
other party."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

# The roles a participant plays in a channel (Art. 4: "причастных к организации и осуществлению").
ROLES = [
    ("organiser", _("organiser")),
    ("recruiter", _("recruiter")),
    ("carrier", _("carrier")),
    ("document_supplier", _("supplier of visas or documents")),
    ("employer", _("employer")),
    ("accommodation", _("accommodation provider")),
    ("intermediary", _("intermediary")),
    ("migrant", _("illegal migrant")),
    ("other", _("other role")),
]

# The closed list of Art. 5: an individual's personal data may be passed only for these.
CATEGORIES = [
    ("temporary_stay", _("temporarily staying (Art. 5.1)")),
    ("residence_permit", _("holding a residence permit (Art. 5.2)")),
    ("citizenship", _("admitted to or restored in citizenship (Art. 5.3)")),
    ("entry_ban_exit_restriction", _("entry ban or exit restriction (Art. 5.4)")),
    ("expelled", _("expelled (Art. 5.5)")),
]


class Channel(models.Model):
    authority = models.ForeignKey(
        "agreements.Authority",
        verbose_name=_("competent authority"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    route = models.JSONField(_("route"), default=list)  # ordered places or countries
    methods = models.TextField(_("methods of obtaining visas and documents"), blank=True)
    active_from = models.DateField(_("active from"), null=True, blank=True)
    active_to = models.DateField(_("active until"), null=True, blank=True)
    created_by = models.CharField(_("created by"), max_length=300)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("illegal-migration channel")
        verbose_name_plural = _("illegal-migration channels")
        ordering = ["-updated_at", "-pk"]

    def __str__(self) -> str:
        return self.name


class Entity(models.Model):
    """A legal entity involved in a channel (Art. 4)."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="entities")
    role = models.CharField(_("role"), max_length=32, choices=ROLES)
    name = models.CharField(_("name"), max_length=300)
    registration_number = models.CharField(_("registration number"), max_length=64, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    address = models.CharField(_("address"), max_length=500, blank=True)
    phone = models.CharField(_("phone"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("legal entity")
        verbose_name_plural = _("legal entities")
        ordering = ["channel", "pk"]

    def __str__(self) -> str:
        return self.name


class Individual(models.Model):
    """An individual involved in a channel (Art. 4). `data` is an Art. 6 person record; the
    phone is not an Art. 6 field, so it stays on this node and is never sent."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="individuals")
    role = models.CharField(_("role"), max_length=32, choices=ROLES)
    category = models.CharField(_("category (Art. 5)"), max_length=64, choices=CATEGORIES)
    data = models.JSONField(_("personal data (Art. 6)"))
    phone = models.CharField(_("phone"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("individual")
        verbose_name_plural = _("individuals")
        ordering = ["channel", "pk"]

    def __str__(self) -> str:
        return full_name(self.data)


class ReceivedReport(models.Model):
    """A `channel_report` from the other party, stored as it came (Art. 4)."""

    message_id = models.UUIDField(_("message id"), unique=True)
    conversation_id = models.UUIDField(_("conversation"))
    agreement = models.CharField(_("agreement"), max_length=64)
    sender_authority = models.CharField(_("sender"), max_length=64)
    receiver_authority = models.CharField(_("receiver"), max_length=64)
    payload = models.JSONField(_("content"))
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("received channel report")
        verbose_name_plural = _("received channel reports")
        ordering = ["-received_at", "-pk"]

    def __str__(self) -> str:
        return str(self.payload.get("channel", {}).get("name", self.message_id))


def _spelling(value) -> str:
    if isinstance(value, dict):
        return str(value.get("cyrillic") or value.get("latin") or "")
    return str(value or "")


def full_name(data: dict) -> str:
    parts = (_spelling(data.get(k)) for k in ("surname", "given_name", "patronymic"))
    return " ".join(p for p in parts if p)
