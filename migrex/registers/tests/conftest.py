"""Fixtures of the registers' tests: media in a temporary directory, notices as the other node
sends them, received through this node's real inbox (`both_nodes`, migrex/conftest.py), a
cooperation activity recorded, and the node's administrator with a new list of signatories as the
API and `migrex signatories create` take it."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from types import SimpleNamespace

import pytest

from migrex.agreements.models import Authority
from migrex.agreements.tests.conftest import PASSWORD
from migrex.cases.services import transition
from migrex.conftest import draft
from migrex.registers import cooperation
from migrex.registers.models import CooperationEvent

TEXT = "Закон о внесении изменений в Закон «О миграции». Статья 1. …".encode()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def from_by(both_nodes):
    """send(kind, payload, receiver="kz-mvd", conversation=None) → what this node's inbox said
    to a notice the Belarusian node sent as it was (no check on the sending side): its code
    (`accepted` or the refusal's) and the refusal's detail."""

    def send(kind: str, payload, *, receiver: str = "kz-mvd", conversation=None):
        reply = both_nodes.send_as_is(
            kind, payload, sender="by-mvd", receiver=receiver, conversation=conversation
        )
        if reply.status == 200:
            return SimpleNamespace(code=reply.code, detail="")
        return SimpleNamespace(**both_nodes.refusal(reply))

    return send


def legislation_payload(**over) -> dict:
    """A `legislation_notice` of the Belarusian node, as it sends one (§13.6)."""
    body = {
        "article": "4",
        "title": "Указ о порядке предоставления убежища",
        "adopted_on": "2026-02-01",
        "in_force_on": "2026-04-01",
        "summary": "Новые сроки рассмотрения ходатайств об убежище.",
        "party": "BY",
        "text": {
            "name": "ukaz.txt",
            "content_type": "text/plain",
            "sha256": hashlib.sha256(TEXT).hexdigest(),
            "content": base64.b64encode(TEXT).decode(),
        },
    }
    return body | over


def add(officers, agreement, **over) -> CooperationEvent:
    """A cooperation activity (Art. 7) recorded by KZ's signatory: a working group in Minsk,
    its fields replaced by `over`."""
    values = {
        "actor": officers["kz_signatory"],
        "agreement": agreement,
        "kind": "working_group",
        "title": "Рабочая группа по трудовой миграции",
        "starts_on": dt.date(2026, 3, 10),
        "ends_on": dt.date(2026, 3, 12),
        "place": "Минск",
        "authorities": list(Authority.objects.filter(code__in=["kz-labour", "by-mvd"])),
        "people": ["Иванов И. И.", " ", "Петров П. П."],
        "outcomes": "Согласован план обмена статистикой.",
    }
    return cooperation.record_event(**(values | over))


@pytest.fixture
def admin(officers, make_user):
    """KZ's node administrator, who enters and sends its lists of signatories (Art. 9.4)."""
    return make_user("kz-admin", "kz-mvd", "administrator")


def signatory_entry(**over) -> dict:
    """An entry of KZ's new list: the signatory of `officers`, linked to their account."""
    body = {
        "full_name": "Нурланов Нурлан",
        "position": "Заместитель министра",
        "authority": "kz-mvd",
        "valid_from": "2026-01-01",
        "valid_to": None,
        "account": "kz-signatory",
    }
    return body | over


def signatory_list(**over) -> dict:
    """KZ's new list of two, from 1 January 2026, its fields replaced by `over`."""
    body = {
        "agreement": "kz-by-2019",
        "effective_from": "2026-01-01",
        "note": "После изменения состава (ст. 9.4)",
        "signatories": [
            signatory_entry(),
            signatory_entry(full_name="Серіков Серік", authority="kz-labour", account=None),
        ],
    }
    return body | over


def submitted(officers):
    """A request of KZ's operator, submitted: waiting for a signatory's signature (Art. 9.3)."""
    case = draft(officers)
    transition(case=case, action="submit", actor=officers["kz_operator"])
    return case


def sign(case, user):
    """`user` signs `case` with the tests' password, as the sign form does (Art. 9.3)."""
    return transition(
        case=case, action="sign", actor=user, data={"password": PASSWORD}, confirmed=True
    )
