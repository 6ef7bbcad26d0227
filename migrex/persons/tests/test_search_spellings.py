"""Search by spellings the folding key does not bring together: the skeleton finds Ахметов Ерлан
(entered in Cyrillic) by «Axmetov» or «Ахмедов», ranks him first among his near namesakes and
leaves other surnames out; exact spellings still come first; a birth date a day off or with one
digit wrong finds the person among many namesakes; every index query keeps to the authority's
scope, and reads only what ranking needs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from migrex.agreements.models import Authority
from migrex.cases import services as cases
from migrex.persons import ranking, search
from migrex.persons.models import SearchEntry
from migrex.persons.tests.conftest import _received, person

ERLAN = person("Ахметов", "Ерлан")
NEAR = [
    ERLAN,
    person("Ахмадиев", "Ерлан", "1975-02-01"),  # another surname with Ахметов's skeleton
    person("Ахметов", "Серик", "1969-09-09"),  # the surname, another given name
    person("Омаров", "Ерлан", "1980-04-11"),  # another surname, the same given name and date
    person("Мухаметов", "Ерлан", "1990-12-30"),
]


def _by() -> int:
    return Authority.objects.get(code="by-mvd").pk


def _found(found) -> list[tuple[str, str]]:
    return [
        (c.entry.record.data["surname"]["cyrillic"], c.entry.record.data["given_name"]["cyrillic"])
        for c in found.candidates
    ]


@pytest.fixture
def near(officers):
    return _received("by-mvd", NEAR)


@pytest.mark.parametrize("surname", ["Axmetov", "Ахмедов", "AKHMEDOV", "Achmedow", "Axmedov"])
def test_a_surname_that_folds_differently_finds_the_person_first(near, surname):
    found = search.search(_by(), search.Query(surname=surname, given_name="Ерлан"))
    assert _found(found)[0] == ("Ахметов", "Ерлан")
    assert found.candidates[0].fields == {"surname": "close", "given_name": "exact"}
    # the key's price: Ахмадиев shares the skeleton, and comes after; nothing else does
    assert _found(found) == [("Ахметов", "Ерлан"), ("Ахмадиев", "Ерлан")]


def test_the_exact_spelling_comes_before_the_near_one(near):
    _received("by-mvd", [person("Ахмедов", "Ерлан", "2001-01-01")])
    found = search.search(_by(), search.Query(surname="Ахмедов", given_name="Ерлан"))
    assert _found(found)[:2] == [("Ахмедов", "Ерлан"), ("Ахметов", "Ерлан")]
    assert [c.fields["surname"] for c in found.candidates[:2]] == ["exact", "close"]
    assert found.candidates[0].score > found.candidates[1].score


def test_with_the_birth_date_a_near_spelling_outranks_the_same_given_name_and_date(near):
    found = search.search(
        _by(),
        search.Query(surname="Axmedov", given_name="Erlan", birth_date=dt.date(1980, 4, 11)),
    )
    assert _found(found)[:2] == [("Ахметов", "Ерлан"), ("Омаров", "Ерлан")]
    assert found.candidates[0].fields == {
        "surname": "close",
        "given_name": "exact",
        "birth_date": "exact",
    }


def test_a_record_with_the_names_swapped_outranks_a_namesake_born_on_another_day(officers):
    """A record holding the given name as its surname and the surname as its given name, born
    on the day asked, comes before the namesake born on another; the candidate says the names
    agree the other way round."""
    _received(
        "by-mvd",
        [
            person("Антонина", "Федосеева", "2005-10-01", "F"),
            person("Федосеева", "Антонина", "1957-06-21", "F"),
        ],
    )
    asked = search.Query(
        surname="Федосеева", given_name="Антонина", birth_date=dt.date(2005, 10, 1)
    )
    first, second = search.search(_by(), asked).candidates
    assert (first.swapped, second.swapped) == (True, False)
    assert first.entry.birth_date == dt.date(2005, 10, 1) and first.score > second.score
    assert first.fields == {"surname": "exact", "given_name": "exact", "birth_date": "exact"}


def test_a_surname_spelt_beyond_recognition_is_found_by_the_given_name_and_birth_date(officers):
    """A married name, or a Belarusian form no key meets: the given name and the birth date
    outweigh a namesake born on another day."""
    _received("by-mvd", [person("Траццяк", "Ганна", "1966-03-09", "F")])
    _received("by-mvd", [person("Третьяк", "Анна", "1970-08-27", "F")])
    found = search.search(
        _by(), search.Query(surname="Третьяк", given_name="Анна", birth_date=dt.date(1966, 3, 9))
    )
    assert _found(found) == [("Траццяк", "Ганна"), ("Третьяк", "Анна")]


def test_a_birth_date_a_day_off_finds_the_person_among_many_namesakes(officers, monkeypatch):
    monkeypatch.setattr(search, "CANDIDATES", 10)  # fewer than the namesakes
    namesakes = [person("Ахметов", "Ерлан", f"19{50 + i}-06-15") for i in range(30)]
    _received("by-mvd", [*namesakes, person("Ахметов", "Ерлан", "1981-08-01")])
    found = search.search(
        _by(), search.Query(surname="Ахметов", given_name="Ерлан", birth_date=dt.date(1981, 7, 31))
    )
    assert found.candidates[0].entry.birth_date == dt.date(1981, 8, 1)
    assert found.candidates[0].fields["birth_date"] == "close"
    assert found.truncated  # the namesakes are more than were read


def test_the_key_lookups_keep_to_the_authoritys_scope(near, monkeypatch):
    """Another authority's near namesakes neither show nor take the room of the officer's."""
    monkeypatch.setattr(search, "CANDIDATES", 5)
    others = [person("Ахмедов", "Ерлан", f"19{60 + i}-01-01") for i in range(20)]
    _received("kz-mvd", others)
    with CaptureQueriesContext(connection) as queries:
        found = search.search(_by(), search.Query(surname="Axmetov", given_name="Ерлан"))
    assert _found(found) == [("Ахметов", "Ерлан"), ("Ахмадиев", "Ерлан")]
    assert not found.truncated
    table = f"FROM {SearchEntry._meta.db_table}"
    reads = [q["sql"] for q in queries.captured_queries if table in q["sql"].replace('"', "")]
    assert len(reads) == 2  # the folding keys, then the skeletons (no trigrams: they found him)
    assert all('"authority_id" = ' in sql for sql in reads)


def test_common_names_alone_read_only_what_ranking_needs(officers):
    _received("by-mvd", [person("Ахметов", "Ерлан", f"19{50 + i}-06-15") for i in range(40)])
    with CaptureQueriesContext(connection) as queries:
        found = search.search(_by(), search.Query(surname="Ахметов", given_name="Ерлан"), limit=5)
    assert len(found.candidates) == 5 and found.truncated
    assert {c.score for c in found.candidates} == {1.0}
    assert not any('"surname_key" = ' in q["sql"] for q in queries.captured_queries)


def test_entries_hold_the_skeletons_and_reindex_keeps_them(near):
    entry = SearchEntry.objects.get(surname="ahmetov", given_name="erlan")
    assert (entry.surname_key, entry.given_key) == ("kmtv", "rln")
    assert search.reindex() == len(NEAR)
    assert SearchEntry.objects.filter(surname_key="kmtv", given_key="rln").count() == 2


def test_case_persons_hold_the_skeletons_when_drafted_and_reindexed(officers, agreement):
    cases.create_draft(
        actor=officers["kz_operator"],
        agreement=agreement,
        requested_authority=Authority.objects.get(code="by-mvd"),
        persons=[{"category": "temporary_stay", "data": ERLAN}],
        summary="Проверка",
        purpose="Цель",
        justification="Основание",
        topics=["citizens_in_other_state"],
    )
    kz = Authority.objects.get(code="kz-mvd").pk
    for _ in range(2):  # as drafted, then as reindex() rebuilds it
        found = search.search(kz, search.Query(surname="Axmetov", given_name="Yerlan"))
        assert [c.entry.case_person.data["surname"]["cyrillic"] for c in found.candidates] == [
            "Ахметов"
        ]
        assert search.reindex() == 1


def test_near_dates_are_those_ranking_calls_close():
    day = dt.date(1981, 7, 31)
    near = ranking.near_dates(day)
    assert dt.date(1981, 8, 1) in near and dt.date(1981, 7, 30) in near  # a day off
    assert dt.date(1987, 7, 31) in near and dt.date(1981, 7, 1) in near  # one digit
    assert day not in near and dt.date(1981, 9, 30) not in near
    assert all(ranking.dates(day, other) == "close" for other in near)
    assert ranking.near_dates(dt.date(1985, 3, 12)).count(dt.date(1985, 12, 3)) == 1  # swapped


def test_the_first_and_last_dates_a_date_holds_have_near_dates_too(officers):
    assert ranking.near_dates(dt.date(1, 1, 1))[0] == dt.date(1, 1, 2)
    assert ranking.near_dates(dt.date(9999, 12, 31))[-1] == dt.date(9999, 12, 30)
    for day in (dt.date(1, 1, 1), dt.date(9999, 12, 31)):
        found = search.search(_by(), search.Query(surname="Ахметов", birth_date=day))
        assert found.candidates == []


def test_names_are_close_by_skeleton_or_by_letters():
    assert ranking.names("ahmetov", "ahmetov") == ("exact", 0)
    assert ranking.names("aksmetov", "ahmetov")[0] == "close"  # Axmetov: the skeleton
    assert ranking.names("nursultanof", "nursultanov")[0] == "close"  # a typo: the letters
    assert ranking.names("omarov", "ahmetov")[0] == "differs"


def test_a_row_ranks_as_its_candidate_scores():
    """The ranking of the rows read (`Scorer.rank`: the names' evidence remembered, a birth date
    looked up among the near ones) gives each row the score and letters of its candidate, and
    a birth date the level `dates` gives it, a century off or more too."""
    day = dt.date(1985, 3, 12)
    keys = {"surname": "ahmetov", "given_name": "erlan", "patronymic": "serikovich"}
    keys |= {"birth_date": day, "document": "N123", "sex": "M"}
    columns = ("id", "surname", "given_name", "patronymic", "birth_date", "document", "sex")
    scorer = ranking.Scorer(keys, columns)
    born = [day + dt.timedelta(days=n) for n in range(-400, 400, 3)]
    born += [dt.date(1985, 12, 3), dt.date(1085, 3, 12), dt.date(2985, 3, 12), None]
    names = [("ahmetov", "erlan", "serikovich"), ("aksmetov", "erlan", ""), ("omarov", "", "x")]
    names += [("erlan", "ahmetov", ""), ("erlan", "aksmetov", "serikovich")]  # swapped
    at = 0
    for surname, given, patronymic in names:
        for birth in born:
            for document, sex in (("N123", "M"), ("", "F"), ("N9", "")):
                at += 1
                row = (at, surname, given, patronymic, birth, document, sex)
                candidate = scorer.row(row)
                assert scorer.ranks([row])[0] == (candidate.score, candidate.letters)
                assert candidate.swapped == (surname == "erlan")
                if birth:
                    assert candidate.fields["birth_date"] == ranking.dates(day, birth)
    assert scorer.row((0, "", "", "", dt.date(1085, 3, 12), "", "")).fields == {
        "birth_date": "close"  # one digit wrong, however far
    }
