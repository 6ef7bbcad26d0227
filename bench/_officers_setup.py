"""The officers' load test (officers_load.py):
its mix's constants, the two nodes behind nginx, the officers and the seeded history."""

from __future__ import annotations

import itertools
import random
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from migrex.shell.nodes import LocalNode
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
