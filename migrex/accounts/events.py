"""What happens to an officer's account that the audit log records (Art. 11.4; OWASP ASVS 7.2):
sign-ins and their failures, lockouts, the second factor, API tokens, officers created and
disabled. The accounts stand a floor below the audit log, so they announce each event here and
the log records it in the same transaction (audit/signals.py connects to `happened`)."""

from __future__ import annotations

from enum import StrEnum

from django.dispatch import Signal


class Event(StrEnum):
    LOGIN_SUCCEEDED = "login.succeeded"
    LOGIN_FAILED = "login.failed"
    LOGIN_LOCKED = "login.locked"
    LOGOUT = "logout"
    IDENTITY_FAILED = "identity.failed"  # a wrong password re-entered to sign (Art. 9.3)
    TOTP_ENROLLED = "totp.enrolled"
    TOKEN_ISSUED = "token.issued"  # noqa: S105 - an event name, not a secret
    TOKEN_REVOKED = "token.revoked"  # noqa: S105
    OFFICER_CREATED = "officer.created"
    OFFICER_DISABLED = "officer.disabled"


happened = Signal()


def tell(event: Event, *, actor: object = "", subject: object = "", detail=None) -> None:
    happened.send(sender=Event, event=event, actor=actor, subject=subject, detail=detail)
