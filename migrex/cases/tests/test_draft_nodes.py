"""The draft form with real node processes: a KZ operator drafts a request over HTTP in the web
UI, with a residence permit and an entry ban (Art. 6), the citizenship by its Russian name and
dates as Russian writes them; KZ's signatory signs (Art. 9.3) and the request crosses to BY, whose
API holds the same record and whose case page shows it in Russian."""

from __future__ import annotations

import http.cookiejar
import re
import time
import urllib.parse
import urllib.request

import pytest

from migrex.exchange.tests.conftest import pair, running  # noqa: F401 - fixtures
from migrex.shell.nodes import Api, LocalNode

pytestmark = pytest.mark.nodes

BY_MVD = "Министерство внутренних дел Республики Беларусь"


class Officer:
    """An officer's browser without the browser: cookies, the CSRF token, forms posted."""

    def __init__(self, node: LocalNode, username: str):
        self.node = node
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        self.post("/login/", {"username": username, "password": node.logins[username]})

    def get(self, path: str) -> str:
        with self.opener.open(self.node.url + path, timeout=30) as response:
            return response.read().decode()

    def post(self, path: str, form: dict) -> tuple[str, str]:
        """Post `form` as the page at `path` would; return the final URL and the page."""
        page = self.get(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **form}, doseq=True)
        request = urllib.request.Request(  # noqa: S310 - our own node's http URL
            self.node.url + path, data=body.encode(), headers={"Referer": self.node.url}
        )
        with self.opener.open(request, timeout=30) as response:
            return response.url, response.read().decode()


def _option(page: str, select: str, text: str) -> str:
    html = page.split(f'name="{select}"', 1)[1].split("</select>", 1)[0]
    return re.search(rf'<option value="(\d+)"[^>]*>[^<]*{re.escape(text)}', html)[1]


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_permit_and_an_entry_ban_drafted_in_the_form_reach_the_other_node(running):  # noqa: F811
    kz, by = running
    operator = Officer(kz, "kz-operator")
    form = operator.get("/cases/new/")
    url, page = operator.post(
        "/cases/new/",
        {
            "agreement": _option(form, "agreement", "Беларусь"),
            "requested_authority": _option(form, "requested_authority", BY_MVD),
            "summary": "Проверка разрешения на проживание",
            "purpose": "Установление законности проживания",
            "justification": "Материалы проверки № 18/2026",
            "topics": ["citizens_in_other_state"],
            "confidential": "on",
            "persons-a1-category": "residence_permit",
            "persons-a1-surname_cyrillic": "Сулейменов",
            "persons-a1-given_name_cyrillic": "Ерлан",
            "persons-a1-sex": "M",
            "persons-a1-birth_date": "14.03.1985",
            "persons-a1-citizenship": "Казахстан",
            "persons-a1-residence_permit_kind": "permanent",
            "persons-a1-residence_permit_number": "ВНЖ-77",
            "persons-a1-residence_permit_issued_on": "01.02.2021",
            "persons-a1-entry_ban_decided_on": "14.03.2024",
            "persons-a1-entry_ban_authority": "МВД Республики Казахстан",
            "persons-a1-entry_ban_until": "14.03.2029",
        },
    )
    found = re.search(r"/cases/(\d+)/$", url)
    assert found, _text(page)[:3000]
    case_id = found[1]
    ours = Api(kz, "kz-operator").ok("POST", f"/cases/{case_id}/actions/submit", {})
    Api(kz, "kz-signatory").ok(
        "POST", f"/cases/{case_id}/actions/sign", {"password": kz.logins["kz-signatory"]}
    )

    by_api = Api(by, "by-operator")
    deadline, theirs = time.monotonic() + 60, None
    while theirs is None and time.monotonic() < deadline:
        items = by_api.ok("GET", "/cases?limit=200")["items"]
        theirs = next((c for c in items if c["conversation_id"] == ours["conversation_id"]), None)
        time.sleep(0.2)
    assert theirs is not None, "the request did not reach BY"
    data = by_api.ok("GET", f"/cases/{theirs['id']}")["persons"][0]["data"]
    assert data["citizenship"] == ["KZ"] and data["birth_date"] == "1985-03-14"
    assert data["residence_permit"] == [
        {"kind": "permanent", "number": "ВНЖ-77", "issued_on": "2021-02-01"}
    ]
    assert data["entry_ban"] == [
        {"decided_on": "2024-03-14", "authority": "МВД Республики Казахстан", "until": "2029-03-14"}
    ]

    shown = _text(Officer(by, "by-operator").get(f"/cases/{theirs['id']}/"))
    assert "Сулейменов Ерлан" in shown and "мужской" in shown and "14.03.1985" in shown
    assert "Казахстан" in shown
    assert "Разрешение на проживание: постоянное, № ВНЖ-77, выдано 01.02.2021" in shown
    assert (
        "Запрет на въезд: решение от 14.03.2024, МВД Республики Казахстан, до 14.03.2029" in shown
    )
    assert "1985-03-14" not in shown and "permanent" not in shown
