"""The roles of an officer: the one definition, and the checks every app makes with them.

A user may hold several roles; each is a Django group of that name (created by the migration
accounts/0003). Pure module (no Django): the workflow's table names its actors with these.
Deny by default: an account without a competent authority, or inactive, passes no check.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    OPERATOR = "operator"  # drafts requests, executes those received
    SIGNATORY = "signatory"  # on the party's signatory list (Art. 9.3): signs requests
    SUPERVISOR = "supervisor"  # decides for the authority: refusals, consents, releases
    AUDITOR = "auditor"  # reads the audit log and cases, never personal data (Art. 11.4)
    ADMINISTRATOR = "administrator"  # runs the node: keys, peers, retention, signatory lists


OPERATOR, SIGNATORY, SUPERVISOR, AUDITOR, ADMINISTRATOR = Role

# Roles whose work needs the persons of a request. Anyone else (an auditor, an administrator)
# sees cases and their history without personal data (Art. 11.4).
WORKING = frozenset({OPERATOR, SIGNATORY, SUPERVISOR})


def holds(user, *roles: str) -> bool:
    """The user holds one of `roles`."""
    return any(user.has_role(role) for role in roles)


def of_an_authority(user) -> bool:
    """An active, signed-in officer of a competent authority."""
    return bool(user.is_authenticated and user.is_active and user.authority_id is not None)


def sees_personal_data(user) -> bool:
    return holds(user, *WORKING)


def supervises(user) -> bool:
    """A supervisor of a competent authority: decides for it."""
    return of_an_authority(user) and user.has_role(SUPERVISOR)


def administers(user) -> bool:
    """The node's administrator (or a superuser)."""
    return bool(user.is_active and (user.is_superuser or user.has_role(ADMINISTRATOR)))
