"""The signatories register on two real nodes (Art. 9.3, 9.4): a list is "sent" only once the
other node took it from the exchange, "received" once this node holds the other party's; until
then each register says so, and the two registers never contradict each other (each claiming its
own list sent while the other has not received it)."""

from __future__ import annotations

import html
import http.cookiejar
import re
import time
import urllib.request

import pytest

from migrex.accounts.tests.web_forms import sign_in
from migrex.shell.nodes import LocalNode

pytestmark = pytest.mark.nodes


def register(node: LocalNode) -> dict[str, str]:
    """The register's duty row as the node's operator reads it: our cell, theirs, the state;
    and the names on the lists in force."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    username = f"{node.party.lower()}-operator"
    status, _page = sign_in(node.url, username, node.logins[username], opener)
    assert status == 200
    page = opener.open(node.url + "/registers/signatories/", timeout=30).read().decode()

    def text(pattern: str) -> str:
        found = re.search(pattern, page, re.S)
        words = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", found.group(1))).split())
        return re.sub(r" ([:,])", r"\1", words)

    return {
        "ours": text(r'<td class="ours">(.*?)</td>'),
        "theirs": text(r'<td class="theirs">(.*?)</td>'),
        "state": text(r'<td class="term nowrap">(.*?)</td>'),
        "lists": text(r'<section id="lists">(.*?)</section>'),
    }


def delivered(node: LocalNode) -> bool:
    return node.python(
        """
        from migrex.exchange.models import OutboxMessage
        print(json.dumps(not OutboxMessage.objects.exclude(status="delivered").exists()))
        """
    )


def test_each_register_says_truly_what_was_sent_and_received(tmp_path, node_databases):
    kz = LocalNode("KZ", tmp_path / "kz", 0, "Asia/Almaty", node_databases[0])
    by = LocalNode("BY", tmp_path / "by", 0, "Europe/Minsk", node_databases[1])
    for node in (kz, by):
        node.prepare()  # demo_setup: each party's list, with its signatory, on its own node
    try:
        kz.start(worker=False)
        by.start(worker=False)
        # Entered, not sent: neither claims its list sent, and the overdue figure is the one
        # of Art. 9.3 (45 days after entry into force on 3 December 2020: 17 January 2021).
        for node, other in ((kz, "Республика Беларусь"), (by, "Республика Казахстан")):
            row = register(node)
            assert "не отправлен" in row["ours"] and "отправлен 0" not in row["ours"], row
            assert f"{other}: не получен" in row["theirs"], row
            assert "просрочено на" in row["state"] and "ст. 9.3" in row["state"], row
            assert f"Подписант {node.party}" in row["lists"]  # our own list, with its names

        # Sent through the exchange, not delivered yet (the workers are not running).
        kz.trust(by)
        by.trust(kz)
        for node in (kz, by):
            node.migrex("demo_setup", "--send-lists")
        for node in (kz, by):
            row = register(node)
            assert "ожидает доставки с" in row["ours"] and "не получен" in row["theirs"], row

        # Delivered both ways: each says its list sent and the other's received, with names.
        kz.start()
        by.start()
        deadline = time.monotonic() + 120
        while not (delivered(kz) and delivered(by)):
            assert time.monotonic() < deadline, "the lists were not delivered"
            time.sleep(1)
        for node, other in ((kz, "BY"), (by, "KZ")):
            row = register(node)
            assert re.search(r"отправлен \d\d\.\d\d\.\d{4}", row["ours"]), row
            assert re.search(r"получен \d\d\.\d\d\.\d{4}", row["theirs"]), row
            assert "обменялись" in row["state"] and "просрочено" not in row["state"], row
            assert (
                f"Подписант {node.party}" in row["lists"] and f"Подписант {other}" in row["lists"]
            )
    finally:
        kz.stop()
        by.stop()
