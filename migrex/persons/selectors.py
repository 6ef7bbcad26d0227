"""Reads of the datasets this node received, always through what the user may see."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from migrex.accounts.roles import of_an_authority, sees_personal_data
from migrex.persons.models import Dataset


def datasets_for(user) -> QuerySet[Dataset]:
    """The datasets the user's authority received; 403 for a user whose work needs no personal
    data (Art. 11.4)."""
    if not of_an_authority(user) or not sees_personal_data(user):
        raise PermissionDenied
    return Dataset.objects.filter(recipient=user.authority).select_related("provider")


def dataset_for(user, pk: int) -> Dataset:
    found = datasets_for(user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found
