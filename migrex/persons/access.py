"""Who opened which personal data, when and in which case (Art. 11.2, 11.4): one audit entry per
person record shown, so an auditor can list everyone who ever read a given record."""

from __future__ import annotations

from collections.abc import Iterable

from migrex.audit.actions import Action
from migrex.audit.services import record_many

READ = Action.PERSONAL_DATA_READ


def subject_of(item) -> str:
    """`caseperson:<pk>` or `personrecord:<pk>`: the audit subject naming one person record; a
    string is a subject already (`case:12`, `attachment:7`: a document read as a whole)."""
    if isinstance(item, str):
        return item
    return f"{type(item).__name__.lower()}:{item.pk}"


def record_reads(
    user, items: Iterable, *, case=None, dataset=None, via: str = "ui", extra: dict | None = None
) -> None:
    """One `personal_data.read` per item; `extra` adds to each entry's detail (e.g. the third
    party a download is for, and the consent that allows it)."""
    detail = {
        "case": case.pk if case else None,
        "dataset": dataset.pk if dataset else None,
        "via": via,
        **(extra or {}),
    }
    record_many(READ, actor=user.username, entries=[(subject_of(item), detail) for item in items])
