"""The register of cooperation (Art. 7, 15) and its month calendar."""

from __future__ import annotations

import datetime as dt

import pytest

from migrex.agreements.models import Authority
from migrex.audit.models import AuditEntry
from migrex.core.errors import Invalid
from migrex.registers import cooperation, monthgrid
from migrex.registers.models import CooperationEvent
from migrex.registers.tests.conftest import add

pytestmark = pytest.mark.django_db


def test_an_activity_is_recorded_with_its_participants_and_audited_art_7(officers, agreement):
    event = add(officers, agreement)
    assert event.people_list == ["Иванов И. И.", "Петров П. П."]
    assert {a.code for a in event.authorities.all()} == {"kz-labour", "by-mvd"}
    assert cooperation.ARTICLES[event.kind] == "7.2"
    entry = AuditEntry.objects.get(action="registers.cooperation_recorded")
    assert entry.subject == f"cooperation:{event.pk}"


def test_a_consultation_is_art_15_and_a_one_day_event_ends_when_it_starts(officers, agreement):
    event = add(officers, agreement, kind="consultation", ends_on=None)
    assert event.ends_on == event.starts_on and cooperation.ARTICLES["consultation"] == "15"


def test_errors_name_the_field_and_article(officers, agreement, make_user):
    with pytest.raises(Invalid) as caught:
        add(officers, agreement, title="", ends_on=dt.date(2026, 3, 1), authorities=[])
    got = {(e.code, e.field, e.article) for e in caught.value.errors}
    assert got == {
        ("title_required", "title", "7.2"),
        ("ends_before_start", "ends_on", "7.2"),
        ("authorities_required", "authorities", "2"),
    }
    with pytest.raises(Invalid) as caught:
        add(officers, agreement, kind="banquet")
    assert caught.value.errors[0].code == "kind_unknown"
    assert not CooperationEvent.objects.exists()


def test_an_authority_outside_the_agreement_is_refused_art_2(officers, agreement):
    from migrex.agreements.services import load

    load("kz-am-2024")
    armenian = Authority.objects.filter(party_id="AM").first()
    with pytest.raises(Invalid) as caught:
        add(officers, agreement, authorities=[armenian])
    assert caught.value.errors[0].code == "not_competent"
    assert armenian.code in caught.value.errors[0].message_ru


def test_between_finds_activities_touching_the_period(officers, agreement):
    march = add(officers, agreement)
    add(officers, agreement, title="Семинар", starts_on=dt.date(2026, 4, 2), ends_on=None)
    spans = add(
        officers,
        agreement,
        title="Проект",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
        kind="joint_project",
    )
    found = set(cooperation.between(dt.date(2026, 3, 1), dt.date(2026, 3, 31)))
    assert found == {march, spans}


class _Ev:
    def __init__(self, starts_on, ends_on):
        self.starts_on, self.ends_on = starts_on, ends_on


def test_the_month_grid_starts_on_monday_and_places_events_on_each_of_their_days():
    march = monthgrid.Month(2026, 3)
    ev = _Ev(dt.date(2026, 2, 27), dt.date(2026, 3, 2))
    weeks = monthgrid.weeks(march, [ev])
    assert weeks[0][0].date == dt.date(2026, 2, 23) and weeks[0][0].date.weekday() == 0
    assert weeks[-1][-1].date == dt.date(2026, 4, 5)
    placed = [d.date for w in weeks for d in w if ev in d.events]
    assert placed == [
        dt.date(2026, 2, 27),
        dt.date(2026, 2, 28),
        dt.date(2026, 3, 1),
        dt.date(2026, 3, 2),
    ]
    assert not weeks[0][0].in_month and weeks[0][6].in_month


def test_months_parse_and_roll_over_the_year():
    assert monthgrid.parse_month("2026-12").next() == monthgrid.Month(2027, 1)
    assert monthgrid.parse_month("2026-01").previous() == monthgrid.Month(2025, 12)
    for bad in ("2026-13", "2026-1", "март", "", "0999-01"):
        assert monthgrid.parse_month(bad) is None
