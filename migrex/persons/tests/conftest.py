"""Received datasets of the persons' tests: the 60 persons BY received from KZ
(`received_dataset`, migrex/conftest.py), and four people BY received and indexed for search."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from migrex.agreements.models import Authority
from migrex.persons import search, staging
from migrex.persons.models import Dataset, PersonRecord


@pytest.fixture
def dataset(officers, received_dataset):
    """The 60 persons BY received from KZ, with the officers of both parties."""
    return received_dataset


PEOPLE = [
    {
        "surname": {"cyrillic": "Оганесян"},
        "given_name": {"cyrillic": "Арам"},
        "sex": "M",
        "birth_date": "1990-01-05",
        "citizenship": ["KZ"],
        "identity_document": [{"series": "AN", "number": "0412345"}],
    },
    {
        "surname": {"cyrillic": "Нұрсұлтанов"},
        "given_name": {"cyrillic": "Нұрлан"},
        "patronymic": {"cyrillic": "Серікұлы"},
        "sex": "M",
        "birth_date": "1985-03-12",
        "citizenship": ["KZ"],
    },
    {
        "surname": {"cyrillic": "Ковалёва"},
        "given_name": {"cyrillic": "Вольга"},
        "sex": "F",
        "birth_date": "1979-11-30",
        "citizenship": ["BY"],
    },
    {
        "surname": {"cyrillic": "Оганесян"},
        "given_name": {"cyrillic": "Карен"},
        "sex": "M",
        "birth_date": "1962-07-19",
        "citizenship": ["AM", "KZ"],
    },
]


def person(surname: str, given: str, born: str = "1980-04-11", sex: str = "M") -> dict:
    """A received person of Kazakhstan, written in Cyrillic."""
    return {
        "surname": {"cyrillic": surname},
        "given_name": {"cyrillic": given},
        "sex": sex,
        "birth_date": born,
        "citizenship": ["KZ"],
    }


def _received(recipient: str, people: list[dict]) -> Dataset:
    provider = "kz-mvd" if recipient == "by-mvd" else "by-mvd"
    d = Dataset.objects.create(
        message_id=uuid.uuid4(),
        conversation_id=uuid.uuid4(),
        agreement_id=Authority.objects.get(code=recipient).agreements.first().pk,
        provider=Authority.objects.get(code=provider),
        recipient=Authority.objects.get(code=recipient),
        title="Лица, получившие разрешение на проживание",
        purpose="Проверка",
        category="residence_permit",
        records=len(people),
        size=0,
        sha256="0" * 64,
        received_at=dt.datetime(2026, 11, 20, tzinfo=dt.UTC),
    )
    created = PersonRecord.objects.bulk_create(
        PersonRecord(dataset=d, position=i, data=p) for i, p in enumerate(people, 1)
    )
    search.index_records(created, d.recipient_id)
    return d


@pytest.fixture
def held(officers):
    """BY received the four people above; KZ holds nothing of them."""
    return _received("by-mvd", PEOPLE)


def staged_copy(message_id, records: int) -> staging.Staging:
    """A copy of a dataset message from KZ to BY, staged as it arrives, none of it stored."""
    by, kz = Authority.objects.get(code="by-mvd"), Authority.objects.get(code="kz-mvd")
    return staging.Staging(
        message_id=message_id,
        conversation_id=message_id,
        agreement=by.agreements.first(),
        provider=kz,
        recipient=by,
        title="…",
        purpose="…",
        category="residence_permit",
        records=records,
        size=0,
        sha256="0" * 64,
    )
