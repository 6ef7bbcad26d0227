"""Channels of the Kazakhstan MVD linked by a shared phone and a shared address (Art. 4)."""

from __future__ import annotations

import pytest

from migrex.channels import services

IVANOV = {
    "surname": {"cyrillic": "Иванов", "latin": "Ivanov"},
    "given_name": {"cyrillic": "Сергей", "latin": "Sergey"},
    "birth_date": "1985-04-02",
    "citizenship": ["KZ"],
    "identity_document": [{"series": "N", "number": "12345678"}],
    "residence_address": "г. Алматы, ул. Абая, д. 10, кв. 5",
}
PETROV = {
    "surname": {"cyrillic": "Петров"},
    "given_name": {"cyrillic": "Олег"},
    "identity_document": [{"number": "AB 7654321"}],
    "residence_address": "город Алматы, улица Абая, дом 10, квартира 5",
}
SIDOROV = {"surname": {"cyrillic": "Сидоров"}, "identity_document": [{"number": "MP0001112"}]}


@pytest.fixture
def channels(officers):
    """Three channels of kz-mvd: A and B share an address, A's entity shares Ivanov's phone;
    C stands alone."""
    op = officers["kz_operator"]
    a = services.save_channel(
        actor=op,
        name="Алматы — Минск — Варшава",
        description="Трудовая миграция по туристическим визам",
        route=["Алматы", "Минск", "Брест", "Варшава"],
        methods="Туристические визы по подложным приглашениям",
    )
    services.save_individual(
        channel=a,
        actor=op,
        role="organiser",
        category="temporary_stay",
        data=IVANOV,
        phone="+7 (701) 123-45-67",
    )
    services.save_entity(
        channel=a,
        actor=op,
        role="document_supplier",
        name="ТОО «Жол Тур»",
        registration_number="123456789012",
        country_code="KZ",
        address="г. Алматы, пр. Достык, 5",
        phone="8 701 123 45 67",
    )
    b = services.save_channel(actor=op, name="Канал через Гродно", route=["Гродно", "Вильнюс"])
    services.save_individual(channel=b, actor=op, role="carrier", category="expelled", data=PETROV)
    c = services.save_channel(actor=op, name="Отдельный канал", route=["Ош", "Алматы"])
    services.save_individual(
        channel=c, actor=op, role="recruiter", category="temporary_stay", data=SIDOROV
    )
    return a, b, c
