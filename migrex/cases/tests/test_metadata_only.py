"""Auditors see metadata, not free text (Art. 11.4): names and addresses are written in the
summary, the purpose, the history's texts — answers, refusal reasons, conditions — so the
auditor's case page shows a note instead, the API null, and the refusal notice (its reasons)
is not theirs to download; numbers, dates, states, authorities and articles remain."""

from __future__ import annotations

import pytest
from django.urls import reverse

from migrex.cases.services import transition
from migrex.cases.tests.conftest import errors_of, login, sent_case
from migrex.conftest import API, Api

pytestmark = pytest.mark.django_db

REASONS = "Оганесян Арам проживает по адресу ул. Абая 10; сведения составляют тайну."


@pytest.fixture
def refused(officers, deliver):
    ours, theirs = sent_case(officers, deliver)
    transition(case=theirs, action="register", actor=officers["by_operator"])
    transition(
        case=theirs,
        action="refuse",
        actor=officers["by_supervisor"],
        data={"grounds": ["security"], "text": REASONS},
    )
    deliver()
    ours.refresh_from_db()
    return ours


def test_the_auditor_reads_the_history_without_its_texts(client, officers, refused):
    login(client, officers["kz_auditor"])
    body = client.get(reverse("cases:detail", args=[refused.pk])).content.decode()
    assert f"№ {refused.number}" in body and "ст. 10.4" in body  # metadata stays
    assert REASONS not in body and "Проверка сведений" not in body
    assert "Законность пребывания" not in body
    assert "Текст скрыт" in body or "Text hidden" in body

    case = Api(officers["kz_auditor"]).get(f"/cases/{refused.pk}").json()
    assert case["texts_withheld"] is True and case["persons_withheld"] is True
    assert case["summary"] is None and case["purpose"] is None
    assert case["justification"] is None and case["other_information"] is None
    refusal = case["history"][-1]
    assert refusal["text"] is None and refusal["data"]["grounds"] == ["security"]
    assert refusal["article"] == "10.4" and case["status"] == "refused"
    listed = Api(officers["kz_auditor"]).get("/cases").json()["items"]
    assert [c["summary"] for c in listed] == [None]


def test_the_refusal_notice_is_not_the_auditors(client, officers, refused):
    login(client, officers["kz_auditor"])
    assert client.get(reverse("cases:refusal-notice", args=[refused.pk])).status_code == 403
    api = Api(officers["kz_auditor"]).client.get(f"{API}/cases/{refused.pk}/refusal.pdf")
    assert api.status_code == 403
    assert errors_of(api)[0]["code"] == "personal_data_withheld"


def test_working_roles_still_read_every_text(client, officers, refused):
    operator = officers["kz_operator"]
    login(client, operator)
    body = client.get(reverse("cases:detail", args=[refused.pk])).content.decode()
    assert REASONS in body and "Проверка сведений" in body
    case = Api(operator).get(f"/cases/{refused.pk}").json()
    assert case["texts_withheld"] is False and case["history"][-1]["text"] == REASONS
    notice = client.get(reverse("cases:refusal-notice", args=[refused.pk]))
    assert notice.status_code == 200 and notice["Content-Type"] == "application/pdf"
