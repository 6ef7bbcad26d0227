"""Officers' accounts as the node's administrator makes and ends them (`migrex officers`, the
officers API): an account of one of this party's competent authorities with its roles, and an
account disabled, never deleted (the audit log names it), with its sessions and API tokens ended.

Each change is announced to the audit log (events.Event.OFFICER_CREATED, OFFICER_DISABLED; a
token ended as tokens.revoke announces it). A signatory's place on a list of signatories is the
registers' (registers/officers.py), a floor above.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation

from migrex.accounts import tokens
from migrex.accounts.events import Event, tell
from migrex.accounts.models import ApiToken, User
from migrex.accounts.roles import ADMINISTRATOR, Role
from migrex.agreements.models import Authority
from migrex.core.errors import Invalid, MigrexError, error

USERNAME_MAX = 150
PASSWORD_BYTES = 12  # a generated password: 16 URL-safe characters


@dataclass
class NewOfficer:
    """What an officer is made of; `password` None: one is generated."""

    username: str
    full_name: str
    authority: str
    roles: list[str]
    position: str = ""
    password: str | None = None


def generated_password() -> str:
    return secrets.token_urlsafe(PASSWORD_BYTES)


def split_name(full_name: str) -> tuple[str, str, str]:
    """(last name, first name, patronymic) of "Фамилия Имя Отчество"; the rest of a longer
    name goes with the patronymic."""
    parts = full_name.split()
    return (
        parts[0] if parts else "",
        parts[1] if len(parts) > 1 else "",
        " ".join(parts[2:]),
    )


def _authority(code: str) -> Authority | None:
    return Authority.objects.filter(code=code, party_id=settings.MIGREX_PARTY).first()


def problems(new: NewOfficer) -> list[MigrexError]:
    """Everything wrong with `new`, each naming its field."""
    found = []
    username = new.username.strip()
    if not username or len(username) > USERNAME_MAX or username != new.username:
        found.append(
            error(
                "username_invalid",
                f"Имя пользователя: от 1 до {USERNAME_MAX} знаков, без пробелов по краям.",
                f"Username: 1 to {USERNAME_MAX} characters, no spaces around.",
                field="username",
            )
        )
    elif User.objects.filter(username__iexact=username).exists():
        found.append(
            error(
                "username_taken",
                f"Имя пользователя «{username}» уже занято.",
                f"The username '{username}' is taken.",
                field="username",
            )
        )
    if not new.full_name.split():
        found.append(
            error(
                "full_name_required",
                "Укажите фамилию, имя и отчество сотрудника.",
                "The officer's full name is required.",
                field="full_name",
            )
        )
    if _authority(new.authority) is None:
        found.append(
            error(
                "unknown_authority",
                f"Нет компетентного органа «{new.authority}» стороны {settings.MIGREX_PARTY}.",
                f"No competent authority '{new.authority}' of the party {settings.MIGREX_PARTY}.",
                "2",
                "authority",
            )
        )
    known = [r.value for r in Role]
    unknown = [r for r in new.roles if r not in known]
    if unknown or not new.roles:
        found.append(
            error(
                "unknown_role",
                f"Неизвестная роль: {', '.join(unknown) or '—'}; роли: {', '.join(known)}.",
                f"Unknown role: {', '.join(unknown) or 'none given'}; the roles are "
                f"{', '.join(known)}.",
                field="roles",
            )
        )
    return found


def _password_problems(password: str, user: User) -> list[MigrexError]:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        said = {}
        for language in ("ru", "en"):
            with translation.override(language):
                said[language] = " ".join(str(m) for m in exc.messages)
        return [error("password_invalid", said["ru"], said["en"], field="password")]
    return []


@transaction.atomic
def create(new: NewOfficer, *, actor: str) -> tuple[User, str]:
    """The officer's account, with the password it was given or a generated one (returned,
    never stored in clear). Invalid, naming every field that is wrong; nothing is made then.
    `actor` is who made it, for the audit log."""
    found = problems(new)
    if found:
        raise Invalid(found)
    last, first, patronymic = split_name(new.full_name)
    administrator = ADMINISTRATOR in new.roles
    user = User(
        username=new.username,
        last_name=last[:150],
        first_name=first[:150],
        patronymic=patronymic[:150],
        position=new.position.strip()[:200],
        authority=_authority(new.authority),
        is_staff=administrator,  # the admin pages, as the demo's administrator has them
        is_superuser=administrator,
    )
    password = new.password if new.password is not None else generated_password()
    wrong = _password_problems(password, user)
    if wrong:
        raise Invalid(wrong)
    user.set_password(password)
    user.save()
    roles = sorted(set(new.roles))
    user.groups.set([Group.objects.get_or_create(name=role)[0] for role in roles])
    tell(
        Event.OFFICER_CREATED,
        actor=actor,
        subject=user.username,
        detail={
            "authority": user.authority.code,
            "roles": roles,
            "position": user.position,
            "password": "given" if new.password is not None else "generated",
        },
    )
    return user, password


def end_sessions(user: User) -> int:
    """Delete the user's sessions on this node; how many there were."""
    ended = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            ended.append(session.pk)
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)


@dataclass(frozen=True)
class Disabled:
    user: User
    was_active: bool
    sessions: int
    tokens: int


@transaction.atomic
def disable(username: str, *, actor: str) -> Disabled:
    """Make the account inactive (it stays: the audit log and the cases name it), end its
    sessions and revoke its live API tokens. Again on an inactive account: ends whatever is
    left, and says it was inactive already. User.DoesNotExist for an unknown username."""
    user = User.objects.select_for_update().get(username=username)
    was_active = user.is_active
    if was_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
    live = ApiToken.objects.filter(user=user, revoked_at__isnull=True).values_list("pk", flat=True)
    revoked = [tokens.revoke(token_id=pk, actor=actor) for pk in list(live)]
    sessions = end_sessions(user)
    if was_active or revoked or sessions:
        tell(
            Event.OFFICER_DISABLED,
            actor=actor,
            subject=user.username,
            detail={"sessions": sessions, "tokens": len(revoked), "was_active": was_active},
        )
    return Disabled(user, was_active, sessions, len(revoked))
