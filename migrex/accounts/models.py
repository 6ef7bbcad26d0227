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
