"""The 403, 404 and 500 pages are in Russian inside the node's layout: 403 and 404 with the
officer's navigation, 500 without touching the database (which may be what failed)."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.utils import translation


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_a_page_that_does_not_exist_says_so_in_russian_with_the_navigation(officers):
    response = signed_in(officers["kz_operator"]).get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "<h1>Страница не найдена</h1>" in page
    assert 'class="boxes"' in page and "Входящие" in page  # the navigation
    assert "Not Found" not in page


@pytest.mark.django_db
def test_a_page_not_open_to_the_role_says_so_in_russian_with_the_navigation(officers):
    response = signed_in(officers["kz_operator"]).get("/audit/")  # auditors only
    page = response.content.decode()
    assert response.status_code == 403
    assert "<h1>Отказ в доступе</h1>" in page
    assert 'class="boxes"' in page
    assert "403 Forbidden" not in page


def test_the_server_error_page_is_russian_and_reads_no_database():
    # No django_db mark: pytest-django fails any database access here.
    with translation.override("ru"):
        page = render_to_string("500.html")
    assert "<h1>Ошибка сервера</h1>" in page
    assert "Server Error" not in page
