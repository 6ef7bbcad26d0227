"""Persons listed to an officer read as Russian writes them: sex in words (мужской), dates as
19.07.1962, countries by name (Армения; Казахстан), never M/F, ISO dates or codes; the search
takes a date as an officer types it."""

from __future__ import annotations

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def _rows(html: str) -> str:
    table = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", table))


def test_search_results_show_sex_dates_and_countries_in_russian(held, officers):
    client = Client()
    client.force_login(officers["by_operator"])
    response = client.get("/persons/", {"surname": "Оганесян", "birth_date": "19.07.1962"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'value="19.07.1962"' in body and 'placeholder="дд.мм.гггг"' in body
    rows = _rows(body)
    assert "Карен" in rows and "мужской" in rows and "19.07.1962" in rows
    assert "Армения; Казахстан" in rows and "05.01.1990" in rows
    assert not re.search(r"\b(M|F|KZ|AM)\b|\d{4}-\d{2}-\d{2}", rows), rows


def test_a_dataset_lists_its_persons_in_russian(held, officers):
    client = Client()
    client.force_login(officers["by_operator"])
    body = client.get(f"/datasets/{held.pk}/").content.decode()
    rows = _rows(body)
    assert "женский" in rows and "30.11.1979" in rows and "Беларусь" in rows
    assert not re.search(r"\b(M|F|KZ|BY|AM)\b|\d{4}-\d{2}-\d{2}", rows), rows
