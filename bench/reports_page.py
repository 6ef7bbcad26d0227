"""Benchmark: the reports page (cases/reports/) and its downloads over 10,000 cases.

Seeds a fresh node as bench/cases_pages.py does (N cases of BY-MVD with KZ-MVD, 70 % incoming,
received over the last 45 days), dates them as the workflow would (signed the day before
receipt, closed 1–40 days after it), serves it with `migrex serve` and times the page for this
year, its CSV and XLSX downloads, against /healthz on the same server in the same run.

    .venv/bin/python bench/reports_page.py [--cases 10000] [--requests 50]
        [--postgres postgres://postgres@127.0.0.1:5432/postgres]

Target: p95 under 300 ms for the page (the figures are aggregated in the database: a constant
handful of queries whatever the number of cases).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._harness import (
    database_options,
    each_database,
    node_environment,
    server,
    setup_django,
)
from bench.cases_pages import measure, seed

PAGES = {
    "reports page": "/reports/?period=year",
    "figures, CSV": "/reports/?period=year&export=figures&format=csv",
    "figures, XLSX": "/reports/?period=year&export=figures&format=xlsx",
}
TARGET_MS = 300


def date_them(rng: random.Random) -> None:
    """Signature and closing times as the workflow writes them (the seed leaves them empty)."""
    from migrex.cases.models import Case
    from migrex.cases.workflow import CLOSED

    cases = list(Case.objects.only("pk", "status", "received_on"))
    for case in cases:
        noon = dt.datetime.combine(case.received_on, dt.time(12), tzinfo=dt.UTC)
        case.signed_at = noon - dt.timedelta(days=1)
        if case.status in CLOSED:
            case.closed_at = noon + dt.timedelta(days=rng.randint(1, 40))
    Case.objects.bulk_update(cases, ["signed_at", "closed_at"], batch_size=2000)


def run_one(database: str, n_cases: int, n_requests: int) -> bool:
    label = "SQLite" if database == "sqlite" else "PostgreSQL"
    with node_environment(database) as env:
        setup_django(env)
        cookie, _ids = seed(n_cases)
        date_them(random.Random(11))
        with server(env) as url:
            results = measure(url, cookie, [], n_requests, pages=PAGES)
    base = results["baseline /healthz"][0]
    print(f"\n{label}: {n_cases} cases, {n_requests} sequential requests per page")
    print(f"  {'page':<22}{'median ms':>10}{'p95 ms':>10}{'x baseline':>12}")
    missed = False
    for name, (median, p95) in results.items():
        print(f"  {name:<22}{median:>10.1f}{p95:>10.1f}{median / base:>12.1f}")
        missed |= name == "reports page" and p95 >= TARGET_MS
    print(f"  target p95 < {TARGET_MS} ms for the page: {'MISSED' if missed else 'met'}")
    return missed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=50)
    database_options(parser)
    args = parser.parse_args()
    if args.only:
        return 1 if run_one(args.only, args.cases, args.requests) else 0
    return each_database(
        __file__, args.postgres, "--cases", str(args.cases), "--requests", str(args.requests)
    )


if __name__ == "__main__":
    sys.exit(main())
