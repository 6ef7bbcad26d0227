"""The officer's page of e-mail notifications, reached from the header of every page."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from migrex.notify import services
from migrex.notify.models import Mode, Preference

pytestmark = pytest.mark.django_db
URL = "/notifications/"


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_header_links_to_the_page_and_the_page_shows_the_choice(officers):
    user = officers["by_operator"]
    user.email = "by-operator@mail.test"
    user.save()
    client = client_of(user)
    home = client.get("/incoming/", follow=True).content.decode()
    assert f'href="{URL}"' in home and "Уведомления" in home
    page = client.get(URL).content.decode()
    assert "Уведомления по электронной почте" in page
    assert "by-operator@mail.test" in page
    assert re.search(r'<input type="radio" name="mode" value="immediate"[^>]* checked>', page)
    assert "за 10, 5 и 1 день" in page
    assert "08:00" in page
    assert 'id="no-address"' not in page


def test_an_officer_without_an_address_is_told_that_nothing_is_sent(officers):
    page = client_of(officers["kz_auditor"]).get(URL).content.decode()
    assert 'id="no-address"' in page
    assert "уведомления вам не направляются" in page


def test_the_choice_is_saved_and_a_wrong_one_is_refused_with_a_clear_error(officers):
    user = officers["kz_operator"]
    client = client_of(user)
    saved = client.post(URL, {"mode": "digest"}, follow=True)
    assert saved.status_code == 200
    assert "Настройка уведомлений сохранена." in saved.content.decode()
    assert services.mode_of(user) == Mode.DIGEST
    for wrong in ({"mode": "hourly"}, {}):
        refused = client.post(URL, wrong)
        assert refused.status_code == 422
        text = refused.content.decode()
        assert "Выберите" in text and 'class="error"' in text
    assert Preference.objects.get(user=user).mode == Mode.DIGEST


def test_the_page_needs_a_login():
    assert Client().get(URL).status_code == 302
