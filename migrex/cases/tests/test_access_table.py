"""The access table (accounts/access.py), cell by cell: for each role, data kind and channel, a
user holding only that role asks the real page or endpoint for a request the Belarusian MVD
received, and gets it (with its `personal_data.read` entry where the table says audited) or not.
The README's table is the one the code holds (Art. 11.1, 11.4)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from migrex.accounts import access
from migrex.accounts.access import Channel, Data
from migrex.audit.models import AuditEntry
from migrex.cases.models import Case
from migrex.cases.tests.conftest import (
    FILES,
    JUSTIFICATION,
    PURPOSE,
    SUMMARY,
    grant,
    received_case,
)
from migrex.conftest import API, Api

pytestmark = pytest.mark.django_db


@dataclass
class World:
    case: Case  # the Belarusian copy: everything in it was received
    user: object

    def client(self) -> Client:
        client = Client()
        client.force_login(self.user)
        return client

    def reads(self, **detail) -> list[AuditEntry]:
        entries = AuditEntry.objects.filter(action="personal_data.read", actor=self.user.username)
        return [e for e in entries if all(e.detail.get(k) == v for k, v in detail.items())]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def world(officers, deliver, media, make_user) -> Callable[[str], World]:
    case = received_case(officers, deliver)

    def as_role(role: str) -> World:
        return World(case, make_user(f"by-only-{role}", "by-mvd", role))

    return as_role


# --- one probe per row of the table: True when the user got the data (and its entry) ----------


def _page(w: World) -> str:
    response = w.client().get(reverse("cases:detail", args=[w.case.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _api(w: World) -> dict:
    response = Api(w.user).get(f"/cases/{w.case.pk}")
    assert response.status_code == 200
    return response.json()


def metadata_page(w: World) -> bool:
    body = _page(w)
    return f"№ {w.case.their_number}" in body


def metadata_api(w: World) -> bool:
    body = _api(w)
    return body["their_number"] == w.case.their_number and body["status"] == w.case.status


def text_page(w: World) -> bool:
    body = _page(w)
    shown = [t in body for t in (SUMMARY, PURPOSE, JUSTIFICATION)]
    assert all(shown) or not any(shown)
    return all(shown)


def text_api(w: World) -> bool:
    body = _api(w)
    texts = (body["summary"], body["purpose"], body["justification"])
    if texts == (SUMMARY, PURPOSE, JUSTIFICATION):
        assert body["texts_withheld"] is False
        return True
    assert texts == (None, None, None) and body["other_information"] is None
    assert body["texts_withheld"] is True
    assert all(e["text"] is None for e in body["history"])
    return False


def _letter(w: World) -> bool:
    """The request letter through both doors: both given and recorded, or both refused."""
    ui = w.client().get(reverse("cases:letter", args=[w.case.pk]))
    api = Api(w.user).client.get(f"{API}/cases/{w.case.pk}/letter.pdf")
    if ui.status_code == 403:
        assert api.status_code == 403
        assert api.json()["errors"][0]["code"] == "personal_data_withheld"
        assert not w.reads()
        return False
    assert ui.status_code == api.status_code == 200
    assert ui["Content-Type"] == api["Content-Type"] == "application/pdf"
    person = w.case.persons.get()
    for via in ("ui-pdf", "api-pdf"):
        assert w.reads(via=via, case=w.case.pk, document="request_letter")
        subjects = {e.subject for e in w.reads(via=via)}
        assert subjects == {f"case:{w.case.pk}", f"caseperson:{person.pk}"}
    return True


def persons_page(w: World) -> bool:
    body = _page(w)
    if "Hovhannisyan" not in body:
        return False
    person = w.case.persons.get()
    return any(e.subject == f"caseperson:{person.pk}" for e in w.reads(via="ui"))


def persons_api(w: World) -> bool:
    body = _api(w)
    if body["persons"] is None:
        assert body["persons_withheld"] is True and not w.reads()
        return False
    assert body["persons"][0]["data"]["surname"]["latin"] == "Hovhannisyan"
    return bool(w.reads(via="api"))


def persons_export(w: World) -> bool:
    grant(w.case, use="export")
    url = reverse("persons:export", args=["case", w.case.pk])
    response = w.client().post(url, {"use": "export"})
    if response.status_code in (403, 404):
        assert not w.reads()
        return False
    assert response.status_code == 200 and response["Content-Type"] == "text/csv"
    assert "Hovhannisyan" in response.content.decode("utf-8-sig")
    (entry,) = w.reads(via="ui-export")
    assert entry.subject == f"case:{w.case.pk}" and entry.detail["case"] == w.case.pk
    return True


def _attachment(kind: Data) -> Callable[[World], bool]:
    def probe(w: World) -> bool:
        item = w.case.attachments.get(kind=kind)
        ui = w.client().get(reverse("cases:attachment", args=[w.case.pk, item.pk]))
        api = Api(w.user).client.get(f"{API}/cases/{w.case.pk}/attachments/{item.pk}")
        if ui.status_code == 403:
            assert api.status_code == 403 and not w.reads()
            return False
        assert ui.status_code == api.status_code == 200
        content = FILES[kind][1]
        assert b"".join(ui.streaming_content) == b"".join(api.streaming_content) == content
        for via in ("ui-attachment", "api-attachment"):
            (entry,) = w.reads(via=via)
            assert entry.subject == f"attachment:{item.pk}" and entry.detail["case"] == w.case.pk
            assert entry.detail["document"] == kind
        return True

    return probe


PROBES: dict[tuple[Data, Channel], Callable[[World], bool]] = {
    (Data.METADATA, Channel.PAGE): metadata_page,
    (Data.METADATA, Channel.API): metadata_api,
    (Data.TEXT, Channel.PAGE): text_page,
    (Data.TEXT, Channel.API): text_api,
    (Data.TEXT, Channel.PDF): _letter,
    (Data.PERSONS, Channel.PAGE): persons_page,
    (Data.PERSONS, Channel.API): persons_api,
    (Data.PERSONS, Channel.PDF): _letter,
    (Data.PERSONS, Channel.EXPORT): persons_export,
    **{(kind, Channel.ATTACHMENT): _attachment(kind) for kind in FILES},
}

CELLS = [(role, row) for row in access.TABLE for role in access.ROLES]


def test_every_row_of_the_table_has_its_probe():
    assert set(PROBES) == {(r.data, r.channel) for r in access.TABLE}


@pytest.mark.parametrize(
    ("role", "row"), CELLS, ids=[f"{role}-{row.data}-{row.channel}" for role, row in CELLS]
)
def test_access_cell(world, role, row):
    """Art. 11.4: the role gets the data through the channel exactly when the table says so;
    where it does and the row is audited, the read is recorded."""
    w = world(role)
    got = PROBES[(row.data, row.channel)](w)
    assert got == (role in row.roles), (role, row)
    assert got == access.role_allowed(role, row.data, row.channel)
    if got and row.audited:
        assert w.reads(case=w.case.pk)
    if not row.audited:
        assert all(e.detail.get("via") not in ("ui-pdf", "api-pdf") for e in w.reads())


def test_the_readme_table_is_the_code_table():
    readme = (Path(settings.BASE_DIR) / "README.md").read_text(encoding="utf-8")
    found = re.search(
        r"<!-- access-table -->\n(.*?)<!-- /access-table -->", readme, flags=re.DOTALL
    )
    assert found, "README.md lacks the access table between its markers"
    assert found.group(1) == access.markdown(), "regenerate: python -m migrex.accounts.access"


def test_a_user_without_a_role_is_denied_every_cell(make_user):
    nobody = make_user("by-nobody", "by-mvd")
    for r in access.TABLE:
        assert not access.allows(nobody, r.data, r.channel)
