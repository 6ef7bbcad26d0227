"""GET /metrics: the node's metrics for Prometheus, behind a bearer token.

No token configured (MIGREX_METRICS_TOKEN empty): the page does not exist (404). A request
without a bearer token is answered 401, one with another token 403; the token is compared in
constant time."""

import hmac

from django.conf import settings
from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

from migrex.shell.metrics import NodeCollector

registry = CollectorRegistry(auto_describe=False)
registry.register(NodeCollector())


@require_GET
def metrics(request):
    expected = settings.MIGREX_METRICS_TOKEN
    if not expected:
        raise Http404
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        response = HttpResponse("A bearer token is required.\n", status=401)
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    if not hmac.compare_digest(given.strip().encode(), expected.encode()):
        return HttpResponse("Wrong token.\n", status=403)
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
