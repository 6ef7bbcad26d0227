"""Benchmark: inserting rows at once on PostgreSQL, as VALUES or by UNNEST.

Django 5.2 inserts every `bulk_create` of more than one row by UNNEST of one array per column;
migrex's backend (`migrex.core.postgresql.compiler`) inserts up to `UNNEST_ABOVE` rows as a list
of VALUES. On a throwaway database, inbox rows (`InboxMessage`: two long texts, the signed
envelope and the receipt, and seven short values) are inserted in batches of each shape below,
by Django's own compiler (the baseline) and by migrex's, in turn, each batch in its own
transaction. Printed per shape: the median wall time and CPU time of this process per batch,
and the ratio migrex/Django of the CPU.

    .venv/bin/python bench/bulk_insert.py [--postgres postgres://postgres@127.0.0.1:5432/postgres]
        [--repeat 200]
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._harness import node_environment, setup_django

# (rows, bytes of the envelope): the inbox's batch of signed envelopes, the same with short
# texts, and larger batches of each.
SHAPES = ((10, 3500), (10, 30), (50, 3500), (50, 30), (1000, 30), (1000, 300))


def rows(count: int, size: int) -> list:
    from migrex.exchange.models import InboxMessage

    now = dt.datetime.now(dt.UTC)
    return [
        InboxMessage(
            message_id=uuid.uuid4(),
            conversation_id=uuid.uuid4(),
            sender_node="kz",
            agreement="kz-by-2019",
            kind="request",
            digest="a" * 64,
            signed=base64.urlsafe_b64encode(uuid.uuid4().bytes * (size // 16 + 1))[:size].decode(),
            receipt=base64.urlsafe_b64encode(uuid.uuid4().bytes * (size // 96 + 1)).decode(),
            received_at=now,
        )
        for _ in range(count)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--repeat", type=int, default=200, help="batches of 10 rows per compiler")
    args = parser.parse_args()
    with node_environment(args.postgres) as env:
        setup_django(env)
        from django.core.management import call_command
        from django.db import connection, transaction

        from migrex.exchange.models import InboxMessage

        call_command("migrate", verbosity=0)
        compilers = {"Django": "django.db.backends.postgresql.compiler"}
        compilers["migrex"] = connection.ops.compiler_module
        print(f"{'rows':>5} {'bytes':>6}  {'compiler':<8} {'wall ms':>8} {'CPU ms':>8}")
        for count, size in SHAPES:
            repeat = max(5, args.repeat * 10 // count)
            cpu: dict[str, list[float]] = {name: [] for name in compilers}
            wall: dict[str, list[float]] = {name: [] for name in compilers}
            for _ in range(repeat):
                for name, module in compilers.items():
                    connection.ops.compiler_module = module
                    connection.ops._cache = None
                    batch = rows(count, size)
                    with transaction.atomic():
                        started, used = time.perf_counter(), time.process_time()
                        InboxMessage.objects.bulk_create(batch)
                        wall[name].append((time.perf_counter() - started) * 1000)
                        cpu[name].append((time.process_time() - used) * 1000)
                    InboxMessage.objects.all().delete()
            for name in compilers:
                print(
                    f"{count:>5} {size:>6}  {name:<8} {statistics.median(wall[name]):8.2f} "
                    f"{statistics.median(cpu[name]):8.2f}"
                )
            ratio = statistics.median(cpu["migrex"]) / statistics.median(cpu["Django"])
            print(f"{'':>14}ratio migrex/Django (CPU): {ratio:.2f}")


if __name__ == "__main__":
    main()
