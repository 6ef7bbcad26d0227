"""Sessions end after 30 idle minutes (OWASP ASVS 3.3.2) and when the password changes
(ASVS 3.3.3); logout is audited."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.conf import settings
from django.test import Client

from migrex.audit.models import AuditEntry
from migrex.conftest import PASSWORD


def _logged_in_client(username: str) -> Client:
    client = Client()
    assert client.post("/login/", {"username": username, "password": PASSWORD}).status_code == 302
    return client


def test_a_session_ends_after_thirty_idle_minutes_and_activity_keeps_it(officers):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    start = dt.datetime(2026, 3, 2, 6, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        client = _logged_in_client("kz-operator")
        for _ in range(3):  # active every 20 minutes: an hour in all, still signed in
            clock.shift(dt.timedelta(minutes=20))
            assert client.get("/incoming/").status_code == 200
        clock.shift(dt.timedelta(minutes=31))
        response = client.get("/incoming/")
        assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_changing_the_password_ends_the_other_sessions(officers):
    client = _logged_in_client("kz-operator")
    assert client.get("/incoming/").status_code == 200
    user = officers["kz_operator"]
    user.set_password("a new and long passphrase")
    user.save()
    assert client.get("/incoming/").status_code == 302


def test_logout_is_a_post_and_is_audited(officers):
    client = _logged_in_client("kz-operator")
    assert client.get("/logout/").status_code == 405
    response = client.post("/logout/")
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert client.get("/incoming/").status_code == 302
    last = AuditEntry.objects.order_by("-seq").first()
    assert (last.action, last.actor) == ("logout", "kz-operator")


def test_pages_within_half_a_minute_refresh_the_expiry_once(officers):
    """A page refreshes the session's expiry in the database only when this process last did
    so REFRESH seconds ago or more: the pages between write nothing."""
    from django.contrib.sessions.models import Session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from migrex.accounts.sessions import REFRESH

    start = dt.datetime(2026, 3, 2, 6, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        client = _logged_in_client("kz-operator")
        key = client.cookies[settings.SESSION_COOKIE_NAME].value

        def page() -> int:
            with CaptureQueriesContext(connection) as queries:
                assert client.get("/incoming/").status_code == 200
            return sum('UPDATE "django_session"' in q["sql"] for q in queries.captured_queries)

        clock.shift(dt.timedelta(seconds=REFRESH))
        assert page() == 1
        expiry = Session.objects.get(session_key=key).expire_date
        clock.shift(dt.timedelta(seconds=REFRESH - 1))
        assert page() == 0
        assert Session.objects.get(session_key=key).expire_date == expiry
        clock.shift(dt.timedelta(seconds=1))
        assert page() == 1
        assert Session.objects.get(session_key=key).expire_date == expiry + dt.timedelta(
            seconds=REFRESH
        )
