"""Document identifiers: the published ICAO Doc 9303 specimens, hand-computed numbers of
Kazakhstan and Belarus, and every single-character change of them caught with its place."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from migrex.matching.validators import (
    IdentifierError,
    check_digit,
    country,
    iin_check_digit,
    parse_belarus_id,
    parse_iin,
    parse_mrz,
)

# Doc 9303 Part 4 (TD3) and Part 5 (TD1) specimens.
TD3 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"
TD1 = (
    "I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<"
)


def test_check_digits_of_the_specimen():
    assert check_digit("L898902C3") == "6"
    assert check_digit("740812") == "2"
    assert check_digit("ZE184226B<<<<<") == "1"
    assert check_digit("<<<") == "0"


def test_the_td3_specimen():
    mrz = parse_mrz(TD3)
    assert (mrz.format, mrz.issuing_state, mrz.surname, mrz.given_names) == (
        "TD3",
        "UTO",
        "ERIKSSON",
        "ANNA MARIA",
    )
    assert (mrz.document_number, mrz.nationality, mrz.sex) == ("L898902C3", "UTO", "F")
    assert mrz.birth(dt.date(2026, 11, 22)) == dt.date(1974, 8, 12)
    assert mrz.expiry() == dt.date(2012, 4, 15)
    assert mrz.optional["personal_number"] == "ZE184226B"


def test_the_td1_specimen():
    mrz = parse_mrz(TD1)
    assert (mrz.format, mrz.document_number, mrz.surname, mrz.given_names) == (
        "TD1",
        "D23145890",
        "ERIKSSON",
        "ANNA MARIA",
    )
    assert mrz.birth(dt.date(2026, 11, 22)) == dt.date(1974, 8, 12)


def test_a_long_td1_document_number_runs_on_into_the_optional_data():
    number = "D23145890734"
    one = f"I<UTO{number[:9]}<{number[9:]}{check_digit(number)}<".ljust(30, "<")
    two = "7408122F1204159UTO<<<<<<<<<<<"
    composite = check_digit(one[5:30] + two[0:7] + two[8:15] + two[18:29])
    mrz = parse_mrz("\n".join([one, two + composite, "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"]))
    assert mrz.document_number == number


def _each_change(zone: str):
    """Every zone with one digit of a checked field or a check digit changed."""
    lines = zone.split("\n")
    for n, line in enumerate(lines):
        for i, c in enumerate(line):
            if c.isdigit():
                other = str((int(c) + 1) % 10)
                changed = [*lines]
                changed[n] = line[:i] + other + line[i + 1 :]
                yield n + 1, i + 1, "\n".join(changed)


@pytest.mark.parametrize("zone", [TD3, TD1], ids=["TD3", "TD1"])
def test_every_changed_digit_is_caught_and_placed(zone):
    caught = 0
    for line, column, changed in _each_change(zone):
        with pytest.raises(IdentifierError) as exc:
            parse_mrz(changed)
        assert exc.value.where.startswith("line "), (line, column, exc.value)
        caught += 1
    assert caught > 20


@pytest.mark.parametrize(
    ("zone", "message"),
    [
        (TD3.replace("\n", "\n\n").replace("<10", "<1"), "a TD1 zone has 3 lines of 30"),
        (TD3.replace("ANNA", "ANNÄ"), "'Ä' is not a machine-readable-zone character"),
        (TD3.replace("P<UTO", "V<UTO"), "a passport zone starts with P"),
        (TD1.replace("I<UTO", "X<UTO"), "starts with A, C or I"),
    ],
)
def test_malformed_zones_say_what_is_wrong(zone, message):
    with pytest.raises(IdentifierError, match=message):
        parse_mrz(zone)


# --- Kazakhstan -----------------------------------------------------------------------------------


def test_an_iin_computed_by_hand():
    # 9·1 + 1·4 + 5·6 + 3·7 + 1·10 + 2·11 = 96 ≡ 8 (mod 11)
    iin = parse_iin("900105300128")
    assert (iin.birth_date, iin.sex) == (dt.date(1990, 1, 5), "M")
    assert parse_iin("051231600017").birth_date == dt.date(2005, 12, 31)


@pytest.mark.parametrize(
    ("value", "where", "message"),
    [
        ("90010530012", "", "12 digits"),
        ("900105300127", "digit 12", "should be 8"),
        ("900105700128", "digit 7", "century of birth and the sex"),
        ("901305300128", "digits 1-6", "is not a date"),
    ],
)
def test_a_wrong_iin_is_placed(value, where, message):
    with pytest.raises(IdentifierError, match=message) as exc:
        parse_iin(value)
    assert exc.value.where == where


@given(st.dates(dt.date(1900, 1, 1), dt.date(2099, 12, 31)), st.integers(0, 9999))
def test_every_issued_iin_passes_and_every_other_last_digit_fails(born, serial):
    marker = "3" if born.year < 2000 else "5"
    first11 = f"{born:%y%m%d}{marker}{serial:04d}"
    digit = iin_check_digit(first11)
    if digit is None:
        return  # not issued
    assert parse_iin(first11 + digit).birth_date == born
    for other in set("0123456789") - {digit}:
        with pytest.raises(IdentifierError):
            parse_iin(first11 + other)


# --- Belarus --------------------------------------------------------------------------------------


def test_a_belarus_number_computed_by_hand():
    # 3·7 + 1·1 + 1·3 + 9·1 + A(10)·3 + 1·7 + 2·3 + P(25)·1 + B(11)·7 = 179 ≡ 9 (mod 10)
    number = parse_belarus_id("3010190a012pb9")
    assert (number.value, number.birth_date, number.sex, number.region) == (
        "3010190A012PB9",
        dt.date(1990, 1, 1),
        "M",
        "A",
    )


@pytest.mark.parametrize(
    ("value", "where", "message"),
    [
        ("3010190A012PB", "", "14 characters"),
        ("3010190A012PB8", "character 14", "should be 9"),
        ("3320190A012PB9", "characters 2-7", "is not a date"),
        ("3010190Z012PB9", "character 8", "is the region"),
    ],
)
def test_a_wrong_belarus_number_is_placed(value, where, message):
    with pytest.raises(IdentifierError, match=message) as exc:
        parse_belarus_id(value)
    assert exc.value.where == where


# --- ISO 3166 -------------------------------------------------------------------------------------


def test_countries():
    assert [country(c) for c in ("kz", "BY", "ARM", "rus")] == ["KZ", "BY", "AM", "RU"]
    for bad in ("XX", "SU", "UTO", "K"):
        with pytest.raises(IdentifierError, match="ISO 3166-1"):
            country(bad)
