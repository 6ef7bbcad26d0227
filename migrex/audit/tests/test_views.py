"""The auditors' pages through Django's test client: only auditors, filters, pages of the log,
and everything recorded about one subject, with everyone who read a person's data."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from migrex.agreements.models import Agreement, Authority
from migrex.audit import views
from migrex.audit.models import AuditEntry
from migrex.audit.services import record
from migrex.cases.services import create_draft
from migrex.persons.access import record_reads

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditor(officers, client):
    client.force_login(officers["kz_auditor"])
    return client


def draft(officers):
    return create_draft(
        actor=officers["kz_operator"],
        agreement=Agreement.objects.get(code="kz-by-2019"),
        requested_authority=Authority.objects.get(code="by-mvd"),
        summary="Проверка сведений",
        purpose="Законность пребывания",
        justification="Материалы проверки",
        persons=[
            {
                "category": "temporary_stay",
                "data": {
                    "surname": {"cyrillic": "Оганесян", "latin": "Hovhannisyan"},
                    "citizenship": ["KZ"],
                },
            }
        ],
    )


def read(actor: str, subject: str, case: int | None, via: str = "ui") -> AuditEntry:
    return record(
        "personal_data.read",
        actor=actor,
        subject=subject,
        detail={"case": case, "dataset": None, "via": via},
    )


def seqs(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<td class="audit-seq">(\d+)</td>', html)]


@pytest.mark.parametrize("who", ["kz_operator", "kz_signatory", "by_supervisor"])
def test_only_auditors(officers, client, who):
    client.force_login(officers[who])
    assert client.get("/audit/").status_code == 403
    assert client.get("/audit/subject/caseperson:1/").status_code == 403
    assert "/audit/" not in client.get("/incoming/").content.decode()


def test_anonymous_goes_to_the_login_page(client, db):
    response = client.get("/audit/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_auditor_has_a_tab_and_a_log_newest_first(auditor, officers):
    page = auditor.get("/incoming/").content.decode()
    assert 'href="/audit/"' in page and "Журнал аудита" in page
    record("access.denied", actor="kz-operator", subject="/exchange/", detail={"status": 403})
    response = auditor.get("/audit/")
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")  # never cached (officer_view)
    html = response.content.decode()
    numbers = seqs(html)
    assert numbers == sorted(numbers, reverse=True) and numbers
    assert "Отказ в доступе" in html and 'href="/audit/subject//exchange//"' in html
    assert 'href="/audit/?actor=kz-operator"' in html


def test_filters(auditor, officers):
    case = draft(officers)
    read("kz-operator", "caseperson:1", case.pk)
    read("kz-signatory", "caseperson:2", case.pk, via="api")
    record("message.sent", subject="0190-aaaa", detail={"kind": "request"})
    record("message.received", subject="0190-bbbb")

    def shown(**params) -> set[int]:
        return set(seqs(auditor.get("/audit/", params).content.decode()))

    all_ = set(AuditEntry.objects.values_list("seq", flat=True))
    reads = set(
        AuditEntry.objects.filter(action="personal_data.read").values_list("seq", flat=True)
    )
    messages = set(
        AuditEntry.objects.filter(action__startswith="message.").values_list("seq", flat=True)
    )
    assert shown() == all_
    assert shown(action="personal_data.read") == reads
    assert shown(action="message.") == messages and len(messages) == 2
    assert shown(actor="kz-signatory") == {max(reads)}
    assert shown(subject="PERSON:2") == {max(reads)}  # contains, any case
    today = timezone.localdate()
    assert shown(date_from=today.isoformat(), date_to=today.isoformat()) == all_
    assert shown(date_to=(today - dt.timedelta(days=1)).isoformat()) == set()
    assert shown(date_from=(today + dt.timedelta(days=1)).isoformat()) == set()
    empty = auditor.get("/audit/", {"actor": "nobody"}).content.decode()
    assert "Нет записей, отвечающих условиям." in empty


def test_pages_of_the_log(auditor, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 3)
    for i in range(7):
        record("access.denied", subject=f"s{i}")
    last = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True)[0]
    first = auditor.get("/audit/").content.decode()
    assert seqs(first) == [last, last - 1, last - 2]
    older = re.search(r'href="(\?before=\d+)"', first).group(1)
    second = auditor.get("/audit/" + older).content.decode()
    assert seqs(second) == [last - 3, last - 4, last - 5]
    newer = re.search(r'href="(\?after=\d+)"', second).group(1)
    assert seqs(auditor.get("/audit/" + newer).content.decode()) == seqs(first)
    # Filters carry over to the next page.
    filtered = auditor.get("/audit/", {"action": "access.denied"}).content.decode()
    assert re.search(r'href="\?action=access.denied&amp;before=\d+"', filtered)


def test_everyone_who_read_a_persons_data(auditor, officers):
    case = draft(officers)
    person = case.persons.get()
    subject = f"caseperson:{person.pk}"
    # As the case pages and the API record them (migrex/persons/access.py).
    record_reads(officers["kz_operator"], [person], case=case)
    record_reads(officers["kz_operator"], [person], case=case)
    record_reads(officers["kz_signatory"], [person], case=case, via="api")
    read("kz-signatory", "caseperson:999", case.pk)  # another person
    response = auditor.get(f"/audit/subject/{subject}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Все, кто читал эти персональные данные" in html
    readers = response.context["readers"]
    assert [(r.actor, r.reads) for r in readers] == [("kz-signatory", 1), ("kz-operator", 2)]
    assert readers[0].via == ["API"] and readers[1].via == ["веб-интерфейс"]
    number = case.number or f"#{case.pk}"
    assert [c.label for c in readers[0].cases] == [number]
    assert str(officers["kz_operator"]) in html  # the officer's name beside the login
    assert "Оганесян" not in html  # who read, not what was read
    assert len(seqs(html)) == 3
    assert response.context["description"].startswith("Лицо по делу")


def test_a_subject_with_odd_characters(auditor):
    record("admin.change", subject="accounts.user:4", detail={"flag": "changed"})
    record("access.denied", subject="/api/v1/cases/1/letter.pdf", detail={"status": 403})
    html = auditor.get("/audit/").content.decode()
    assert 'href="/audit/subject/accounts.user:4/"' in html
    assert 'href="/audit/subject//api/v1/cases/1/letter.pdf/"' in html
    page = auditor.get("/audit/subject//api/v1/cases/1/letter.pdf/")
    assert page.status_code == 200 and len(seqs(page.content.decode())) == 1
