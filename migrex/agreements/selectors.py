"""Reads about agreements: the parsed profile of the current version, status on a date,
signatory-list duties (Art. 9.3)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from migrex.agreements import dates
from migrex.agreements.models import Agreement, Authority, Party, SignatoryList
from migrex.agreements.profile import Profile, profile_from_data
from migrex.core import reference


@lru_cache(maxsize=64)
def _parse(digest: str, agreement_pk: int) -> Profile:
    version = Agreement.objects.get(pk=agreement_pk).versions.get(digest=digest)
    return profile_from_data(version.profile, source=f"{version.agreement.code} r{version.number}")


def profile_of(agreement: Agreement) -> Profile:
    """The profile of the agreement's current version (parsed once per version)."""
    known = directory().agreements.get(agreement.code)
    if known is not None and known.agreement.pk == agreement.pk:
        return known.profile
    return _parse(agreement.current_version.digest, agreement.pk)


@dataclass(frozen=True)
class Terms:
    """One agreement as the exchange and the case services check messages against it."""

    agreement: Agreement
    profile: Profile
    authorities: dict[str, Authority]  # code → competent authority under this agreement (Art. 2)


@dataclass(frozen=True)
class Directory:
    """Every agreement, competent authority and party this node knows, loaded once per
    generation of the reference data (core/reference.py). Shared between threads: read-only."""

    agreements: dict[str, Terms]
    authorities: dict[str, Authority]
    parties: dict[str, Party]

    def authority(self, code: str) -> Authority:
        try:
            return self.authorities[code]
        except KeyError:
            raise Authority.DoesNotExist(f"no competent authority {code!r}") from None

    def terms(self, code: str) -> Terms:
        try:
            return self.agreements[code]
        except KeyError:
            raise Agreement.DoesNotExist(f"no agreement {code!r}") from None


@reference.cached
def directory() -> Directory:
    parties = {p.code: p for p in Party.objects.all()}
    authorities = {a.code: a for a in Authority.objects.all()}
    for a in authorities.values():
        a.party = parties[a.party_id]
    members: dict[int, dict[str, Authority]] = {}
    for agreement_id, code in Agreement.authorities.through.objects.values_list(
        "agreement_id", "authority__code"
    ):
        members.setdefault(agreement_id, {})[code] = authorities[code]
    agreements = {}
    for agreement in Agreement.objects.select_related("current_version").defer(
        "current_version__profile"
    ):
        if agreement.current_version is None:
            continue
        profile = _parse(agreement.current_version.digest, agreement.pk)
        agreements[agreement.code] = Terms(agreement, profile, members.get(agreement.pk, {}))
    return Directory(agreements, authorities, parties)


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
