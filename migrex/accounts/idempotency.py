"""`Idempotency-Key` on the JSON API's POSTs: a national system that did not hear the answer sends
the request again with the same key, and gets the first answer (status and body) back instead of
a second case, a second signature, a second message.

The key belongs to the user who sent it and is kept a day (KEPT). The same key with another
method, path or body is refused (422 `idempotency_key_reused`); while the first request with it is
still being answered, the same one again is 409 `idempotency_key_in_progress`. An answer of 5xx,
401 or 429 is not kept: the request can be tried again with the same key. Nor is one marked
`Cache-Control: no-store` (a password shown once): the same request again is done again.

migrex/api.py wraps every operation with `claim` (after authentication and validation) and every
view with `remember`.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from migrex.accounts.models import IdempotentRequest
from migrex.core.errors import Conflict, invalid

HEADER = "Idempotency-Key"
KEPT = dt.timedelta(hours=24)
MAX_KEY = 255
NOT_KEPT = frozenset({401, 429})  # the request may well succeed when tried again


def _digest(request: HttpRequest) -> str:
    """SHA-256 of the body; of its fields and files for a multipart form, whose boundary differs
    each time it is sent."""
    sha = hashlib.sha256()
    if request.content_type == "multipart/form-data":
        for name in sorted(request.POST):
            for value in request.POST.getlist(name):
                sha.update(f"{name}={value}\n".encode())
        for name in sorted(request.FILES):
            for upload in request.FILES.getlist(name):
                sha.update(f"{name}:{upload.name}:".encode())
                for chunk in upload.chunks():
                    sha.update(chunk)
                upload.seek(0)
    else:
        sha.update(request.body)
    return sha.hexdigest()


def _key(request: HttpRequest) -> str | None:
    if request.method != "POST":
        return None
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not key.strip() or len(key) > MAX_KEY:
        raise invalid(
            "idempotency_key_invalid",
            f"Заголовок {HEADER}: от 1 до {MAX_KEY} символов.",
            f"The {HEADER} header is 1 to {MAX_KEY} characters.",
            field=HEADER,
        )
    return key


def _replay(record: IdempotentRequest) -> HttpResponse:
    response = HttpResponse(bytes(record.body), status=record.status)
    if record.content_type:
        response["Content-Type"] = record.content_type
    response["Idempotent-Replayed"] = "true"
    return response


def claim(view_func):
    """The first answer again if this request was answered already under its key; otherwise the
    key is taken for it (a row with no status yet) and the operation runs."""

    @functools.wraps(view_func)
    def wrapper(request: HttpRequest, *args, **kwargs):
        key = _key(request)
        user = getattr(request, "auth", None)
        if key is None or user is None or not getattr(user, "pk", None):
            return view_func(request, *args, **kwargs)
        digest, now = _digest(request), timezone.now()
        IdempotentRequest.objects.filter(created_at__lt=now - KEPT).delete()
        try:
            with transaction.atomic():
                record = IdempotentRequest.objects.create(
                    user=user,
                    key=key,
                    method=request.method,
                    path=request.path,
                    digest=digest,
                    created_at=now,
                )
        except IntegrityError:
            record = IdempotentRequest.objects.filter(user=user, key=key).first()
            if record is None:  # kept no longer between the two statements: take it again
                return wrapper(request, *args, **kwargs)
            if (record.method, record.path, record.digest) != (
                request.method,
                request.path,
                digest,
            ):
                raise invalid(
                    "idempotency_key_reused",
                    f"Ключ {HEADER} уже использован для другого запроса.",
                    f"The {HEADER} was already used for another request.",
                    field=HEADER,
                ) from None
            if record.status is None:
                raise Conflict(
                    "idempotency_key_in_progress",
                    "Запрос с этим ключом ещё выполняется: повторите позже.",
                    "The request with this key is still being answered: try again later.",
                    field=HEADER,
                ) from None
            return _replay(record)
        request._idempotent_request = record
        return view_func(request, *args, **kwargs)

    return wrapper


def remember(run):
    """Keep the answer to a request that claimed a key (or let the key go, if it is not kept)."""

    @functools.wraps(run)
    def wrapper(request: HttpRequest, *args, **kwargs):
        response = None
        try:
            response = run(request, *args, **kwargs)
        finally:
            record = getattr(request, "_idempotent_request", None)
            if record is not None:
                del request._idempotent_request
                status = getattr(response, "status_code", 500)
                if (
                    status >= 500
                    or status in NOT_KEPT
                    or getattr(response, "streaming", False)
                    or "no-store" in response.get("Cache-Control", "")
                ):
                    record.delete()
                else:
                    record.status = status
                    record.content_type = response.get("Content-Type", "")
                    record.body = response.content
                    record.save(update_fields=["status", "content_type", "body"])
        return response

    return wrapper
