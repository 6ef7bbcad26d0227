"""Log lines as JSON (MIGREX_LOG_FORMAT=json): time, level, request id, officer, case number, and
never the personal data a request handled — nor an exception's message, which may quote it."""

import io
import json
import logging

import pytest
from django.conf import settings
from django.test import Client
from django.utils.module_loading import import_string

from migrex.conftest import DRAFT, PERSON, Api, send
from migrex.core.logcontext import ContextFilter

# Whatever of the person's data could slip into a line.
pytestmark = pytest.mark.django_db

PERSONAL = ("Оганесян", "Hovhannisyan", "Арам", "Aram", "1990-01-05", "05.01.1990")


def _handler(name: str) -> tuple[logging.Handler, io.StringIO]:
    """A handler with the formatter settings.LOGGING names `name`, writing to a string."""
    options = dict(settings.LOGGING["formatters"][name])
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(import_string(options.pop("()"))(**options))
    return handler, stream


@pytest.fixture
def lines():
    """The JSON lines logged while the test runs, formatted as settings.LOGGING configures them."""
    handler, stream = _handler("json")
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


def test_an_error_a_request_ends_in_is_logged_by_its_frames_not_its_message(lines, monkeypatch):
    """Django logs a 500 with its traceback: the frames and the exception's class are there,
    the message — which can quote what the request carried — is not."""

    def broken(*args, **kwargs):
        raise ValueError("invalid literal for int() with base 10: 'Оганесян'")

    monkeypatch.setattr("migrex.core.views.JsonResponse", broken)
    assert Client(raise_request_exception=False).get("/healthz").status_code == 500
    [line] = [x for x in lines() if x["logger"] == "django.request"]
    assert line["level"] == "ERROR"
    assert "migrex/core/views.py" in line["exc_info"] and "in healthz" in line["exc_info"]
    assert "\nValueError\n" in line["exc_info"]
    assert "Оганесян" not in json.dumps(line, ensure_ascii=False)


def test_the_plain_lines_withhold_the_message_too_even_one_another_handler_cached():
    handler, stream = _handler("plain")
    try:
        raise KeyError("Оганесян")
    except KeyError as exc:
        record = logging.LogRecord("migrex.x", logging.ERROR, __file__, 1, "failed", None, None)
        record.exc_info = (type(exc), exc, exc.__traceback__)
    record.exc_text = "KeyError: 'Оганесян'"  # as the default formatter of another handler left it
    handler.handle(record)
    written = stream.getvalue()
    assert written.startswith("failed\nTraceback (most recent call last):\n")
    assert "test_logs.py" in written and "\nKeyError\n" in written
    assert "Оганесян" not in written
