"""Who opened which personal data, when and in which case (Art. 11.2, 11.4): one audit entry per
person record shown, so an auditor can list everyone who ever read a given record."""

from __future__ import annotations

from collections.abc import Iterable

from migrex.audit.actions import Action
from migrex.audit.services import record_many

READ = Action.PERSONAL_DATA_READ


def subject_of(item) -> str:
    """`caseperson:<pk>` or `personrecord:<pk>`: the audit subject naming one person record."""
    return f"{type(item).__name__.lower()}:{item.pk}"


def record_reads(user, items: Iterable, *, case=None, dataset=None, via: str = "ui") -> None:
    detail = {
        "case": case.pk if case else None,
        "dataset": dataset.pk if dataset else None,
        "via": via,
    }
    record_many(READ, actor=user.username, entries=[(subject_of(item), detail) for item in items])
