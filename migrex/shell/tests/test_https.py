"""HTTPS as operators deploy it: each node behind a real nginx running the shipped site
(contrib/nginx/migrex.conf) with a certificate from a CA made here, MIGREX_HTTPS=1, and the
peers' client certificates pinned (mutual TLS, docs/protocol.md §8.4). A request and its answer
cross over HTTPS; a peer that does not show the pinned certificate is refused, and nothing of
its message is stored."""

from __future__ import annotations

import http.client
import json
import ssl
import time
import urllib.error
import urllib.request

import pytest

from migrex.shell.nodes import LocalNode
from migrex.shell.scenario import PERSON, Scenario
from migrex.shell.tlsproxy import pair_behind_nginx

pytestmark = pytest.mark.nodes

# Quick retries, and enough of them (about 10 minutes at the cap) that a message refused until its
# peer is pinned right again is still pending when it is: on a busy machine the commands between
# the refusal and the new pin take longer than the 20 usual tries at half a second.
RETRIES = {
    "MIGREX_DELIVERY_BACKOFF": "0.05",
    "MIGREX_DELIVERY_BACKOFF_CAP": "0.5",
    "MIGREX_DELIVERY_ATTEMPTS": "1200",
}


@pytest.fixture(scope="module")
def nodes(tmp_path_factory, node_databases):
    base = tmp_path_factory.mktemp("https")
    kz, by, ca, proxies = pair_behind_nginx(base, tuple(node_databases), **RETRIES)
    try:
        for party, node in (("KZ", kz), ("BY", by)):
            proxies[party].start()
            node.start()
        yield kz, by, ca, proxies
    finally:
        for node in (kz, by):
            node.stop()
        for proxy in proxies.values():
            proxy.stop()


def _get(node: LocalNode, url: str) -> tuple[int, dict[str, str]]:
    """GET without following redirects: status and headers."""

    class Stay(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(
        Stay, urllib.request.HTTPSHandler(context=node.ssl_context())
    )
    try:
        with opener.open(url, timeout=10) as response:
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers)


def test_a_request_and_its_answer_cross_over_https(nodes):
    kz, by, _, proxies = nodes
    Scenario(kz, by, out=lambda *_: None).request_answered()
    # Officers too come in over HTTPS: the sign-in page sets Secure __Host- cookies and HSTS,
    # and the plain-HTTP port of the site sends them to HTTPS.
    status, headers = _get(kz, kz.url + "/login/")
    assert status == 200
    assert "__Host-csrftoken=" in headers["Set-Cookie"] and "Secure" in headers["Set-Cookie"]
    assert "max-age=" in headers["Strict-Transport-Security"]
    status, headers = _get(kz, f"http://127.0.0.1:{proxies['KZ'].http_port}/login/")
    assert status == 301 and headers["Location"].startswith("https://")


def _ping_without_client_certificate(kz: LocalNode, by: LocalNode) -> tuple[int, dict]:
    body = kz.python(
        """
        from django.utils import timezone
        from migrex.exchange import keys, ping
        token = ping.sign(typ=ping.PING_TYP, sender="KZ", receiver="BY", nonce=ping.new_nonce(),
                          at=timezone.now(), signer=keys.signing_keys(timezone.now()))
        print(json.dumps(token.decode()))
        """
    )
    host, port = by.url.removeprefix("https://").split(":")
    conn = http.client.HTTPSConnection(host, int(port), context=ssl.create_default_context(
        cafile=kz.extra_env["MIGREX_TLS_CA_FILE"]))  # fmt: skip
    conn.request("POST", "/exchange/ping", body.encode(), {"Content-Type": "application/jose"})
    response = conn.getresponse()
    return response.status, json.loads(response.read())


def test_a_peer_without_the_pinned_client_certificate_is_refused(nodes):
    kz, by, ca, _ = nodes
    # KZ's signed ping, on a TLS connection that shows no client certificate.
    status, answer = _ping_without_client_certificate(kz, by)
    assert (status, answer["code"]) == (403, "client_certificate")

    # BY now pins a certificate KZ does not hold: KZ's request is refused, nothing is stored.
    stranger, _ = ca.issue("stranger-client", server=False)
    by.migrex("peers", "pin", "KZ", str(stranger))
    scenario = Scenario(kz, by, out=lambda *_: None)
    case = scenario.draft(
        summary="Сведения о лице", purpose="Проверка", justification="Материалы", persons=[PERSON]
    )
    sent = scenario.send(case)
    refused = _wait_for_refusal(kz, sent["conversation_id"])
    assert "client_certificate" in refused
    assert scenario.find(scenario.by_op, sent["conversation_id"]) is None
    doctor = kz.migrex("doctor", check=False)
    assert "client certificate" in doctor

    # Pinned right again, the same message is delivered on the worker's next try.
    by.migrex("peers", "pin", "KZ", str(ca.directory / "KZ-client.crt"))
    assert scenario.wait(scenario.by_op, sent["conversation_id"], "received", timeout=60)


def _wait_for_refusal(kz: LocalNode, conversation: str, timeout: float = 20) -> str:
    """The last error KZ's worker recorded for the conversation's message."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        error = kz.python(
            """
            from migrex.exchange.models import OutboxMessage
            m = OutboxMessage.objects.filter(conversation_id=DATA).order_by("-created_at").first()
            print(json.dumps(m.last_error if m else ""))
            """,
            conversation,
        )
        if error:
            return error
        time.sleep(0.3)
    raise AssertionError(f"no refusal recorded for {conversation}")
