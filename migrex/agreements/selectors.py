"""Reads about agreements: the parsed profile of the current version, status on a date,
signatory-list duties (Art. 9.3)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from migrex.agreements import dates
from migrex.agreements.models import Agreement, Party, SignatoryList
from migrex.agreements.profile import Profile, profile_from_data


@lru_cache(maxsize=64)
def _parse(digest: str, agreement_pk: int) -> Profile:
    version = Agreement.objects.get(pk=agreement_pk).versions.get(digest=digest)
    return profile_from_data(version.profile, source=f"{version.agreement.code} r{version.number}")


def profile_of(agreement: Agreement) -> Profile:
    """The profile of the agreement's current version (parsed once per version)."""
    return _parse(agreement.current_version.digest, agreement.pk)


@dataclass(frozen=True)
class SignatoryDuty:
    party: Party
    due: dt.date | None
    exchanged_on: dt.date | None
    state: dates.SignatoryDutyState


def signatory_duties(agreement: Agreement, today: dt.date) -> list[SignatoryDuty]:
    """Per party: were the lists of signatories and form samples exchanged within 45 days of
    entry into force (Art. 9.3)?"""
    profile = profile_of(agreement)
    due = dates.signatory_list_due(profile)
    duties = []
    for party in agreement.parties.order_by("code"):
        first = (
            SignatoryList.objects.filter(agreement=agreement, party=party)
            .order_by("exchanged_on")
            .values_list("exchanged_on", flat=True)
            .first()
        )
        duties.append(
            SignatoryDuty(party, due, first, dates.signatory_duty_state(due, first, today))
        )
    return duties
