"""Read-only API over the agreements this node works under: what a national system needs to
build valid requests (parties, authorities, Art. 5 categories, Art. 6 fields, refusal grounds)."""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from django.utils import timezone
from ninja import Router, Schema
from pydantic import Field

from migrex.agreements import dates
from migrex.agreements.models import Agreement
from migrex.agreements.profile import Profile
from migrex.agreements.schema_base import Unknown
from migrex.agreements.selectors import profile_of
from migrex.core.api import errors

router = Router(tags=["agreements"])


class TextOut(Schema):
    ru: str
    en: str


class CodedOut(Schema):
    code: str
    name: TextOut
    article: str


class StatusOut(Schema):
    code: str = Field(description="not-signed, signed, in-force, terminating or terminated")
    label_ru: str
    label_en: str
    on: dt.date


class PartyOut(Schema):
    code: str
    name: TextOut
    timezone: str


class AuthorityOut(Schema):
    code: str
    party: str
    kind: str
    name: TextOut
    article: str


class FieldOut(Schema):
    field: str = Field(description="An Art. 6 field code: a key of a person's `data`.")
    article: str
    scripts: list[str] | None = None
    parts: list[str] | None = None
    when_available: bool


class AgreementOut(Schema):
    code: str
    title: TextOut
    status: StatusOut = Field(description="The status today (Art. 17).")
    signed_on: dt.date
    entry_into_force: dt.date | None
    parties: list[PartyOut]
    authorities: list[AuthorityOut] = Field(description="Competent authorities (Art. 2).")
    person_categories: list[CodedOut] | None = Field(description="Art. 5; null when unknown.")
    personal_data_fields: list[FieldOut] | None = Field(description="Art. 6; null when unknown.")
    refusal_grounds: list[CodedOut] | None = Field(description="Art. 10.4; null when unknown.")
    topics: list[CodedOut] | None = Field(description="Art. 3, 4; null when unknown.")
    unknown_rules: dict[str, str] = Field(
        description="Rule sections the agreement's source does not state, with why: migrex "
        "refuses whatever depends on them."
    )


def _coded(items) -> list[dict] | None:
    if isinstance(items, Unknown):
        return None
    return [{"code": i.code, "name": i.name.model_dump(), "article": i.article} for i in items]


def agreement_out(agreement: Agreement, today: dt.date) -> dict:
    profile: Profile = profile_of(agreement)
    rules = profile.rules
    status = dates.status_on(profile, today)
    personal = rules.personal_data
    return {
        "code": agreement.code,
        "title": profile.title.model_dump(),
        "status": {
            "code": status.value,
            "label_ru": status.label_ru,
            "label_en": status.label_en,
            "on": today,
        },
        "signed_on": dates.signature_date(profile),
        "entry_into_force": dates.entry_into_force(profile),
        "parties": [
            {"code": p.code, "name": p.name.model_dump(), "timezone": p.timezone}
            for p in profile.parties
        ],
        "authorities": [
            {
                "code": a.code,
                "party": a.party,
                "kind": a.kind,
                "name": a.name.model_dump(),
                "article": a.article,
            }
            for a in profile.authorities
        ],
        "person_categories": _coded(rules.person_categories),
        "personal_data_fields": None
        if isinstance(personal, Unknown)
        else [
            {
                "field": f.field,
                "article": f.article,
                "scripts": list(f.scripts) if f.scripts is not None else None,
                "parts": list(f.parts) if f.parts is not None else None,
                "when_available": f.when_available,
            }
            for f in personal.fields
        ],
        "refusal_grounds": None
        if isinstance(rules.refusal, Unknown)
        else _coded(rules.refusal.grounds),
        "topics": _coded(rules.topics),
        "unknown_rules": {
            name: value.unknown
            for name in type(rules).model_fields
            if isinstance(value := getattr(rules, name), Unknown)
        },
    }


def _agreements():
    return Agreement.objects.select_related("current_version").exclude(current_version=None)


@router.get("", response={200: list[AgreementOut], **errors(401)}, summary="List agreements")
def list_agreements(request):
    today = timezone.localdate()
    return [agreement_out(a, today) for a in _agreements()]


@router.get("/{code}", response={200: AgreementOut, **errors(401, 404)}, summary="One agreement")
def get_agreement(request, code: str):
    agreement = _agreements().filter(code=code).first()
    if agreement is None:
        raise Http404
    return agreement_out(agreement, timezone.localdate())
