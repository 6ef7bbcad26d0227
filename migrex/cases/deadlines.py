"""The 30-day period of a request (Art. 10.3): its end, counted from receipt in the requested
party's calendar, and the days an agreement's profile stops it for (KZ-BY stops it for none)."""

from __future__ import annotations

from django.utils import timezone

from migrex.cases import validation
from migrex.cases.models import Case
from migrex.cases.workflow import Side


def pause_clock(case: Case, source: str, target: str) -> None:
    """Leaving a state in which the profile pauses the deadline extends it by the days spent
    there."""
    if case.side != Side.REQUESTED or case.due_date is None or source == target:
        return
    profile = validation.profile_of(case.agreement)
    deadline = profile.rule("rules.deadlines.request_execution")
    if source not in {p.code for p in deadline.pauses}:
        return
    entered = case.events.filter(to_state=source).order_by("-at").values_list("at", flat=True)
    if not entered:
        return
    tz = validation.party_timezone(case.requested_authority.party)
    days = (
        timezone.localtime(timezone.now(), tz).date() - timezone.localtime(entered[0], tz).date()
    ).days
    if days > 0:
        case.paused_days += days
        case.due_date = validation.due_date(profile, case.received_on, case.paused_days)
