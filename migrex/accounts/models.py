from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The roles of an officer. A user may hold several; each is a Django group of that name."""

    OPERATOR = "operator", _("operator")
    SIGNATORY = "signatory", _("signatory")
    SUPERVISOR = "supervisor", _("supervisor")
    AUDITOR = "auditor", _("auditor")
    ADMINISTRATOR = "administrator", _("administrator")


class User(AbstractUser):
    """An officer of a competent authority of this node's party."""

    authority = models.ForeignKey(
        "agreements.Authority",
        verbose_name=_("competent authority"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="officers",
    )
    position = models.CharField(_("position"), max_length=200, blank=True)
    patronymic = models.CharField(_("patronymic"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        full = " ".join(p for p in (self.last_name, self.first_name, self.patronymic) if p)
        return full or self.username

    def roles(self) -> frozenset[str]:
        # Cached per request: permission checks ask many times.
        if not hasattr(self, "_roles"):
            self._roles = frozenset(self.groups.values_list("name", flat=True))
        return self._roles

    def has_role(self, role: str) -> bool:
        return self.is_active and role in self.roles()


class ApiToken(models.Model):
    """A bearer token with which a national system calls the JSON API as one officer.

    Only the SHA-256 of the token is stored: the token itself is shown once, when it is issued
    (accounts.tokens.issue), and cannot be recovered from the database.
    """

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    digest = models.CharField(_("SHA-256 of the token"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["user", "-created_at"]

    def __str__(self) -> str:
        return f"{self.user.username}: {self.name or self.pk}"
