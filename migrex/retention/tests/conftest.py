"""A request with a photograph and a fingerprint card, sent KZ → BY and answered with persons."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from migrex.agreements.models import Agreement, Authority
from migrex.cases.models import Case
from migrex.cases.services import add_attachment, create_draft, transition
from migrex.cases.workflow import Side
from migrex.conftest import PASSWORD, PERSON

PHOTO = b"\xff\xd8\xff\xe0JFIF photograph of the person " * 50
CARD = b"%PDF-1.4 fingerprint card " * 40
CLOSED_AT = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)


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
