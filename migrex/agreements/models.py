"""Agreements as loaded from their profiles, and the signatory lists the parties exchange.

Parties, authorities, agreements and events are written only by the profile loader
(services.load_profile); the profile file is the source of truth and is kept whole on each version.
"""

import json

from django.conf import settings
from django.db import models
from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Party(models.Model):
    code = models.CharField(_("ISO 3166 code"), max_length=2, primary_key=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    timezone = models.CharField(_("time zone"), max_length=64)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name_ru


class Authority(models.Model):
    """A competent authority (Art. 2). Its names change over time: see AuthorityName."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    party = models.ForeignKey(Party, verbose_name=_("party"), on_delete=models.PROTECT)
    kind = models.CharField(_("kind"), max_length=64)
    name_ru = models.CharField(_("current name (Russian)"), max_length=300)
    name_en = models.CharField(_("current name (English)"), max_length=300)

    class Meta:
        verbose_name = _("competent authority")
        verbose_name_plural = _("competent authorities")
        ordering = ["party", "code"]

    def __str__(self) -> str:
        return self.name_ru


class AuthorityName(models.Model):
    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="names")
    name_ru = models.CharField(_("name (Russian)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("authority name")
        verbose_name_plural = _("authority name history")
        # The first name (valid_from NULL: since the start) first, on every database.
        ordering = ["authority", models.F("valid_from").asc(nulls_first=True), "pk"]

    def __str__(self) -> str:
        return self.name_ru


class Agreement(models.Model):
    code = models.SlugField(_("code"), max_length=64, unique=True)
    title_ru = models.TextField(_("title (Russian)"))
    title_en = models.TextField(_("title (English)"))
    parties = models.ManyToManyField(Party, verbose_name=_("parties"), related_name="agreements")
    authorities = models.ManyToManyField(
        Authority, verbose_name=_("competent authorities"), related_name="agreements"
    )
    current_version = models.ForeignKey(
        "AgreementVersion",
        verbose_name=_("current version"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["code"]

    def __str__(self) -> str:
        """Its title in the officer's language: officers know an agreement by its name, not by
        the code the nodes use (the code stays in `code`)."""
        return self.title_en if (get_language() or "").startswith("en") else self.title_ru


class AgreementVersion(models.Model):
    """One loaded revision of a profile, kept whole so any past rule can be shown again."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("revision"))
    profile_version = models.PositiveIntegerField(_("profile version"))
    digest = models.CharField(_("SHA-256 of the profile"), max_length=64)
    source = models.CharField(_("loaded from"), max_length=500)
    profile = models.JSONField(_("profile"))
    loaded_at = models.DateTimeField(_("loaded at"), auto_now_add=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = _("agreement version")
        verbose_name_plural = _("agreement versions")
        ordering = ["agreement", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "number"], name="agreement_version_number"
            ),
            models.UniqueConstraint(
                fields=["agreement", "digest"], name="agreement_version_digest"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agreement.code} r{self.number}"


class AgreementEvent(models.Model):
    """Signature, ratification steps, notifications, amendments, termination (Art. 16, 17)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="events")
    position = models.PositiveIntegerField(_("order"))
    kind = models.CharField(_("kind"), max_length=32)
    date = models.DateField(_("date"), null=True, blank=True)
    party = models.ForeignKey(Party, null=True, blank=True, on_delete=models.PROTECT)
    description = models.TextField(_("description"), blank=True)
    article = models.CharField(_("article"), max_length=16, blank=True)

    class Meta:
        verbose_name = _("agreement event")
        verbose_name_plural = _("agreement events")
        ordering = ["agreement", "position"]

    def __str__(self) -> str:
        return f"{self.kind} {self.date or '?'}"


class SignatoryList(models.Model):
    """A party's list of persons authorised to sign requests, with form samples (Art. 9.3, 9.4).

    A new list replaces the previous one of the same party from its `effective_from` date.
    """

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.PROTECT, related_name="lists"
    )
    party = models.ForeignKey(Party, verbose_name=_("party"), on_delete=models.PROTECT)
    exchanged_on = models.DateField(_("transmitted to the other party on"))
    effective_from = models.DateField(_("effective from"))
    form_sample = models.FileField(_("form sample"), upload_to="forms/", blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("signatory list")
        verbose_name_plural = _("signatory lists")
        ordering = ["agreement", "party", "-effective_from"]

    def __str__(self) -> str:
        since = formats.date_format(self.effective_from, "SHORT_DATE_FORMAT")
        return f"{self.agreement}, {self.party}, {since}"


class Signatory(models.Model):
    signatory_list = models.ForeignKey(
        SignatoryList, on_delete=models.CASCADE, related_name="signatories"
    )
    full_name = models.CharField(_("full name"), max_length=300)
    authority = models.ForeignKey(
        Authority, verbose_name=_("competent authority"), on_delete=models.PROTECT
    )
    position = models.CharField(_("position"), max_length=300)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account on this node"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signatory_entries",
    )
    specimen = models.FileField(_("signature specimen"), upload_to="specimens/", blank=True)
    # The entry's public key as the other party sent it (a JWK in JSON, RFC 7517); an entry of
    # this party's own lists gives its account's key instead (`jwk`).
    public_key = models.TextField(_("public key (JWK)"), blank=True)

    class Meta:
        verbose_name = _("authorised signatory")
        verbose_name_plural = _("authorised signatories")
        ordering = ["signatory_list", "full_name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="signatory_valid_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.full_name}, {self.position}"

    @property
    def jwk(self) -> dict | None:
        """The public key this entry gives (Art. 9.3): its account's signing key on this node,
        else the key received with the list; None when it has none."""
        own = getattr(self.user, "signing_key", None) if self.user_id else None
        if own is not None:
            return dict(own.public_jwk)
        return json.loads(self.public_key) if self.public_key else None


class SigningKey(models.Model):
    """A signatory's own signing key (Art. 9.3): the private key sealed under a key derived from
    the signatory's password (signer_keys.seal), with the derivation's parameters, and the public
    key every list entry of that account gives."""

    class Source(models.TextChoices):
        GENERATED = "generated", _("made on this node")
        PKCS12 = "pkcs12", _("imported from a certification authority's PKCS#12 file")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="signing_key",
    )
    kid = models.CharField(_("fingerprint (RFC 7638)"), max_length=64, unique=True)
    public_jwk = models.JSONField(_("public key (JWK)"))
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    sealed = models.BinaryField(_("sealed private key"), editable=False)
    kdf = models.JSONField(_("key derivation"), editable=False)
    created_at = models.DateTimeField(_("enrolled at"), auto_now_add=True)

    class Meta:
        verbose_name = _("signing key")
        verbose_name_plural = _("signing keys")

    def __str__(self) -> str:
        return f"{self.user}: {self.kid}"
