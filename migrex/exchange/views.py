"""The node's inbox over HTTP: the peer POSTs the JWE compact bytes, we answer with the signed
receipt (200) or the signed refusal (422/413). No session, no CSRF: the envelope authenticates.

A node without a valid key of its own can neither open a message nor sign a reply: it answers
503 with a plain JSON error (`node_not_configured`), which the sender takes as "try again"."""

import functools
import logging

import pydantic_core
from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from migrex.accounts.lockout import client_address
from migrex.core.proxy import CLIENT_CERT
from migrex.exchange import keys, peers
from migrex.exchange import ping as signed
from migrex.exchange.crypto import EnvelopeError
from migrex.exchange.envelope import MAX_WIRE_BYTES
from migrex.exchange.inbox import (
    MAX_BATCH,
    MAX_BATCH_BYTES,
    Caller,
    accept,
    accept_batch,
    accept_stream,
)
from migrex.exchange.keys import NoValidKey

CONTENT_TYPE = "application/jose"
NOT_A_BATCH = 'the body is not a JSON object {"envelopes": [...]}'
log = logging.getLogger("migrex.inbox")


def _needs_keys(view):
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NoValidKey as exc:
            log.error("%s refused: %s", request.path, exc)
            return _bad(503, str(exc), code="node_not_configured")

    return wrapped


@csrf_exempt
@require_POST
@_needs_keys
def inbox(request):
    # One byte over the limit is enough for open_() to refuse it as too_large.
    reply = accept(request.read(MAX_WIRE_BYTES + 1), caller=_caller(request))
    return HttpResponse(reply.body, status=reply.status, content_type=CONTENT_TYPE)


@csrf_exempt
@require_POST
@_needs_keys
def inbox_stream(request):
    """An envelope and the body it describes, streamed (docs/protocol.md §8.2): a dataset."""
    reply = accept_stream(request, caller=_caller(request))
    return HttpResponse(reply.body, status=reply.status, content_type=CONTENT_TYPE)


@csrf_exempt
@require_POST
@_needs_keys
def inbox_batch(request):
    """`{"envelopes": [JWE, …]}` → `{"replies": [{"status": 200, "token": JWS}, …]}` in the same
    order (docs/protocol.md §8.1). A body that is not such a batch gets 400 and a reason."""
    body = request.read(MAX_BATCH_BYTES + 1)
    if len(body) > MAX_BATCH_BYTES:
        return _bad(413, f"a batch is at most {MAX_BATCH_BYTES} bytes", code="too_large")
    try:
        # pydantic's parser stops at a nesting depth of a few hundred (a ValueError), where
        # json.loads would overflow the stack on `[[[[…` and answer 500.
        envelopes = pydantic_core.from_json(body)["envelopes"]
    except ValueError as exc:
        return _bad(400, f"{NOT_A_BATCH}: {str(exc).splitlines()[0][:200]}")
    except (KeyError, TypeError):
        return _bad(400, NOT_A_BATCH)
    if not isinstance(envelopes, list) or not all(isinstance(e, str) for e in envelopes):
        return _bad(400, "envelopes must be a list of JWE compact strings")
    if not 1 <= len(envelopes) <= MAX_BATCH:
        return _bad(400, f"a batch holds 1 to {MAX_BATCH} envelopes, not {len(envelopes)}")
    try:
        raws = [e.encode("ascii") for e in envelopes]
    except UnicodeEncodeError:
        return _bad(400, "a JWE compact serialization is ASCII")
    replies = [
        {"status": r.status, "token": r.body.decode()}
        for r in accept_batch(raws, caller=_caller(request))
    ]
    return JsonResponse({"replies": replies})


@csrf_exempt
@require_POST
@_needs_keys
def ping(request):
    """A peer's signed ping → this node's signed answer over its nonce (docs/protocol.md §8.3).
    Only a configured peer's ping is answered; nothing is stored or audited (a peer pings every
    few seconds while its operators watch it), and the answer says nothing but the two node ids,
    the nonce and the time."""
    body = request.read(signed.MAX_BYTES + 1)
    now = timezone.now()
    me = settings.MIGREX_NODE_ID
    try:
        caller = signed.sender_of(body)
        asked = signed.verify(
            body, typ=signed.PING_TYP, jwks=peers.sender_keys(caller), receiver=me, now=now,
            sender=caller,
        )  # fmt: skip
    except EnvelopeError as exc:
        log.debug("ping refused: %s", exc)  # the caller learns why; no log flood from strangers
        return _bad(413 if exc.code == "too_large" else 400, exc.detail, code=exc.code)
    why = peers.client_certificate_refusal(asked.sender, request.META.get(CLIENT_CERT))
    if why:
        return _bad(403, why, code="client_certificate")
    answer = signed.sign(
        typ=signed.PONG_TYP, sender=me, receiver=asked.sender, nonce=asked.nonce, at=now,
        signer=keys.signing_keys(now),
    )  # fmt: skip
    return HttpResponse(answer, content_type=CONTENT_TYPE)


def _caller(request) -> Caller:
    return Caller(client_address(request), request.META.get(CLIENT_CERT))


def _bad(status: int, reason: str, code: str = "malformed") -> JsonResponse:
    """An unsigned error: `code` as in docs/protocol.md §7, `error` says what is wrong."""
    return JsonResponse({"code": code, "error": reason}, status=status)
