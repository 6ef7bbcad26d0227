"""Loading agreement profiles into the database. Idempotent: the same profile twice changes
nothing; a changed profile is recorded as a new version of the agreement."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from migrex.agreements import models as m
from migrex.agreements.profile import Profile, load_profile, resolve


@dataclass(frozen=True)
class LoadResult:
    code: str
    outcome: str  # "created", "new-version" or "unchanged"
    revision: int
    digest: str


def load(code_or_path: str, *, actor=None) -> LoadResult:
    path: Path = resolve(code_or_path)
    return load_into_db(load_profile(path), source=path.name, actor=actor)


@transaction.atomic
def load_into_db(profile: Profile, *, source: str, actor=None) -> LoadResult:
    digest = profile.digest
    agreement = m.Agreement.objects.select_for_update().filter(code=profile.code).first()
    if agreement is not None:
        known = agreement.versions.filter(digest=digest).first()
        if known is not None and agreement.current_version_id == known.pk:
            return LoadResult(profile.code, "unchanged", known.number, digest)

    for party in profile.parties:
        m.Party.objects.update_or_create(
            code=party.code,
            defaults={
                "name_ru": party.name.ru,
                "name_en": party.name.en,
                "timezone": party.timezone,
            },
        )
    authorities = [_upsert_authority(a) for a in profile.authorities]

    outcome = "new-version"
    if agreement is None:
        agreement = m.Agreement.objects.create(
            code=profile.code, title_ru=profile.title.ru, title_en=profile.title.en
        )
        outcome = "created"
    agreement.title_ru, agreement.title_en = profile.title.ru, profile.title.en
    agreement.parties.set(profile.party_codes)
    agreement.authorities.set(authorities)

    version = agreement.versions.filter(digest=digest).first()
    if version is None:
        number = (
            agreement.versions.order_by("-number").values_list("number", flat=True).first() or 0
        ) + 1
        version = m.AgreementVersion.objects.create(
            agreement=agreement,
            number=number,
            profile_version=profile.version,
            digest=digest,
            source=source,
            profile=profile.model_dump(mode="json"),
            loaded_by=actor,
        )
    agreement.current_version = version
    agreement.save()

    agreement.events.all().delete()
    m.AgreementEvent.objects.bulk_create(
        m.AgreementEvent(
            agreement=agreement,
            position=i,
            kind=e.kind,
            date=None if e.date == "unknown" else e.date,
            party_id=getattr(e, "party", None),
            description=_describe(e),
            article=e.article or "",
        )
        for i, e in enumerate(profile.events)
    )
    return LoadResult(profile.code, outcome, version.number, digest)


def _upsert_authority(spec) -> m.Authority:
    current = spec.name
    authority, _ = m.Authority.objects.update_or_create(
        code=spec.code,
        defaults={
            "party_id": spec.party,
            "kind": spec.kind,
            "name_ru": current.ru,
            "name_en": current.en,
        },
    )
    history = [(n.ru, n.en, n.from_, n.until) for n in spec.names]
    stored = list(
        authority.names.all().values_list("name_ru", "name_en", "valid_from", "valid_until")
    )
    if stored != history:
        authority.names.all().delete()
        m.AuthorityName.objects.bulk_create(
            m.AuthorityName(
                authority=authority, name_ru=ru, name_en=en, valid_from=start, valid_until=end
            )
            for ru, en, start, end in history
        )
    return authority


def _describe(event) -> str:
    parts = []
    for attr in ("place", "body", "act", "protocol", "note"):
        value = getattr(event, attr, None)
        if value is not None and hasattr(value, "ru"):
            parts.append(value.ru)
    if getattr(event, "source", None):
        parts.append(event.source)
    return "; ".join(parts)
