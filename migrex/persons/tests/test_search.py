"""Finding a person among the node's records by any spelling, birth date or document: ranked
candidates with the fields that agree; only the authority's own records; every one shown is a
recorded read; destroyed records are gone from the index too."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from migrex.agreements.models import Authority
from migrex.audit.models import AuditEntry
from migrex.cases import services as cases
from migrex.persons import search
from migrex.persons.models import Dataset, PersonRecord, SearchEntry
from migrex.persons.tests.conftest import PEOPLE, _received, person


def _by():
    return Authority.objects.get(code="by-mvd").pk


def _surnames(found) -> list[str]:
    return [c.entry.record.data["surname"]["cyrillic"] for c in found.candidates]


@pytest.mark.parametrize("spelling", ["Hovhannisyan", "OGANESYAN", "Հովհաննիսյան", "Ованесян"])
def test_any_spelling_of_a_surname_finds_the_record(held, spelling):
    found = search.search(_by(), search.Query(surname=spelling, given_name="Aram"))
    assert _surnames(found)[0] == "Оганесян"
    best = found.candidates[0]
    assert best.entry.record.data["given_name"]["cyrillic"] == "Арам"
    assert best.fields == {"surname": "exact", "given_name": "exact"}
    assert best.score == 1.0


def test_candidates_are_ranked_with_the_fields_that_agree(held):
    found = search.search(_by(), search.Query(surname="Oganesyan", birth_date=dt.date(1962, 7, 19)))
    first, second = found.candidates[:2]
    assert first.entry.record.data["given_name"]["cyrillic"] == "Карен"
    assert first.fields == {"surname": "exact", "birth_date": "exact"}
    assert second.fields["surname"] == "exact" and second.fields["birth_date"] == "differs"
    assert first.score > second.score


def test_a_typo_in_the_surname_is_found_through_the_given_name_and_birth_date(held):
    found = search.search(
        _by(),
        search.Query(surname="Nursultanof", given_name="Nurlan", birth_date=dt.date(1985, 3, 12)),
    )
    best = found.candidates[0]
    assert best.entry.record.data["surname"]["cyrillic"] == "Нұрсұлтанов"
    assert best.fields["surname"] == "close"
    assert best.fields["given_name"] == "exact"


def test_day_and_month_swapped_count_as_close(held):
    found = search.search(_by(), search.Query(given_name="Нурлан", birth_date=dt.date(1985, 3, 12)))
    assert found.candidates[0].fields["birth_date"] == "exact"
    found = search.search(_by(), search.Query(surname="Ковалева", birth_date=dt.date(1979, 11, 3)))
    assert found.candidates[0].fields["birth_date"] == "differs"
    swapped = search.search(_by(), search.Query(surname="Kovaliova", given_name="Volha"))
    assert _surnames(swapped) == ["Ковалёва"]


def test_a_document_number_finds_the_record_whatever_its_punctuation(held):
    found = search.search(_by(), search.Query(document="an 041-2345"))
    assert _surnames(found) == ["Оганесян"]
    assert found.candidates[0].fields == {"document": "exact"}


def test_only_the_authoritys_own_records_are_searched(held):
    kz = Authority.objects.get(code="kz-mvd").pk
    assert search.search(kz, search.Query(surname="Оганесян")).candidates == []


def test_case_persons_are_indexed_when_the_case_is_drafted(officers, agreement):
    cases.create_draft(
        actor=officers["kz_operator"],
        agreement=agreement,
        requested_authority=Authority.objects.get(code="by-mvd"),
        persons=[{"category": "temporary_stay", "data": PEOPLE[2]}],
        summary="Проверка",
        purpose="Цель",
        justification="Основание",
        topics=["citizens_in_other_state"],
    )
    kz = Authority.objects.get(code="kz-mvd").pk
    found = search.search(kz, search.Query(surname="KOVALEVA", given_name="Olga"))
    assert [c.entry.case_person.data["surname"]["cyrillic"] for c in found.candidates] == [
        "Ковалёва"
    ]


def test_a_destroyed_record_cannot_be_found(held):
    assert search.search(_by(), search.Query(surname="Kovaleva")).candidates
    PersonRecord.objects.filter(dataset=held).delete()  # what retention does (Art. 11.5)
    assert not SearchEntry.objects.exists()
    assert search.search(_by(), search.Query(surname="Kovaleva")).candidates == []


def test_the_search_page_shows_candidates_and_records_each_read(held, officers):
    client = Client()
    client.force_login(officers["by_operator"])
    response = client.get("/persons/", {"surname": "Hovhannisyan"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Оганесян" in page and "Арам" in page and "Карен" in page
    assert "фамилия: совпадает" in page
    reads = AuditEntry.objects.filter(action="personal_data.read", actor="by-operator")
    assert reads.count() == 2
    assert {e.detail["via"] for e in reads} == {"search"}
    assert {e.detail["because"]["kind"] for e in reads} == {"dataset"}


def test_an_empty_search_says_what_to_give(held, officers):
    client = Client()
    client.force_login(officers["by_operator"])
    response = client.get("/persons/", {"surname": ""})
    assert "Укажите фамилию, имя, дату рождения или номер документа" in response.content.decode()


def test_the_api_returns_candidates_and_refuses_auditors(held, officers, make_user):
    client = Client()
    client.force_login(officers["by_operator"])
    body = client.get("/api/v1/persons/search", {"surname": "Oganesian", "given_name": "Aram"})
    assert body.status_code == 200
    best = body.json()["candidates"][0]
    assert best["source"] == "dataset" and best["dataset_id"] == held.pk
    assert best["person"]["given_name"]["cyrillic"] == "Арам"
    assert best["fields"] == {"surname": "exact", "given_name": "exact"}
    assert best["visible_because"]["kind"] == "dataset"  # it came in a dataset BY received
    assert best["visible_because"]["dataset_id"] == held.pk
    empty = client.get("/api/v1/persons/search")
    assert empty.status_code == 422 and empty.json()["errors"][0]["code"] == "query_empty"
    dated = client.get("/api/v1/persons/search", {"birth_date": "1962-07-19"})
    assert dated.status_code == 200 and dated.json()["candidates"]
    for bad in ("0", "", "19.07.1962", "1962-02-30"):  # a number would parse as 1970-01-01
        assert client.get("/api/v1/persons/search", {"birth_date": bad}).status_code == 422
    auditor = Client()
    auditor.force_login(make_user("by-auditor", "by-mvd", "auditor"))
    assert auditor.get("/api/v1/persons/search", {"surname": "x"}).status_code == 403


def test_a_dataset_still_arriving_hides_only_its_own_records(held):
    """While a dataset is staged its records' entries are not found, and every other record
    still is, by each lookup (the document, the birth date, the names)."""
    arriving = _received("by-mvd", [person("Оганесян", "Арам", "1962-07-19")])
    Dataset.arriving.filter(pk=arriving.pk).update(staged_at=dt.datetime.now(dt.UTC))
    query = search.Query(surname="Оганесян", given_name="Арам", birth_date=dt.date(1962, 7, 19))
    found = search.search(_by(), query)
    assert {c.entry.record.dataset_id for c in found.candidates} == {held.pk}
    Dataset.arriving.filter(pk=arriving.pk).update(staged_at=None)
    found = search.search(_by(), query)
    assert {c.entry.record.dataset_id for c in found.candidates} == {held.pk, arriving.pk}


def test_the_page_and_the_api_say_when_the_names_are_swapped(held, officers):
    _received("by-mvd", [person("Ануш", "Саргсян", "1990-01-02", "F")])
    client = Client()
    client.force_login(officers["by_operator"])
    asked = {"surname": "Саргсян", "given_name": "Ануш", "birth_date": "1990-01-02"}
    page = client.get("/persons/", asked).content.decode()
    assert "фамилия и имя переставлены" in page and "фамилия: совпадает" in page
    best = client.get("/api/v1/persons/search", asked).json()["candidates"][0]
    assert best["names_swapped"] is True
    assert best["fields"] == {"surname": "exact", "given_name": "exact", "birth_date": "exact"}
    straight = client.get("/api/v1/persons/search", {"surname": "Оганесян", "given_name": "Арам"})
    assert straight.json()["candidates"][0]["names_swapped"] is False
