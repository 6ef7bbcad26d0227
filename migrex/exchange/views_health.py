"""`/readyz`: whether this node is ready to exchange (readiness.py), for monitoring.

Unauthenticated, like `/healthz`, so that a monitor needs no account; it therefore says only
which check passed and a coarse reason: no peer URL, node id or key id, no error text (which
could name hosts), no message counts or ages (which would show the traffic); the keys' remaining
days it does give, as the node's peer file publishes their end anyway. Its operator gets
the details from `migrex doctor` on the node's machine. The peers are pinged at most once per
`MIGREX_READY_PING_CACHE` seconds however often it is asked, so it cannot be used to hammer
them. It answers 200 when every check passes, 503 otherwise; a load balancer should keep to
`/healthz` (a peer that is down makes this node not ready, not unable to serve its officers)."""

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from migrex.exchange import readiness


@require_GET
@never_cache
def readyz(request):
    checks = readiness.run_all()
    ready = all(c.ok for c in checks)
    return JsonResponse(
        {
            "status": "ready" if ready else "not ready",
            "checks": [{"check": c.name, "status": c.status, "reason": c.reason} for c in checks],
        },
        status=200 if ready else 503,
    )
