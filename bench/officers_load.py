"""Benchmark: 50 officers at work for 5 minutes on two nodes, each on PostgreSQL behind nginx.

Two nodes (KZ, BY), each on a throwaway PostgreSQL database, each behind a real nginx running the
shipped site (contrib/nginx/migrex.conf) with TLS from a CA made here, MIGREX_HTTPS=1, the peers'
client certificates pinned (as migrex/shell/tests/test_https.py runs them), each with its
`migrex serve` and `migrex worker`. Each node holds a few hundred cases of history. Officers are
accounts made for the run (`migrex officers add` as a script: registers.officers.add), half on
each node; each is a thread with an HTTPS session of its own (keep-alive, its own cookies) that
signs in through the login form (signatories with their TOTP code), then, 1-3 s of think time
between actions, works and browses:

- KZ operators draft requests through the draft form (one person), submit them, and provide the
  information BY asks for; KZ signatories sign them (password re-entered): each goes to BY;
- BY operators register what arrives, ask for information (a quarter) and reply with the
  persons (the rest); BY supervisors refuse one request in ten on grounds of security;
- with no move to make, an officer opens a box (incoming, outgoing, due soon, overdue, closed,
  sometimes a later page), a case from it, the home page, the request letter as PDF (5 %) or
  the person search (5 %).

A move opens the case, the action's form, posts it as the browser would (every field of the
form, CSRF token, Origin) and follows the redirect. Which case is ready for which move is read
from the two databases every 0.5 s by the bench (not counted); no two officers are given the
same move. Every request is timed; any answer that is not 2xx/3xx (or a form that did not take)
and any exception is an error. The server's and worker's RSS is sampled every 2 s; the idle
workers' CPU (utime + stime from /proc) is measured over a window before the load and after it,
once the outboxes are empty.

Officers sign in one after another over the first 20 s of the warm-up (30 s); they fetch no
static files (a browser has them cached after the first page). Latencies are given over the
whole run and over what follows the warm-up.

The baseline, in the same run: the same mix made by one officer at a time (one of each role in
turn, no think time), and GET /healthz through nginx (the floor of one request on this machine).

    .venv/bin/python bench/officers_load.py [--minutes 5] [--officers 50] [--cases 300]
        [--quick] [--logs DIR] [--postgres postgres://postgres@127.0.0.1:5432/postgres]

--quick: 1 minute, a warm-up, baseline and idle windows of 15 s. --logs: keep the nodes' and
nginx's logs. The report ends with how busy the machine's cores were and with what.

Targets (issue 14): no error, p99 under 1 s, memory growth under 10 % from the end of the
warm-up (the first 30 s) to the end, an idle worker under 0.5 % of a core before and after.
"""

from __future__ import annotations

import argparse
import collections
import http.client
import itertools
import os
import queue
import random
import re
import secrets
import shutil
import ssl
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.worker_idle import cpu_seconds
from migrex.accounts import totp
from migrex.shell.nodes import LocalNode, databases
from migrex.shell.tlsproxy import Nginx, pair_behind_nginx

THINK = (1.0, 3.0)  # seconds between an officer's actions
P_DRAFT = 0.1  # a KZ operator with nothing to do drafts a request
P_ASK = 0.25  # BY asks for information before replying
P_REFUSE = 0.1  # BY refuses
SURNAMES = ["Иванов", "Петров", "Сидоров", "Ахметов", "Нуриев", "Ковалёв", "Жуков", "Юсупов"]
PERSON = {  # the draft form's person row, as cases/tests/conftest.draft_post fills it
    "category": "temporary_stay",
    "surname_cyrillic": "Оганесян",
    "surname_latin": "Hovhannisyan",
    "given_name_cyrillic": "Арам",
    "given_name_latin": "Aram",
    "sex": "M",
    "birth_date": "1990-01-05",
    "birth_place": "г. Ереван",
    "citizenship": "AM, KZ",
    "document_series": "AR",
    "document_number": "1234567",
    "document_issue_date": "2020-02-03",
    "document_issuer": "Полиция РА",
}
TEXTS = {
    "request_information": "Уточните дату въезда и место пребывания.",
    "provide_information": "Въезд 01.02.2026 через пункт пропуска Хоргос; пребывание в г. Алматы.",
    "reply": "Пребывание законно; сведения о месте жительства прилагаются.",
    "refuse": "Исполнение запроса может нанести ущерб безопасности.",
}

# --- the nodes -----------------------------------------------------------------------------------

OFFICERS = """
from migrex.accounts import services
from migrex.accounts.models import User
from migrex.accounts.officers import NewOfficer
from migrex.agreements.models import Agreement, Authority
from migrex.registers import officers
admin = User.objects.get(username=DATA["admin"])
secrets = {}
for o in DATA["officers"]:
    signatory = "signatory" in o["roles"]
    added = officers.add(
        admin,
        NewOfficer(username=o["username"], full_name=o["name"], authority=DATA["authority"],
                   roles=o["roles"], position=o["position"], password=o["password"]),
        officers.ListEntry("kz-by-2019", o["position"]) if signatory else None,
        via="command line",
    )
    if services.needs_second_factor(added.user):
        secrets[o["username"]] = services.enrol(added.user).secret
print(json.dumps({
    "secrets": secrets,
    "agreement": Agreement.objects.get(code="kz-by-2019").pk,
    "by-mvd": Authority.objects.get(code="by-mvd").pk,
}))
"""

SEED = """
import random
from django.db import connection
from bench.cases_pages import add_cases
ids = add_cases(DATA["n"], random.Random(DATA["seed"]), own=DATA["own"], other=DATA["other"],
                year=2025)
with connection.cursor() as cursor:
    cursor.execute("VACUUM ANALYZE")
print(json.dumps(max(ids)))
"""


@dataclass
class Account:
    party: str
    role: str  # operator, signatory (KZ) or supervisor (BY)
    username: str
    password: str
    secret: str | None = None


def crew(n: int) -> list[Account]:
    """`n` officers: half on KZ (a third of them signatories), half on BY (a fifth
    supervisors); listed so that the first four are one of each role."""
    n_kz = n // 2
    counts = {
        ("KZ", "operator"): n_kz - max(1, n_kz // 3),
        ("KZ", "signatory"): max(1, n_kz // 3),
        ("BY", "operator"): (n - n_kz) - max(1, (n - n_kz) // 5),
        ("BY", "supervisor"): max(1, (n - n_kz) // 5),
    }
    by_role = {
        (party, role): [
            Account(party, role, f"{party.lower()}-{role[:3]}-{i:02d}", secrets.token_urlsafe(12))
            for i in range(1, count + 1)
        ]
        for (party, role), count in counts.items()
    }
    mixed = itertools.zip_longest(*by_role.values())
    return [a for group in mixed for a in group if a is not None]


def add_officers(node: LocalNode, accounts: list[Account]) -> dict:
    """The accounts on `node` (a signatory on a new list, with a signing key and a TOTP key);
    the pks the draft form needs."""
    rng = random.Random(node.party)
    specs = [
        {
            "username": a.username,
            "name": f"{rng.choice(SURNAMES)} Сотрудник {a.username[-2:]}",
            "roles": ["signatory", "supervisor"] if a.role == "signatory" else [a.role],
            "position": "Заместитель министра" if a.role == "signatory" else "Инспектор",
            "password": a.password,
        }
        for a in accounts
        if a.party == node.party
    ]
    out = node.python(
        OFFICERS,
        {
            "admin": f"{node.party.lower()}-admin",
            "authority": f"{node.party.lower()}-mvd",
            "officers": specs,
        },
    )
    for a in accounts:
        a.secret = out["secrets"].get(a.username, a.secret)
    return out


@dataclass
class Setup:
    kz: LocalNode
    by: LocalNode
    proxies: dict[str, Nginx]
    ca_file: Path
    urls: dict[str, str]  # database URL per party
    pks: dict  # agreement and by-mvd pks on KZ
    seeded: dict[str, int]  # the last seeded case id per party

    def nodes(self) -> dict[str, LocalNode]:
        return {"KZ": self.kz, "BY": self.by}

    def stop(self) -> None:
        for node in (self.kz, self.by):
            node.stop()
        for proxy in self.proxies.values():
            proxy.stop()


def prepare(base: Path, urls: list[str], accounts: list[Account], n_cases: int) -> Setup:
    """Two nodes behind nginx as test_https.py puts them there, the officers, the history."""
    kz, by, ca, proxies = pair_behind_nginx(base, tuple(urls))
    pks = add_officers(kz, accounts)
    add_officers(by, accounts)
    kz.migrex("demo_setup", "--send-lists")  # the new signatories' list (Art. 9.4)
    seeded = {
        party: node.python(
            SEED, {"n": n_cases, "seed": i, "own": f"{party.lower()}-mvd", "other": other}
        )
        for i, (party, node, other) in enumerate((("KZ", kz, "by-mvd"), ("BY", by, "kz-mvd")))
    }
    setup = Setup(
        kz, by, proxies, ca.cert_file, dict(zip(("KZ", "BY"), urls, strict=True)), pks, seeded
    )
    try:
        for party, node in (("KZ", kz), ("BY", by)):
            proxies[party].start()
            node.start(worker=False)
        # The workers once both nodes answer, so that KZ's two lists of signatories (pair()'s
        # and the one with the new signatories, both effective today) arrive in the order they
        # were made: a first try refused, the retries' jitter may swap them, and BY would hold
        # the older as the list in force.
        for node in (kz, by):
            node.start(server=False)
    except BaseException:
        setup.stop()
        raise
    return setup


class Db:
    """The bench's own read-only look at both databases (not part of the load)."""

    def __init__(self, urls: dict[str, str]):
        import psycopg

        self.conns = {p: psycopg.connect(u, autocommit=True) for p, u in urls.items()}

    def rows(self, party: str, sql: str, args: tuple = ()) -> list[tuple]:
        return self.conns[party].execute(sql, args).fetchall()

    def outbox(self, party: str) -> dict[tuple[str, str], int]:
        rows = self.rows(
            party, "SELECT kind, status, count(*) FROM exchange_outboxmessage GROUP BY 1, 2"
        )
        return {(k, s): n for k, s, n in rows}

    def pending(self) -> int:
        return sum(
            n
            for party in self.conns
            for (_, status), n in self.outbox(party).items()
            if status == "pending"
        )

    def close(self) -> None:
        for conn in self.conns.values():
            conn.close()


def wait_drained(db: Db, timeout: float) -> float:
    """Wait until neither outbox has a pending message; the seconds it took."""
    start = time.monotonic()
    while db.pending() and time.monotonic() - start < timeout:
        time.sleep(0.5)
    return time.monotonic() - start


# --- what is measured ----------------------------------------------------------------------------


class Stats:
    """Every request: kind, milliseconds, time; errors with their first descriptions."""

    def __init__(self):
        self.lock = threading.Lock()
        self.samples: list[tuple[float, str, float]] = []
        self.errors: collections.Counter[str] = collections.Counter()
        self.first_errors: list[str] = []
        self.retries = 0

    def add(self, kind: str, ms: float) -> None:
        self.samples.append((time.monotonic(), kind, ms))

    def error(self, kind: str, what: str) -> None:
        with self.lock:
            self.errors[kind] += 1
            if len(self.first_errors) < 8:
                self.first_errors.append(f"{kind}: {what}")

    def by_kind(self, since: float = 0.0) -> dict[str, list[float]]:
        out: dict[str, list[float]] = collections.defaultdict(list)
        for t, kind, ms in self.samples:
            if t >= since:
                out[kind].append(ms)
        return dict(sorted(out.items()))

    def all(self, since: float = 0.0) -> list[float]:
        return [ms for t, _, ms in self.samples if t >= since]


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def machine_ticks() -> tuple[int, int]:
    """(busy, all) clock ticks of the machine's cores since boot (/proc/stat)."""
    ticks = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    return sum(ticks) - ticks[3] - ticks[4], sum(ticks)  # less idle and iowait


class Sampler(threading.Thread):
    """RSS of each process every `every` seconds; and the CPU time of the PostgreSQL backends
    serving `databases` and of the nginx processes under `nginx` (their master processes),
    which come and go."""

    def __init__(self, pids: dict[str, int], databases: list[str], nginx: list[int], every=2.0):
        super().__init__(daemon=True)
        self.pids, self.databases, self.nginx, self.every = pids, databases, nginx, every
        self.samples: list[tuple[float, dict[str, float]]] = []
        self.seen: dict[tuple[str, int], list[float]] = {}  # (group, pid): [first, last] CPU s
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            self.samples.append((time.monotonic(), {n: rss_mb(p) for n, p in self.pids.items()}))
            self._helpers()
            self.stopping.wait(self.every)

    def _helpers(self) -> None:
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            pid = int(entry.name)
            try:
                stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                if pid in self.nginx or int(stat[1]) in self.nginx:
                    group = "nginx"
                elif any(d in Path(f"/proc/{pid}/cmdline").read_text() for d in self.databases):
                    group = "PostgreSQL"
                else:
                    continue
            except OSError:
                continue
            used = (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")
            self.seen.setdefault((group, pid), [used, used])[1] = used

    def cpu(self, group: str) -> float:
        """CPU seconds the group's processes used while sampled."""
        return sum(last - first for (g, _), (first, last) in self.seen.items() if g == group)

    def floor(self, name: str, start: float, end: float) -> float:
        """The lowest RSS of `name` over [start, end]: what the process holds, without the
        64-100 MB Argon2 buffers of a sign-in or a signature, which come and go between two
        samples."""
        values = [s[name] for t, s in self.samples if start <= t <= end]
        return min(values) if values else float("nan")

    def peak(self, name: str) -> float:
        return max(s[name] for _, s in self.samples)

    def timeline(self, name: str, start: float, step: float = 30) -> list[float]:
        """The lowest RSS of each `step` seconds from `start` on."""
        out, t = [], start
        while any(u >= t for u, _ in self.samples):
            out.append(self.floor(name, t, t + step))
            t += step
        return out


def idle_cpu(pids: dict[str, int], window: float) -> dict[str, float]:
    """Share of one core (%) each process used over `window` seconds."""
    before, t0 = {n: cpu_seconds(p) for n, p in pids.items()}, time.monotonic()
    time.sleep(window)
    wall = time.monotonic() - t0
    return {n: (cpu_seconds(p) - before[n]) / wall * 100 for n, p in pids.items()}


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


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


# --- the work ------------------------------------------------------------------------------------


class Work:
    """Which case is ready for which move, read from both databases; each move given to one
    officer of the role that makes it."""

    def __init__(self, db: Db, seeded: dict[str, int], rng: random.Random):
        self.db, self.seeded, self.rng = db, seeded, rng
        self.queues = {k: queue.Queue() for k in itertools.product(("KZ", "BY"), ROLES)}
        self.lock = threading.Lock()
        self.phase: dict[tuple[str, int], str] = {}
        self.moves: collections.Counter[str] = collections.Counter()
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def take(self, party: str, role: str) -> tuple[str, int, str] | None:
        try:
            return self.queues[party, role].get_nowait()
        except queue.Empty:
            return None

    def count(self, action: str) -> None:
        with self.lock:
            self.moves[action] += 1

    def done(self, task: tuple[str, int, str]) -> None:
        """The move was made: the case waits for the next."""
        party, pk, action = task
        self.count(action)
        with self.lock:
            self.phase[party, pk] = {"register": "registered", "request_information": "asked"}.get(
                action, "done"
            )

    def _give(self, party: str, pk: int, action: str, role: str, phase: str) -> None:
        self.phase[party, pk] = phase
        self.queues[party, role].put((party, pk, action))

    def poll(self) -> None:
        sql = "SELECT id, status FROM cases_case WHERE id > %s AND side = %s AND status = ANY(%s)"
        kz = self.db.rows(
            "KZ",
            sql,
            (self.seeded["KZ"], "requester", ["awaiting_signature", "awaiting_information"]),
        )
        by = self.db.rows("BY", sql, (self.seeded["BY"], "requested", ["received", "registered"]))
        with self.lock:
            for pk, status in kz:
                phase = self.phase.get(("KZ", pk))
                if status == "awaiting_signature" and phase is None:
                    self._give("KZ", pk, "sign", "signatory", "signing")
                elif status == "awaiting_information" and phase in (None, "done"):
                    self._give("KZ", pk, "provide_information", "operator", "informing")
            for pk, status in by:
                phase = self.phase.get(("BY", pk))
                if status == "received" and phase is None:
                    self._give("BY", pk, "register", "operator", "registering")
                elif status == "registered" and phase == "registered":
                    r = self.rng.random()
                    if r < P_ASK:
                        self._give("BY", pk, "request_information", "operator", "asking")
                    elif r < P_ASK + P_REFUSE:
                        self._give("BY", pk, "refuse", "supervisor", "deciding")
                    else:
                        self._give("BY", pk, "reply", "operator", "deciding")
                elif status == "registered" and phase == "asked":  # the information came
                    self._give("BY", pk, "reply", "operator", "deciding")

    def run(self) -> None:
        while not self.stopping.wait(0.5):
            self.poll()


ROLES = ("operator", "signatory", "supervisor")
PLURAL = {"operator": "operators", "signatory": "signatories", "supervisor": "supervisors"}
BOXES = (("incoming", 40), ("outgoing", 25), ("due-soon", 15), ("overdue", 10), ("closed", 10))


class Officer:
    def __init__(self, account: Account, url: str, ca_file: Path, stats: Stats, work: Work,
                 codes: Codes, pks: dict, seed: int):  # fmt: skip
        self.account, self.work, self.codes, self.pks = account, work, codes, pks
        self.browser = Browser(url, ca_file, stats)
        self.stats = stats
        self.rng = random.Random(seed)
        self.seen: list[int] = []  # case ids on the last box opened
        self.own: list[tuple[str, int, str]] = []  # the officer's own next move

    # sign-in and the moves

    def login(self) -> None:
        b = self.browser
        page = b.get("/login/", "GET /login/")
        fields = filled(
            Forms(page).with_field("password"),
            username=self.account.username,
            password=self.account.password,
        )
        _, headers, _ = b.request("POST", "/login/", "POST /login/", fields, expect=302)
        where = b.local(headers["Location"])
        if where.startswith("/login/code/"):
            page = b.get(where, "GET /login/code/")
            fields = filled(Forms(page).with_field("code"), code=self.codes.code(self.account))
            _, headers, _ = b.request(
                "POST", "/login/code/", "POST /login/code/", fields, expect=302
            )
            where = b.local(headers["Location"])
        page = b.get(where, kind_of(where))
        self.seen = [int(x) for x in re.findall(r'href="/cases/(\d+)/"', page)]

    def move(self, task: tuple[str, int, str]) -> None:
        _, pk, action = task
        b = self.browser
        b.get(f"/cases/{pk}/", "GET case page")
        path = f"/cases/{pk}/act/{action}/"
        forms = Forms(b.get(path, "GET action form")).forms
        form = next(f for f in forms if f["action"] == path)
        values: dict = {}
        if action in TEXTS:
            values["text"] = TEXTS[action]
        if action == "sign":
            values["password"] = self.account.password
        if action == "refuse":
            values["grounds"] = ["security"]
        b.post(path, f"POST {action}", filled(form, **values))
        if action == "submit":  # the operator's own follow-up to a draft
            self.work.count(action)
        else:
            self.work.done(task)

    def draft(self) -> None:
        b = self.browser
        form = Forms(b.get("/cases/new/", "GET /cases/new/")).with_field("summary")
        key = next(
            m.group(1)
            for n, _ in form["fields"]
            if (m := re.fullmatch(r"persons-(.+)-category", n))
        )
        values = {
            "agreement": str(self.pks["agreement"]),
            "requested_authority": str(self.pks["by-mvd"]),
            "summary": "Сведения о временном пребывании гражданина Армении Оганесяна А.",
            "purpose": "Проверка законности пребывания",
            "justification": f"Материалы проверки № {self.rng.randint(1, 999)}/2026",
            "topics": ["citizens_in_other_state"],
            "confidential": "on",
            **{f"persons-{key}-{k}": v for k, v in PERSON.items()},
        }
        where = b.post("/cases/new/", "POST draft", filled(form, **values))
        pk = int(re.fullmatch(r"/cases/(\d+)/", where).group(1))
        self.work.count("draft")
        self.own.append((self.account.party, pk, "submit"))

    # browsing

    def browse(self) -> None:
        b, r = self.browser, self.rng.random()
        if r < 0.35 or not self.seen:
            name = self.rng.choices([n for n, _ in BOXES], [w for _, w in BOXES])[0]
            page = self.rng.choice([1, 1, 1, 1, 2, 3])
            html = b.get(f"/{name}/" + (f"?page={page}" if page > 1 else ""), "GET box")
            self.seen = [int(x) for x in re.findall(r'href="/cases/(\d+)/"', html)] or self.seen
        elif r < 0.80:
            b.get(f"/cases/{self.rng.choice(self.seen)}/", "GET case page")
        elif r < 0.90:
            b.get("/", "GET / (home)")
        elif r < 0.95:
            b.get(f"/cases/{self.rng.choice(self.seen)}/request.pdf", "GET request letter PDF")
        else:
            query = urllib.parse.urlencode({"surname": "Оганесян", "given_name": "Арам"})
            b.get(f"/persons/?{query}", "GET person search")

    def step(self) -> None:
        """One action."""
        try:
            task = self.own.pop(0) if self.own else None
            task = task or self.work.take(self.account.party, self.account.role)
            if task is not None:
                self.move(task)
            elif (
                self.account.party == "KZ"
                and self.account.role == "operator"
                and self.rng.random() < P_DRAFT
            ):
                self.draft()
            else:
                self.browse()
        except Failed:
            pass
        except Exception as exc:  # the page was not what the officer expected
            self.stats.error("bench", f"{self.account.username}: {exc!r}")

    def run(self, start_at: float, stop: threading.Event) -> None:
        if stop.wait(max(0.0, start_at - time.monotonic())):
            return
        try:
            self.login()
        except Failed:
            return
        except Exception as exc:
            self.stats.error("bench", f"{self.account.username} login: {exc!r}")
            return
        while not stop.wait(self.rng.uniform(*THINK)):
            self.step()
        self.browser.close()


# --- the run -------------------------------------------------------------------------------------


def floor(url: str, ca_file: Path, n: int = 300) -> list[float]:
    stats = Stats()
    browser = Browser(url, ca_file, stats)
    for _ in range(n):
        browser.request("GET", "/healthz", "GET /healthz")
    browser.close()
    return stats.all()


def baseline(setup: Setup, accounts: list[Account], work: Work, codes: Codes, seconds: float):
    """The same mix, one officer at a time: one of each role in turn, no think time."""
    stats = Stats()
    officers = [
        Officer(a, setup.proxies[a.party].url, setup.ca_file, stats, work, codes, setup.pks, i)
        for i, a in enumerate(accounts[:4])
    ]
    for officer in officers:
        officer.login()
    stats.samples.clear()
    end = time.monotonic() + seconds
    for officer in itertools.cycle(officers):
        if time.monotonic() > end:
            break
        officer.step()
    for officer in officers:
        officer.browser.close()
    return stats


def load(setup, accounts, work, codes, seconds: float, ramp: float) -> tuple[Stats, float]:
    """The officers, signing in one after another over `ramp` seconds, at work for `seconds`
    in all."""
    stats = Stats()
    stop = threading.Event()
    t0 = time.monotonic()
    threads = []
    for i, account in enumerate(accounts):
        officer = Officer(
            account, setup.proxies[account.party].url, setup.ca_file, stats, work, codes,
            setup.pks, 1000 + i,
        )  # fmt: skip
        thread = threading.Thread(target=officer.run, args=(t0 + i * ramp / len(accounts), stop))
        thread.start()
        threads.append(thread)
    stop.wait(seconds)
    stop.set()
    for thread in threads:
        thread.join(timeout=120)
    return stats, t0


def node_log_errors(setup: Setup) -> list[list[str]]:
    """The tracebacks in both nodes' logs (server and worker), each with the line before it
    (what was being done: "Internal Server Error: /cases/7/") and its exception line."""
    found = []
    for party, node in setup.nodes().items():
        lines = (node.data_dir / "node.log").read_text(errors="replace").splitlines()
        for i, line in enumerate(lines):
            if not line.startswith("Traceback"):
                continue
            end = next((j for j in range(i + 1, len(lines)) if not lines[j][:1].isspace()), i)
            found.append([f"{party}: {lines[i - 1] if i else ''}", *lines[i : end + 1]])
    return found


def keep_logs(setup: Setup, directory: Path) -> None:
    """The nodes' and the proxies' logs, kept for reading after the run."""
    directory.mkdir(parents=True, exist_ok=True)
    for party, node in setup.nodes().items():
        shutil.copy(node.data_dir / "node.log", directory / f"{party}-node.log")
        for name in ("error.log", "access.log"):
            shutil.copy(setup.proxies[party].directory / name, directory / f"{party}-nginx-{name}")


def report(args, accounts, setup, result: dict) -> bool:
    stats: Stats = result["stats"]
    base: Stats = result["baseline"]
    since_warm = result["t0"] + args.warmup
    roles = collections.Counter((a.party, a.role) for a in accounts)
    print(
        f"\n{len(accounts)} officers ("
        + ", ".join(f"{p} {n} {PLURAL[r]}" for (p, r), n in roles.items())
        + f") for {args.seconds:.0f} s, think time {THINK[0]:.0f}-{THINK[1]:.0f} s, "
        f"two PostgreSQL nodes behind nginx (HTTPS)"
    )
    print(f"  load average (1/5/15 min): {result['loads']}")
    kinds = stats.by_kind()
    base_kinds = base.by_kind()
    print(
        f"\n  {'kind':<28}{'n':>6}{'err':>5}{'p50':>8}{'p95':>8}{'p99':>8}{'max':>8}"
        f"{'base p50':>10}{'p99/base':>9}   (ms)"
    )

    def line(name, samples, errors: int | None, base_samples):
        p99 = percentile(samples, 0.99)
        b50 = f"{percentile(base_samples, 0.5):>10.0f}" if base_samples else f"{'—':>10}"
        ratio = f"{p99 / percentile(base_samples, 0.99):>9.1f}" if base_samples else f"{'—':>9}"
        print(
            f"  {name:<28}{len(samples):>6}{'—' if errors is None else errors:>5}"
            f"{percentile(samples, 0.5):>8.0f}"
            f"{percentile(samples, 0.95):>8.0f}{p99:>8.0f}{max(samples):>8.0f}{b50}{ratio}"
        )

    for kind, samples in kinds.items():
        line(kind, samples, stats.errors.get(kind, 0), base_kinds.get(kind))
    everything = stats.all()
    line("all", everything, sum(stats.errors.values()), base.all())
    after_warmup = stats.all(since_warm)
    line(f"all after the first {args.warmup:.0f} s", after_warmup, None, base.all())
    floor_ms = result["floor"]
    print(
        f"  baseline: the same mix one officer at a time ({args.baseline:.0f} s, "
        f"{len(base.all())} requests): p50 {percentile(base.all(), 0.5):.0f} ms, "
        f"p99 {percentile(base.all(), 0.99):.0f} ms; GET /healthz through nginx: "
        f"p50 {percentile(floor_ms, 0.5):.1f} ms, p99 {percentile(floor_ms, 0.99):.1f} ms"
    )
    p99 = percentile(everything, 0.99)
    print(
        f"  ratio under load / baseline: p50 "
        f"{percentile(everything, 0.5) / percentile(base.all(), 0.5):.1f}, "
        f"p99 {p99 / percentile(base.all(), 0.99):.1f}"
    )
    rate = len(everything) / args.seconds
    print(f"  {len(everything)} requests, {rate:.1f}/s; kept-alive connections reopened: "
          f"{stats.retries}")  # fmt: skip

    n_errors = sum(stats.errors.values()) + sum(base.errors.values())
    print(f"\n  errors: {n_errors}" + (" (baseline " + str(sum(base.errors.values())) + ")"))
    for e in stats.first_errors + base.first_errors:
        print(f"    {e}")
    logged = result["log_errors"]
    kinds_logged = collections.Counter(block[-1] for block in logged)
    print(f"  tracebacks in the nodes' logs: {len(logged)}")
    for what, n in kinds_logged.most_common(5):
        print(f"    {n} x {what[:200]}")
    if logged:
        print("    the first, in full:")
        for text in logged[0][-30:]:
            print(f"      {text[:200]}")

    moves = result["moves"]
    print("\n  moves made: " + ", ".join(f"{k} {n}" for k, n in sorted(moves.items())))
    for party, counts in result["exchanged"].items():
        parts = ", ".join(f"{k} {n}" for k, n in sorted(counts["delivered"].items()))
        print(f"  {party} outbox, delivered during the run: {sum(counts['delivered'].values())} "
              f"({parts}); not delivered: {counts['other'] or 'none'}")  # fmt: skip
    print(f"  outboxes empty {result['drain']:.1f} s after the load ended")

    sampler: Sampler = result["sampler"]
    print(
        f"\n  RSS in MB, the lowest of the 20 s after the warm-up and of the last 20 s; CPU % of a "
        f"core under load\n  {'':<16}{'after warm-up':>14}{'end':>8}{'peak':>8}{'growth':>9}"
        f"{'CPU':>8}"
    )
    growth_ok = True
    for name in sampler.pids:
        start = sampler.floor(name, since_warm, since_warm + 20)
        end = sampler.floor(name, result["t_end"] - 20, result["t_end"])
        growth = (end / start - 1) * 100
        growth_ok &= growth < 10
        print(
            f"  {name:<16}{start:>14.0f}{end:>8.0f}{sampler.peak(name):>8.0f}{growth:>8.1f}%"
            f"{result['busy'][name]:>8.0f}"
        )
    busy = result["busy"]
    cores = os.cpu_count()
    ours = sum(busy.values())
    print(
        f"  the machine's {cores} cores were {result['machine']:.0f} % busy during the load: "
        f"{result['machine'] * cores / 100:.2f} cores, of which the nodes' servers "
        f"{(busy['KZ server'] + busy['BY server']) / 100:.2f}, workers "
        f"{(busy['KZ worker'] + busy['BY worker']) / 100:.2f}, PostgreSQL "
        f"{busy['PostgreSQL'] / 100:.2f}, nginx {busy['nginx'] / 100:.2f}, the bench's "
        f"officers {busy['bench (officers)'] / 100:.2f}; everything else on the machine "
        f"{max(0.0, result['machine'] * cores / 100 - ours / 100):.2f}"
    )
    print("  the lowest RSS of each 30 s of the load (MB):")
    for name in sampler.pids:
        steps = sampler.timeline(name, result["t0"])
        print(f"    {name:<14}" + " ".join(f"{v:.0f}" for v in steps))
    print(f"\n  idle worker CPU, % of one core over {args.idle:.0f} s:")
    idle_ok = True
    for when in ("before", "after"):
        shares = result[f"idle_{when}"]
        idle_ok &= all(v < 0.5 for v in shares.values())
        print(f"    {when} the load: " + ", ".join(f"{k} {v:.2f}" for k, v in shares.items()))

    checks = {
        "no error": n_errors == 0 and not logged and result["undelivered"] == 0,
        "p99 < 1 s": p99 < 1000,
        "memory growth < 10 %": growth_ok,
        "idle worker < 0.5 % of a core, before and after": idle_ok,
    }
    print(
        "\n  targets: " + "; ".join(f"{k}: {'met' if v else 'MISSED'}" for k, v in checks.items())
    )
    return all(checks.values())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=5)
    parser.add_argument("--officers", type=int, default=50)
    parser.add_argument("--cases", type=int, default=300, help="history seeded on each node")
    parser.add_argument("--quick", action="store_true", help="1 minute, short windows: a try")
    parser.add_argument("--logs", type=Path, help="keep the nodes' and nginx's logs here")
    parser.add_argument(
        "--postgres",
        default="postgres://postgres@127.0.0.1:5432/postgres",
        help="server to make the two throwaway databases on",
    )
    args = parser.parse_args()
    args.seconds = args.minutes * 60
    args.warmup, args.idle, args.baseline = 30.0, 60.0, 60.0
    if args.quick:
        args.seconds, args.warmup, args.idle, args.baseline = 60.0, 15.0, 15.0, 15.0
    if args.officers < 4:
        parser.error("--officers: at least 4 (one of each role)")
    accounts = crew(args.officers)
    result: dict = {}
    loads = [load_average()]
    with (
        tempfile.TemporaryDirectory(prefix="migrex-bench-") as tmp,
        databases(2, args.postgres) as urls,
    ):
        print("Preparing two nodes behind nginx, the officers and the history…", flush=True)
        setup = prepare(Path(tmp), urls, accounts, args.cases)
        db = Db(setup.urls)
        try:
            wait_drained(db, 60)  # the new list of signatories reaches BY
            start_counts = {p: db.outbox(p) for p in ("KZ", "BY")}
            pids = {
                f"{party} {which}": node.procs[which].pid
                for party, node in setup.nodes().items()
                for which in ("server", "worker")
            }
            workers = {k: v for k, v in pids.items() if k.endswith("worker")}
            print("  processes: " + ", ".join(f"{k} {v}" for k, v in pids.items()), flush=True)
            time.sleep(5)
            print(f"Idle workers, {args.idle:.0f} s…", flush=True)
            result["idle_before"] = idle_cpu(workers, args.idle)
            print("Baseline…", flush=True)
            result["floor"] = floor(setup.proxies["BY"].url, setup.ca_file)
            work = Work(db, setup.seeded, random.Random(14))
            work.thread.start()
            codes = Codes()
            result["baseline"] = baseline(setup, accounts, work, codes, args.baseline)
            loads.append(load_average())
            print(f"{len(accounts)} officers for {args.seconds:.0f} s…", flush=True)
            sampler = Sampler(
                pids,
                [u.rsplit("/", 1)[1] for u in setup.urls.values()],
                [proxy.proc.pid for proxy in setup.proxies.values()],
            )
            sampler.start()
            busy = {n: cpu_seconds(p) for n, p in pids.items()}
            machine = machine_ticks()
            client = time.process_time()
            stats, t0 = load(setup, accounts, work, codes, args.seconds, args.warmup * 2 / 3)
            result["t_end"] = time.monotonic()
            wall = result["t_end"] - t0
            result["busy"] = {n: (cpu_seconds(p) - busy[n]) / wall * 100 for n, p in pids.items()}
            result["busy"]["bench (officers)"] = (time.process_time() - client) / wall * 100
            sampler.stopping.set()
            sampler.join()
            for group in ("PostgreSQL", "nginx"):
                result["busy"][group] = sampler.cpu(group) / wall * 100
            busy_ticks, all_ticks = (b - a for a, b in zip(machine, machine_ticks(), strict=True))
            result["machine"] = busy_ticks / all_ticks * 100
            loads.append(load_average())
            work.stopping.set()
            result["drain"] = wait_drained(db, 120)
            time.sleep(5)
            print(f"Idle workers again, {args.idle:.0f} s…", flush=True)
            result["idle_after"] = idle_cpu(workers, args.idle)
            loads.append(load_average())
            result.update(stats=stats, t0=t0, sampler=sampler, moves=work.moves)
            result["exchanged"], result["undelivered"] = {}, 0
            for party in ("KZ", "BY"):
                end_counts = db.outbox(party)
                delivered = {
                    k: n - start_counts[party].get((k, s), 0)
                    for (k, s), n in end_counts.items()
                    if s == "delivered" and n - start_counts[party].get((k, s), 0)
                }
                other = {f"{k} {s}": n for (k, s), n in end_counts.items() if s != "delivered"}
                result["undelivered"] += sum(other.values())
                result["exchanged"][party] = {"delivered": delivered, "other": other}
            result["log_errors"] = node_log_errors(setup)
            if args.logs:
                keep_logs(setup, args.logs)
        finally:
            db.close()
            setup.stop()
    result["loads"] = " → ".join(loads) + " (start, load begins, load ends, end)"
    ok = report(args, accounts, setup, result)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
