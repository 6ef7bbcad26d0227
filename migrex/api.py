"""The JSON API for national systems (mounted at /api/v1/ by config/urls.py).

Every operation requires authentication, by default: a bearer token (accounts.tokens) or, for the
browser UI, the Django session with its CSRF check. Every error answers in one shape,
{"errors": [{code, message_ru, message_en, article, field}]}, whatever raised it.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser
from ninja.renderers import JSONRenderer
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth

from migrex.accounts import idempotency, tokens
from migrex.agreements.api import router as agreements_router
from migrex.agreements.schema_errors import RuleUnknownError
from migrex.cases.api import router as cases_router
from migrex.core.errors import Invalid, MigrexError, Unauthenticated, invalid
from migrex.persons.api import router as persons_router
from migrex.persons.api_consents import router as consents_router
from migrex.registers.api import router as signatory_lists_router
from migrex.registers.api_officers import router as officers_router


class Utf8JSONRenderer(JSONRenderer):
    """Russian text as text, not \\u escapes: the working language is Russian (Art. 14) and the
    bodies are read by people too."""

    json_dumps_params = {"ensure_ascii": False}


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>` for national systems."""

    def authenticate(self, request: HttpRequest, token: str):
        user = tokens.authenticate(token)  # Unauthenticated for an expired or ended token
        if user is None:
            # A token was presented and is wrong, revoked or its user inactive: answer 401 now
            # rather than fall through to the session.
            raise AuthenticationError
        request.user = user
        return user


class SessionAuth(NinjaSessionAuth):
    """The browser UI's Django session; ninja checks CSRF on unsafe methods.

    The CSRF check runs only once there is a session user: without one there is nothing to forge,
    and the caller should hear 401 (not a CSRF 403).
    """

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None):
        user = request.user
        return user if user.is_authenticated and user.is_active else None


def _storable_text(data) -> None:
    """Every text of a parsed body or query, keys too, as the database can store it.

    NUL: PostgreSQL text cannot hold it, so it is refused at the door (400) on every database
    alike, as Django's form fields refuse it. A lone surrogate (`"\\ud800"` is valid JSON) has no
    UTF-8 encoding: a 422 naming the member, before any app sees it. Walked without recursion,
    as deep as the JSON parser let the body be.
    """
    stack = [(data, "")]
    while stack:
        value, path = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:
                raise HttpError(400, "text must not contain the NUL character (U+0000)")
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise invalid(
                    "text_not_utf8",
                    "Текст содержит символ, которого нет в UTF-8 (одиночный суррогат).",
                    "The text holds a character UTF-8 cannot encode (a lone surrogate).",
                    field=path.encode("utf-8", "backslashreplace").decode("utf-8") or None,
                ) from None
        elif isinstance(value, dict):
            for key, item in value.items():
                member = f"{path}.{key}" if path else str(key)
                stack.append((item, member))
                stack.append((key, member))
        elif isinstance(value, list):
            stack.extend((item, f"{path}[{i}]") for i, item in enumerate(value))


class ObjectParser(Parser):
    """Every request body of this API is a JSON object: `null`, a list or a number is refused
    (400) instead of being read as a body that gives no fields. Its text must be storable.

    ninja answers whatever this raises as 400 "Cannot parse request body", the error raised as
    its cause: `_http_error` below answers that cause instead."""

    def parse_body(self, request: HttpRequest) -> dict:
        data = super().parse_body(request)
        if not isinstance(data, dict):
            raise HttpError(400, "the body must be a JSON object")
        _storable_text(data)
        return data

    def parse_querydict(self, data, list_fields, request: HttpRequest) -> dict:
        parsed = super().parse_querydict(data, list_fields, request)
        _storable_text(parsed)
        return parsed


api = NinjaAPI(
    title="migrex API",
    version="1",
    description=(
        "Requests and information exchanged under bilateral migration-cooperation agreements. "
        "Authenticate with `Authorization: Bearer <token>` (`migrex token create USERNAME`); a "
        "token works `MIGREX_TOKEN_DAYS` (90) days and ends when its user's password changes. "
        "A signature (`sign`, `confirm`) takes the signatory's `password` and current one-time "
        "code `otp` (Art. 9.3). Send `Idempotency-Key: <up to 255 characters>` with a POST to "
        "make it safe to repeat: the same request again with the same key, within 24 hours, gets "
        "the first answer back (header `Idempotent-Replayed: true`) and is not done twice; the "
        "key with another request is 422 `idempotency_key_reused`, and while the first is still "
        "being answered 409 `idempotency_key_in_progress`. "
        "Errors: 401 unauthenticated (`unauthenticated`, `token_expired`, "
        "`token_ended_by_password_change`), 403 not allowed (`second_factor_required`, "
        "`second_factor_invalid`, …), 404 not found or not visible to you (Art. 11.1), 409 not "
        "allowed in the case's state, 422 invalid input; the body is "
        '`{"errors": [{code, message_ru, message_en, article, field}]}`.'
    ),
    urls_namespace="api-v1",
    # The interactive docs page loads Swagger UI from a CDN, which air-gapped government networks
    # cannot reach; the spec itself is served at /api/v1/openapi.json.
    docs_url=None,
    auth=[TokenAuth(), SessionAuth()],
    renderer=Utf8JSONRenderer(),
    parser=ObjectParser(),
)
# The first answer to a POST again for its Idempotency-Key: looked up once the user is known and
# the input valid, kept once the answer is made.
api.add_decorator(idempotency.claim, mode="operation")
api.add_decorator(idempotency.remember, mode="view")
api.add_router("/agreements", agreements_router)
api.add_router("/cases", cases_router)
api.add_router("/persons", persons_router)
api.add_router("/consents", consents_router)
api.add_router("/signatory-lists", signatory_lists_router)
api.add_router("/officers", officers_router)


def _errors(request, status: int, items: list[dict], **headers: str) -> HttpResponse:
    response = api.create_response(request, {"errors": items}, status=status)
    for name, value in headers.items():
        response[name] = value
    return response


def _one(code: str, ru: str, en: str, article: str | None = None, field: str | None = None):
    return {"code": code, "message_ru": ru, "message_en": en, "article": article, "field": field}


@api.exception_handler(MigrexError)
def _migrex_error(request, exc: MigrexError):
    return _errors(request, getattr(exc, "status", 422), [exc.as_dict()])


@api.exception_handler(Invalid)
def _invalid(request, exc: Invalid):
    return _errors(request, exc.status, [e.as_dict() for e in exc.errors])


@api.exception_handler(RuleUnknownError)
def _rule_unknown(request, exc: RuleUnknownError):
    return _errors(
        request,
        422,
        [
            _one(
                "rule_unknown",
                f"Правило соглашения {exc.profile_code} ({exc.path}) неизвестно: {exc.reason}",
                f"The rule {exc.path} of agreement {exc.profile_code} is not known: {exc.reason}",
            )
        ],
    )


@api.exception_handler(Http404)
def _not_found(request, exc: Http404):
    # The same answer for "does not exist" and "not yours": a case's existence is confidential
    # (Art. 11.1).
    return _errors(request, 404, [_one("not_found", "Не найдено.", "Not found.")])


@api.exception_handler(Unauthenticated)
def _token_ended(request, exc: Unauthenticated):
    return _errors(
        request,
        401,
        [exc.as_dict()],
        **{"WWW-Authenticate": 'Bearer realm="migrex", error="invalid_token"'},
    )


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc: AuthenticationError):
    return _errors(
        request,
        401,
        [
            _one(
                "unauthenticated",
                "Требуется действующий токен API или вход в систему.",
                "A valid API token or a signed-in session is required.",
            )
        ],
        **{"WWW-Authenticate": 'Bearer realm="migrex"'},
    )


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    cause = exc.__cause__  # what ObjectParser raised, if it did
    if isinstance(cause, Invalid):
        return _invalid(request, cause)
    if isinstance(cause, HttpError):
        exc = cause
    if exc.status_code == 403 and "CSRF" in exc.message:  # ninja's SessionAuth
        item = _one(
            "csrf_failed", "Проверка CSRF не пройдена.", "CSRF check failed.", field="X-CSRFToken"
        )
    elif exc.status_code == 400:  # ninja: a body that is not JSON
        item = _one("bad_request", f"Неверный запрос: {exc}.", f"Bad request: {exc}.")
    else:
        item = _one(f"http_{exc.status_code}", str(exc), str(exc))
    return _errors(request, exc.status_code, [item])


@api.exception_handler(ValidationError)
def _validation_error(request, exc: ValidationError):
    return _errors(request, 422, [_validation_item(e) for e in exc.errors])


def _validation_item(e: dict) -> dict:
    # ninja's location starts with where the value came from ("body", "query", "path", "form",
    # "file") and, for a JSON body, the handler's parameter name: neither is the client's field.
    loc = list(e.get("loc", ()))
    if loc[:1] == ["body"]:
        loc = loc[2:]
    elif loc[:1] in (["query"], ["path"], ["form"], ["file"], ["header"], ["cookie"]):
        loc = loc[1:]
    field = ""
    for part in loc:
        field += f"[{part}]" if isinstance(part, int) else (f".{part}" if field else str(part))
    message = e.get("msg", "invalid value")
    if e.get("type") == "missing":
        ru, en = "Обязательное поле.", "Field required."
    else:
        ru, en = f"Неверное значение: {message}.", f"Invalid value: {message}."
    return _one(str(e.get("type", "invalid")), ru, en, field=field or None)
