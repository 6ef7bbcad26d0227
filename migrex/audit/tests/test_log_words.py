"""The audit log says in words what its entries record: the action's label (its code only in a
tooltip), what the subject is, the details' names and a yes-or-no as a sentence (Art. 11.4)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from migrex.audit.services import record

pytestmark = pytest.mark.django_db


def shown(html: str) -> str:
    """The text a person reads: no tags, no attributes."""
    return " ".join(re.sub(r"<[^>]+>", " ", html.split("<main", 1)[1]).split())


def test_entries_read_as_russian_with_codes_in_tooltips_only(officers):
    record(
        "identity.failed",
        actor="kz-operator",
        subject="kz-operator",
        detail={"address": "10.0.0.7", "stage": "code", "locked": False},
    )
    record(
        "personal_data.read",
        actor="kz-operator",
        subject="caseperson:17",
        detail={"case": None, "via": "ui", "agreement": "kz-by-2019"},
    )
    client = Client()
    client.force_login(officers["kz_auditor"])
    html = client.get("/audit/").content.decode()
    text = shown(html)
    assert "вход не заблокирован" in text and "этап: одноразовый код" in text
    assert "лицо по делу № 17" in text and "способ: веб-интерфейс" in text
    assert "соглашение: Соглашение между Правительством Республики Казахстан" in text
    for code in ("identity.failed", "personal_data.read", "caseperson:17", "locked", "False"):
        assert code not in text, code
    assert 'title="personal_data.read"' in html and 'title="caseperson:17"' in html
