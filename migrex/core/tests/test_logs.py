"""Log lines as JSON (MIGREX_LOG_FORMAT=json): time, level, request id, officer, case number, and
never the personal data a request handled."""

import io
import json
import logging

import pytest
from django.conf import settings
from django.test import Client
from pythonjsonlogger.json import JsonFormatter

from migrex.conftest import DRAFT, PERSON, Api, send
from migrex.core.logcontext import ContextFilter

# Whatever of the person's data could slip into a line.
pytestmark = pytest.mark.django_db

PERSONAL = ("Оганесян", "Hovhannisyan", "Арам", "Aram", "1990-01-05", "05.01.1990")


@pytest.fixture
def lines():
    """The JSON lines logged while the test runs, formatted as settings.LOGGING configures them."""
    options = {k: v for k, v in settings.LOGGING["formatters"]["json"].items() if k != "()"}
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter(**options))
    handler.addFilter(ContextFilter())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def test_a_log_line_is_json_with_the_request_fields(lines, officers):
    client = Client()
    client.force_login(officers["kz_operator"])
    response = client.get("/incoming/")
    assert response.status_code == 200
    rid = response["X-Request-ID"]
    [line] = [x for x in lines() if x["logger"] == "migrex.request"]
    assert {"time", "level", "logger", "message", "request_id", "officer", "case"} <= set(line)
    assert line["level"] == "INFO"
    assert line["request_id"] == rid
    assert line["officer"] == "kz-operator"
    assert line["message"].startswith("GET <box:name>/ 200 ")


@pytest.mark.parametrize(
    ("given", "echoed"),
    [("abc-123_x.y", True), ("a" * 64, True), ("a" * 65, False), ("x y", False), ("<s>", False)],
)
def test_a_safe_incoming_request_id_is_kept_and_echoed(lines, given, echoed):
    response = Client().get("/healthz", headers={"X-Request-ID": given})
    rid = response["X-Request-ID"]
    assert (rid == given) is echoed
    assert rid
    assert [x["request_id"] for x in lines() if x["logger"] == "migrex.request"] == [rid]


def test_the_case_number_is_on_the_lines_of_a_case_page(lines, officers, both_nodes, deliver):
    ours, _theirs = send(officers, deliver)
    client = Client()
    client.force_login(officers["kz_operator"])
    assert client.get(f"/cases/{ours.pk}/").status_code == 200
    [line] = [x for x in lines() if x["logger"] == "migrex.request"]
    assert ours.number
    assert line["case"] == ours.number
    assert line["message"].startswith("GET cases/<int:pk>/ 200 ")


def test_no_personal_data_in_the_lines_of_requests_that_handled_a_person(lines, officers):
    assert PERSON["data"]["surname"]["latin"] == "Hovhannisyan"
    api = Api(officers["kz_operator"])
    created = api.post("/cases", DRAFT)
    assert created.status_code in (200, 201), created.content
    client = Client()
    client.force_login(officers["kz_operator"])
    search = {"surname": "Hovhannisyan", "given_name": "Aram", "birth_date": "1990-01-05"}
    assert client.get("/persons/", search).status_code == 200
    logged = lines()
    assert [x["officer"] for x in logged if x["logger"] == "migrex.request"] == ["kz-operator"] * 2
    for line in logged:
        text = json.dumps(line, ensure_ascii=False)
        assert not [p for p in PERSONAL if p in text], text


def test_djangos_own_lines_of_a_request_carry_its_id(lines, officers):
    client = Client()
    client.force_login(officers["kz_operator"])
    response = client.get("/cases/999999/")
    assert response.status_code == 404
    [warning] = [x for x in lines() if x["logger"] == "django.request"]
    assert warning["level"] == "WARNING"
    assert warning["request_id"] == response["X-Request-ID"]
    assert warning["officer"] == "kz-operator"
