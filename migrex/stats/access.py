"""Who may see, import and send statistical datasets. Statistics carry no personal data, but a
dataset belongs to the authority that holds it: officers of another authority do not see it
(404), and roles without a part in the exchange (auditors) are denied. Deny by default."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from migrex.accounts.roles import (
    OPERATOR,
    SIGNATORY,
    SUPERVISOR,
    holds,
    of_an_authority,
    sees_personal_data,
)
from migrex.stats.models import StatDataset


def may_see(user) -> bool:
    """Officers of a competent authority with a part in the exchange."""
    return of_an_authority(user) and sees_personal_data(user)


def may_import(user) -> bool:
    return may_see(user) and holds(user, OPERATOR, SUPERVISOR)


def may_send(user) -> bool:
    """Releasing figures to the other party is a supervisor's or a signatory's decision."""
    return may_see(user) and holds(user, SUPERVISOR, SIGNATORY)


def visible(user) -> QuerySet[StatDataset]:
    if not may_see(user):
        return StatDataset.objects.none()
    return StatDataset.objects.filter(authority_id=user.authority_id)


def dataset_for(user, pk: int | str) -> StatDataset:
    found = (
        visible(user).select_related("authority", "provider", "agreement").filter(pk=pk).first()
        if str(pk).isdigit()
        else None
    )
    if found is None:
        raise Http404
    return found
