"""The officers' load test (officers_load.py):
an officer's browser, signed in over HTTPS, filling the UI's forms."""

from __future__ import annotations

import http.client
import re
import ssl
import threading
import time
import urllib.parse
from html.parser import HTMLParser
from pathlib import Path

from bench._officers_measure import (
    Stats,
)
from bench._officers_setup import (
    Account,
)
from migrex.accounts import totp

# --- an officer's browser ------------------------------------------------------------------------


class Forms(HTMLParser):
    """The forms of a page as a browser submits them: action, method and fields (checked boxes
    only, each select's chosen options, textareas)."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: dict | None = None
        self._textarea: list | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"action": a.get("action") or "", "method": a.get("method") or "get"}
            self._form["fields"] = []
            self.forms.append(self._form)
            return
        name = a.get("name")
        if self._form is None:
            return
        if tag == "input" and name and "disabled" not in a:
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._form["fields"].append([name, a.get("value") or "on"])
                return
            self._form["fields"].append([name, a.get("value") or ""])
        elif tag == "textarea" and name:
            self._textarea = [name, ""]
            self._form["fields"].append(self._textarea)
        elif tag == "select" and name:
            self._select = {"name": name, "multiple": "multiple" in a, "all": [], "chosen": []}
        elif tag == "option" and self._select is not None:
            value = a.get("value") or ""
            self._select["all"].append(value)
            if "selected" in a:
                self._select["chosen"].append(value)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select is not None and self._form is not None:
            chosen = self._select["chosen"]
            if not chosen and not self._select["multiple"] and self._select["all"]:
                chosen = self._select["all"][:1]
            for value in chosen if self._select["multiple"] else chosen[:1]:
                self._form["fields"].append([self._select["name"], value])
            self._select = None
        elif tag == "form":
            self._form = None

    def with_field(self, name: str) -> dict:
        for form in self.forms:
            if any(f == name for f, _ in form["fields"]):
                return form
        raise LookupError(f"no form with a field {name!r}")


def filled(form: dict, **values) -> list[tuple[str, str]]:
    """The form's fields with `values` put in (a list for several values)."""
    fields = [(n, v) for n, v in form["fields"] if n not in values]
    for name, value in values.items():
        fields += [(name, v) for v in (value if isinstance(value, list) else [value])]
    return fields


class Failed(Exception):
    """A request that failed: already counted as an error."""


class Browser:
    """One officer's HTTPS session: one keep-alive connection, its own cookies. Every request is
    timed into `stats` under its kind; a redirect is followed by a request of its own."""

    def __init__(self, url: str, ca_file: Path, stats: Stats):
        parsed = urllib.parse.urlsplit(url)
        self.origin, self.host, self.port = url, parsed.hostname, parsed.port
        self.context = ssl.create_default_context(cafile=str(ca_file))
        self.stats = stats
        self.cookies: dict[str, str] = {}
        self.conn: http.client.HTTPSConnection | None = None
        self.used = False

    def _connect(self) -> http.client.HTTPSConnection:
        if self.conn is None:
            self.conn = http.client.HTTPSConnection(
                self.host, self.port, context=self.context, timeout=60
            )
            self.used = False
        return self.conn

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def request(
        self, method: str, path: str, kind: str, form: list | None = None, expect: int = 0
    ) -> tuple[int, dict, bytes]:
        """(status, headers, body); Failed, counted, unless 2xx or 3xx (or `expect`)."""
        headers = {"User-Agent": "migrex-bench", "Accept-Language": "ru"}
        body = None
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method == "POST":
            body = urllib.parse.urlencode(form or [], doseq=True).encode()
            headers.update(
                {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Origin": self.origin,
                    "Referer": self.origin + path,
                }
            )
        for attempt in (1, 2):
            conn = self._connect()
            reused = self.used
            start = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                content = response.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as exc:
                self.close()
                if reused and attempt == 1:  # the server closed a kept-alive connection
                    self.stats.retries += 1
                    continue
                self.stats.error(kind, f"{method} {path}: {exc!r}")
                raise Failed from exc
            except Exception as exc:  # the connection is in no state to go on
                self.close()
                self.stats.error(kind, f"{method} {path}: {exc!r}")
                raise Failed from exc
            ms = (time.perf_counter() - start) * 1000
            self.used = True
            break
        self.stats.add(kind, ms)
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            value = rest.split(";", 1)[0]
            if "max-age=0" in cookie.lower() or "1970" in cookie:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        if response.will_close:
            self.close()
        status = response.status
        if not (200 <= status < 400) or (expect and status != expect):
            self.stats.error(kind, f"{method} {path} -> {status} {said(content)}")
            raise Failed
        return status, dict(response.headers), content

    def get(self, path: str, kind: str) -> str:
        """GET, following a redirect as a browser does; the page's text."""
        status, headers, content = self.request("GET", path, kind)
        if status in (301, 302, 303):
            return self.get(self.local(headers["Location"]), kind_of(headers["Location"]))
        return content.decode(errors="replace")

    def post(self, path: str, kind: str, fields: list) -> str:
        """POST a form that answers with a redirect (it took), and follow it: the new path."""
        _, headers, _ = self.request("POST", path, kind, fields, expect=302)
        where = self.local(headers["Location"])
        self.get(where, kind_of(where))
        return where

    def local(self, location: str) -> str:
        parts = urllib.parse.urlsplit(location)
        return parts.path + (f"?{parts.query}" if parts.query else "")


def said(content: bytes) -> str:
    """What an error page says: its alert, else its title, else its first words."""
    text = content.decode(errors="replace")
    found = re.search(r'class="alert alert-error".*?</div>', text, re.S) or re.search(
        r"<title>.*?</title>", text, re.S
    )
    text = found.group(0) if found else text
    return " ".join(re.sub(r"<[^>]+>", " ", text).split())[:400]


def kind_of(path: str) -> str:
    """The kind of a GET, for the report."""
    path = urllib.parse.urlsplit(path).path
    if path == "/":
        return "GET / (home)"
    if re.fullmatch(r"/cases/\d+/", path):
        return "GET case page"
    if re.fullmatch(r"/(incoming|outgoing|due-soon|overdue|closed)/", path):
        return "GET box"
    return f"GET {path}"


class Codes:
    """Each signatory's TOTP codes as the authenticator shows them: a code is accepted once,
    so a second sign-in in the same 30 s takes the next step's (accepted ±1 step)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.last: dict[str, int] = {}

    def code(self, account: Account) -> str:
        with self.lock:
            step = max(totp.step_at(time.time()), self.last.get(account.username, 0) + 1)
            self.last[account.username] = step
        while step > totp.step_at(time.time()) + totp.DRIFT:
            time.sleep(0.5)
        return totp.hotp(totp.key_of(account.secret), step)
