"""The channel pages: who may see, write and send (deny by default, 404 for another authority's
channel), Russian errors with their article, the graph page and its exports."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from django.utils import timezone

from migrex.agreements.models import Authority
from migrex.audit.models import AuditEntry
from migrex.cases.services import create_draft
from migrex.channels.messages import send_report
from migrex.channels.models import Channel, Individual, ReceivedReport
from migrex.conftest import PERSON
from migrex.exchange.models import OutboxMessage
from migrex.persons.models import Consent

pytestmark = pytest.mark.django_db


def test_an_operator_records_a_channel_and_an_individual_on_the_pages(client, officers):
    client.force_login(officers["kz_operator"])
    bad = client.post(
        "/channels/new/",
        {
            "name": "Канал",
            "route": "Алматы\nМинск",
            "active_from": "2025-02-01",
            "active_to": "2025-01-01",
        },
    )
    assert bad.status_code == 200 and "Окончание периода раньше его начала. (ст. 4)" in (
        bad.content.decode()
    )
    response = client.post(
        "/channels/new/",
        {"name": "Алматы — Минск", "route": "Алматы\n\n Минск \nБрест", "methods": "Визы"},
    )
    channel = Channel.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/channels/{channel.pk}/"
    assert channel.route == ["Алматы", "Минск", "Брест"] and channel.authority.code == "kz-mvd"
    url = f"/channels/{channel.pk}/participants/individual/"
    form = {
        "role": "organiser",
        "category": "temporary_stay",
        "surname_cyrillic": "Иванов",
        "documents": "N 12345678\nAB7654321",
        "citizenship": "KZ, BY",
        "residence_address": "г. Алматы",
        "phone": "+7 701 123 45 67",
    }
    wrong = client.post(url, {**form, "citizenship": "Нарния"})
    assert "«Нарния»: такой страны нет" in wrong.content.decode()
    assert not Individual.objects.exists()
    assert client.post(url, form).status_code == 302
    person = Individual.objects.get()
    assert person.data["identity_document"] == [
        {"series": "N", "number": "12345678"},
        {"number": "AB7654321"},
    ]
    assert person.data["citizenship"] == ["KZ", "BY"] and person.phone == "+7 701 123 45 67"
    page = client.get(f"/channels/{channel.pk}/").content.decode()
    assert "Иванов" in page and "Брест" in page and "N 12345678" in page
    edit = client.get(f"{url}?id={person.pk}").content.decode()
    assert "AB7654321" in edit and 'value="Казахстан; Беларусь"' in edit  # names, not codes


def test_another_authority_never_sees_the_channel(client, officers, channels):
    client.force_login(officers["kz_labour"])  # an operator of the Ministry of Labour
    assert client.get(f"/channels/{channels[0].pk}/").status_code == 404
    assert client.get(f"/channels/{channels[0].pk}/edit/").status_code == 404
    assert "Алматы — Минск" not in client.get("/channels/").content.decode()
    data = client.get("/channels/graph.json").json()
    assert data["nodes"] == [] and data["networks"] == []


def test_only_signatories_and_supervisors_send_a_channel(client, officers, channels):
    form = {"agreement": "kz-by-2019", "receiver": Authority.objects.get(code="by-mvd").pk}
    url = f"/channels/{channels[0].pk}/send/"
    client.force_login(officers["kz_operator"])
    assert client.post(url, form).status_code == 403
    assert (
        "Отправить другой Стороне"
        not in client.get(f"/channels/{channels[0].pk}/").content.decode()
    )
    client.force_login(officers["kz_signatory"])
    assert client.post(url, form).status_code == 302
    message = OutboxMessage.objects.get(kind="channel_report")
    assert message.receiver_authority == "by-mvd"
    wrong = {**form, "receiver": Authority.objects.get(code="kz-labour").pk}
    response = client.post(url, wrong, follow=True)
    assert "Выберите корректный вариант" in response.content.decode()
    assert OutboxMessage.objects.filter(kind="channel_report").count() == 1


def test_the_graph_page_ranks_networks_and_shows_what_they_share(client, officers, channels):
    client.force_login(officers["kz_signatory"])
    page = client.get("/channels/graph/").content.decode()
    assert "Анализ связей каналов" in page and 'id="graph-data"' in page
    assert "+77011234567" in page and "г. Алматы, ул. Абая, д. 10, кв. 5" in page
    data = json.loads(
        page.split('id="graph-data" type="application/json">')[1].split("</script>")[0]
    )
    assert {n["kind"] for n in data["nodes"]} == {
        "person",
        "entity",
        "channel",
        "document",
        "address",
        "phone",
    }
    assert AuditEntry.objects.filter(action="channels.graph_built").exists()


def test_the_graph_exports_as_json_csv_and_graphml(client, officers, channels):
    client.force_login(officers["kz_operator"])
    data = client.get("/channels/graph.json").json()
    first = data["networks"][0]
    assert (first["parties"], first["channels"]) == (3, 2)
    assert sorted(first["shared"]) == ["address:г алматы ул абая д 10 кв 5", "phone:77011234567"]
    assert data["networks"][1]["parties"] == 1 and data["networks"][1]["shared"] == []
    csv = client.get("/channels/graph.csv")
    assert csv["Content-Type"].startswith("text/csv") and "uses_phone" in csv.content.decode()
    assert 'filename="channels-graph.csv"' in csv["Content-Disposition"]
    graphml = client.get("/channels/graph.graphml").content.decode()
    assert graphml.startswith("<?xml") and "Иванов Сергей" in graphml


def test_persons_of_requests_join_the_analysis_and_each_read_is_audited(
    client, officers, channels, agreement
):
    """Art. 11.4: who read which person record, and through what."""
    create_draft(
        actor=officers["kz_operator"],
        agreement=agreement,
        requested_authority=Authority.objects.get(code="by-mvd"),
        summary="Проверка",
        purpose="Цель",
        justification="Основание",
        persons=[PERSON],
    )
    client.force_login(officers["kz_operator"])
    without = client.get("/channels/graph.json").json()
    assert not [n for n in without["nodes"] if n["id"].startswith("person:case:")]
    assert not AuditEntry.objects.filter(action="personal_data.read").exists()
    data = client.get("/channels/graph.json?with=cases").json()
    assert [n["label"] for n in data["nodes"] if n["id"].startswith("person:case:")] == [
        "Оганесян Арам"
    ]
    read = AuditEntry.objects.get(action="personal_data.read")
    assert read.detail["via"] == "channels-graph" and read.actor == "kz-operator"


def test_auditors_have_no_channel_pages(client, officers):
    client.force_login(officers["kz_auditor"])
    for url in ("/channels/", "/channels/graph/", "/channels/graph.csv", "/channels/new/"):
        assert client.get(url).status_code == 403


def test_a_participant_is_changed_in_place(client, officers, channels):
    person = Individual.objects.get(data__surname__cyrillic="Петров")
    url = f"/channels/{channels[1].pk}/participants/individual/?id={person.pk}"
    client.force_login(officers["kz_operator"])
    form = {
        "role": "organiser",
        "category": "expelled",
        "surname_cyrillic": "Петров",
        "documents": "AB 7654321",
        "phone": "+375 29 123 45 67",
    }
    assert client.post(url, form).status_code == 302
    person.refresh_from_db()
    assert (person.role, person.phone) == ("organiser", "+375 29 123 45 67")
    assert person.data == {
        "surname": {"cyrillic": "Петров"},
        "identity_document": [{"series": "AB", "number": "7654321"}],
    }
    other = f"/channels/{channels[0].pk}/participants/individual/?id={person.pk}"
    assert client.get(other).status_code == 404  # Petrov is not of channel A


def test_a_received_report_is_shown_to_the_receiving_authority_only(
    client, officers, channels, agreement, both_nodes
):
    message = send_report(
        channel=channels[0],
        actor=officers["kz_signatory"],
        agreement=agreement,
        receiver=Authority.objects.get(code="by-mvd"),
    )
    assert both_nodes.receive(message).code == "accepted"
    report = ReceivedReport.objects.get()
    client.force_login(officers["by_operator"])
    assert "Алматы — Минск — Варшава" in client.get("/channels/").content.decode()
    page = client.get(f"/channels/reports/{report.pk}/").content.decode()
    assert "Иванов" in page and "Брест" in page and "ТОО «Жол Тур»" in page
    assert "+7 (701)" not in page  # the individual's phone never left Kazakhstan
    graph = client.get("/channels/graph.json").json()
    assert {n["id"] for n in graph["nodes"] if n["kind"] == "channel"} == {f"channel:r:{report.pk}"}
    client.force_login(officers["kz_operator"])
    assert client.get(f"/channels/reports/{report.pk}/").status_code == 404


def test_received_persons_join_the_analysis_only_with_consent_to_another_purpose(
    client, officers, channels, received_dataset
):
    """Art. 11.2: data the other party provided serves the purpose it was provided for; link
    analysis is another purpose, so a received dataset joins the graph only under the
    provider's granted, unexpired consent to it."""
    received = received_dataset
    client.force_login(officers["by_operator"])

    def persons() -> list[str]:
        data = client.get("/channels/graph.json?with=datasets").json()
        return [n["id"] for n in data["nodes"] if n["id"].startswith("person:ds:")]

    assert persons() == []
    assert not AuditEntry.objects.filter(action="personal_data.read").exists()
    consent = Consent.objects.create(
        ref=uuid.uuid4(),
        side=Consent.Side.ASKED,
        agreement=received.agreement,
        requester=received.recipient,
        provider=received.provider,
        source_kind="dataset",
        source=received.message_id,
        use=Consent.Use.OTHER_PURPOSE,
        purpose="Анализ каналов незаконной миграции",
        status=Consent.Status.GRANTED,
        expires_on=timezone.localdate() + dt.timedelta(days=30),
    )
    assert len(persons()) == 60
    assert AuditEntry.objects.filter(action="personal_data.read").count() == 60
    consent.expires_on = timezone.localdate() - dt.timedelta(days=1)
    consent.save()
    assert persons() == []
