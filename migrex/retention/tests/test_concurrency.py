"""Two destruction runs at once (two workers, or a worker and an administrator) destroy each
item once: one act, one tombstone per item."""

from __future__ import annotations

import datetime as dt
import importlib
import threading

import pytest
from django.db import connection

from migrex.retention import services
from migrex.retention.models import Act, Tombstone
from migrex.retention.tests.conftest import CLOSED_AT

BASIS = "Закон Республики Казахстан «О персональных данных и их защите», ст. 12"


@pytest.fixture(autouse=True)
def _postgresql(transactional_db):
    """Before the other fixtures: skipped on SQLite, and the role groups a flush of an earlier
    transactional test may have emptied (see migrex/cases/tests/test_browser.py)."""
    if connection.vendor == "sqlite":
        # The test database is SQLite in memory with a shared cache, whose table locks fail at
        # once instead of waiting; a node's SQLite file takes one writer at a time anyway.
        pytest.skip("concurrent writers need PostgreSQL (the suite runs on it in CI)")
    from django.apps import apps

    importlib.import_module("migrex.accounts.migrations.0003_roles").create_roles(apps, None)


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_destroy_each_item_once(answered):
    ours, _ = answered
    services.set_rule(
        agreement=ours.agreement,
        party="KZ",
        days=1,
        counted_from="case-closed",
        basis=BASIS,
        actor="admin",
    )
    day = CLOSED_AT.date() + dt.timedelta(days=2)
    start, results, errors = threading.Barrier(2), [], []

    def worker():
        try:
            start.wait()
            results.append(services.run(today=day))
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    # One run destroys every item (persons, attachments, the case's texts, the message copies);
    # the other finds nothing left.
    assert sorted(r.destroyed for r in results) == [0, 11]
    assert Act.objects.count() == 1 and Tombstone.objects.count() == 11
