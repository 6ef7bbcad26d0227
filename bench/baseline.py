"""The exchange benchmarks' baseline server: the node's own stack (its settings, database,
middleware and waitress, as `migrex serve` runs them) answering two bench-only routes that store
what they are sent with no cryptography, no checks and no case work, so that a benchmark can show
what the exchange's guarantees cost. Started by the benchmarks with a node's environment:

    python -m bench.baseline --port PORT

The routes exist only in this process, never in the node itself.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import tempfile

from django.http import HttpResponse, JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST


@csrf_exempt
@require_POST
def stored(request):
    """The same payload as plain JSON, stored as an inbox row."""
    from migrex.exchange.models import InboxMessage

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


@csrf_exempt
@require_POST
def copied(request):
    """The same JSON Lines in the clear, written to a file as they arrive; no parsing."""
    with tempfile.TemporaryFile() as out:
        while block := request.read(1 << 20):
            out.write(block)
        return JsonResponse({"bytes": out.tell()})


urlpatterns = [path("baseline", stored), path("baseline/stream", copied)]


def main() -> None:
    parser = argparse.ArgumentParser(description="the exchange benchmarks' baseline server")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--threads", type=int, default=8)  # as `migrex serve`
    args = parser.parse_args()
    import django
    from django.conf import settings
    from waitress import serve

    settings.ROOT_URLCONF = "bench.baseline"
    django.setup()
    from django.core.wsgi import get_wsgi_application

    from migrex.core import walcheckpoint

    walcheckpoint.start()  # as `migrex serve`

    serve(get_wsgi_application(), host="127.0.0.1", port=args.port, threads=args.threads)


if __name__ == "__main__":
    main()
