"""Who may read and write the registers. Deny by default: an account without a competent
authority sees nothing here but the superuser's administration."""

from __future__ import annotations

from migrex.accounts.roles import ADMINISTRATOR, SUPERVISOR


def may_read(user) -> bool:
    """The registers hold no personal data (Art. 6): any officer of a competent authority."""
    return user.is_active and (user.authority_id is not None or user.is_superuser)


def may_record(user) -> bool:
    """Supervisors notify legislation (Art. 4) and record cooperation (Art. 7, 15) on behalf of
    their authority."""
    return user.is_active and user.authority_id is not None and user.has_role(SUPERVISOR)


def may_notify_authorities(user) -> bool:
    """Changes of authorities and signatory lists (Art. 2, 9.4) are the node administrator's."""
    return (
        user.is_active
        and user.authority_id is not None
        and (user.is_superuser or user.has_role(ADMINISTRATOR))
    )
