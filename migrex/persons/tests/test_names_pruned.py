"""A surname no search entry holds any longer is removed from the names the near-spelling
lookup compares with (persons/similar.py): when a draft's persons are replaced, when a staged
dataset copy is discarded and when a forwarded case's persons move to another authority. A name
was some person's data: it stays only while a record of that person does."""

from __future__ import annotations

import copy

import pytest

from migrex.agreements.models import Authority
from migrex.cases.services import update_draft
from migrex.conftest import PERSON, draft
from migrex.persons import search
from migrex.persons.models import SearchEntry, SearchName
from migrex.persons.tests.conftest import staged_copy


def _person(cyrillic: str, latin: str) -> dict:
    found = copy.deepcopy(PERSON)
    found["data"]["surname"] = {"cyrillic": cyrillic, "latin": latin}
    return found


def _names(code: str) -> set[str]:
    authority = Authority.objects.get(code=code)
    return set(SearchName.objects.filter(authority=authority).values_list("surname", flat=True))


@pytest.mark.django_db
def test_a_drafts_replaced_person_leaves_no_name(officers):
    case = draft(officers, persons=[_person("Смагулов", "Smagulov")])
    before = _names("kz-mvd")
    assert any("smagulov" in name for name in before)
    update_draft(case=case, actor=officers["kz_operator"], persons=[PERSON])
    after = _names("kz-mvd")
    assert not any("smagulov" in name for name in after) and after
    assert SearchEntry.objects.filter(case_person__case=case).count() == 1


@pytest.mark.django_db
def test_the_names_of_another_case_stay(officers):
    draft(officers, persons=[_person("Смагулов", "Smagulov")])
    case = draft(officers, persons=[_person("Смагулов", "Smagulov")])
    update_draft(case=case, actor=officers["kz_operator"], persons=[PERSON])
    assert any("smagulov" in name for name in _names("kz-mvd"))  # the first draft's person


@pytest.mark.django_db
def test_a_discarded_staged_copy_leaves_no_name(officers):
    copy_ = staged_copy("7f1c0d6e-2f0b-4c55-9a0e-5b7f7c1f0a01", 2)
    copy_.add([(1, _person("Смагулов", "Smagulov")["data"]), (2, PERSON["data"])])
    assert len(_names("by-mvd")) == 2
    copy_.discard()
    assert _names("by-mvd") == set() and not SearchEntry.objects.exists()


@pytest.mark.django_db
def test_a_moved_case_takes_its_names_along(officers):
    case = draft(officers, persons=[_person("Смагулов", "Smagulov")])
    other = Authority.objects.exclude(pk=case.owner_id).first()
    search.move_case_persons(case.pk, other.pk)
    assert not any("smagulov" in name for name in _names("kz-mvd"))
    assert any("smagulov" in name for name in _names(other.code))
