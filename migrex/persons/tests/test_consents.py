"""Purpose binding (Art. 11.2–11.4) for received datasets: every record opened is recorded; the
records leave the system only with a consent of the provider that covers the use, until it ends;
the consent is asked and decided through messages between the two sides."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from migrex.audit.models import AuditEntry
from migrex.conftest import send
from migrex.persons.models import Consent, Dataset, PersonRecord


def kind_of(source) -> str:
    return "dataset" if isinstance(source, Dataset) else "case"


def export(client, dataset, use="export", recipient=""):
    url = reverse("persons:export", args=[kind_of(dataset), dataset.pk])
    return client.post(url, {"use": use, "recipient": recipient}, follow=True)


def ask(client, dataset, use="export", purpose="Передача в суд", recipient=""):
    url = reverse("persons:ask-consent", args=[kind_of(dataset), dataset.pk])
    return client.post(url, {"use": use, "purpose": purpose, "recipient": recipient}, follow=True)


def decide(client, consent, decision, expires_on="", reason="", **review):
    """The decision sent from its review page, ticked as checked (`review` overrides that)."""
    url = reverse("persons:decide", args=[consent.pk])
    data = {"decision": decision, "expires_on": expires_on, "reason": reason}
    return client.post(url, {**data, "step": "send", "reviewed": "on", **review}, follow=True)


def provider_row() -> Consent:
    return Consent.objects.get(side=Consent.Side.PROVIDER)


def test_opening_a_page_of_records_records_each_read(client, officers, dataset):
    client.force_login(officers["by_operator"])
    page = client.get(reverse("persons:dataset", args=[dataset.pk])).content.decode()
    assert "Hovhannisyan" in page and "N50" in page and "N51" not in page  # 50 a page
    reads = AuditEntry.objects.filter(action="personal_data.read")
    assert reads.count() == 50
    first = PersonRecord.objects.get(dataset=dataset, position=1)
    entry = reads.get(subject=f"personrecord:{first.pk}")
    assert entry.actor == "by-operator" and entry.detail["dataset"] == dataset.pk


def test_the_case_page_and_the_api_record_reads_of_its_persons(client, officers, deliver):
    _, theirs = send(officers, deliver)
    client.force_login(officers["by_operator"])
    client.get(reverse("cases:detail", args=[theirs.pk]))
    person = theirs.persons.first()
    entry = AuditEntry.objects.get(action="personal_data.read", subject=f"caseperson:{person.pk}")
    assert entry.actor == "by-operator" and entry.detail == {
        "case": theirs.pk,
        "dataset": None,
        "via": "ui",
    }


def test_without_consent_nothing_leaves_and_the_denial_is_recorded(client, officers, dataset):
    client.force_login(officers["by_operator"])
    response = export(client, dataset)
    assert response["Content-Type"].startswith("text/html")
    assert "Нужно согласие представившей сведения Стороны" in response.content.decode()
    denied = AuditEntry.objects.get(action="access.denied", subject=f"dataset:{dataset.pk}")
    assert denied.detail["code"] == "consent_required"


def test_consent_asked_granted_used_until_it_expires(client, officers, dataset, deliver):
    by, kz = officers["by_operator"], officers["kz_signatory"]
    client.force_login(by)
    assert "Запрос согласия направлен" in ask(client, dataset).content.decode()
    deliver()  # the request reaches KZ
    client.force_login(kz)
    page = client.get(reverse("persons:consents")).content.decode()
    assert "Передача в суд" in page and "Предоставить" in page
    decide(client, provider_row(), "grant", expires_on="2026-12-31")
    deliver()  # the decision reaches BY
    asked = Consent.objects.get(side=Consent.Side.ASKED)
    assert (asked.status, asked.expires_on) == ("granted", dt.date(2026, 12, 31))
    with time_machine.travel(dt.datetime(2026, 12, 31, 12, tzinfo=dt.UTC)):
        client.force_login(by)  # a session of that day
        response = export(client, dataset)
        assert response["Content-Type"] == "text/csv"
        body = response.content.decode("utf-8-sig").splitlines()
        assert len(body) == 61 and "Оганесян / Hovhannisyan" in body[1]
    exported = AuditEntry.objects.get(action="personal_data.exported")
    assert exported.detail["consent"] == str(asked.ref) and exported.detail["records"] == 60
    with time_machine.travel(dt.datetime(2027, 1, 2, 12, tzinfo=dt.UTC)):
        client.force_login(by)
        response = export(client, dataset)
        assert "Нужно согласие" in response.content.decode()  # the consent has ended


def test_a_consent_covers_only_its_use_and_third_party(client, officers, dataset, deliver):
    client.force_login(officers["by_operator"])
    ask(client, dataset, use="third_party", purpose="Для проверки", recipient="Посольство X")
    deliver()
    client.force_login(officers["kz_signatory"])
    decide(client, provider_row(), "grant", expires_on="2099-01-01")
    deliver()
    client.force_login(officers["by_operator"])
    assert export(client, dataset, "third_party", "посольство x")["Content-Type"] == "text/csv"
    for use, recipient in (("third_party", "Посольство Y"), ("export", ""), ("other_purpose", "")):
        assert "Нужно согласие" in export(client, dataset, use, recipient).content.decode()


def test_a_refusal_needs_reasons_and_comes_back(client, officers, dataset, deliver):
    client.force_login(officers["by_operator"])
    ask(client, dataset, use="other_purpose", purpose="Статистика")
    deliver()
    client.force_login(officers["kz_signatory"])
    assert "Заполните поле" in decide(client, provider_row(), "refuse").content.decode()
    assert provider_row().status == "requested"
    decide(client, provider_row(), "refuse", reason="Цель не связана с запросом")
    deliver()
    asked = Consent.objects.get(side=Consent.Side.ASKED)
    assert (asked.status, asked.reason) == ("refused", "Цель не связана с запросом")
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"consent.requested", "consent.request_received", "consent.refused"} <= actions
    assert "consent.decision_received" in actions


@pytest.mark.parametrize("who", ["kz_operator", "by_supervisor", "kz_labour"])
def test_only_the_providers_supervisor_decides(client, officers, dataset, deliver, who):
    client.force_login(officers["by_operator"])
    ask(client, dataset)
    deliver()
    client.force_login(officers[who])
    assert decide(client, provider_row(), "grant", "2099-01-01").status_code == 403
    assert provider_row().status == "requested"


def test_other_authorities_do_not_see_the_dataset(client, officers, dataset):
    client.force_login(officers["kz_labour"])
    assert client.get(reverse("persons:dataset", args=[dataset.pk])).status_code == 404
    client.force_login(officers["kz_auditor"])  # no access to personal data
    assert client.get(reverse("persons:datasets")).status_code == 403


def test_persons_received_in_a_case_are_bound_the_same_way(client, officers, deliver):
    """The persons of a received request: exported only under the requester's consent."""
    ours, theirs = send(officers, deliver)  # KZ's request, received by BY with its person
    client.force_login(officers["by_operator"])
    page = client.get(reverse("cases:detail", args=[theirs.pk])).content.decode()
    assert 'id="received-h"' in page and "Сведения, полученные от другой Стороны" in page
    assert "Нужно согласие" in export(client, theirs).content.decode()
    ask(client, theirs, purpose="Передача в суд")
    deliver()
    provided = provider_row()
    assert (provided.source_kind, provided.source) == ("case", ours.conversation_id)
    client.force_login(officers["kz_signatory"])
    decide(client, provided, "grant", expires_on="2099-01-01")
    deliver()
    client.force_login(officers["by_operator"])
    response = export(client, theirs)
    assert response["Content-Type"] == "text/csv"
    assert "Оганесян" in response.content.decode("utf-8-sig")
    # The requester's own copy has nothing received yet: no panel.
    client.force_login(officers["kz_operator"])
    own = client.get(reverse("cases:detail", args=[ours.pk])).content.decode()
    assert 'id="received-h"' not in own


def test_a_decision_leaves_only_from_its_review_page_ticked_as_checked(
    client, officers, dataset, deliver
):
    """Art. 11.2, 11.3: the decision is shown as it will be sent; without the tick nothing is
    sent; going back keeps what was typed."""
    client.force_login(officers["by_operator"])
    ask(client, dataset)
    deliver()
    client.force_login(officers["kz_signatory"])
    consent = provider_row()
    url = reverse("persons:decide", args=[consent.pk])
    typed = {"decision": "refuse", "expires_on": "", "reason": "Цель не связана с запросом"}
    review = client.post(url, typed)
    body = review.content.decode()
    assert review.status_code == 200 and "Проверьте перед отправкой" in body
    assert "Цель не связана с запросом" in body and "Передача в суд" in body
    unticked = client.post(url, {**typed, "step": "send"})
    assert unticked.status_code == 422 and "Ничего не отправлено" in unticked.content.decode()
    consent.refresh_from_db()
    assert consent.status == Consent.Status.REQUESTED
    back = client.post(url, {**typed, "step": "edit"}).content.decode()
    assert 'value="Цель не связана с запросом"' in back
    sent = client.post(url, {**typed, "step": "send", "reviewed": "on"})
    assert sent.status_code == 302
    consent.refresh_from_db()
    assert consent.status == Consent.Status.REFUSED
