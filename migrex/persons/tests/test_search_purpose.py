"""Purpose binding of person search (Art. 11.2): a received person is found only by the authority
that holds the case or dataset it came for, or by one a consent to another use, granted and in
force, lets use it; every result says why it is visible, the same on the page and in the API, and
the audited read names the reason."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from migrex.agreements.models import Authority
from migrex.audit.models import AuditEntry
from migrex.cases.services import transition
from migrex.conftest import send
from migrex.persons import search
from migrex.persons.models import Consent

DAY = dt.datetime(2026, 12, 15, 10, tzinfo=dt.UTC)
ARAM = {"surname": "Hovhannisyan", "given_name": "Aram"}


@pytest.fixture
def border(make_user):
    """An operator of the Belarusian State Border Committee: the same party as by-mvd."""
    return make_user("by-border-operator", "by-border", "operator")


def _pk(code: str) -> int:
    return Authority.objects.get(code=code).pk


def consent_for(dataset, requester="by-border", provider=None, **fields) -> Consent:
    """The asking side's row of a consent about `dataset` (as decision_received leaves it)."""
    values = {
        "status": Consent.Status.GRANTED,
        "expires_on": dt.date(2026, 12, 31),
        "use": Consent.Use.OTHER_PURPOSE,
        "decided_at": dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC),
        **fields,
    }
    return Consent.objects.create(
        ref=uuid.uuid4(),
        side=Consent.Side.ASKED,
        agreement=dataset.agreement,
        requester=Authority.objects.get(code=requester),
        provider=Authority.objects.get(code=provider) if provider else dataset.provider,
        source_kind="dataset",
        source=dataset.message_id,
        purpose="Проверка пограничного режима",
        asked_by="Офицер",
        **values,
    )


def api(user, **query):
    client = Client()
    client.force_login(user)
    response = client.get("/api/v1/persons/search", query)
    assert response.status_code == 200, response.content
    return response.json()["candidates"]


def page(user, **query) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("persons:search"), query)
    assert response.status_code == 200
    return response.content.decode()


def test_another_authority_of_the_same_party_does_not_find_a_received_person(held, border):
    assert search.search(_pk("by-border"), search.Query(**ARAM)).candidates == []
    assert api(border, **ARAM) == []
    assert 'id="candidates"' not in page(border, **ARAM)
    assert not AuditEntry.objects.filter(action="personal_data.read").exists()


@time_machine.travel(DAY)
def test_a_consent_in_force_lets_the_other_authority_find_the_person_and_says_so(held, border):
    consent = consent_for(held)
    found = api(border, **ARAM)
    assert [c["person"]["given_name"]["cyrillic"] for c in found] == ["Арам"]
    assert found[0]["visible_because"] == {
        "kind": "consent",
        "case_id": None,
        "dataset_id": held.pk,
        "consent_id": consent.pk,
        "consent_ref": str(consent.ref),
        "consent_expires_on": "2026-12-31",
    }
    assert found[0]["source"] == "dataset" and found[0]["dataset_id"] == held.pk
    html = page(border, **ARAM)
    with translation.override("ru"):
        said = _(
            "by the consent of %(date)s (%(provider)s) to another use of dataset No. "
            "%(id)s «%(title)s», in force until %(until)s"
        ) % {
            "date": "01.12.2026",
            "provider": "Министерство внутренних дел Республики Казахстан",
            "until": "31.12.2026",
            "id": held.pk,
            "title": "Лица, получившие разрешение на проживание",
        }
    assert said in html.replace("&quot;", '"').replace("&#x27;", "'")
    assert "other_purpose" not in html and "2026-12-31" not in html  # no raw codes or ISO dates
    assert reverse("persons:consents") in html  # the dataset's own page is not theirs to open
    reads = AuditEntry.objects.filter(action="personal_data.read", actor="by-border-operator")
    assert reads.count() == 2  # one by the API, one by the page
    assert {e.detail["via"] for e in reads} == {"api-search", "search"}
    for entry in reads:
        assert entry.detail["because"] == {
            "kind": "consent",
            "consent_id": consent.pk,
            "consent_ref": str(consent.ref),
        }
        assert entry.detail["dataset"] == held.pk


def test_an_expired_refused_or_other_consent_hides_the_person_again(held, border):
    consent_for(held)  # granted until 31.12.2026
    with time_machine.travel(DAY):
        assert len(api(border, **ARAM)) == 1
    with time_machine.travel(dt.datetime(2026, 12, 31, 12, tzinfo=dt.UTC)):  # still its last day
        assert len(api(border, **ARAM)) == 1
    with time_machine.travel(dt.datetime(2027, 1, 1, 12, tzinfo=dt.UTC)):
        assert api(border, **ARAM) == []
        assert 'id="candidates"' not in page(border, **ARAM)
    Consent.objects.all().delete()
    consent_for(held, status=Consent.Status.REFUSED, expires_on=None, reason="Нет оснований")
    consent_for(held, status=Consent.Status.REQUESTED, expires_on=None, decided_at=None)
    consent_for(held, use=Consent.Use.EXPORT)  # export is not a use for another purpose
    consent_for(held, requester="by-mvd")  # the holder's consent opens nothing to others
    consent_for(held, provider="kz-labour")  # not the authority that provided it
    with time_machine.travel(DAY):
        assert api(border, **ARAM) == []
        assert 'id="candidates"' not in page(border, **ARAM)
        # only the last is in force for by-border's use, and it names the wrong provider
        assert len(search.scope(_pk("by-border")).consents) == 1


def test_the_holder_finds_its_dataset_and_the_page_agrees_with_the_api(held, officers):
    by = officers["by_operator"]
    found = api(by, surname="Oganesyan")
    assert [c["visible_because"]["kind"] for c in found] == ["dataset", "dataset"]
    assert {c["visible_because"]["dataset_id"] for c in found} == {held.pk}
    html = page(by, surname="Oganesyan")
    with translation.override("ru"):
        said = _("by dataset No. %(id)s «%(title)s» received by your authority") % {
            "id": held.pk,
            "title": "Лица, получившие разрешение на проживание",
        }
    assert html.count(said) == 2
    assert html.count(f'href="{reverse("persons:dataset", args=[held.pk])}"') == 2


def test_a_case_finds_its_received_persons_and_its_own_as_own(officers, deliver):
    ours, theirs = send(officers, deliver)  # KZ asks BY about Aram Hovhannisyan
    kz = api(officers["kz_operator"], **ARAM)
    assert [c["visible_because"]["kind"] for c in kz] == ["own"]  # KZ entered him itself
    assert kz[0]["visible_because"]["case_id"] == ours.pk and kz[0]["case_id"] == ours.pk
    by = api(officers["by_operator"], **ARAM)
    assert [c["visible_because"]["kind"] for c in by] == ["case"]  # the request came for him
    assert by[0]["visible_because"]["case_id"] == theirs.pk
    with translation.override("ru"):
        own = _("entered by your authority in case No. %(number)s") % {"number": ours.number}
        received = _("by case No. %(number)s of your authority") % {
            "number": theirs.number or theirs.their_number
        }
    assert own in page(officers["kz_operator"], **ARAM)
    assert received in page(officers["by_operator"], **ARAM)
    assert api(officers["kz_labour"], **ARAM) == []  # another KZ authority


def test_a_consent_keeps_a_forwarded_requests_person_findable_by_the_authority_that_asked(
    client, officers, deliver, border
):
    """by-mvd received the request, got the provider's consent to another use of its persons,
    then forwarded the request to by-border (Art. 2): it no longer works on the case, but the
    consent, granted to it, still lets it find the person; by-border finds him by the case."""
    _ours, theirs = send(officers, deliver)
    by, kz = officers["by_operator"], officers["kz_signatory"]
    client.force_login(by)
    url = reverse("persons:ask-consent", args=["case", theirs.pk])
    client.post(url, {"use": "other_purpose", "purpose": "Розыск", "recipient": ""})
    deliver()
    client.force_login(kz)
    provider_row = Consent.objects.get(side=Consent.Side.PROVIDER)
    granted = {"decision": "grant", "expires_on": "2026-12-31", "step": "send", "reviewed": "on"}
    client.post(reverse("persons:decide", args=[provider_row.pk]), granted)
    deliver()
    asked = Consent.objects.get(side=Consent.Side.ASKED)
    assert asked.status == Consent.Status.GRANTED
    transition(
        case=theirs,
        action="register",
        actor=by,
        data={"assignee": by.pk},
    )
    transition(
        case=theirs,
        action="forward",
        actor=officers["by_supervisor"],
        data={"authority": "by-border", "text": "По ведению пограничного комитета."},
    )
    with time_machine.travel(DAY):
        found = api(by, **ARAM)
        assert [c["visible_because"]["kind"] for c in found] == ["consent"]
        because = found[0]["visible_because"]
        assert (because["case_id"], because["consent_id"]) == (theirs.pk, asked.pk)
        held_by_border = api(border, **ARAM)
        assert [c["visible_because"]["kind"] for c in held_by_border] == ["case"]
    with time_machine.travel(dt.datetime(2027, 1, 1, 12, tzinfo=dt.UTC)):
        assert api(by, **ARAM) == []
