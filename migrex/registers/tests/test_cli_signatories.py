"""`migrex signatories list|show|create|send` (Art. 9.3, 9.4): what the API shows, Russian first
or as the API's JSON; entering and sending only as the node's administrator."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from migrex.agreements.models import SignatoryList
from migrex.audit.models import AuditEntry
from migrex.exchange.models import OutboxMessage
from migrex.registers.tests.conftest import signatory_list as new_list


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("signatories", *args, stdout=out)
    return out.getvalue()


def test_list_and_show_in_russian_first_and_as_the_apis_json(officers):
    text = run("list", "--theirs")
    assert "Перечень / list" in text and "BY, kz-by-2019, другой Стороны / theirs" in text
    assert "By-Supervisor — Заместитель министра, by-mvd" in text and "KZ," not in text
    lists = json.loads(run("list", "--json"))
    assert {item["party"] for item in lists} == {"KZ", "BY"}
    ours = SignatoryList.objects.get(party_id="KZ")
    one = json.loads(run("show", str(ours.pk), "--json"))
    assert one == next(item for item in lists if item["party"] == "KZ")
    assert one["signatories"][0]["account"] == "kz-signatory"
    with pytest.raises(CommandError, match="no list 999999"):
        run("show", "999999")


def test_the_administrator_enters_a_list_from_a_file_and_sends_it(admin, tmp_path):
    file = tmp_path / "list.json"
    file.write_text(json.dumps(new_list(), ensure_ascii=False), encoding="utf-8")
    text = run("create", str(file), "--user", "kz-admin")
    assert "в силе / in force" in text and "Серіков Серік — Заместитель министра" in text
    made = SignatoryList.objects.get(party_id="KZ", effective_from="2026-01-01")
    assert AuditEntry.objects.get(action="admin.change").detail["via"] == "command line"
    sent = run("send", str(made.pk), "--user", "kz-admin")
    assert f"Перечень {made.pk} направлен другой Стороне" in sent
    assert OutboxMessage.objects.filter(kind="authority_notice").count() == 2


def test_a_bad_file_names_the_field_and_enters_nothing(admin, tmp_path):
    file = tmp_path / "list.json"
    file.write_text(json.dumps(new_list(effective_from="01.01.2026")), encoding="utf-8")
    with pytest.raises(CommandError, match=r"effective_from: Value error, a date is YYYY-MM-DD"):
        run("create", str(file), "--user", "kz-admin")
    file.write_text(json.dumps(new_list(agreement="xx-yy-2000")), encoding="utf-8")
    with pytest.raises(CommandError, match=r"unknown_agreement \[agreement\]"):
        run("create", str(file), "--user", "kz-admin")
    file.write_text("{", encoding="utf-8")
    with pytest.raises(CommandError, match="no list entered"):
        run("create", str(file), "--user", "kz-admin")
    with pytest.raises(CommandError, match="No such file"):
        run("create", str(tmp_path / "missing.json"), "--user", "kz-admin")
    assert SignatoryList.objects.filter(party_id="KZ").count() == 1


def test_an_officer_who_is_not_the_administrator_neither_enters_nor_sends(officers, tmp_path):
    file = tmp_path / "list.json"
    file.write_text(json.dumps(new_list()), encoding="utf-8")
    with pytest.raises(CommandError, match="forbidden"):
        run("create", str(file), "--user", "kz-signatory")
    ours = SignatoryList.objects.get(party_id="KZ")
    with pytest.raises(CommandError, match=r"ст\. 9\.4"):
        run("send", str(ours.pk), "--user", "kz-operator")
    with pytest.raises(CommandError, match="no active user"):
        run("send", str(ours.pk), "--user", "nobody")
    assert not OutboxMessage.objects.exists()
