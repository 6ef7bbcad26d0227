"""Benchmark: what the audit entry adds to a case transition.

One draft request on a fresh node; its operator submits it for signature and its signatory
returns it to the draft, over and over (`migrex.cases.services.transition`, each move in its own
transaction as the officers' pages make it). Pairs of moves (submit, return) are made in turn
without an audit entry and with one (`record()` in the same transaction: the head row locked,
the entry chained and written), so both kinds run side by side on the same data. Prints the
medians and p95 of both, what the entry adds, and the ratio; record() alone too.

    .venv/bin/python bench/audit_write.py [--moves 4000]
        [--postgres postgres://postgres@127.0.0.1:5432/postgres]

Target (issue): under 1 ms added to the median transition.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._harness import node_environment, setup_django, summary

TARGET_MS = 1.0


def seed():
    """Migrate, load the agreement, an officer who drafts and signs, and one draft."""
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from migrex.accounts.models import User
    from migrex.agreements.models import Agreement, Authority
    from migrex.agreements.services import load
    from migrex.cases.services import create_draft

    call_command("migrate", verbosity=0)
    load("kz-by-2019")
    by, kz = Authority.objects.get(code="by-mvd"), Authority.objects.get(code="kz-mvd")
    officer = User.objects.create_user("bench", authority=by, last_name="Иванова")
    officer.groups.set(Group.objects.filter(name__in=["operator", "signatory"]))
    officer = User.objects.get(pk=officer.pk)
    case = create_draft(
        actor=officer,
        agreement=Agreement.objects.get(code="kz-by-2019"),
        requested_authority=kz,
        summary="Проверка сведений о временном пребывании",
        purpose="Установление законности пребывания",
        justification="Материалы проверки № 17/2026",
        persons=[
            {
                "category": "temporary_stay",
                "data": {
                    "surname": {"cyrillic": "Оганесян", "latin": "Hovhannisyan"},
                    "birth_date": "1990-01-05",
                    "citizenship": ["KZ"],
                },
            }
        ],
    )
    return officer, case


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--moves", type=int, default=4000, help="moves of each kind")
    parser.add_argument("--postgres", help="a PostgreSQL server URL (a throwaway database)")
    args = parser.parse_args()
    with node_environment(args.postgres or "sqlite") as env:
        env["MIGREX_AUDIT_CHECKPOINT_EVERY"] = "0"  # the entry alone, not the odd signature
        setup_django(env)
        from django.db import connection, transaction

        from migrex.audit.actions import Action
        from migrex.audit.services import record
        from migrex.cases import services

        officer, case = seed()
        entry = Action.PERSONAL_DATA_READ  # the one kind of entry written
        actions = ("submit", "return")
        moves = {"without": [], "with": []}
        state = {"i": 0}

        def move(audited: bool) -> float:
            action = actions[state["i"] % 2]
            state["i"] += 1
            started = time.perf_counter()
            with transaction.atomic():
                services.transition(case=case, action=action, actor=officer)
                if audited:  # a move's own entry, as an officer's read of the case records one
                    record(
                        entry,
                        actor=officer.username,
                        subject=case.number or case.pk,
                        detail={"action": action, "case": case.pk},
                    )
            return (time.perf_counter() - started) * 1000

        def pair(audited: bool) -> float:
            """Submit and return: one move of each action, the mean of the two."""
            return (move(audited) + move(audited)) / 2

        for _ in range(50):  # warm-up: caches, the reference data, the database's pages
            pair(audited=True)
        for i in range(args.moves // 2):  # ABBA: neither kind always goes first
            for audited in (False, True) if i % 2 else (True, False):
                moves["with" if audited else "without"].append(pair(audited))

        def record_alone() -> float:
            started = time.perf_counter()
            with transaction.atomic():
                record(entry, actor="bench", subject=case.number or case.pk, detail={"n": 1})
            return (time.perf_counter() - started) * 1000

        alone = [record_alone() for _ in range(args.moves)]

        without, with_ = summary(moves["without"]), summary(moves["with"])
        added = with_[0] - without[0]
        print(f"audit write on {connection.vendor}: {args.moves} moves of each kind")
        print(f"  transition without audit entry: median {without[0]:.3f} ms, p95 {without[1]:.3f}")
        print(f"  transition with audit entry:    median {with_[0]:.3f} ms, p95 {with_[1]:.3f}")
        print(f"  record() alone in a transaction: median {statistics.median(alone):.3f} ms")
        print(
            f"  added by the entry: {added:.3f} ms median (ratio {with_[0] / without[0]:.2f} x); "
            f"target < {TARGET_MS:.0f} ms: {'met' if added < TARGET_MS else 'NOT met'}"
        )


if __name__ == "__main__":
    main()
