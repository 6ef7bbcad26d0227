from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import AbstractUser, Group
from django.db import models
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from migrex.accounts.roles import Role

# How the role names (accounts/roles.py) read on the pages; the admin lists them as groups.
ROLE_LABELS = {
    Role.OPERATOR: _("operator"),
    Role.SIGNATORY: _("signatory"),
    Role.SUPERVISOR: _("supervisor"),
    Role.AUDITOR: _("auditor"),
    Role.ADMINISTRATOR: _("administrator"),
}


def role_label(code: str) -> str:
    """A role's name as an officer reads it («Оператор»); an unknown group keeps its own."""
    label = ROLE_LABELS.get(code)
    return str(capfirst(label)) if label is not None else code


class RoleGroup(Group):
    """The roles as the admin shows them: Django's groups, named by the role codes the code
    checks (migration 0003), read in Russian. The roles are fixed: no permissions of their own."""

    class Meta:
        proxy = True
        verbose_name = _("role")
        verbose_name_plural = _("roles")

    def __str__(self) -> str:
        return role_label(self.name)


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
    # API tokens issued before it no longer authenticate (accounts.tokens).
    password_changed_at = models.DateTimeField(_("password changed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        full = " ".join(p for p in (self.last_name, self.first_name, self.patronymic) if p)
        return full or self.username

    def set_password(self, raw_password):
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    def set_unusable_password(self):
        super().set_unusable_password()
        self.password_changed_at = timezone.now()

    def check_password(self, raw_password):
        """Django's check, but a rehash of the right password on a stronger hasher is not a
        change of password: it keeps the user's API tokens."""

        def rehash(raw):
            self.password = make_password(raw)
            self._password = None
            self.save(update_fields=["password"])

        return check_password(raw_password, self.password, rehash)

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
    expires_at = models.DateTimeField(_("expires at"))  # MIGREX_TOKEN_DAYS after issue

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["user", "-created_at"]

    def __str__(self) -> str:
        return f"{self.user.username}: {self.name or self.pk}"


class LoginFailure(models.Model):
    """One failed proof of identity: a wrong password at login, a wrong one-time code, or a wrong
    password re-entered before a signature. Kept in the database so that every web process of the
    node counts the same failures (accounts.lockout); written before the proof is checked, and
    deleted again if it holds (lockout.Attempt)."""

    class Stage(models.TextChoices):
        PASSWORD = "password", _("password")
        CODE = "code", _("one-time code")
        IDENTITY = "identity", _("password before a signature")

    username = models.CharField(_("username"), max_length=150)  # as typed, case-folded
    address = models.CharField(_("address"), max_length=45)
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices)
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("failed login")
        verbose_name_plural = _("failed logins")
        indexes = [
            models.Index(fields=["username", "at"], name="loginfailure_user_at"),
            models.Index(fields=["address", "at"], name="loginfailure_address_at"),
        ]

    def __str__(self) -> str:
        at = formats.date_format(timezone.localtime(self.at), "SHORT_DATETIME_FORMAT")
        return f"{self.username}, {self.address}, {self.get_stage_display()}, {at}"


class TotpDevice(models.Model):
    """An officer's authenticator (RFC 6238: 30-second steps, 6 digits, SHA-1).

    `last_step` is the time step of the last code accepted: a code of that step or an earlier one
    is refused, so a code seen over a shoulder cannot be used again.
    """

    user = models.OneToOneField(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="totp_device"
    )
    secret = models.CharField(_("secret (base32)"), max_length=64)
    confirmed = models.BooleanField(_("confirmed"), default=False)
    last_step = models.BigIntegerField(_("last step used"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("authenticator")
        verbose_name_plural = _("authenticators")

    def __str__(self) -> str:
        return f"{self.user.username} ({'confirmed' if self.confirmed else 'enrolling'})"


class IdempotentRequest(models.Model):
    """The first answer to an API POST that carried an `Idempotency-Key`, kept a day
    (accounts.idempotency): the same request again, with the same key, gets it back instead of
    being done twice. `status` is null while the first is still being answered."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=2000)
    digest = models.CharField(max_length=64)  # SHA-256 of the body
    status = models.PositiveSmallIntegerField(null=True)
    content_type = models.CharField(max_length=100, blank=True)
    body = models.BinaryField(blank=True, default=b"")
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotentrequest_user_key")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.method} {self.path} [{self.key}] → {self.status}"
