"""Loading profiles into the database, and the `migrex agreements` command."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from migrex.agreements import models as m
from migrex.agreements.profile import load_profile, profile_from_data, resolve
from migrex.agreements.selectors import signatory_duties
from migrex.agreements.services import load, load_into_db

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("agreements", *args, stdout=out)
    return out.getvalue()


def test_loading_twice_changes_nothing():
    first = load("kz-by-2019")
    second = load("kz-by-2019")
    assert (first.outcome, second.outcome) == ("created", "unchanged")
    agreement = m.Agreement.objects.get(code="kz-by-2019")
    assert agreement.versions.count() == 1
    assert m.Authority.objects.filter(party_id="BY").count() == 2
    assert agreement.events.count() == len(load_profile(resolve("kz-by-2019")).events)


def test_changed_profile_is_a_new_version_and_renaming_keeps_history():
    """Art. 2: an authority renamed is recorded with its name history."""
    load("kz-by-2019")
    data = load_profile(resolve("kz-by-2019")).model_dump(mode="json")
    data["version"] = 2
    mvd = next(a for a in data["authorities"] if a["code"] == "by-mvd")
    mvd["names"][0]["until"] = "2030-12-31"
    mvd["names"].append(
        {
            "ru": "Министерство внутренних дел и миграции Республики Беларусь",
            "en": "Ministry of Internal Affairs and Migration of Belarus",
            "from": "2031-01-01",
            "until": None,
        }
    )
    result = load_into_db(profile_from_data(data, "edited.yaml"), source="edited.yaml")
    assert (result.outcome, result.revision) == ("new-version", 2)
    authority = m.Authority.objects.get(code="by-mvd")
    assert authority.name_ru.startswith("Министерство внутренних дел и миграции")
    assert list(authority.names.values_list("valid_until", flat=True)) == [
        dt.date(2030, 12, 31),
        None,
    ]
    assert load_into_db(profile_from_data(data, "edited.yaml"), source="x").outcome == "unchanged"


def test_show_gives_the_status_computed_from_events_art_17():
    load("kz-by-2019")
    before = run("show", "kz-by-2019", "--on", "2020-12-02")
    assert "подписано, не вступило в силу / signed, not in force" in before
    after = run("show", "kz-by-2019", "--on", "2020-12-03")
    assert "действует / in force; в силе с / in force since 2020-12-03" in after
    assert "ст. 10.3" in after and "30 календарных дней" in after


def test_show_kz_am_is_signed_not_in_force_and_marks_unknowns():
    load("kz-am-2024")
    for day in ("2024-04-15", "2025-09-03", "2025-09-05"):
        assert "подписано, не вступило в силу" in run("show", "kz-am-2024", "--on", day)
    text = run("show", "kz-am-2024")
    assert "Категории лиц / Categories of persons: неизвестно / unknown" in text


def test_list_and_unknown_code():
    call_command("agreements", "load", "--all", stdout=StringIO())
    listing = run("list")
    assert "kz-by-2019" in listing and "kz-am-2024" in listing
    with pytest.raises(CommandError, match="no agreement 'xx-yy-2030'"):
        run("show", "xx-yy-2030")


def test_a_broken_file_names_file_line_and_path(tmp_path):
    broken = tmp_path / "broken.yaml"
    text = resolve("kz-by-2019").read_text(encoding="utf-8")
    broken.write_text(
        text.replace(
            "    party: BY\n    kind: border-committee", "    party: XX\n    kind: border-committee"
        ),
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as exc:
        run("load", str(broken))
    message = str(exc.value)
    assert message.startswith("broken.yaml:")
    assert "authorities.3.party: unknown party 'XX'" in message
    assert not m.Agreement.objects.exists()


def test_signatory_list_duty_is_met_or_overdue_art_9_3():
    load("kz-by-2019")
    agreement = m.Agreement.objects.get(code="kz-by-2019")
    m.SignatoryList.objects.create(
        agreement=agreement,
        party_id="KZ",
        exchanged_on=dt.date(2021, 1, 10),
        effective_from=dt.date(2021, 1, 10),
    )
    duties = {d.party.code: d for d in signatory_duties(agreement, dt.date(2026, 11, 22))}
    assert duties["KZ"].due == dt.date(2021, 1, 17)
    assert duties["KZ"].state == "met"
    assert duties["BY"].state == "overdue"
    early = {d.party.code: d.state for d in signatory_duties(agreement, dt.date(2021, 1, 1))}
    assert early["BY"] == "pending"
