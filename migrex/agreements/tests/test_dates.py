"""Agreement status and deadlines computed from the shipped profiles (Art. 9.3, 10.3, 17)."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from migrex.agreements import dates
from migrex.agreements.dates import AgreementStatus, SignatoryDutyState
from migrex.agreements.profile import (
    Profile,
    load_profile,
    profile_from_data,
    shipped_profile_paths,
)
from migrex.agreements.schema_errors import ProfileError, RuleUnknownError


@pytest.fixture(scope="module")
def kz_by() -> Profile:
    return load_profile(shipped_profile_paths()["kz-by-2019"])


@pytest.fixture(scope="module")
def kz_am() -> Profile:
    return load_profile(shipped_profile_paths()["kz-am-2024"])


def with_events(profile: Profile, *events: dict, drop: tuple[str, ...] = ()) -> Profile:
    """A copy of `profile` with `events` appended and events of the `drop` kinds removed."""
    data = profile.model_dump()
    data["events"] = [e for e in data["events"] if e["kind"] not in drop] + list(events)
    return profile_from_data(data, f"{profile.code}-copy")


def notice(received: date, party: str = "BY") -> dict:
    return {"kind": "termination-notice", "party": party, "date": received, "article": "17"}


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (date(2019, 10, 24), AgreementStatus.NOT_SIGNED),
        (date(2019, 10, 25), AgreementStatus.SIGNED),
        (date(2020, 11, 13), AgreementStatus.SIGNED),
        (date(2020, 12, 2), AgreementStatus.SIGNED),
        (date(2020, 12, 3), AgreementStatus.IN_FORCE),
        (date(2026, 11, 22), AgreementStatus.IN_FORCE),
    ],
)
def test_kz_by_status_follows_signature_and_entry_into_force_art_17(kz_by, on, expected):
    assert dates.status_on(kz_by, on) is expected
    assert dates.is_in_force(kz_by, on) is (expected is AgreementStatus.IN_FORCE)


def test_kz_by_entered_into_force_on_the_stated_date(kz_by):
    assert dates.signature_date(kz_by) == date(2019, 10, 25)
    assert dates.entry_into_force(kz_by) == date(2020, 12, 3)
    assert dates.termination_date(kz_by) is None


@pytest.mark.parametrize(
    "on",
    [date(2024, 4, 15), date(2025, 9, 3), date(2025, 9, 5), date.today()],  # noqa: DTZ011
)
def test_kz_am_is_signed_but_not_in_force(kz_am, on):
    assert dates.status_on(kz_am, on) is AgreementStatus.SIGNED
    assert not dates.is_in_force(kz_am, on)


def test_kz_am_is_not_signed_before_15_april_2024(kz_am):
    assert dates.status_on(kz_am, date(2024, 4, 14)) is AgreementStatus.NOT_SIGNED
    assert dates.entry_into_force(kz_am) is None


def test_entry_into_force_is_the_last_notification_when_not_stated_art_17(kz_by):
    copy = with_events(
        kz_by,
        {"kind": "notification", "party": "KZ", "date": date(2020, 11, 20)},
        {"kind": "notification", "party": "BY", "date": date(2020, 12, 3)},
        drop=("notification", "entry-into-force"),
    )
    assert dates.entry_into_force(copy) == date(2020, 12, 3)
    assert dates.status_on(copy, date(2020, 12, 2)) is AgreementStatus.SIGNED
    assert dates.status_on(copy, date(2020, 12, 3)) is AgreementStatus.IN_FORCE


def test_one_notification_is_not_enough_art_17(kz_by):
    copy = with_events(
        kz_by,
        {"kind": "notification", "party": "KZ", "date": date(2020, 11, 20)},
        drop=("notification", "entry-into-force"),
    )
    assert dates.entry_into_force(copy) is None
    assert dates.status_on(copy, date(2026, 1, 1)) is AgreementStatus.SIGNED


def test_no_entry_into_force_is_guessed_when_the_rule_is_unknown(kz_am):
    """KZ-AM's deadlines are unknown, so even two notifications do not put it in force."""
    copy = with_events(
        kz_am,
        {"kind": "notification", "party": "KZ", "date": date(2025, 10, 1)},
        {"kind": "notification", "party": "AM", "date": date(2025, 11, 1)},
    )
    assert dates.entry_into_force(copy) is None
    stated = with_events(copy, {"kind": "entry-into-force", "date": date(2025, 11, 1)})
    assert dates.status_on(stated, date(2025, 11, 1)) is AgreementStatus.IN_FORCE


def test_stated_entry_into_force_must_match_the_notifications_art_17(kz_by):
    with pytest.raises(ProfileError) as info:
        with_events(
            kz_by,
            {"kind": "notification", "party": "KZ", "date": date(2020, 11, 20)},
            {"kind": "notification", "party": "BY", "date": date(2020, 12, 1)},
            {"kind": "entry-into-force", "date": date(2020, 12, 3)},
            drop=("notification", "entry-into-force"),
        )
    assert info.value.path == "events.4.date"
    assert "notifications put entry into force on 2020-12-01" in info.value.problem


def test_termination_notice_counts_six_months_from_receipt_art_17(kz_by):
    """Notice received 15 March: in force through 15 September, terminated from the 16th."""
    copy = with_events(kz_by, notice(date(2025, 3, 15)))
    assert dates.termination_date(copy) == date(2025, 9, 15)
    assert dates.last_day_in_force(copy) == date(2025, 9, 15)
    expected = {
        date(2025, 3, 14): AgreementStatus.IN_FORCE,
        date(2025, 3, 15): AgreementStatus.TERMINATING,
        date(2025, 9, 15): AgreementStatus.TERMINATING,
        date(2025, 9, 16): AgreementStatus.TERMINATED,
        date(2026, 11, 22): AgreementStatus.TERMINATED,
    }
    for on, status in expected.items():
        assert dates.status_on(copy, on) is status, on
    assert dates.is_in_force(copy, date(2025, 9, 15))
    assert not dates.is_in_force(copy, date(2025, 9, 16))


def test_termination_period_ends_on_the_last_day_of_a_shorter_month(kz_by):
    copy = with_events(kz_by, notice(date(2025, 8, 31)))
    assert dates.termination_date(copy) == date(2026, 2, 28)
    assert dates.status_on(copy, date(2026, 2, 28)) is AgreementStatus.TERMINATING
    assert dates.status_on(copy, date(2026, 3, 1)) is AgreementStatus.TERMINATED


def test_the_first_termination_notice_starts_the_period(kz_by):
    copy = with_events(kz_by, notice(date(2025, 3, 15)), notice(date(2025, 5, 2), party="KZ"))
    assert dates.termination_date(copy) == date(2025, 9, 15)


def test_termination_notice_before_entry_into_force_is_rejected(kz_by):
    with pytest.raises(ProfileError) as info:
        with_events(kz_by, notice(date(2020, 12, 1)))
    assert info.value.path.startswith("events.")


def test_unknown_termination_period_keeps_the_agreement_terminating(kz_am):
    copy = with_events(
        kz_am,
        {"kind": "entry-into-force", "date": date(2025, 11, 1)},
        notice(date(2026, 1, 10), party="AM"),
    )
    assert dates.termination_date(copy) is None
    assert dates.status_on(copy, date(2040, 1, 1)) is AgreementStatus.TERMINATING


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2021, 8, 31), 6, date(2022, 2, 28)),
        (date(2023, 8, 31), 6, date(2024, 2, 29)),  # leap year
        (date(2020, 1, 31), 1, date(2020, 2, 29)),
        (date(2025, 3, 31), 1, date(2025, 4, 30)),
        (date(2025, 3, 15), 6, date(2025, 9, 15)),
        (date(2025, 12, 15), 1, date(2026, 1, 15)),
        (date(2025, 10, 31), 14, date(2026, 12, 31)),
        (date(2025, 5, 31), -3, date(2025, 2, 28)),
        (date(2025, 1, 1), -1, date(2024, 12, 1)),
        (date(2025, 7, 4), 0, date(2025, 7, 4)),
    ],
)
def test_add_months_clamps_to_month_end(start, months, expected):
    assert dates.add_months(start, months) == expected


def test_signatory_lists_are_due_45_days_after_entry_into_force_art_9_3(kz_by, kz_am):
    assert dates.signatory_list_due(kz_by) == date(2021, 1, 17)
    assert dates.signatory_list_due(kz_am) is None


@pytest.mark.parametrize(
    ("exchanged_on", "today", "expected"),
    [
        (date(2020, 12, 20), date(2021, 3, 1), SignatoryDutyState.MET),
        (date(2021, 1, 17), date(2021, 3, 1), SignatoryDutyState.MET),
        (date(2021, 1, 18), date(2021, 3, 1), SignatoryDutyState.MET_LATE),
        (None, date(2021, 1, 17), SignatoryDutyState.PENDING),
        (None, date(2021, 1, 18), SignatoryDutyState.OVERDUE),
    ],
)
def test_signatory_duty_state_art_9_3(kz_by, exchanged_on, today, expected):
    due = dates.signatory_list_due(kz_by)
    assert dates.signatory_duty_state(due, exchanged_on, today) is expected


def test_signatory_duty_is_not_applicable_before_entry_into_force(kz_am):
    due = dates.signatory_list_due(kz_am)
    state = dates.signatory_duty_state(due, None, date(2026, 11, 22))
    assert state is SignatoryDutyState.NOT_APPLICABLE
    assert state == "not-applicable"


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (date(2026, 1, 31), date(2026, 3, 2)),
        (date(2026, 2, 1), date(2026, 3, 3)),
        (date(2024, 2, 1), date(2024, 3, 2)),  # leap year
        (date(2026, 12, 15), date(2027, 1, 14)),
    ],
)
def test_request_is_due_30_calendar_days_after_receipt_art_10_3(kz_by, received, due):
    assert dates.request_due_date(received, kz_by) == due


def test_kz_by_request_deadline_cannot_be_paused_art_10_3(kz_by):
    with pytest.raises(ValueError, match="cannot be paused"):
        dates.request_due_date(date(2026, 1, 31), kz_by, paused_days=3)


def test_request_deadline_pauses_apply_when_the_profile_has_them(kz_by):
    data = kz_by.model_dump()
    data["rules"]["deadlines"]["request_execution"]["pauses"] = [
        {
            "code": "awaiting_information",
            "name": {"ru": "Ожидание сведений", "en": "Awaiting information"},
            "article": "10.1",
        }
    ]
    paused = profile_from_data(data)
    assert dates.request_due_date(date(2026, 1, 31), paused, paused_days=5) == date(2026, 3, 7)


def test_unknown_request_deadline_refuses_to_compute(kz_am):
    with pytest.raises(RuleUnknownError) as info:
        dates.request_due_date(date(2026, 1, 31), kz_am)
    assert info.value.path == "rules.deadlines"
    assert "kz-am-2024" in str(info.value)


def test_day_of_receipt_is_the_requested_partys_local_date(kz_by):
    at = datetime(2026, 1, 31, 20, 0, tzinfo=UTC)
    assert dates.local_date(at, kz_by, "KZ") == date(2026, 2, 1)  # Asia/Almaty, UTC+5
    assert dates.local_date(at, kz_by, "BY") == date(2026, 1, 31)  # Europe/Minsk, UTC+3
    with pytest.raises(ValueError, match="naive"):
        dates.local_date(datetime(2026, 1, 31, 20, 0), kz_by, "KZ")  # noqa: DTZ001


def test_deadline_day_ends_at_local_midnight(kz_by):
    end = dates.end_of_day(date(2026, 3, 2), kz_by, "KZ")
    assert end == datetime(2026, 3, 3, tzinfo=ZoneInfo("Asia/Almaty"))
    assert end.astimezone(UTC) == datetime(2026, 3, 2, 19, 0, tzinfo=UTC)


def test_status_labels_in_russian_and_english():
    assert AgreementStatus.SIGNED == "signed"
    assert AgreementStatus.NOT_SIGNED.label_ru == "не подписано"
    assert AgreementStatus.SIGNED.label_ru == "подписано, не вступило в силу"
    assert AgreementStatus.IN_FORCE.label_ru == "действует"
    assert AgreementStatus.TERMINATING.label_ru == "прекращается"
    assert AgreementStatus.TERMINATED.label_en == "terminated"
    assert all(s.label_ru and s.label_en for s in AgreementStatus)
