"""Writing channel records: validation with codes and articles, audit of every write (Art. 4-6)."""

from __future__ import annotations

import datetime as dt

import pytest

from migrex.audit.models import AuditEntry
from migrex.channels import services
from migrex.channels.models import Channel, Entity, Individual
from migrex.channels.tests.conftest import IVANOV
from migrex.core.errors import Invalid

pytestmark = pytest.mark.django_db


def _codes(exc) -> list[tuple[str, str]]:
    return [(e.code, e.article) for e in exc.value.errors]


def test_a_channel_belongs_to_the_officers_authority_and_is_audited(officers):
    op = officers["kz_operator"]
    channel = services.save_channel(
        actor=op, name=" Канал ", route=[" Алматы ", "Минск"], active_from=dt.date(2025, 1, 1)
    )
    assert (channel.authority.code, channel.name, channel.route) == (
        "kz-mvd",
        "Канал",
        ["Алматы", "Минск"],
    )
    services.save_channel(actor=op, channel=channel, name="Канал 2", route=["Минск"])
    channel.refresh_from_db()
    assert channel.name == "Канал 2" and channel.route == ["Минск"] and channel.active_from is None
    actions = list(
        AuditEntry.objects.filter(subject=f"channel:{channel.pk}").values_list("action", flat=True)
    )
    assert actions == ["channels.created", "channels.changed"]
    details = str(list(AuditEntry.objects.values_list("detail", flat=True)))
    assert "Канал 2" not in details and "Минск" not in details  # Art. 11.5: never quoted


def test_a_channel_needs_a_name_a_route_of_places_and_a_period_that_ends_after_it_starts(officers):
    with pytest.raises(Invalid) as exc:
        services.save_channel(
            actor=officers["kz_operator"],
            name=" ",
            route=["Алматы", " "],
            active_from=dt.date(2025, 2, 1),
            active_to=dt.date(2025, 1, 1),
        )
    assert _codes(exc) == [
        ("channel_name_missing", "4"),
        ("route_place_empty", "4"),
        ("channel_period_invalid", "4"),
    ]
    assert "раньше его начала" in exc.value.errors[2].message_ru
    assert not Channel.objects.exists()


def test_an_entity_needs_a_name_a_country_code_and_a_phone_with_digits(officers):
    op = officers["kz_operator"]
    channel = services.save_channel(actor=op, name="Канал")
    with pytest.raises(Invalid) as exc:
        services.save_entity(
            channel=channel, actor=op, role="boss", name="", country_code="Казахстан", phone="12"
        )
    assert _codes(exc) == [
        ("role_unknown", "4"),
        ("phone_invalid", "4"),
        ("entity_name_missing", "4"),
        ("country_invalid", "4"),
    ]
    entity = services.save_entity(
        channel=channel, actor=op, role="employer", name="ООО «Стройка»", country_code="blr"
    )
    assert entity.country == "BY"
    services.save_entity(
        channel=channel, actor=op, entity=entity, role="carrier", name="ООО «Путь»"
    )
    assert list(Entity.objects.values_list("name", "role")) == [("ООО «Путь»", "carrier")]
    services.remove_participant(channel=channel, actor=op, kind="entity", pk=entity.pk)
    assert not Entity.objects.exists()
    assert AuditEntry.objects.filter(action="channels.entity_removed").count() == 1


def test_an_individual_is_an_art_6_record_of_an_art_5_category(officers):
    """Art. 5: a closed list of categories; Art. 6: only the listed personal data."""
    op = officers["kz_operator"]
    channel = services.save_channel(actor=op, name="Канал")
    with pytest.raises(Invalid) as exc:
        services.save_individual(
            channel=channel,
            actor=op,
            role="organiser",
            category="tourist",
            data={**IVANOV, "mother_maiden_name": "Смирнова"},
        )
    assert ("person_invalid", "6") in _codes(exc) and ("category_unknown", "5") in _codes(exc)
    assert any(e.field == "mother_maiden_name" for e in exc.value.errors)
    with pytest.raises(Invalid) as exc:
        services.save_individual(
            channel=channel, actor=op, role="organiser", category="expelled", data={"sex": "M"}
        )
    assert "surname or a document" in exc.value.errors[0].message_en
    person = services.save_individual(
        channel=channel,
        actor=op,
        role="organiser",
        category="expelled",
        data=IVANOV,
        phone="+7 701 123 45 67",
    )
    assert person.data["identity_document"] == [{"series": "N", "number": "12345678"}]
    assert str(person) == "Иванов Сергей" and Individual.objects.count() == 1
    entry = AuditEntry.objects.get(action="channels.individual_added")
    assert "Иванов" not in str(entry.detail)  # the audit names the record, not the person
