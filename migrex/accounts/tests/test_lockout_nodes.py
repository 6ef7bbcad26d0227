"""The lockout is counted in the database, so it holds across the node's web processes: failures
made on one process lock the username on another (two `migrex serve` on one database)."""

from __future__ import annotations

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request

import pytest

from migrex.shell.nodes import LocalNode

pytestmark = pytest.mark.nodes


def _login(url: str, username: str, password: str) -> tuple[int, str]:
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    page = opener.open(url + "/login/", timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": username, "password": password}
    ).encode()
    request = urllib.request.Request(url + "/login/", data=body, headers={"Referer": url})  # noqa: S310
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_failures_on_one_web_process_lock_the_username_on_another(tmp_path, node_databases):
    first = LocalNode("KZ", tmp_path / "kz", database_url=node_databases[0])
    first.prepare()
    second = LocalNode("KZ", tmp_path / "kz", database_url=node_databases[0])  # same database
    try:
        first.start(worker=False)
        second.start(worker=False)
        assert first.port != second.port
        password = first.logins["kz-operator"]
        for _ in range(5):
            status, page = _login(first.url, "kz-operator", "wrong password")
        assert status == 429 and "Слишком много неудачных попыток" in page
        status, page = _login(second.url, "kz-operator", password)
        assert status == 429, page[-2000:]
        assert re.search(r"повторите попытку в \d\d:\d\d", page)
        # Another officer is not affected, on either process.
        status, page = _login(second.url, "kz-auditor", first.logins["kz-auditor"])
        assert status == 200 and "Входящие" in page
    finally:
        first.stop()
        second.stop()
