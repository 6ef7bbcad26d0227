"""Every refusal names the field and the article it enforces."""

import datetime as dt

import pytest

from migrex.agreements.models import Agreement, Authority
from migrex.agreements.services import load
from migrex.cases.services import create_draft, transition
from migrex.conftest import PERSON, draft, put_on_list, send
from migrex.core.errors import Forbidden, Invalid

pytestmark = pytest.mark.django_db


def problems(exc: Invalid) -> set[tuple[str, str, str]]:
    return {(e.code, e.field, e.article) for e in exc.value.errors}


def test_a_request_without_purpose_cannot_be_submitted_art_9_2(officers):
    case = draft(officers, purpose="  ", justification="")
    with pytest.raises(Invalid) as exc:
        transition(case=case, action="submit", actor=officers["kz_operator"])
    assert problems(exc) == {
        ("purpose_required", "purpose", "9.2"),
        ("justification_required", "justification", "9.2"),
    }
    case.refresh_from_db()
    assert case.status == "draft" and not case.events.exclude(action="create").exists()


def test_a_person_field_outside_art_6_is_refused(officers):
    person = {
        "category": "expelled",
        "data": {"surname": {"cyrillic": "Петров"}, "religion": "—", "phone": "+7 701 000 00 00"},
    }
    with pytest.raises(Invalid) as exc:
        draft(officers, persons=[person])
    assert problems(exc) == {
        ("field_not_allowed", "persons[0].data.phone", "6"),
        ("field_not_allowed", "persons[0].data.religion", "6"),
    }


def test_a_category_outside_art_5_is_refused(officers):
    with pytest.raises(Invalid) as exc:
        draft(officers, persons=[dict(PERSON, category="tourists")])
    assert problems(exc) == {("category_not_allowed", "persons[0].category", "5")}


def test_a_bad_value_names_its_place(officers):
    person = {
        "category": "expelled",
        "data": {"surname": {"cyrillic": "Петров"}, "birth_date": "31.02.1990"},
    }
    with pytest.raises(Invalid) as exc:
        draft(officers, persons=[person])
    assert {(e.field, e.article) for e in exc.value.errors} == {("persons[0].data.birth_date", "6")}


def test_no_request_under_an_agreement_not_in_force_art_17(officers, make_user):
    load("kz-am-2024")
    with pytest.raises(Invalid) as exc:
        create_draft(
            actor=officers["kz_operator"],
            agreement=Agreement.objects.get(code="kz-am-2024"),
            requested_authority=Authority.objects.get(code="am-police"),
            summary="s",
            purpose="p",
            justification="j",
        )
    assert problems(exc) == {("agreement_not_in_force", "agreement", "17")}


def test_a_request_goes_to_a_competent_authority_of_the_other_party_art_2(officers):
    with pytest.raises(Invalid) as exc:
        create_draft(
            actor=officers["kz_operator"],
            agreement=Agreement.objects.get(code="kz-by-2019"),
            requested_authority=Authority.objects.get(code="kz-labour"),
            summary="s",
            purpose="p",
            justification="j",
        )
    assert problems(exc) == {("unknown_authority", "requested_authority", "2")}


def test_a_refusal_needs_grounds_from_the_list_and_reasons_art_10_4(officers, deliver):
    _, theirs = send(officers, deliver)
    transition(case=theirs, action="register", actor=officers["by_operator"])
    with pytest.raises(Invalid) as exc:
        transition(
            case=theirs,
            action="refuse",
            actor=officers["by_supervisor"],
            data={"grounds": ["dislike"], "text": ""},
        )
    assert problems(exc) == {
        ("unknown_ground", "grounds", "10.4"),
        ("reasons_required", "text", "10.4"),
    }
    with pytest.raises(Invalid) as exc:
        transition(
            case=theirs, action="refuse", actor=officers["by_supervisor"], data={"text": "Причины."}
        )
    assert problems(exc) == {("grounds_required", "grounds", "10.4")}
    theirs.refresh_from_db()
    assert theirs.status == "registered"


def _awaiting_signature(officers):
    case = draft(officers)
    transition(case=case, action="submit", actor=officers["kz_operator"])
    return case


def test_signing_needs_the_password_again_art_9_3(officers):
    case = _awaiting_signature(officers)
    with pytest.raises(Forbidden) as exc:
        transition(case=case, action="sign", actor=officers["kz_signatory"], confirmed=False)
    assert (exc.value.code, exc.value.article) == ("reauthentication_required", "9.3")


def test_the_author_never_signs_the_same_request_art_9_3(officers, agreement, make_user):
    author = make_user("kz-author", "kz-mvd", "operator", "signatory")
    put_on_list(agreement, author)
    case = create_draft(
        actor=author,
        agreement=agreement,
        requested_authority=Authority.objects.get(code="by-mvd"),
        summary="s",
        purpose="p",
        justification="j",
    )
    transition(case=case, action="submit", actor=author)
    with pytest.raises(Forbidden) as exc:
        transition(case=case, action="sign", actor=author, confirmed=True)
    assert (exc.value.code, exc.value.article) == ("four_eyes", "9.3")


def test_only_a_listed_signatory_signs_art_9_3(officers, make_user):
    case = _awaiting_signature(officers)
    unlisted = make_user("kz-deputy", "kz-mvd", "signatory")
    with pytest.raises(Forbidden) as exc:
        transition(case=case, action="sign", actor=unlisted, confirmed=True)
    assert (exc.value.code, exc.value.article) == ("not_on_signatory_list", "9.3")


def test_an_expired_listing_cannot_sign_art_9_4(officers, agreement, make_user):
    case = _awaiting_signature(officers)
    former = make_user("kz-former", "kz-mvd", "signatory")
    put_on_list(agreement, former, valid_to=dt.date(2025, 12, 31))
    with pytest.raises(Forbidden) as exc:
        transition(case=case, action="sign", actor=former, confirmed=True)
    assert (exc.value.code, exc.value.article) == ("signatory_expired", "9.4")
