"""What each log line of a request says about it: its request id, the officer, the case.

A middleware gives every request an id (the caller's `X-Request-ID` when it is a short safe token,
so a proxy's id follows the request across nodes; a new one otherwise), echoes it in the
response's `X-Request-ID`, and keeps the request in a context variable. A logging filter puts
`request_id`, `officer` (the username, once the request is authenticated) and `case` (the case's
registration number, set by the views that read one) on every record; the JSON formatter
(MIGREX_LOG_FORMAT=json, config/settings.py) writes them as fields.

No personal data in logs: the fields are identifiers of the request, the officer and the case,
and the request line logged here names the route's pattern (`cases/<int:pk>/`), never the path
or the query string, which for a search carry names. An exception is logged by its class and
frames, never its message (core/logsafe.py).
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from contextvars import ContextVar

from django.core.signals import request_finished
from django.utils.functional import empty

HEADER = "X-Request-ID"
SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")

_request: ContextVar = ContextVar("migrex_request", default=None)
_request_id: ContextVar[str] = ContextVar("migrex_request_id", default="")
_case: ContextVar[str] = ContextVar("migrex_case", default="")

log = logging.getLogger("migrex.request")


def request_id() -> str:
    return _request_id.get()


def set_case(number: str) -> None:
    """The case the current request is about, for its log lines (its registration number)."""
    _case.set(number)


def _clear(**_kwargs) -> None:
    # Cleared when the response is closed, not when the middleware returns: Django logs 4xx and
    # 5xx answers after the middleware chain, and those lines should carry the id too.
    _request.set(None)
    _request_id.set("")
    _case.set("")


request_finished.connect(_clear, dispatch_uid="migrex.core.logcontext.clear")


def officer() -> str:
    """The signed-in officer's username, without loading a user nobody has asked for yet (the
    filter runs inside database code too, which must not query again)."""
    request = _request.get()
    if request is None:
        return ""
    user = request.__dict__.get("user")
    if user is None:
        return ""
    wrapped = getattr(user, "_wrapped", user)  # AuthenticationMiddleware's lazy object
    if wrapped is empty or not getattr(wrapped, "is_authenticated", False):
        return ""
    return wrapped.get_username()


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get(HEADER, "")
        rid = given if SAFE_ID.fullmatch(given) else uuid.uuid4().hex
        request.request_id = rid
        _request.set(request)
        _request_id.set(rid)
        _case.set("")
        started = time.monotonic()
        response = self.get_response(request)
        response[HEADER] = rid
        match = getattr(request, "resolver_match", None)
        log.info(
            "%s %s %s %d ms",
            request.method,
            match.route if match is not None else "-",
            response.status_code,
            round((time.monotonic() - started) * 1000),
        )
        return response


class ContextFilter(logging.Filter):
    """Puts request_id, officer and case on every record (empty outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get()
        record.officer = officer()
        record.case = _case.get()
        return True
