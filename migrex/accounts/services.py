"""Account actions that other apps call: the identity re-check before a signature, and the
second factor (TOTP) of signatories and administrators, at login and before a signature made
through the API."""

from __future__ import annotations

import time

from django.db import transaction
from django.db.models import Q

from migrex.accounts import lockout, totp
from migrex.accounts.events import Event, tell
from migrex.accounts.models import LoginFailure, TotpDevice, User
from migrex.accounts.roles import SIGNATORY
from migrex.core.errors import Forbidden


def confirm_identity(user, password: str | None, *, address: str = "") -> bool:
    """Re-check the user's credentials before a signature (Art. 9.3: the request is signed by an
    authorised person, so the person at the keyboard must prove it is them, now).

    The login's lockout applies here too, counted before the password is checked
    (lockout.Attempt): a wrong password counts as a failure (audited as `identity.failed`), and
    while the username is locked this raises lockout.LockedOut, even for the right password.
    """
    if not user.is_active:
        return False
    attempt = _attempt(user, address, LoginFailure.Stage.IDENTITY)
    if password and user.check_password(password):
        attempt.succeeded()
        return True
    with transaction.atomic():
        until = attempt.failed()
        tell(
            Event.IDENTITY_FAILED,
            actor=user.username,
            detail={"address": address, "locked": until is not None},
        )
    return False


def _attempt(user: User, address: str, stage: str) -> lockout.Attempt:
    """An attempt of `user` counted (lockout.Attempt); LockedOut, audited, while locked."""
    attempt = lockout.Attempt(username=user.username, address=address, stage=stage)
    if attempt.locked_until is not None:
        with transaction.atomic():
            tell(Event.LOGIN_LOCKED, actor=user.username, detail={"stage": str(stage)})
        raise lockout.LockedOut.until(attempt.locked_until)
    return attempt


def needs_second_factor(user: User) -> bool:
    """Signatories (their signature binds the party, Art. 9.3) and administrators prove a
    second factor at login."""
    return bool(user.is_staff or user.is_superuser or user.has_role(SIGNATORY))


def device_of(user: User) -> TotpDevice | None:
    return TotpDevice.objects.filter(user=user, confirmed=True).first()


def start_enrolment(user: User) -> TotpDevice:
    """The user's unconfirmed device, with a fresh secret if there is none yet."""
    device, _ = TotpDevice.objects.get_or_create(
        user=user, defaults={"secret": totp.new_secret(), "confirmed": False}
    )
    return device


def enrol(user: User, *, secret: str | None = None) -> TotpDevice:
    """Give `user` a confirmed device now (the demo, an administrator's command)."""
    device, _ = TotpDevice.objects.update_or_create(
        user=user,
        defaults={"secret": secret or totp.new_secret(), "confirmed": True, "last_step": None},
    )
    return device


def verify_code(device: TotpDevice, code: str, *, at: float | None = None) -> bool:
    """Whether `code` is the device's code now (±1 step) and not one already used.

    The step is claimed with a conditional UPDATE, so of two processes given the same code at
    the same moment exactly one accepts it.
    """
    step = totp.matching_step(device.secret, code, time.time() if at is None else at)
    if step is None:
        return False
    claimed = (
        TotpDevice.objects.filter(pk=device.pk)
        .filter(Q(last_step__isnull=True) | Q(last_step__lt=step))
        .update(last_step=step)
    )
    if claimed:
        device.last_step = step
    return bool(claimed)


def check_second_factor(user: User, code: str | None, *, address: str = "") -> None:
    """Before a signature made through the API (Art. 9.3): the officer's current one-time code,
    checked as at login (verify_code: once per code). A bearer token stands for no sign-in, so
    the password alone would let whoever holds the token and the password sign.

    Forbidden `second_factor_required` without a code or an authenticator, and
    `second_factor_invalid` for a wrong or used code, which counts with the login's failures
    (lockout.LockedOut once the limit is reached).
    """
    device = device_of(user)
    if not code or device is None:
        raise Forbidden(
            "second_factor_required",
            "Для подписи требуется текущий одноразовый код из приложения-аутентификатора "
            "(член «otp»)."
            + ("" if device else " Сначала подключите аутентификатор при входе в систему."),
            "Signing requires the current one-time code from the authenticator app (member "
            "`otp`)." + ("" if device else " Set up the authenticator at sign-in first."),
            article="9.3",
            field="otp",
        )
    attempt = _attempt(user, address, LoginFailure.Stage.CODE)
    if verify_code(device, code):
        attempt.succeeded()
        return
    with transaction.atomic():
        until = attempt.failed()
        tell(
            Event.IDENTITY_FAILED,
            actor=user.username,
            detail={"address": address, "stage": "code", "locked": until is not None},
        )
    if until is not None:
        raise lockout.LockedOut.until(until)
    raise Forbidden(
        "second_factor_invalid",
        "Одноразовый код неверен или уже использован.",
        "The one-time code is wrong or was already used.",
        article="9.3",
        field="otp",
    )
