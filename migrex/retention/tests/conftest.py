"""A request with a photograph and a fingerprint card, sent KZ → BY and answered with persons;
KZ's retention rule and a received dataset."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import time_machine

from migrex.agreements.models import Agreement, Authority
from migrex.cases.models import Case
from migrex.cases.services import add_attachment, create_draft, transition
from migrex.cases.workflow import Side
from migrex.conftest import PASSWORD, PERSON
from migrex.persons.models import Dataset, PersonRecord
from migrex.retention import services
from migrex.retention.models import Rule

PHOTO = b"\xff\xd8\xff\xe0JFIF photograph of the person " * 50
CARD = b"%PDF-1.4 fingerprint card " * 40
CLOSED_AT = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
BASIS_KZ = "Закон Республики Казахстан «О персональных данных и их защите», ст. 12"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def answered(officers, deliver, media):
    """(KZ's copy, BY's copy) of a request with a photo and a fingerprint card, answered by BY
    on 10 March 2026: both copies closed, each holding persons and the attachments."""
    with time_machine.travel(CLOSED_AT - dt.timedelta(days=5), tick=False):
        case = create_draft(
            actor=officers["kz_operator"],
            agreement=Agreement.objects.get(code="kz-by-2019"),
            requested_authority=Authority.objects.get(code="by-mvd"),
            summary="Проверка сведений о временном пребывании",
            purpose="Установление законности пребывания",
            justification="Материалы проверки № 17/2026",
            persons=[PERSON],
        )
        add_attachment(
            case=case,
            actor=officers["kz_operator"],
            name="photo.jpg",
            content=PHOTO,
            content_type="image/jpeg",
            kind="photo",
        )
        add_attachment(
            case=case,
            actor=officers["kz_operator"],
            name="card.pdf",
            content=CARD,
            content_type="application/pdf",
            kind="fingerprint_card",
        )
        transition(case=case, action="submit", actor=officers["kz_operator"])
        signed = {"password": PASSWORD}  # opens the signatory's key (Art. 9.3)
        transition(
            case=case, action="sign", actor=officers["kz_signatory"], data=signed, confirmed=True
        )
        deliver()
    theirs = Case.objects.get(conversation_id=case.conversation_id, side=Side.REQUESTED)
    with time_machine.travel(CLOSED_AT, tick=False):
        transition(case=theirs, action="register", actor=officers["by_operator"])
        transition(
            case=theirs,
            action="reply",
            actor=officers["by_operator"],
            data={"text": "Пребывание законно.", "persons": [PERSON]},
        )
        deliver()
    return Case.objects.get(pk=case.pk), Case.objects.get(pk=theirs.pk)


def kz_rule(agreement, days=30, counted_from="case-closed") -> Rule:
    return services.set_rule(
        agreement=agreement,
        party="KZ",
        days=days,
        counted_from=counted_from,
        basis=BASIS_KZ,
        actor="admin",
    )


def dataset(agreement, n=3) -> Dataset:
    ds = Dataset.objects.create(
        message_id=uuid.uuid4(),
        conversation_id=uuid.uuid4(),
        agreement=agreement,
        provider=Authority.objects.get(code="by-mvd"),
        recipient=Authority.objects.get(code="kz-mvd"),
        title="Получившие разрешение на проживание",
        purpose="Ст. 3",
        category="residence_permit",
        records=n,
        size=1,
        sha256="0" * 64,
        received_at=CLOSED_AT,
    )
    PersonRecord.objects.bulk_create(
        PersonRecord(
            dataset=ds, position=i + 1, data=dict(PERSON["data"], birth_date=f"199{i}-01-01")
        )
        for i in range(n)
    )
    return ds
