"""Who may reach what: every URL pattern of the UI and every operation of the JSON API, requested
as anonymous and as each role, against an explicit table (OWASP ASVS 4.1.3, 4.2.1; Art. 11.4:
protection from unauthorised access). Deny by default: a URL or operation missing from the
table fails the test, so a new one cannot arrive without a decision on who may use it.

The officers are of the Kazakhstan Ministry of Internal Affairs, which owns the case; `other`
is an operator of another competent authority (the Ministry of Labour), to whom the case must
not even exist (404, Art. 11.1).
"""

from __future__ import annotations

import re
import uuid

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from migrex.accounts import tokens
from migrex.agreements.models import Authority, SignatoryList
from migrex.api import api
from migrex.cases import services
from migrex.conftest import DRAFT, PERSON
from migrex.persons.models import Consent

ROLES = ("anonymous", "operator", "signatory", "supervisor", "auditor", "other")

# Outcomes: "ok" 200; "login" redirected to the login page; "denied" 403; "hidden" 404 (the
# object is not visible to this user); "405" the method is not GET; "401" the API's
# unauthenticated. A tuple gives the outcome per role in ROLES order; a string, for all.
OK, LOGIN, DENIED, HIDDEN, NOT_GET, UNAUTH = "ok", "login", "denied", "hidden", "405", "401"
ENVELOPE = "envelope"  # authenticated by the signed envelope, never by a login

OFFICERS = (LOGIN, OK, OK, OK, OK, OK)

# --- the UI: route -> outcome per role -------------------------------------------------------
UI: dict[str, tuple[str, ...] | str] = {
    "healthz": OK,  # no data: for the load balancer
    # No login, the same coarse answer for everyone; 503 here: no keys, no worker.
    "readyz": "503",
    # No MIGREX_METRICS_TOKEN in the tests: absent for everyone; with one, only its bearer gets
    # in, never a session (shell/tests/test_metrics.py).
    "metrics": HIDDEN,
    "login/": (OK, "home", "home", "home", "home", "home"),  # signed in: nothing to do there
    "login/code/": LOGIN,  # only between the password and the code; otherwise back to login
    "login/enrol/": LOGIN,
    "logout/": NOT_GET,
    "i18n/setlang/": "home",  # Django's set_language: changes only on POST; GET goes home
    "": OFFICERS,  # the start page, «Требуют действия»
    "<box:name>/": OFFICERS,
    # The boxes' search: every officer among their authority's cases; the person field only
    # for those who see persons (cases/search.py, Art. 11.4).
    "cases/search/": OFFICERS,
    # Figures only, no personal data: supervisors, auditors, administrators (cases/reports.py).
    "reports/": (LOGIN, DENIED, OK, OK, OK, DENIED),
    "cases/new/": (LOGIN, OK, DENIED, DENIED, DENIED, OK),
    "cases/new/information/": (LOGIN, OK, DENIED, DENIED, DENIED, OK),
    # An empty row of the draft or answer form (htmx): no data, any officer of an authority of
    # the agreement.
    "cases/rows/person/": OFFICERS,
    "cases/rows/attachment/": OFFICERS,
    "cases/<int:pk>/": (LOGIN, OK, OK, OK, OK, HIDDEN),
    # Only its author edits a draft: the others are sent back to the case with that message.
    "cases/<int:pk>/edit/": (LOGIN, OK, "case", "case", "case", HIDDEN),
    "cases/<int:pk>/act/<slug:action>/": (LOGIN, OK, DENIED, DENIED, DENIED, HIDDEN),
    "cases/<int:pk>/request.pdf": (LOGIN, OK, OK, OK, DENIED, HIDDEN),
    "cases/<int:pk>/refusal.pdf": (LOGIN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN),
    # A draft has no answer nor clarification yet; its file is for everyone who sees the case,
    # the auditor's without personal data (Art. 11.4).
    "cases/<int:pk>/answer.pdf": (LOGIN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN),
    "cases/<int:pk>/clarifications/<int:event_id>.pdf": (LOGIN, *[HIDDEN] * 5),
    "cases/<int:pk>/case-file.pdf": (LOGIN, OK, OK, OK, OK, HIDDEN),
    "cases/<int:pk>/attachments/<int:attachment_id>/": (LOGIN, OK, OK, OK, DENIED, HIDDEN),
    "exchange/": (LOGIN, DENIED, OK, OK, DENIED, DENIED),
    "exchange/inbox": ENVELOPE,
    "exchange/inbox/batch": ENVELOPE,
    "exchange/inbox/stream": ENVELOPE,
    "exchange/ping": ENVELOPE,  # a peer's signed ping, as an envelope authenticates a message
    "persons/": (LOGIN, OK, OK, OK, DENIED, OK),  # search: officers who see persons
    "datasets/": (LOGIN, OK, OK, OK, DENIED, OK),  # received data: officers who see persons
    "datasets/<int:pk>/": (LOGIN, HIDDEN, HIDDEN, HIDDEN, DENIED, HIDDEN),  # none received here
    "received/<slug:kind>/<int:pk>/consent/": (LOGIN, NOT_GET, NOT_GET, NOT_GET, NOT_GET, NOT_GET),
    "received/<slug:kind>/<int:pk>/export/": (LOGIN, NOT_GET, NOT_GET, NOT_GET, NOT_GET, NOT_GET),
    "consents/": OFFICERS,
    "consents/<int:pk>/decide/": (LOGIN, NOT_GET, NOT_GET, NOT_GET, NOT_GET, NOT_GET),
    "audit/": (LOGIN, DENIED, DENIED, DENIED, OK, DENIED),
    "audit/subject/<path:subject>/": (LOGIN, DENIED, DENIED, DENIED, OK, DENIED),
    # Each officer's own choice of e-mail notifications: no data of anyone else.
    "notifications/": OFFICERS,
    "retention/": (LOGIN, DENIED, OK, OK, DENIED, DENIED),
    "retention/acts/<int:pk>.pdf": (LOGIN, DENIED, HIDDEN, HIDDEN, DENIED, DENIED),
    # Statistics (Art. 3.1.1): officers of the holding authority; no dataset is numbered
    # like the case; operators and supervisors import, supervisors and signatories send.
    "stats/": (LOGIN, OK, OK, OK, DENIED, OK),
    "stats/<int:pk>/": (LOGIN, HIDDEN, HIDDEN, HIDDEN, DENIED, HIDDEN),
    "stats/<int:pk>/send/": (LOGIN, *[NOT_GET] * 5),
    "stats/<int:pk>/data.csv": (LOGIN, HIDDEN, HIDDEN, HIDDEN, DENIED, HIDDEN),
    "stats/<int:pk>/sdmx.csv": (LOGIN, HIDDEN, HIDDEN, HIDDEN, DENIED, HIDDEN),
    "stats/<int:pk>/mirror/": (LOGIN, HIDDEN, HIDDEN, HIDDEN, DENIED, HIDDEN),
    # Registers (Art. 2, 4, 7, 9.3, 15): no personal data, any officer reads; supervisors write.
    "registers/legislation/": OFFICERS,
    "registers/legislation/new/": (LOGIN, DENIED, OK, OK, DENIED, DENIED),
    "registers/legislation/<int:pk>/text/": (LOGIN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN),
    "registers/cooperation/": OFFICERS,
    "registers/cooperation/calendar/": OFFICERS,
    "registers/cooperation/new/": (LOGIN, DENIED, OK, OK, DENIED, DENIED),
    "registers/signatories/": OFFICERS,
    # Illegal-migration channels (Art. 4): officers who work with cases, of their own authority;
    # operators write, signatories and supervisors send; no channel is numbered like the case.
    "channels/": (LOGIN, OK, OK, OK, DENIED, OK),
    "channels/new/": (LOGIN, OK, DENIED, DENIED, DENIED, OK),
    "channels/<int:pk>/": (LOGIN, HIDDEN, HIDDEN, HIDDEN, DENIED, HIDDEN),
    "channels/<int:pk>/edit/": (LOGIN, HIDDEN, DENIED, DENIED, DENIED, HIDDEN),
    "channels/<int:pk>/participants/<slug:kind>/": (LOGIN, HIDDEN, DENIED, DENIED, DENIED, HIDDEN),
    "channels/<int:pk>/participants/<slug:kind>/remove/": (LOGIN, *[NOT_GET] * 5),
    "channels/<int:pk>/send/": (LOGIN, *[NOT_GET] * 5),
    "channels/reports/<int:pk>/": (LOGIN, HIDDEN, HIDDEN, HIDDEN, DENIED, HIDDEN),
    "channels/graph/": (LOGIN, OK, OK, OK, DENIED, OK),
    "channels/graph.json": (LOGIN, OK, OK, OK, DENIED, OK),
    "channels/graph.csv": (LOGIN, OK, OK, OK, DENIED, OK),
    "channels/graph.graphml": (LOGIN, OK, OK, OK, DENIED, OK),
    "admin/*": LOGIN,  # Django's admin: staff only, see test_the_admin_is_for_staff_only
}

# --- the JSON API: (method, path) -> outcome per role -----------------------------------------
API_TABLE: dict[tuple[str, str], tuple[str, ...] | str] = {
    ("GET", "/api/v1/openapi.json"): OK,  # the published document, no data
    ("GET", "/api/v1/agreements"): (UNAUTH, OK, OK, OK, OK, OK),
    ("GET", "/api/v1/agreements/{code}"): (UNAUTH, OK, OK, OK, OK, OK),
    ("GET", "/api/v1/cases"): (UNAUTH, OK, OK, OK, OK, OK),
    ("POST", "/api/v1/cases"): (UNAUTH, "201", DENIED, DENIED, DENIED, "201"),
    ("GET", "/api/v1/cases/{case_id}"): (UNAUTH, OK, OK, OK, OK, HIDDEN),
    ("PATCH", "/api/v1/cases/{case_id}"): (UNAUTH, OK, DENIED, DENIED, DENIED, HIDDEN),
    ("POST", "/api/v1/cases/{case_id}/actions/{action}"): (
        UNAUTH,
        OK,
        DENIED,
        DENIED,
        DENIED,
        HIDDEN,
    ),
    ("POST", "/api/v1/cases/{case_id}/attachments"): (UNAUTH, "201", "409", "409", "409", HIDDEN),
    ("GET", "/api/v1/cases/{case_id}/attachments/{attachment_id}"): (
        UNAUTH,
        OK,
        OK,
        OK,
        DENIED,
        HIDDEN,
    ),
    ("GET", "/api/v1/persons/search"): (UNAUTH, "422", "422", "422", DENIED, "422"),  # no query
    ("GET", "/api/v1/cases/{case_id}/letter.pdf"): (UNAUTH, OK, OK, OK, DENIED, HIDDEN),
    ("GET", "/api/v1/cases/{case_id}/refusal.pdf"): (
        UNAUTH,
        HIDDEN,
        HIDDEN,
        HIDDEN,
        HIDDEN,
        HIDDEN,
    ),
    # Consents (Art. 11.2-11.3), as the pages: any officer of the authority reads its own; those
    # who see personal data ask; the provider's supervisors decide (a consent asked of KZ).
    ("GET", "/api/v1/consents"): (UNAUTH, OK, OK, OK, OK, OK),
    ("POST", "/api/v1/consents"): (UNAUTH, "201", "201", "201", HIDDEN, HIDDEN),
    ("GET", "/api/v1/consents/{consent_id}"): (UNAUTH, OK, OK, OK, OK, HIDDEN),
    ("POST", "/api/v1/consents/{consent_id}/grant"): (UNAUTH, DENIED, OK, OK, DENIED, HIDDEN),
    ("POST", "/api/v1/consents/{consent_id}/refuse"): (UNAUTH, DENIED, OK, OK, DENIED, HIDDEN),
    # Signatory lists (Art. 9.3, 9.4), as the page: any officer reads; only the node's
    # administrator (no role of this table) enters and sends.
    ("GET", "/api/v1/signatory-lists"): (UNAUTH, OK, OK, OK, OK, OK),
    ("GET", "/api/v1/signatory-lists/{list_id}"): (UNAUTH, OK, OK, OK, OK, OK),
    ("POST", "/api/v1/signatory-lists"): (UNAUTH, *[DENIED] * 5),
    ("POST", "/api/v1/signatory-lists/{list_id}/send"): (UNAUTH, *[DENIED] * 5),
    # Officers: only the node's administrator (no role of this table) lists, adds and disables.
    ("GET", "/api/v1/officers"): (UNAUTH, *[DENIED] * 5),
    ("POST", "/api/v1/officers"): (UNAUTH, *[DENIED] * 5),
    ("POST", "/api/v1/officers/{username}/disable"): (UNAUTH, *[DENIED] * 5),
}

# Bodies of the writes that take one (valid ones: what is tested is who may, not what).
BODIES: dict[tuple[str, str], dict] = {
    ("POST", "/api/v1/officers"): {
        "username": "kz-newcomer",
        "full_name": "Новиков Нурлан",
        "authority": "kz-mvd",
        "roles": ["operator"],
    },
    ("POST", "/api/v1/consents"): {"use": "export", "purpose": "Передача в суд"},
    ("POST", "/api/v1/consents/{consent_id}/grant"): {"expires_on": "2099-01-01"},
    ("POST", "/api/v1/consents/{consent_id}/refuse"): {"reason": "Цель не связана с запросом"},
    ("POST", "/api/v1/signatory-lists"): {
        "agreement": "kz-by-2019",
        "effective_from": "2026-01-01",
        "signatories": [
            {
                "full_name": "Иванов Иван",
                "position": "Министр",
                "authority": "kz-mvd",
                "valid_from": "2026-01-01",
            }
        ],
    },
}


# --- machinery ----------------------------------------------------------------------------------


def _routes(patterns=None, prefix: str = "") -> list[tuple[str, URLPattern]]:
    found = []
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            found += _routes(p.url_patterns, prefix + str(p.pattern))
        else:
            found.append((prefix + str(p.pattern), p))
    return found


def _ui_routes() -> set[str]:
    return {r for r, _ in _routes() if not r.startswith(("api/", "admin/"))}


def _api_operations() -> set[tuple[str, str]]:
    schema = api.get_openapi_schema()
    ops = {(m.upper(), path) for path, item in schema["paths"].items() for m in item}
    return ops | {("GET", "/api/v1/openapi.json")}


def _fill(route: str, values: dict[str, object]) -> str:
    return "/" + re.sub(
        r"<(?:\w+:)?(\w+)>|\{(\w+)\}", lambda m: str(values[m.group(1) or m.group(2)]), route
    ).lstrip("/")


def _outcome(response) -> str:
    status = response.status_code
    if status == 302:
        location = response["Location"]
        if location.startswith(("/login/", "/admin/login/")):
            return LOGIN
        if location in ("/", "/incoming/"):
            return "home"
        return "case" if re.fullmatch(r"/cases/\d+/", location) else f"302 {location}"
    return {200: OK, 403: DENIED, 404: HIDDEN, 405: NOT_GET, 401: UNAUTH}.get(status, str(status))


def _expected(row, role: str) -> str:
    return row if isinstance(row, str) else row[ROLES.index(role)]


@pytest.fixture
def world(officers, make_user, agreement):
    users = {
        "operator": officers["kz_operator"],
        "signatory": officers["kz_signatory"],
        "supervisor": make_user("kz-supervisor", "kz-mvd", "supervisor"),
        "auditor": officers["kz_auditor"],
        "other": officers["kz_labour"],
    }
    ui = {"anonymous": Client()}
    bearer = {"anonymous": Client()}
    for role, user in users.items():
        ui[role] = Client()
        ui[role].force_login(user)
        _, token = tokens.issue(user=user)
        bearer[role] = Client(headers={"Authorization": f"Bearer {token}"})

    def new_case():
        case = services.create_draft(
            actor=users["operator"],
            agreement=agreement,
            requested_authority=Authority.objects.get(code="by-mvd"),
            persons=[PERSON],
            summary="Проверка",
            purpose="Цель",
            justification="Основание",
        )
        attachment = services.add_attachment(
            case=case,
            actor=users["operator"],
            name="scan.pdf",
            content=b"%PDF-1.4 test",
            content_type="application/pdf",
        )
        # A consent BY asked of KZ for the persons of this case.
        consent = Consent.objects.create(
            ref=uuid.uuid4(),
            side=Consent.Side.PROVIDER,
            agreement=agreement,
            requester=Authority.objects.get(code="by-mvd"),
            provider=users["operator"].authority,
            source_kind="case",
            source=case.conversation_id,
            use="export",
            purpose="Передача в суд",
            asked_by="By-Operator",
        )
        return case, attachment, consent

    return {"users": users, "ui": ui, "api": bearer, "new_case": new_case}


def _values(case, attachment, consent) -> dict[str, object]:
    return {
        "pk": case.pk,
        "case_id": case.pk,
        "attachment_id": attachment.pk,
        "event_id": case.events.first().pk,  # its creation: no letter
        "consent_id": consent.pk,
        "list_id": SignatoryList.objects.get(party_id="KZ").pk,
        "action": "submit",
        "name": "incoming",
        "code": "kz-by-2019",
        "kind": "case",
        "subject": f"case:{case.pk}",
        "username": "kz-operator",
    }


# Query strings some views need to answer at all.
QUERY = {
    "cases/rows/person/": "?agreement={agreement}",
    "cases/rows/attachment/": "?agreement={agreement}",
}


def test_every_url_and_api_operation_has_an_expectation():
    assert _ui_routes() == {r for r in UI if r != "admin/*"}
    assert all(r.startswith("admin/") for r, _ in _routes() if r.startswith("admin/"))
    assert _api_operations() == set(API_TABLE)


def test_ui_matrix(world):
    case, attachment, consent = world["new_case"]()
    values = _values(case, attachment, consent)
    wrong = []
    for route, row in UI.items():
        if route == "admin/*" or row == ENVELOPE:
            continue
        url = _fill(route, values) + QUERY.get(route, "").format(agreement=case.agreement_id)
        for role in ROLES:
            got = _outcome(world["ui"][role].get(url))
            if got != _expected(row, role):
                wrong.append(f"GET {url} as {role}: {got}, table says {_expected(row, role)}")
    assert not wrong, "\n".join(wrong)


def _api_call(client: Client, method: str, url: str, path: str, case_id: int):
    from django.core.files.uploadedfile import SimpleUploadedFile

    if method == "GET":
        return client.get(url)
    if (method, path) in BODIES:
        body = BODIES[method, path]
        if path == "/api/v1/consents":
            body = {**body, "source": {"kind": "case", "id": case_id}}
        return client.post(url, body, content_type="application/json")
    if url.endswith("/attachments"):
        upload = SimpleUploadedFile("scan.pdf", b"%PDF-1.4 test", content_type="application/pdf")
        return client.post(url, {"file": upload, "kind": "document"})
    body = DRAFT if url.endswith("/cases") else {"summary": "Изменено"}
    if method == "PATCH":
        return client.patch(url, body, content_type="application/json")
    return client.post(
        url,
        body if method == "POST" and url.endswith("/cases") else {},
        content_type="application/json",
    )


def test_api_matrix(world):
    shared = world["new_case"]()
    wrong = []
    for (method, path), row in API_TABLE.items():
        for role in ROLES:
            # A write gets a draft of its own, so that one role's move does not change what
            # the next role finds.
            case, attachment, consent = world["new_case"]() if method != "GET" else shared
            url = _fill(path, _values(case, attachment, consent))
            response = _api_call(world["api"][role], method, url, path, case.pk)
            known = {201: "201", 409: "409", 422: "422"}
            got = known.get(response.status_code) or _outcome(response)
            if got != _expected(row, role):
                wrong.append(f"{method} {url} as {role}: {got}, table says {_expected(row, role)}")
    assert not wrong, "\n".join(wrong)


def test_the_api_refuses_a_signed_in_session_without_its_csrf_token(world):
    """The UI's session reaches the API too, but a write must carry the CSRF token."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["users"]["operator"])
    case, _, _ = world["new_case"]()
    assert client.get(f"/api/v1/cases/{case.pk}").status_code == 200
    response = client.patch(
        f"/api/v1/cases/{case.pk}", {"summary": "x"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "csrf_failed"


def test_exchange_inbox_answers_to_envelopes_not_to_logins(world):
    """/exchange/inbox* authenticate the sending node by its signed envelope, /exchange/ping by
    its signed ping (docs/protocol.md): a signed-in officer gets no further there than anyone
    else."""
    from migrex.exchange.keys import create_keys

    create_keys()  # the node's keys, with which it would open an envelope
    for route in (r for r, row in UI.items() if row == ENVELOPE):
        url = "/" + route
        answers = set()
        for role in ROLES:
            response = world["ui"][role].post(url, b"{}", content_type="application/json")
            assert 400 <= response.status_code < 500, (url, role, response.status_code)
            answers.add(response.status_code)
        assert len(answers) == 1, (url, answers)  # the same for every role


def test_the_admin_is_for_staff_only(world, make_user):
    """Django's admin guards all its URLs with one check (staff): officers of every role are
    sent to its login; a staff administrator gets in."""
    admin_routes = [r for r, _ in _routes() if r.startswith("admin/")]
    assert admin_routes and UI["admin/*"] == LOGIN
    urls = [
        "/admin/",
        "/admin/accounts/user/",
        f"/admin/accounts/user/{world['users']['operator'].pk}/change/",
    ]
    for url in urls:
        for role in ROLES:
            assert _outcome(world["ui"][role].get(url)) == LOGIN, (url, role)
    administrator = make_user("kz-admin", "kz-mvd", "administrator")
    administrator.is_staff = administrator.is_superuser = True
    administrator.save()
    client = Client()
    client.force_login(administrator)
    for url in urls:
        assert client.get(url).status_code == 200, url
