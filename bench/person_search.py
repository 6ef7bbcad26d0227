"""Benchmark: finding one person among 1,000,000 records, by any spelling.

A throwaway node receives one dataset of N generated person records (registry B of
`migrex.persons.synthetic`: Cyrillic, Armenian and Latin spellings, typos, swapped dates) and
indexes them as the dataset handler does. Then queries are drawn from registry A, the same people
as their own registry spells them, each with the surname, given name and birth date, or only the
document, or only the surname and given name. Printed: the median and p95 of `search.search`,
how often the person sought is the first candidate, and a baseline measured in the same run: one
indexed equality query on the raw stored surname (what a search that knows no spelling costs).

    .venv/bin/python bench/person_search.py [--records 1000000] [--queries 2000]
        [--postgres postgres://postgres@127.0.0.1:5432/postgres]

Target (issue): p95 under 50 ms over 1,000,000 records.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._harness import node_environment, setup_django, summary

TARGET_MS = 50.0


def _spelling(value: str) -> dict:
    return {"latin": value} if value.isascii() else {"cyrillic": value}


def person(row) -> dict:
    data = {"surname": _spelling(row.surname) if row.surname else None}
    for column, key in (("first_name", "given_name"), ("patronymic", "patronymic")):
        if getattr(row, column):
            data[key] = _spelling(getattr(row, column))
    if row.sex:
        data["sex"] = row.sex
    if row.birth_date:
        data["birth_date"] = row.birth_date
    if row.document_number:
        data["identity_document"] = [{"number": row.document_number}]
    return {k: v for k, v in data.items() if v}


def seed(records: int):
    from django.core.management import call_command

    from migrex.agreements.models import Authority
    from migrex.agreements.services import load
    from migrex.persons import search, synthetic
    from migrex.persons.models import Dataset, PersonRecord

    call_command("migrate", verbosity=0)
    load("kz-by-2019")
    started = time.perf_counter()
    a, b, truth = synthetic.generate(records, seed=11, overlap=1.0)
    print(f"generated {len(b):,} records in {time.perf_counter() - started:.1f} s", flush=True)
    by, kz = Authority.objects.get(code="by-mvd"), Authority.objects.get(code="kz-mvd")
    dataset = Dataset.objects.create(
        message_id=uuid.uuid4(),
        conversation_id=uuid.uuid4(),
        agreement=by.agreements.first(),
        provider=kz,
        recipient=by,
        title="bench",
        purpose="bench",
        category="residence_permit",
        records=len(b),
        size=0,
        sha256="0" * 64,
        received_at=dt.datetime.now(dt.UTC),
    )
    started = time.perf_counter()
    ids = {}
    chunk = 5000
    for start in range(0, len(b), chunk):
        part = b.iloc[start : start + chunk]
        created = PersonRecord.objects.bulk_create(
            PersonRecord(dataset=dataset, position=start + i, data=person(row))
            for i, row in enumerate(part.itertuples())
        )
        search.index_records(created, by.pk)
        ids.update(zip(part["record_id"], (r.pk for r in created), strict=True))
        if start % 100_000 == 0:
            print(f"  stored and indexed {start + len(part):,}", flush=True)
    print(f"stored and indexed in {time.perf_counter() - started:.1f} s", flush=True)
    return by.pk, a, truth, ids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--postgres", help="a PostgreSQL server URL (a throwaway database)")
    args = parser.parse_args()
    with node_environment(args.postgres or "sqlite") as env:
        setup_django(env)
        from django.db import connection

        from migrex.persons import search
        from migrex.persons.models import SearchEntry

        authority, a, truth, ids = seed(args.records)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        wanted = dict(zip(truth["record_id_a"], truth["record_id_b"], strict=True))
        rows = a[a["record_id"].isin(wanted)].sample(args.queries, random_state=3)
        queries = []
        for number, row in enumerate(rows.itertuples()):
            kind = number % 4
            birth = dt.date.fromisoformat(row.birth_date) if row.birth_date else None
            if kind == 3 and row.document_number:
                query = search.Query(document=row.document_number)
            elif kind == 2:
                query = search.Query(surname=row.surname, given_name=row.first_name)
            else:
                query = search.Query(
                    surname=row.surname, given_name=row.first_name, birth_date=birth
                )
            queries.append((query, ids[wanted[row.record_id]]))
        search.search(authority, queries[0][0])  # warm the caches, as a node in service has them

        times, first, top5 = [], 0, 0
        for query, expected in queries:
            started = time.perf_counter()
            found = search.search(authority, query)
            times.append((time.perf_counter() - started) * 1000)
            got = [c.entry.record_id for c in found.candidates]
            first += bool(got) and got[0] == expected
            top5 += expected in got[:5]
        step = max(1, args.records // 500)
        stored = list(
            SearchEntry.objects.filter(pk__in=range(1, args.records + 1, step)).values_list(
                "surname", flat=True
            )
        )
        baseline = []
        for value in stored * (len(queries) // max(len(stored), 1) + 1):
            started = time.perf_counter()
            list(SearchEntry.objects.filter(authority_id=authority, surname=value)[:20])
            baseline.append((time.perf_counter() - started) * 1000)
            if len(baseline) == len(queries):
                break
        median, p95 = summary(times)
        base_median, base_p95 = summary(baseline)
        print(
            f"{args.records:,} records, {len(queries):,} queries ({connection.vendor})\n"
            f"search: median {median:.2f} ms, p95 {p95:.2f} ms (target p95 < {TARGET_MS:.0f} ms)"
            f"\nbaseline (one indexed equality on a stored key): median {base_median:.2f} ms, "
            f"p95 {base_p95:.2f} ms\nratio search/baseline: median {median / base_median:.1f}, "
            f"p95 {p95 / base_p95:.1f}\nthe person sought is first: {first / len(queries):.1%}, "
            f"in the top 5: {top5 / len(queries):.1%}"
        )


if __name__ == "__main__":
    main()
