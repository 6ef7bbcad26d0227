"""Signing in and posting forms over HTTP as a browser would (its cookies, each form's CSRF
token), for tests against real node processes."""

from __future__ import annotations

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request


def sign_in(url: str, username: str, password: str, opener=None) -> tuple[int, str]:
    opener = opener or urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    page = opener.open(url + "/login/", timeout=30).read().decode()
    return post_form(opener, url, "/login/", page, username=username, password=password)


def post_form(opener, url: str, path: str, page: str, **fields) -> tuple[int, str]:
    """The form of `page` (its CSRF token) posted to `path` with `fields`."""
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **fields}).encode()
    request = urllib.request.Request(url + path, data=body, headers={"Referer": url})  # noqa: S310
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()
