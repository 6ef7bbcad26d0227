"""`migrex consents list|show|ask|grant|refuse` (Art. 11.2–11.3): as one officer, with the pages'
permissions, Russian first or as the API's JSON, audited as the page's actions."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from migrex.audit.models import AuditEntry
from migrex.persons.models import Consent


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("consents", *args, stdout=out)
    return out.getvalue()


def ask(dataset, *more: str) -> str:
    return run(
        "ask",
        "--user",
        "by-operator",
        "--dataset",
        str(dataset.message_id),
        "--use",
        "export",
        "--purpose",
        "Передача в суд",
        *more,
    )


@pytest.fixture
def asked(officers, dataset, deliver) -> Consent:
    ask(dataset)
    deliver()
    return Consent.objects.get(side=Consent.Side.PROVIDER)


def test_ask_by_the_datasets_message_id_and_list_in_russian_first(officers, dataset):
    made = json.loads(ask(dataset, "--json"))
    assert (made["side"], made["status"], made["provider"]) == (
        "asked_by_us",
        "requested",
        "kz-mvd",
    )
    assert AuditEntry.objects.get(action="consent.requested").actor == "by-operator"
    text = run("list", "--user", "by-operator")
    assert "запрошено этим узлом / asked_by_us" in text
    assert "ожидает решения представившей Стороны / requested" in text
    assert "by-mvd → kz-mvd  выгрузка за пределы системы (ст. 11.2, 11.4)" in text
    assert "«Передача в суд»" in text
    listed = json.loads(run("list", "--user", "by-operator", "--json", "--side", "asked_of_us"))
    assert listed == []


def test_ask_refused_for_an_officer_who_does_not_see_the_data(officers, make_user, dataset):
    make_user("by-auditor", "by-mvd", "auditor")
    with pytest.raises(CommandError, match=r"personal_data_withheld.*ст. 11.4"):
        ask_as(dataset, "by-auditor")
    with pytest.raises(CommandError, match="not found"):
        ask_as(dataset, "kz-operator")
    with pytest.raises(CommandError, match=r"invalid_text \[purpose\]"):
        ask(dataset, "--purpose", " ")
    assert not Consent.objects.exists()


def ask_as(dataset, username: str) -> str:
    return run(
        "ask",
        "--user",
        username,
        "--dataset",
        str(dataset.pk),
        "--use",
        "other_purpose",
        "--purpose",
        "Статистика",
    )


def test_the_providers_supervisor_grants_and_the_decision_is_shown(officers, asked):
    text = run("grant", str(asked.pk), "--user", "kz-signatory", "--until", "2099-12-31")
    assert "согласие дано / granted" in text
    assert "до / until 2099-12-31" in text
    assert AuditEntry.objects.get(action="consent.granted").actor == "kz-signatory"
    shown = json.loads(run("show", str(asked.pk), "--user", "kz-signatory", "--json"))
    assert (shown["status"], shown["in_force"], shown["decidable"]) == ("granted", True, False)
    with pytest.raises(CommandError, match="consent_decided"):
        run("refuse", str(asked.pk), "--user", "kz-signatory", "--reason", "Нет")


def test_the_providers_supervisor_refuses_with_reasons(officers, asked):
    with pytest.raises(CommandError, match=r"invalid_text \[reason\]"):
        run("refuse", str(asked.pk), "--user", "kz-signatory", "--reason", " ")
    text = run("refuse", str(asked.pk), "--user", "kz-signatory", "--reason", "Цель иная")
    assert "причины / reasons: Цель иная" in text
    entry = AuditEntry.objects.get(action="consent.refused")
    assert entry.detail["reasons"] is True  # given, kept in the consent, not quoted (Art. 11.5)
    assert "Цель иная" not in str(entry.detail)


@pytest.mark.parametrize(
    ("who", "message"),
    [("kz-operator", "forbidden"), ("kz-labour-operator", "not found"), ("nobody", "no active")],
)
def test_no_one_else_decides(officers, asked, who, message):
    with pytest.raises(CommandError, match=message):
        run("grant", str(asked.pk), "--user", who, "--until", "2099-12-31")
    with pytest.raises(CommandError, match=message):
        run("refuse", str(asked.pk), "--user", who, "--reason", "Нет")
    asked.refresh_from_db()
    assert asked.status == "requested"
