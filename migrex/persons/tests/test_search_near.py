"""Search by names alone for spellings that fold differently: «Axmetov» and «Ахмедов» find
Ахметов first by the surname alone; spellings no key brings together (a consonant typed wrong, a
letter added) are found through the surnames near by trigrams (persons/similar.py), which both
databases find alike: pg_trgm on PostgreSQL, the trigram table on SQLite, the same names in the
same order as pg_trgm's similarity computed here; the names of destroyed entries go."""

from __future__ import annotations

import pytest
from django.db import connection

from migrex.agreements.models import Authority
from migrex.matching.translit import fold, skeleton
from migrex.persons import search, similar
from migrex.persons.models import SearchEntry, SearchGram, SearchName
from migrex.persons.tests.conftest import _received, person
from migrex.persons.trigrams import similarity, trigrams

PEOPLE = [
    person("Ахметов", "Ерлан"),
    person("Ахмадиев", "Ерлан", "1975-02-01"),  # Ахметов's skeleton
    person("Омаров", "Ерлан", "1980-04-11"),
    person("Мухаметов", "Ерлан", "1990-12-30"),
    person("Ахметжанов", "Серик", "1969-09-09"),
    person("Смагулов", "Нурлан", "1971-01-21"),
]


def _by() -> int:
    return Authority.objects.get(code="by-mvd").pk


def _surnames(found) -> list[str]:
    return [c.entry.record.data["surname"]["cyrillic"] for c in found.candidates]


@pytest.fixture
def people(officers):
    return _received("by-mvd", PEOPLE)


@pytest.mark.parametrize("surname", ["Axmetov", "Ахмедов"])
@pytest.mark.parametrize("given", ["", "Ерлан"])
def test_the_issues_spellings_find_akhmetov_first_by_name_alone(people, surname, given):
    found = search.search(_by(), search.Query(surname=surname, given_name=given))
    assert _surnames(found)[0] == "Ахметов"
    first, second = found.candidates[:2]
    assert first.fields["surname"] == "close"
    assert (first.score, -first.letters) > (second.score, -second.letters)  # Ахмадиев


@pytest.mark.parametrize(
    "surname",
    [
        "Ахмелов",  # a consonant typed wrong: another skeleton
        "Ахментов",  # a letter added
        "Ахмегов",
        "Akhnetov",  # in Latin
    ],
)
def test_near_spellings_no_key_meets_are_found_first_by_trigrams(people, surname):
    assert skeleton(fold(surname)) != skeleton(fold("Ахметов"))
    found = search.search(_by(), search.Query(surname=surname, given_name="Ерлан"))
    assert _surnames(found)[0] == "Ахметов"
    assert found.candidates[0].fields == {"surname": "close", "given_name": "exact"}
    assert "Смагулов" not in _surnames(found)  # nothing near: not read


def test_the_near_surnames_are_looked_up_only_when_the_keys_find_too_few(people, monkeypatch):
    _received("by-mvd", [person("Ахметов", "Ерлан", f"19{50 + i}-06-15") for i in range(25)])
    with monkeypatch.context() as patched:
        patched.setattr(similar, "near", lambda *_: pytest.fail("near surnames looked up"))
        found = search.search(_by(), search.Query(surname="Ахметов", given_name="Ерлан"))
    assert set(_surnames(found)) == {"Ахметов"}  # 26 namesakes: Ахмадиев is not needed
    found = search.search(_by(), search.Query(surname="Ахмелов", given_name="Ерлан"))
    assert _surnames(found)[0] == "Ахметов"


def test_the_near_surnames_are_those_of_the_officers_authority(people):
    _received("kz-mvd", [person("Ахмелов", "Ерлан")])
    kz = Authority.objects.get(code="kz-mvd").pk
    assert similar.near([kz], "ahmetov") == ["ahmelov"]
    assert "ahmelov" not in similar.near([_by()], "ahmetov")
    found = search.search(_by(), search.Query(surname="Ахмелов", given_name="Ерлан"))
    assert _surnames(found)[0] == "Ахметов"  # by-mvd's own, never kz-mvd's exact one


def test_both_databases_find_the_names_pg_trgm_would(people):
    """The names found are, in order, those every held name's similarity computed here keeps:
    on PostgreSQL through pg_trgm's index, on SQLite through the trigram table."""
    names = list(SearchName.objects.filter(authority_id=_by()).values_list("surname", flat=True))
    for asked in ["ahmetov", "ahmelov", "aksmetov", "muhametov", "smagul", "omar", "zzz"]:
        kept = [n for n in names if n != asked and similarity(asked, n) >= similar.THRESHOLD]
        expected = sorted(kept, key=lambda n: (-similarity(asked, n), n))[: similar.MOST]
        assert similar.near([_by()], asked) == expected


@pytest.mark.django_db
def test_trigrams_are_pg_trgms():
    assert trigrams("ahmetov") == {"  a", " ah", "ahm", "hme", "met", "eto", "tov", "ov "}
    assert trigrams("ter petrosian") >= {"  t", "er ", "  p", "ian"}
    assert similarity("ahmetov", "ahmedov") == pytest.approx(5 / 11)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for a, b in [("ahmetov", "ahmedov"), ("ter petrosian", "terpetrosian"), ("a", "ab")]:
                cursor.execute("SELECT show_trgm(%s), similarity(%s, %s)", [a, a, b])
                grams, score = cursor.fetchone()
                assert set(grams) == trigrams(a)
                assert score == pytest.approx(similarity(a, b), abs=1e-6)


def test_the_trigram_index_is_postgresqls_own(people):
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            index = "persons_searchname_trgm"  # migration 0006
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [index])
            assert "gin_trgm_ops" in cursor.fetchone()[0]
        assert not SearchGram.objects.exists()
    else:
        held = SearchGram.objects.filter(authority_id=_by(), surname="ahmetov")
        assert set(held.values_list("gram", flat=True)) == trigrams("ahmetov")


def test_the_names_of_destroyed_entries_are_pruned_and_reindex_rebuilds_them(people):
    SearchEntry.objects.get(surname="smagulov").record.delete()  # destroyed
    assert similar.prune() == 1
    assert similar.near([_by()], "smagulov") == []
    assert not SearchGram.objects.filter(surname="smagulov").exists()
    assert search.reindex() == len(PEOPLE) - 1
    assert SearchName.objects.filter(authority_id=_by()).count() == len(PEOPLE) - 1
    assert similar.near([_by()], "ahmelov")[0] == "ahmetov"
