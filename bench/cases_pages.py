"""Benchmark: response times of the officer's main pages over 10,000 cases.

Seeds a fresh node with N cases (default 10,000) on SQLite and, if given, PostgreSQL, serves it
with `migrex serve` (a real HTTP server process), logs in as an officer and times the boxes (one
filtered), the start page, the search across cases and case pages. The baseline is /healthz on
the same server in the same run (the floor of one request: HTTP, middleware, one query), so the
ratio shows what the pages add. Beside each page, the server's CPU milliseconds per request:
with other work on the machine, the time a request takes grows with the load, its CPU hardly.

    .venv/bin/python bench/cases_pages.py [--cases 10000] [--requests 200]
        [--postgres postgres://postgres@127.0.0.1:5432/postgres]

Target (issue 16): p95 under 30 ms for each page.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import random
import sys
import uuid
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._harness import (
    SERVERS,
    cpu_seconds,
    database_options,
    each_database,
    node_environment,
    server,
    setup_django,
    summary,
    timed,
)

TARGET_MS = 30
PAGES = {
    "start page «Требуют действия»": "/",
    "inbox": "/incoming/",
    "due-soon": "/due-soon/",
    "closed incoming": "/closed-incoming/",
    "inbox filtered": "/incoming/?state=registered&sort=number",
    "search their number": "/cases/search/?q=KZ-MVD-2026-004321",
    "search text (every case)": "/cases/search/?" + urlencode({"q": "пребывании"}),
    # Every seeded case names the same person, so a search by that name would read all 10,000
    # (about 150 ms on SQLite): not an officer's day. A name no case has measures the lookups.
    "search person": "/cases/search/?" + urlencode({"person": "Петров"}),
}


def add_cases(
    n: int, rng: random.Random, *, own: str = "by-mvd", other: str = "kz-mvd", year: int = 2026
) -> list[int]:
    """`n` cases of the authority `own` with `other` under kz-by-2019, as a node in service
    holds them: 70 % incoming, in the states officers see most, received over the last 45 days,
    each with one person and two events. Returns their ids. Needs the agreement loaded."""
    from django.db.models import OuterRef, Subquery
    from django.utils import timezone

    from migrex.agreements.models import Agreement, Authority
    from migrex.cases.models import Case, CaseEvent, CasePerson
    from migrex.cases.workflow import CLOSED, Kind, Side, State

    agreement = Agreement.objects.get(code="kz-by-2019")
    ours, theirs = Authority.objects.get(code=own), Authority.objects.get(code=other)
    today = timezone.localdate()
    states = [
        State.RECEIVED,
        State.REGISTERED,
        State.REGISTERED,
        State.AWAITING_INFORMATION,
        State.ANSWERED,
        State.REFUSED,
        State.POSTPONED,
    ]
    prefix = f"{own.upper()}-{year}-"
    cases = []
    for i in range(n):
        incoming = rng.random() < 0.7
        received = today - dt.timedelta(days=rng.randint(0, 45))
        status = rng.choice(states)
        # Closed as the workflow closes a case (services.py): at a time, within its 30 days.
        closed_on = min(received + dt.timedelta(days=1 + i % 29), today)
        noon = dt.datetime.combine(closed_on, dt.time(12))
        cases.append(
            Case(
                conversation_id=uuid.uuid4(),
                side=Side.REQUESTED if incoming else Side.REQUESTER,
                kind=Kind.REQUEST,
                status=status,
                closed_at=timezone.make_aware(noon) if status in CLOSED else None,
                agreement=agreement,
                number=f"{prefix}{i:06d}",
                their_number=f"{other.upper()}-{year}-{i:06d}",
                requesting_authority=theirs if incoming else ours,
                requested_authority=ours if incoming else theirs,
                owner=ours,
                summary=f"Сведения о временном пребывании гражданина № {i}",
                purpose="Проверка законности пребывания",
                justification="Материалы проверки",
                received_on=received,
                due_date=received + dt.timedelta(days=30),
            )
        )
    Case.objects.bulk_create(cases, batch_size=2000)
    ids = list(
        Case.objects.filter(owner=ours, number__startswith=prefix).values_list("pk", flat=True)
    )
    CasePerson.objects.bulk_create(
        (
            CasePerson(
                case_id=pk,
                category="temporary_stay",
                data={
                    "surname": {"cyrillic": "Оганесян", "latin": "Hovhannisyan"},
                    "given_name": {"cyrillic": "Арам", "latin": "Aram"},
                    "birth_date": "1990-01-05",
                },
            )
            for pk in ids
        ),
        batch_size=2000,
    )
    from migrex.persons.search import index_case_persons

    # As services.create_draft and the inbox do: every person of a case can be searched for.
    persons = CasePerson.objects.filter(case__owner=ours, case__number__startswith=prefix)
    index_case_persons(persons.only("pk", "data"), ours.pk)
    CaseEvent.objects.bulk_create(
        (
            CaseEvent(
                case_id=pk,
                action=a,
                from_state="",
                to_state="received",
                article="9.1",
                actor_label="peer",
            )
            for pk in ids
            for a in ("request", "register")
        ),
        batch_size=4000,
    )
    # As models.record_news keeps it with each entry: the time of the case's latest news.
    latest = CaseEvent.objects.filter(case=OuterRef("pk")).order_by("-at", "-id").values("at")
    mine = Case.objects.filter(owner=ours, number__startswith=prefix)
    mine.update(news_at=Subquery(latest[:1]))
    return ids


def seed(n: int) -> tuple[str, list[int]]:
    """Migrate, load the agreement, create an officer and `n` cases; return a session cookie
    and some case ids."""
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.test import Client

    from migrex.accounts.models import User
    from migrex.agreements.models import Authority
    from migrex.agreements.services import load

    call_command("migrate", verbosity=0)
    load("kz-by-2019")
    by = Authority.objects.get(code="by-mvd")
    officer = User.objects.create_user("bench", authority=by, last_name="Иванова")
    officer.groups.set(Group.objects.filter(name__in=["operator", "supervisor"]))
    rng = random.Random(7)
    ids = add_cases(n, rng)
    # A database in service has planner statistics (autovacuum; SQLite's ANALYZE); a freshly
    # bulk-loaded one does not, so gather them as the service would.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    client = Client()
    client.force_login(officer)
    from django.conf import settings

    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    return f"{settings.SESSION_COOKIE_NAME}={session}", rng.sample(ids, min(200, len(ids)))


def measure(
    url: str,
    cookie: str,
    case_ids: list[int],
    n: int,
    pages: dict[str, str] = PAGES,
    cpu: dict[str, float] | None = None,
) -> dict[str, tuple]:
    """The baseline, then each of `pages` and (given `case_ids`) case pages, `n` times each;
    into `cpu`, if given, the server's CPU milliseconds per request for each."""
    host, port = url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    headers = {"Cookie": cookie}

    def get(path: str) -> None:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        body = response.read()
        if response.status != 200:
            raise SystemExit(f"GET {path}: {response.status} {body[:300]!r}")

    pid = SERVERS.get(url)

    def timed_cpu(name: str, fn) -> tuple:
        before = cpu_seconds(pid) if pid else 0.0
        found = summary(timed(fn, n))
        if cpu is not None and pid:
            cpu[name] = (cpu_seconds(pid) - before) * 1000 / n
        return found

    results = {"baseline /healthz": timed_cpu("baseline /healthz", lambda: get("/healthz"))}
    for name, path in pages.items():
        get(path)  # warm-up
        label = name if "?" in path else f"{name} {path}"
        results[label] = timed_cpu(label, lambda p=path: get(p))
    if not case_ids:
        return results
    ids = iter(case_ids * (n // len(case_ids) + 1))
    label = "case page /cases/<id>/"
    results[label] = timed_cpu(label, lambda: get(f"/cases/{next(ids)}/"))
    return results


def run_one(database: str, n_cases: int, n_requests: int) -> bool:
    """Seed, serve and measure one database; print the table; True if a target is missed."""
    label = "SQLite" if database == "sqlite" else "PostgreSQL"
    with node_environment(database) as env:
        setup_django(env)
        cookie, ids = seed(n_cases)
        cpu: dict[str, float] = {}
        with server(env) as url:
            results = measure(url, cookie, ids, n_requests, cpu=cpu)
    base = results["baseline /healthz"][0]
    print(f"\n{label}: {n_cases} cases, {n_requests} sequential requests per page")
    print(
        f"  load average {Path('/proc/loadavg').read_text().split()[0]} (other work on the machine)"
    )
    print(f"  {'page':<48}{'median ms':>10}{'p95 ms':>10}{'x baseline':>12}{'server CPU ms':>15}")
    missed = False
    for name, (median, p95) in results.items():
        used = f"{cpu[name]:>15.1f}" if name in cpu else ""
        print(f"  {name:<48}{median:>10.1f}{p95:>10.1f}{median / base:>12.1f}{used}")
        missed |= not name.startswith("baseline") and p95 >= TARGET_MS
    print(f"  target p95 < {TARGET_MS} ms: {'MISSED' if missed else 'met'}")
    return missed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200)
    database_options(parser)  # --postgres, and --only: one database, in a child process
    args = parser.parse_args()
    if args.only:
        return 1 if run_one(args.only, args.cases, args.requests) else 0
    return each_database(
        __file__, args.postgres, "--cases", str(args.cases), "--requests", str(args.requests)
    )


if __name__ == "__main__":
    sys.exit(main())
