"""Account actions that other apps call."""

from __future__ import annotations


def confirm_identity(user, password: str | None) -> bool:
    """Re-check the user's credentials before a signature (Art. 9.3: the request is signed by an
    authorised person, so the person at the keyboard must prove it is them, now)."""
    return bool(password) and user.is_active and user.check_password(password)
