"""Art. 11.3: information received is passed to a third party only with the provider's prior
consent. A download that names a recipient — the request letter, the refusal notice, an
attachment, through the UI and the API — is refused without a consent in force for that
recipient, and the refusal recorded; with one, it is given and the read records the recipient
and the consent. What our own authority sent is not received: it passes, recorded."""

from __future__ import annotations

import pytest
from django.urls import reverse

from migrex.audit.models import AuditEntry
from migrex.cases.tests.conftest import errors_of, grant, login, received_case
from migrex.conftest import API, Api
from migrex.persons.models import Consent

pytestmark = pytest.mark.django_db

PROSECUTOR = "Генеральная прокуратура Республики Беларусь"


@pytest.fixture
def theirs(officers, deliver, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return received_case(officers, deliver)


def _urls(case) -> dict[str, tuple[str, str]]:
    """document → (UI url, API url)."""
    photo = case.attachments.get(kind="photo")
    return {
        "request_letter": (
            reverse("cases:letter", args=[case.pk]),
            f"{API}/cases/{case.pk}/letter.pdf",
        ),
        "photo": (
            reverse("cases:attachment", args=[case.pk, photo.pk]),
            f"{API}/cases/{case.pk}/attachments/{photo.pk}",
        ),
    }


def test_received_data_goes_to_a_third_party_only_with_consent_art_11_3(client, officers, theirs):
    operator = officers["by_operator"]
    login(client, operator)
    api = Api(operator)
    for document, (ui_url, api_url) in _urls(theirs).items():
        page = client.get(ui_url, {"recipient": PROSECUTOR}, follow=True)
        assert page.redirect_chain[-1][0] == reverse("cases:detail", args=[theirs.pk])
        body = page.content.decode()
        assert "ст. 11.3 Соглашения" in body and PROSECUTOR in body, document
        refused = api.client.get(api_url, {"recipient": PROSECUTOR})
        assert refused.status_code == 403
        (error,) = errors_of(refused)
        assert error["code"] == "consent_required" and error["article"] == "11.3"
        assert "ст. 11.3" in error["message_ru"] and PROSECUTOR in error["message_ru"]
    # the pages' refusals are recorded with the document; the API's 403s, query and all, by
    # the audit middleware
    denied = AuditEntry.objects.filter(action="access.denied", actor=operator.username)
    pages = [e for e in denied if e.detail.get("code") == "consent_required"]
    assert sorted(e.detail["via"] for e in pages) == ["ui-attachment", "ui-pdf"]
    assert all(e.detail["recipient"] == PROSECUTOR for e in pages)
    answered = [e for e in denied if e.detail.get("via") == "api"]
    assert sorted(e.subject for e in answered) == sorted(u for _ui, u in _urls(theirs).values())
    assert all("recipient=" in e.detail["query"] for e in answered)
    assert not AuditEntry.objects.filter(action="personal_data.read", detail__has_key="recipient")

    grant(theirs, use=Consent.Use.EXPORT)  # another use covers nobody's passing on
    grant(theirs, use=Consent.Use.THIRD_PARTY, recipient="Следственный комитет")
    assert client.get(_urls(theirs)["photo"][0], {"recipient": PROSECUTOR}).status_code == 302

    consent = grant(theirs, use=Consent.Use.THIRD_PARTY, recipient=PROSECUTOR)
    for document, (ui_url, api_url) in _urls(theirs).items():
        assert client.get(ui_url, {"recipient": f"  {PROSECUTOR} "}).status_code == 200
        assert api.client.get(api_url, {"recipient": PROSECUTOR}).status_code == 200
        for via in (f"ui-{'pdf' if document == 'request_letter' else 'attachment'}",):
            entry = AuditEntry.objects.filter(
                action="personal_data.read", detail__via=via, detail__document=document
            ).first()
            assert entry.detail["recipient"] == PROSECUTOR
            assert entry.detail["consent"] == str(consent.ref)
            assert entry.detail["case"] == theirs.pk


def test_a_consent_that_ended_no_longer_covers_passing_on(client, officers, theirs):
    grant(theirs, use=Consent.Use.THIRD_PARTY, recipient=PROSECUTOR, days=-1)
    api = Api(officers["by_operator"])
    letter = api.client.get(f"{API}/cases/{theirs.pk}/letter.pdf", {"recipient": PROSECUTOR})
    assert letter.status_code == 403
    assert errors_of(letter)[0]["code"] == "consent_required"


def test_our_own_request_passes_to_a_third_party_without_consent_but_is_recorded(officers, theirs):
    """The requesting side's letter and files are its own (cases/downloads.py): no consent of
    the other party is asked, the read records the recipient and no consent."""
    from migrex.cases.models import Case
    from migrex.cases.workflow import Side

    ours = Case.objects.get(conversation_id=theirs.conversation_id, side=Side.REQUESTER)
    api = Api(officers["kz_operator"])
    for _ui, api_url in _urls(ours).values():
        response = api.client.get(api_url, {"recipient": "Генеральная прокуратура РК"})
        assert response.status_code == 200
    entries = AuditEntry.objects.filter(action="personal_data.read", actor="kz-operator")
    passed = [e for e in entries if e.detail.get("recipient")]
    assert {e.detail["via"] for e in passed} == {"api-pdf", "api-attachment"}
    assert all(e.detail["consent"] is None for e in passed)
    assert not AuditEntry.objects.filter(action="access.denied").exists()


def test_a_download_without_a_recipient_is_a_recorded_read_of_the_case(client, officers, theirs):
    login(client, officers["by_supervisor"])
    fingerprints = theirs.attachments.get(kind="fingerprint_card")
    response = client.get(reverse("cases:attachment", args=[theirs.pk, fingerprints.pk]))
    assert response.status_code == 200
    (entry,) = AuditEntry.objects.filter(action="personal_data.read", actor="by-supervisor")
    assert entry.subject == f"attachment:{fingerprints.pk}"
    assert entry.detail == {
        "case": theirs.pk,
        "dataset": None,
        "via": "ui-attachment",
        "document": "fingerprint_card",
    }


def test_an_overlong_recipient_is_refused_naming_the_field(officers, theirs):
    api = Api(officers["by_operator"])
    response = api.client.get(f"{API}/cases/{theirs.pk}/letter.pdf", {"recipient": "я" * 301})
    assert response.status_code == 422
    assert errors_of(response)[0]["field"] == "recipient"


def test_the_case_page_offers_passing_on_to_working_roles_only(client, officers, theirs):
    login(client, officers["by_operator"])
    body = client.get(reverse("cases:detail", args=[theirs.pk])).content.decode()
    assert 'name="recipient"' in body
    for a in theirs.attachments.all():
        assert reverse("cases:attachment", args=[theirs.pk, a.pk]) in body
