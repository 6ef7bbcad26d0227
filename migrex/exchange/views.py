"""The node's inbox over HTTP: the peer POSTs the JWE compact bytes, we answer with the signed
receipt (200) or the signed refusal (422/413). No session, no CSRF: the envelope authenticates."""

import hashlib
import json

from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from migrex.exchange.envelope import MAX_WIRE_BYTES
from migrex.exchange.inbox import accept
from migrex.exchange.models import InboxMessage

CONTENT_TYPE = "application/jose"


@csrf_exempt
@require_POST
def inbox(request):
    # One byte over the limit is enough for open_() to refuse it as too_large.
    reply = accept(request.read(MAX_WIRE_BYTES + 1))
    return HttpResponse(reply.body, status=reply.status, content_type=CONTENT_TYPE)


@csrf_exempt
@require_POST
def bench_baseline(request):
    """The benchmark's baseline, routed only when MIGREX_BENCH_BASELINE=1: the same payload
    POSTed and stored as an inbox row with no cryptography, no checks and no case work, so
    `bench/exchange_throughput.py` can show what the exchange's guarantees cost."""
    body = request.read()
    message = json.loads(body)
    InboxMessage.objects.create(
        message_id=message["message_id"],
        conversation_id=message["conversation_id"],
        sender_node=message["sender_node"],
        agreement=message["agreement"],
        kind=message["kind"],
        digest=hashlib.sha256(body).hexdigest(),
        signed="",
        receipt="",
        received_at=timezone.now(),
    )
    return HttpResponse(b'{"status":"stored"}', content_type="application/json")
