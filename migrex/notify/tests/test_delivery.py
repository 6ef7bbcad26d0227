"""Nothing lost, nothing sent twice: the daily digest, the mail server down and back, a run that
died with its claims, and a node without a mail server."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from migrex.cases.models import Case
from migrex.cases.services import transition
from migrex.conftest import send
from migrex.notify import collect, services
from migrex.notify import send as sending
from migrex.notify.models import Notice, Watermark
from migrex.notify.tests.conftest import body

pytestmark = pytest.mark.django_db

ALMATY = dt.timezone(dt.timedelta(hours=5))  # the node's time zone (settings.TIME_ZONE)


def at(day: int, hour: int, minute: int = 0):
    moment = dt.datetime(2026, 3, day, hour, minute, tzinfo=ALMATY)
    return time_machine.travel(moment, tick=False)


def news_for_the_author(addressed, deliver):
    """The requested side registers the request and asks for information: two events on the
    author's case."""
    ours, theirs = send(addressed, deliver)
    transition(case=theirs, action="register", actor=addressed["by_operator"])
    transition(
        case=theirs,
        action="request_information",
        actor=addressed["by_operator"],
        data={"text": "Уточните цель поездки."},
    )
    deliver()
    return Case.objects.get(pk=ours.pk), theirs


def test_the_digest_sends_one_mail_with_every_item_the_next_morning_and_nothing_again(
    smtp, addressed, deliver
):
    services.set_mode(user=addressed["kz_operator"], mode="digest")
    with at(2, 11):
        ours, _ = news_for_the_author(addressed, deliver)
        services.run()
    with at(2, 18):
        services.run()
    assert smtp.to("kz-operator@mail.test") == []  # nothing before the digest's hour
    assert Notice.objects.filter(user=addressed["kz_operator"], status="pending").count() == 2
    with at(3, 8, 1):
        services.run()
    mails = smtp.to("kz-operator@mail.test")
    assert len(mails) == 1
    text = body(mails[0])
    assert "Сводка уведомлений за 03.03.2026 (2)" in str(mails[0]["Subject"])
    assert text.count(f"https://migrex.example.kz/cases/{ours.pk}/") == 4  # 2 items, ru and en
    assert "Registered by the requested party." in text
    assert "Additional information requested." in text
    with at(3, 8, 2):
        services.run()
    with at(3, 20):
        services.run()
    assert len(smtp.to("kz-operator@mail.test")) == 1
    # The officers told at once had theirs at once.
    assert smtp.to("by-operator@mail.test")


def test_news_after_the_digest_hour_waits_for_the_next_digest(smtp, addressed, deliver):
    services.set_mode(user=addressed["kz_operator"], mode="digest")
    with at(2, 9):
        news_for_the_author(addressed, deliver)
        services.run()
    with at(3, 7, 59):
        services.run()
    assert smtp.to("kz-operator@mail.test") == []
    with at(3, 8):
        services.run()
    assert len(smtp.to("kz-operator@mail.test")) == 1


def test_mail_server_down_keeps_every_notice_for_the_next_run(smtp, addressed, deliver):
    smtp.stop()
    news_for_the_author(addressed, deliver)
    done = services.run()
    assert done.sent.failed and done.sent.mails == 0
    assert Notice.objects.filter(status="pending").count() == done.collected.notices > 0
    assert not Notice.objects.exclude(claim="").exists()  # the claims were given back
    with pytest.raises(CommandError, match="the mail server failed"):
        call_command("notify")
    smtp.start()
    done = services.run()
    assert done.sent.failed == "" and done.collected.notices == 0
    assert not Notice.objects.filter(status="pending").exists()
    assert len(smtp.to("kz-operator@mail.test")) == 2
    total = len(smtp.messages())
    assert total == Notice.objects.filter(status="sent").count()
    services.run()
    assert len(smtp.messages()) == total


def test_claims_of_a_run_that_died_lapse_and_are_sent_once(smtp, addressed, deliver):
    """A run killed after claiming leaves its claims; another run leaves them until LEASE has
    passed, then sends them."""
    with at(2, 10):
        news_for_the_author(addressed, deliver)
        collect.collect()
        died = dt.datetime(2026, 3, 2, 10, tzinfo=ALMATY)
        Notice.objects.update(claim="dead-run", claimed_at=died)
    with at(2, 10, 5):
        assert sending.deliver().mails == 0
    with at(2, 10, 11):
        sent = sending.deliver()
    assert sent.mails == Notice.objects.count() == len(smtp.messages())


def test_a_rescan_within_the_grace_sends_nothing_twice(smtp, addressed, deliver):
    """Events younger than GRACE are read again by each run (ids may commit out of order on
    PostgreSQL); the watermark passes them only once they are older."""
    with at(2, 10):
        news_for_the_author(addressed, deliver)
        first = services.run()
        assert Watermark.objects.get().event_id == 0
        again = services.run()
    assert again.collected.events == first.collected.events > 0
    assert again.collected.notices == again.sent.mails == 0
    with at(2, 10, 11):
        services.run()
    last = max(Case.objects.values_list("events__pk", flat=True))
    assert Watermark.objects.get().event_id == last


def test_a_node_without_a_mail_server_moves_past_the_history(settings, addressed, deliver):
    settings.EMAIL_HOST = ""
    with at(2, 10):
        news_for_the_author(addressed, deliver)
    with at(2, 11):
        call_command("notify")
        done = services.run()
    assert done.sent is None
    assert not Notice.objects.exists()
    assert Watermark.objects.get().event_id > 0
