"""Queries compiled once (core/prepared.py): the counts are those of the ORM, read anew each
time, and the querysets are built once per key."""

from __future__ import annotations

import uuid

import pytest

from migrex.core import prepared
from migrex.core.models import Generation

pytestmark = pytest.mark.django_db


def test_counts_are_read_anew_from_sql_built_once():
    built = []

    def build():
        built.append(1)
        rows = Generation.objects.all()
        return [rows, rows.filter(token__startswith="a"), Generation.objects.none()]

    key = ("test", uuid.uuid4().hex)
    Generation.objects.all().delete()
    assert prepared.counts(key, build) == [0, 0, 0]
    Generation.objects.create(pk=1, token="a" * 32)
    Generation.objects.create(pk=2, token="b" * 32)
    assert prepared.counts(key, build) == [2, 1, 0]  # new rows, same statement
    assert len(built) == 1
    assert prepared.rows(key, lambda: Generation.objects.order_by("pk").values_list("pk")) == [
        (1,),
        (2,),
    ]
