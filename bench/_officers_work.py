"""The officers' load test (officers_load.py):
which case is ready for which move, and an officer's day."""

from __future__ import annotations

import collections
import itertools
import queue
import random
import re
import threading
import time
import urllib.parse
from pathlib import Path

from bench._officers_browser import Browser, Codes, Failed, Forms, filled, kind_of
from bench._officers_measure import (
    Stats,
)
from bench._officers_setup import (
    P_ASK,
    P_DRAFT,
    P_REFUSE,
    PERSON,
    TEXTS,
    THINK,
    Account,
    Db,
)

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
BOXES = (
    ("incoming", 40),
    ("outgoing", 25),
    ("due-soon", 15),
    ("overdue", 10),
    ("closed-incoming", 5),
    ("closed-outgoing", 5),
)


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
