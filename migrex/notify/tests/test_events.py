"""Who is mailed when something happens on a case, and what the mail says: the case number, what
happened and a link, Russian first with English below, and nothing of a person (Art. 11.1)."""

from __future__ import annotations

import pytest

from migrex.cases.models import Case
from migrex.cases.services import transition
from migrex.conftest import send
from migrex.notify import services
from migrex.notify.models import Notice
from migrex.notify.tests.conftest import body

pytestmark = pytest.mark.django_db

CLARIFICATION = "Уточните дату въезда в Республику Беларусь."
# What must never leave the node by mail: the person and the content of the request.
PERSONAL = (
    "Оганесян",
    "Hovhannisyan",
    "Арам",
    "1990",
    "12345678",
    "Проверка сведений",
    "Установление законности",
    "17/2026",
    "въезда",
)


def no_personal_data(message) -> None:
    text = str(message["Subject"]) + body(message)
    leaked = [word for word in PERSONAL if word in text]
    assert not leaked, leaked


def test_a_request_received_mails_the_officers_who_take_it_in(smtp, addressed, make_user, deliver):
    """The operators and supervisors of the receiving authority (they register it, Art. 10.1);
    not its auditor, not the requesting side."""
    auditor = make_user("by-auditor", "by-mvd", "auditor")
    auditor.email = "by-auditor@mail.test"
    auditor.save()
    ours, theirs = send(addressed, deliver)
    done = services.run()
    assert done.sent.failed == ""
    received = {m["To"]: m for m in smtp.messages()}
    assert set(received) == {"by-operator@mail.test", "by-supervisor@mail.test"}
    mail = received["by-operator@mail.test"]
    assert mail["From"] == "migrex@kz.test"
    subject = str(mail["Subject"]).strip()
    assert subject.startswith(f"migrex: Новый запрос: Запрос, № другой Стороны {ours.number} / ")
    assert subject.endswith(f"/ New request: Request, the other party's No. {ours.number}")
    text = body(mail)
    ru, en = text.split("————", 1)
    assert "Поступил запрос другой Стороны" in ru and "A request from the other party" in en
    assert f"https://migrex.example.kz/cases/{theirs.pk}/" in ru
    assert f"https://migrex.example.kz/cases/{theirs.pk}/" in en
    assert "https://migrex.example.kz/notifications/" in en
    no_personal_data(mail)
    # A second run finds the same event and sends nothing more.
    again = services.run()
    assert (again.collected.notices, again.sent.mails) == (0, 0)
    assert len(smtp.messages()) == 2


def test_a_clarification_mails_the_author_with_number_and_link(smtp, addressed, deliver):
    """Art. 10.1: the requested party asks for more information; the request's author (the KZ
    operator) is told, with the case number and a link, and not the text of the question."""
    ours, theirs = send(addressed, deliver)
    services.run()  # the BY officers learn of the request
    transition(case=theirs, action="register", actor=addressed["by_operator"])
    transition(
        case=theirs,
        action="request_information",
        actor=addressed["by_operator"],
        data={"text": CLARIFICATION},
    )
    deliver()
    ours = Case.objects.get(pk=ours.pk)
    assert ours.status == "awaiting_information"
    services.run()
    mails = smtp.to("kz-operator@mail.test")
    subjects = sorted(str(m["Subject"]) for m in mails)
    # The registration notice and the clarification: two events, two mails, to the author only.
    assert len(mails) == 2, subjects
    assert not smtp.to("kz-signatory@mail.test") and not smtp.to("kz-auditor@mail.test")
    clarification = next(m for m in mails if "Additional information requested" in body(m))
    text = body(clarification)
    assert ours.number in str(clarification["Subject"]) and ours.number in text
    assert f"https://migrex.example.kz/cases/{ours.pk}/" in text
    assert "Additional information requested." in text
    assert text.index("Запрос №") < text.index("Request No.")  # Russian first
    no_personal_data(clarification)


def test_information_provided_mails_those_who_must_answer(smtp, addressed, deliver):
    """On the executing side, the requester's answer to the question goes to the assigned
    officer and the supervisors (Art. 10.1, 10.4)."""
    ours, theirs = send(addressed, deliver)
    transition(
        case=theirs,
        action="register",
        actor=addressed["by_supervisor"],
        data={"assignee": addressed["by_operator"].pk},
    )
    transition(
        case=theirs,
        action="request_information",
        actor=addressed["by_operator"],
        data={"text": CLARIFICATION},
    )
    deliver()
    services.run()
    counted = {a: len(smtp.to(a)) for a in ("by-operator@mail.test", "by-supervisor@mail.test")}
    transition(
        case=Case.objects.get(pk=ours.pk),
        action="provide_information",
        actor=addressed["kz_operator"],
        data={"text": "Въезд 01.02.2026."},
    )
    deliver()
    services.run()
    for address, before in counted.items():
        mails = smtp.to(address)
        assert len(mails) == before + 1, address
    assert Notice.objects.filter(what="information", status="sent").count() == 2


def test_an_officer_without_an_address_or_with_mail_off_gets_nothing(smtp, addressed, deliver):
    by_operator = addressed["by_operator"]
    by_operator.email = ""
    by_operator.save()
    services.set_mode(user=addressed["by_supervisor"], mode="off")
    send(addressed, deliver)
    done = services.run()
    assert smtp.messages() == []
    assert done.collected.notices == 0 and done.sent.mails == 0
    assert not Notice.objects.exists()


def test_turned_off_after_the_event_drops_what_waits(smtp, addressed, deliver):
    """What was found while the officer was told at once, and is still unsent when they turn
    the mail off, is not sent."""
    smtp.stop()
    send(addressed, deliver)
    assert services.run().sent.failed
    services.set_mode(user=addressed["by_supervisor"], mode="off")
    smtp.start()
    done = services.run()
    assert [m["To"] for m in smtp.messages()] == ["by-operator@mail.test"]
    assert done.sent.dropped == 1
    assert Notice.objects.get(user=addressed["by_supervisor"]).status == "dropped"


def test_a_request_forwarded_mails_the_new_authority_once(smtp, addressed, make_user, deliver):
    """Art. 2: the authority that now holds the request is told it was forwarded to it; the
    first authority's officers, not told yet, are not told any more."""
    smtp.stop()
    border = make_user("by-border-operator", "by-border", "operator")
    border.email = "by-border-operator@mail.test"
    border.save()
    _, theirs = send(addressed, deliver)
    services.run()  # the mail server is down: the BY officers' notices wait
    transition(
        case=theirs,
        action="forward",
        actor=addressed["by_supervisor"],
        data={
            "authority": "by-border",
            "text": "Вопрос относится к ведению пограничного комитета.",
        },
    )
    smtp.start()
    services.run()
    assert [m["To"] for m in smtp.messages()] == ["by-border-operator@mail.test"]
    assert "A request was forwarded to your authority (Art. 2)." in body(smtp.messages()[0])
    assert Notice.objects.filter(status="dropped").count() == 2
