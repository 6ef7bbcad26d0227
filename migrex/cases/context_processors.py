"""The header of every page: the officer's boxes with their counts (selectors.counts)."""

from __future__ import annotations

from functools import cached_property

from django.utils import timezone

from migrex.cases import selectors
from migrex.cases.views import can_draft
from migrex.cases.views_boxes import TITLES


class Nav:
    """Counted only when a page shows the navigation (not on the login page)."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def boxes(self) -> list[dict]:
        counts = selectors.counts(self.user, timezone.localdate())
        return [
            {"name": name, "title": TITLES[name], "count": counts[name]} for name in selectors.BOXES
        ]

    @cached_property
    def can_draft(self) -> bool:
        return can_draft(self.user)


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav": Nav(user)}
