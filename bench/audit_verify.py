"""Benchmark: `migrex audit verify` over 1,000,000 audit entries.

Writes N entries (default 1,000,000) into a fresh node's database in bulk, computing the hash
chain as record() would (executemany on SQLite, COPY on PostgreSQL), with a signed checkpoint
every 1,000 entries as the writer makes them; then times, in the same run:

- `SELECT count(*)`: the database alone touching every row;
- reading every row through the ORM (values_list in chunks), and as verify reads them (the
  database's cursor, the JSON decoded) without hashing: the floor;
- `migrex audit verify`: the chain, every checkpoint's signature, the head.

    .venv/bin/python bench/audit_verify.py [--entries 1000000]
        [--postgres postgres://postgres@127.0.0.1:5432/postgres]

Target (issue): verify under 30 s for 1,000,000 entries.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from io import StringIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._harness import node_environment, setup_django

TARGET_S = 30.0
CHECKPOINT_EVERY = 1000


def rows(start_seq: int, prev: str, n: int, start: dt.datetime):
    """`n` entries after `start_seq` with hash `prev`, of the kinds a busy node writes."""
    from migrex.audit.services import entry_hash

    actions = ("personal_data.read", "message.sent", "message.received", "access.denied")
    for i in range(n):
        seq = start_seq + 1 + i
        at = start + dt.timedelta(milliseconds=7 * i)
        action = actions[i % 4]
        actor = f"kz-operator-{i % 37}" if action != "message.received" else "BY"
        if action == "personal_data.read":
            subject = f"caseperson:{i % 50_000}"
            detail = {"case": i % 9_000, "dataset": None, "via": "ui" if i % 3 else "api"}
        elif action == "access.denied":
            subject = f"/cases/{i % 9_000}/"
            detail = {"path": subject, "method": "GET", "status": 403, "via": "ui"}
        else:
            subject = f"0190{i:028x}"
            detail = {"kind": "request", "agreement": "kz-by-2019", "digest": f"{i:064x}"}
        h = entry_hash(prev, seq, at.isoformat(), actor, action, subject, detail)
        yield seq, at, actor, action, subject, detail, prev, h
        prev = h


def write(n: int) -> tuple[float, int]:
    """Bulk-append `n` entries after what the log holds; seconds and the number of checkpoints."""
    from django.db import connection, transaction

    from migrex.audit import checkpoints
    from migrex.audit.models import AuditHead, Checkpoint

    head = AuditHead.objects.get(pk=1)
    started = time.perf_counter()
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=90)
    marks: list[tuple[int, str]] = []
    columns = "seq, at, actor, action, subject, detail, prev_hash, hash"
    last = (head.seq, head.hash)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            raw = connection.cursor().cursor
            with raw.copy(f"COPY audit_auditentry ({columns}) FROM STDIN") as copy:
                for r in rows(head.seq, head.hash, n, start):
                    copy.write_row((*r[:5], json.dumps(r[5]), r[6], r[7]))
                    if r[0] % CHECKPOINT_EVERY == 0:
                        marks.append((r[0], r[7]))
                    last = (r[0], r[7])
        else:
            batch = []
            sql = f"INSERT INTO audit_auditentry ({columns}) VALUES ({', '.join(['%s'] * 8)})"  # noqa: S608
            with connection.cursor() as cursor:
                for r in rows(head.seq, head.hash, n, start):
                    at = r[1].replace(tzinfo=None).isoformat(sep=" ")
                    batch.append((r[0], at, *r[2:5], json.dumps(r[5]), r[6], r[7]))
                    if r[0] % CHECKPOINT_EVERY == 0:
                        marks.append((r[0], r[7]))
                    if len(batch) == 20_000:
                        cursor.executemany(sql, batch)
                        batch.clear()
                    last = (r[0], r[7])
                if batch:
                    cursor.executemany(sql, batch)
        AuditHead.objects.filter(pk=1).update(seq=last[0], hash=last[1])
        for seq, h in marks:
            signed = checkpoints.sign(seq, h)
            Checkpoint.objects.create(
                seq=seq, hash=h, at=signed.at, kid=signed.kid, token=signed.token
            )
    return time.perf_counter() - started, len(marks)


def timed(fn) -> tuple[float, object]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--postgres", help="a PostgreSQL server URL (a throwaway database)")
    args = parser.parse_args()
    database = args.postgres or "sqlite"
    with node_environment(database) as env:
        env["MIGREX_AUDIT_CHECKPOINT_EVERY"] = "0"  # the bench writes its own
        setup_django(env)
        from django.core.management import call_command
        from django.db import connection

        from migrex.audit.models import AuditEntry
        from migrex.audit.verify import FIELDS, _rows
        from migrex.exchange import keys

        call_command("migrate", verbosity=0)
        keys.create_keys()  # records keys.created: entry #1
        vendor = connection.vendor
        print(f"audit verify on {vendor}: writing {args.entries:,} entries …", flush=True)
        seconds, marks = write(args.entries)
        total = AuditEntry.objects.count()
        print(
            f"  written in {seconds:.1f} s ({args.entries / seconds:,.0f}/s), {marks} checkpoints"
        )

        def count() -> int:
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM audit_auditentry")
                return cursor.fetchone()[0]

        def read() -> int:
            n = 0
            for _ in AuditEntry.objects.order_by("seq").values_list(*FIELDS).iterator(20_000):
                n += 1
            return n

        def read_raw() -> int:
            n = 0
            for _ in _rows(20_000):
                n += 1
            return n

        def verify() -> str:
            out = StringIO()
            call_command("audit", "verify", "--progress", "0", stdout=out)
            return out.getvalue().strip()

        count_s, counted = timed(count)
        read_s, read_n = timed(read)
        raw_s, raw_n = timed(read_raw)
        verify_s, said = timed(verify)
        assert counted == read_n == raw_n == total, (counted, read_n, raw_n, total)
        print(f"  baseline SELECT count(*):                    {count_s:7.2f} s")
        print(f"  baseline read every row, ORM values_list:    {read_s:7.2f} s")
        print(f"  baseline read every row as verify, no hash:  {raw_s:7.2f} s")
        print(f"  migrex audit verify:                         {verify_s:7.2f} s")
        print(f"    {said}")
        print(
            f"  ratio verify / read as verify: {verify_s / raw_s:.2f} x, "
            f"verify / ORM read: {verify_s / read_s:.2f} x; "
            f"{total / verify_s:,.0f} entries/s; target < {TARGET_S:.0f} s for 1,000,000: "
            f"{'met' if verify_s * 1_000_000 / total < TARGET_S else 'NOT met'}"
        )


if __name__ == "__main__":
    main()
