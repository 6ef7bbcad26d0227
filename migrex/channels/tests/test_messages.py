"""A channel travels to the other party as a `channel_report` (Art. 4, 8) and is kept there as
it came; what does not fit the agreement is refused naming every wrong member."""

from __future__ import annotations

import pytest

from migrex.agreements.models import Agreement, Authority
from migrex.audit.models import AuditEntry
from migrex.cases.models import Case
from migrex.cases.services import create_draft, transition
from migrex.channels import messages
from migrex.channels.models import ReceivedReport
from migrex.conftest import PASSWORD
from migrex.core.errors import Invalid
from migrex.exchange.models import OutboxMessage

pytestmark = pytest.mark.django_db
PERSON = {
    "category": "expelled",
    "data": {
        "surname": {"cyrillic": "Петров", "latin": "Petrov"},
        "birth_date": "1988-02-03",
        "citizenship": ["BY"],
    },
}


def _send(channels, officers, **extra) -> OutboxMessage:
    return messages.send_report(
        channel=channels[0],
        actor=officers["kz_signatory"],
        agreement=Agreement.objects.get(code="kz-by-2019"),
        receiver=Authority.objects.get(code="by-mvd"),
        **extra,
    )


def test_a_channel_report_carries_the_channel_and_no_phone_of_an_individual(channels, officers):
    """Art. 6: a phone is not among the personal data that may be passed."""
    message = _send(channels, officers)
    assert (message.kind, message.sender_authority, message.receiver_authority) == (
        "channel_report",
        "kz-mvd",
        "by-mvd",
    )
    body = message.payload
    assert body["channel"]["route"] == ["Алматы", "Минск", "Брест", "Варшава"]
    assert body["in_reply_to"] is None and body["article"] == "4"
    assert body["entities"][0]["phone"] == "8 701 123 45 67"  # a legal entity's: not personal
    person = body["individuals"][0]
    assert set(person) == {"role", "category", "data"} and "phone" not in person["data"]
    assert "701" not in str(person)
    assert AuditEntry.objects.filter(action="channels.report_sent").count() == 1


def test_a_report_goes_only_to_an_authority_of_the_other_party(channels, officers):
    """Art. 2: between the competent authorities of the two parties."""
    with pytest.raises(Invalid) as exc:
        messages.send_report(
            channel=channels[0],
            actor=officers["kz_signatory"],
            agreement=Agreement.objects.get(code="kz-by-2019"),
            receiver=Authority.objects.get(code="kz-labour"),
        )
    assert (exc.value.errors[0].code, exc.value.errors[0].article) == ("unknown_authority", "2")
    assert not OutboxMessage.objects.exists()


def test_a_reply_must_answer_a_request_this_authority_received(channels, officers, deliver):
    """Art. 8: on request; the report joins the request's conversation."""
    asked = create_draft(
        actor=officers["by_operator"],
        agreement=Agreement.objects.get(code="kz-by-2019"),
        requested_authority=Authority.objects.get(code="kz-mvd"),
        summary="Сведения о каналах незаконной миграции",
        purpose="Пресечение канала",
        justification="Уголовное дело № 5",
        persons=[PERSON],
    )
    transition(case=asked, action="submit", actor=officers["by_operator"])
    signed = {"password": PASSWORD}  # opens the signatory's key (Art. 9.3)
    transition(
        case=asked, action="sign", actor=officers["by_supervisor"], data=signed, confirmed=True
    )
    deliver()
    ours = Case.objects.get(conversation_id=asked.conversation_id, owner__code="kz-mvd")
    transition(case=ours, action="register", actor=officers["kz_operator"])
    message = _send(channels, officers, in_reply_to=ours)
    assert message.conversation_id == ours.conversation_id
    with pytest.raises(Invalid) as exc:
        _send(channels, officers, in_reply_to=asked)  # Belarus's own copy
    assert exc.value.errors[0].code == "request_mismatch"


def test_the_receiver_keeps_the_report_as_it_came(channels, officers, both_nodes):
    message = _send(channels, officers)
    assert both_nodes.receive(message).code == "accepted"
    stored = ReceivedReport.objects.get()
    assert stored.payload == message.payload
    assert (stored.sender_authority, stored.receiver_authority) == ("kz-mvd", "by-mvd")
    entry = AuditEntry.objects.get(action="channels.report_received")
    assert entry.subject == str(message.id) and entry.detail["individuals"] == 1
    name = message.payload["channel"]["name"]
    assert name not in str(entry.detail)  # never quoted in the chained log (Art. 11.5)


def test_a_report_that_does_not_fit_the_schema_is_refused_naming_every_member(
    channels, officers, both_nodes
):
    """Art. 5, 6: a person of no category, or with a field outside the list (a phone), is
    refused before anything is kept, every wrong member named."""
    message = _send(channels, officers)
    body = message.payload
    body["entities"][0]["role"] = "boss"
    body["individuals"][0]["phone"] = "+7 701 123 45 67"
    body["individuals"].append({"role": "carrier", "category": "tourist", "data": {}})
    refusal = both_nodes.refusal(both_nodes.receive(message))
    assert refusal["code"] == "payload_invalid"
    for member in (
        "payload.entities[0].role",
        "payload.individuals[0].phone",
        "payload.individuals[1].category",
    ):
        assert member in refusal["detail"]
    assert not ReceivedReport.objects.exists()


def test_a_report_outside_the_agreement_is_refused_naming_what_is_wrong(
    channels, officers, both_nodes
):
    """Art. 4, 6: an empty place on the route, a person's data not of the Art. 6 form."""
    message = _send(channels, officers)
    message.payload["channel"]["route"] = ["Алматы", ""]
    message.payload["individuals"].append(
        {"role": "carrier", "category": "expelled", "data": {"x": 1}}
    )
    refusal = both_nodes.refusal(both_nodes.receive(message))
    assert refusal["code"] == "channel_report_invalid"
    assert "channel.route" in refusal["detail"] and "individuals[1].data" in refusal["detail"]
    assert not ReceivedReport.objects.exists()


def test_the_inbox_accepts_a_sealed_channel_report(channels, officers, both_nodes):
    """The whole way in: a signed, encrypted envelope from the Kazakh node to Belarus's."""
    message = _send(channels, officers)
    reply = both_nodes.receive(message)
    assert (reply.status, reply.code) == (200, "accepted")
    assert ReceivedReport.objects.get().message_id == message.id
    assert both_nodes.receive(message).code == "duplicate"
    assert ReceivedReport.objects.count() == 1
