"""Registration numbers of cases: one sequence per authority and year, taken under a row lock."""

from __future__ import annotations

from django.db import transaction

from migrex.agreements.models import Authority
from migrex.cases.models import Counter


def next_number(authority: Authority, year: int) -> str:
    key = f"{authority.code}/{year}"
    with transaction.atomic():
        counter, _ = Counter.objects.select_for_update().get_or_create(key=key)
        counter.value += 1
        counter.save(update_fields=["value"])
    return f"{authority.code.upper()}-{year}-{counter.value:06d}"
