"""The header of every page: what needs the officer (cases/attention.py, counted first), the
officer's boxes with their counts (selectors.counts), both kept until the authority's cases
change (cases/tally.py), and the tabs the officer may open."""

from __future__ import annotations

from functools import cached_property

from django.utils import timezone

from migrex.accounts.roles import sees_personal_data, supervises
from migrex.agreements.models import Authority
from migrex.agreements.selectors import directory
from migrex.cases import attention, reports, selectors
from migrex.cases.selectors import can_draft
from migrex.cases.views_boxes import TITLES
from migrex.channels.views import may_see as sees_channels
from migrex.exchange import monitor
from migrex.persons.models import Consent
from migrex.registers.permissions import may_read as reads_registers
from migrex.stats.access import may_see as sees_stats


class Nav:
    """Counted only when a page shows the navigation (not on the login page)."""

    def __init__(self, request):
        self.request, self.user = request, request.user

    @cached_property
    def attention(self) -> int:
        """What needs the officer, as the start page lists it: its cases (one query) and the
        consents awaiting the officer's decision (counted for the datasets tab already)."""
        return attention.counts(self.request, timezone.localdate())[1] + (self.datasets or 0)

    @cached_property
    def boxes(self) -> list[dict]:
        counts = attention.counts(self.request, timezone.localdate())[0]
        return [
            {"name": name, "title": TITLES[name], "count": counts[name]} for name in selectors.BOXES
        ]

    @cached_property
    def authority(self) -> Authority | None:
        """The officer's authority, from the reference data this process holds."""
        mine = self.user.authority_id
        return next((a for a in directory().authorities.values() if a.pk == mine), None)

    @cached_property
    def can_draft(self) -> bool:
        return can_draft(self.user)

    @cached_property
    def datasets(self) -> int | None:
        """For officers who see personal data: consent requests awaiting their decision (a
        supervisor's), else 0; None for others (no tab)."""
        if self.user.authority_id is None or not sees_personal_data(self.user):
            return None
        if not supervises(self.user):
            return 0
        return Consent.objects.filter(
            side=Consent.Side.PROVIDER, provider_id=self.user.authority_id, status="requested"
        ).count()

    @cached_property
    def tabs(self) -> dict[str, bool]:
        """The treaty's other registers: statistics, channels, legislation and cooperation."""
        return {
            "stats": sees_stats(self.user),
            "channels": sees_channels(self.user),
            "registers": reads_registers(self.user),
            "reports": reports.may_see(self.user),
        }

    @cached_property
    def exchange(self) -> int | None:
        """Undeliverable messages of the officer's authority, for supervisors; None for others."""
        return monitor.undeliverable(self.user) if supervises(self.user) else None


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav": Nav(request)}
