"""Two real node processes (KZ and BY under kz-by-2019, migrex/shell/nodes.py) and a real SMTP
server: BY asks for additional information on KZ's request (Art. 10.1); the clarification
crosses over HTTP, and `migrex notify` on KZ mails the request's author, with the case number
and a link to the KZ node, and nothing of the person or of the question."""

from __future__ import annotations

import pytest

from migrex.notify.tests.conftest import body
from migrex.shell import nodes
from migrex.shell.scenario import PERSON, Scenario

pytestmark = pytest.mark.nodes

QUESTION = "Уточните дату въезда и пункт пропуска."


@pytest.fixture(scope="module")
def pair(tmp_path_factory, node_databases, mail_server):
    def configure(node: nodes.LocalNode) -> None:
        node.extra_env.update(mail_server.env())

    base = tmp_path_factory.mktemp("nodes")
    kz, by = nodes.pair(base, database_urls=tuple(node_databases), configure=configure)
    try:
        kz.start()
        by.start()
        yield kz, by
    finally:
        kz.stop()
        by.stop()


def test_a_clarification_from_the_other_node_mails_the_author(pair, mail_server):
    kz, by = pair
    kz.python(
        """
        from migrex.accounts.models import User
        User.objects.filter(username="kz-operator").update(email="kz-operator@kz.test")
        print("{}")
        """
    )
    story = Scenario(kz, by, out=lambda line: None)
    ours = story.send(
        story.draft(
            summary="Сведения о временном пребывании гражданина Армении Оганесяна А.",
            purpose="Проверка законности пребывания",
            justification="Материалы проверки № 17/2026",
            persons=[PERSON],
            topics=["citizens_in_other_state"],
        )
    )
    conversation = ours["conversation_id"]
    theirs = story.wait(story.by_op, conversation, "received")
    story.act(story.by_op, theirs, "register")
    story.act(story.by_op, theirs, "request_information", text=QUESTION)
    ours = story.wait(story.kz_op, conversation, "awaiting_information")

    said = kz.migrex("notify")
    assert "mail(s) sent" in said, said
    mails = mail_server.to("kz-operator@kz.test")
    clarification = [m for m in mails if "Additional information requested." in body(m)]
    assert len(clarification) == 1, [str(m["Subject"]) for m in mails]
    mail = clarification[0]
    text = body(mail)
    assert ours["number"] in str(mail["Subject"]) and ours["number"] in text
    assert f"{kz.url}/cases/{ours['id']}/" in text
    assert text.index("Запрошены дополнительные сведения") < text.index("Additional information")
    for secret in ("Оганесян", "Hovhannisyan", "Арам", "1990", "12345678", "въезда", "17/2026"):
        assert secret not in text and secret not in str(mail["Subject"]), secret
    # Nobody else on KZ has an address; a second run sends nothing more.
    assert {m["To"] for m in mail_server.messages()} == {"kz-operator@kz.test"}
    count = len(mail_server.messages())
    kz.migrex("notify")
    assert len(mail_server.messages()) == count
