"""The node's inbox over HTTP: the peer POSTs the JWE compact bytes, we answer with the signed
receipt (200) or the signed refusal (422/413). No session, no CSRF: the envelope authenticates."""

from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from migrex.exchange.envelope import MAX_WIRE_BYTES
from migrex.exchange.inbox import accept

CONTENT_TYPE = "application/jose"


@csrf_exempt
@require_POST
def inbox(request):
    # One byte over the limit is enough for open_() to refuse it as too_large.
    reply = accept(request.read(MAX_WIRE_BYTES + 1))
    return HttpResponse(reply.body, status=reply.status, content_type=CONTENT_TYPE)
