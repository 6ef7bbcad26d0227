"""The `statistics` message (Art. 3.1.1): the receiving node checks every member of the payload
as strictly as an imported file, and keeps the dataset for the authority it was sent to."""

from __future__ import annotations

from django.db import transaction

from migrex.agreements.selectors import directory
from migrex.audit.actions import Action
from migrex.audit.services import record
from migrex.core.errors import Invalid, error
from migrex.exchange.kinds import Received
from migrex.stats import formats, periods, services
from migrex.stats.models import StatDataset
from migrex.stats.payloads import MAX_SEND

KIND = services.KIND
ROLES = {
    formats.DATAFLOW,
    formats.STRUCTURE,
    formats.STRUCTURE_ID,
    formats.DIMENSION,
    formats.PERIOD,
    formats.VALUE,
    formats.ATTRIBUTE,
}


def _bad(what_ru: str, what_en: str, field: str = "payload") -> Invalid:
    return Invalid(
        [
            error(
                "statistics_invalid",
                f"Статистические данные: {what_ru}.",
                f"Statistics: {what_en}.",
                services.ARTICLE,
                field,
            )
        ]
    )


def _columns(body: dict) -> list[tuple[str, str]]:
    columns = body.get("columns")
    if not isinstance(columns, list) or not all(
        isinstance(c, list) and len(c) == 2 and all(isinstance(x, str) and x for x in c)
        for c in columns
    ):
        raise _bad("нет списка столбцов (columns)", "no list of columns", "columns")
    names = [n for n, _ in columns]
    roles = [r for _, r in columns]
    if (
        len(set(names)) != len(names)
        or not set(roles) <= ROLES
        or roles.count(formats.PERIOD) != 1
        or roles.count(formats.VALUE) != 1
        or any(len(n) > 200 for n in names)
    ):
        raise _bad(
            "столбцы должны быть различны, с одним периодом и одним значением",
            "columns must be distinct, with one period and one value",
            "columns",
        )
    return [(n, r) for n, r in columns]


def _observation(item: object, i: int, dims: set[str], attrs: set[str]) -> formats.Observation:
    where = f"observations[{i}]"
    if not isinstance(item, dict):
        raise _bad(f"{where} — не объект", f"{where} is not an object", where)
    period = item.get("period")
    if not isinstance(period, str) or periods.parse(period) is None:
        raise _bad(
            f"{where}: «{period}» — не период", f"{where}: “{period}” is not a period", where
        )
    value = item.get("value")
    number = formats.parse_number(value, decimal_comma=False) if isinstance(value, str) else None
    if number is None:
        raise _bad(f"{where}: «{value}» — не число", f"{where}: “{value}” is not a number", where)
    key, attributes = item.get("key"), item.get("attributes", {})
    if (
        not isinstance(key, dict)
        or set(key) != dims
        or not all(isinstance(v, str) and v and len(v) <= formats.MAX_FIELD for v in key.values())
    ):
        raise _bad(
            f"{where}: измерения не совпадают со столбцами",
            f"{where}: the dimensions do not match the columns",
            where,
        )
    if (
        not isinstance(attributes, dict)
        or not set(attributes) <= attrs
        or not all(isinstance(v, str) and len(v) <= formats.MAX_FIELD for v in attributes.values())
    ):
        raise _bad(f"{where}: неверные атрибуты", f"{where}: bad attributes", where)
    return formats.Observation(period.strip(), key, number, attributes)


def table_of(body: object) -> tuple[formats.Table, dict[str, str]]:
    """The table and the texts of a payload, or Invalid naming the first fault."""
    if not isinstance(body, dict):
        raise _bad("содержимое не является объектом", "the payload is not an object")
    columns = _columns(body)
    fmt = body.get("format")
    if fmt not in formats.FORMATS:
        raise _bad(f"неизвестный формат «{fmt}»", f"unknown format “{fmt}”", "format")
    items = body.get("observations")
    if not isinstance(items, list) or not items or len(items) > MAX_SEND:
        raise _bad(
            f"нужен список наблюдений (observations), от 1 до {MAX_SEND}",
            f"a list of 1 to {MAX_SEND} observations is required",
            "observations",
        )
    dims = {n for n, r in columns if r == formats.DIMENSION}
    attrs = {n for n, r in columns if r == formats.ATTRIBUTE}
    table = formats.Table(
        format=fmt,
        columns=columns,
        observations=[_observation(item, i, dims, attrs) for i, item in enumerate(items)],
        dataflow=str(body.get("dataflow") or "")[:200],
        structure=str(body.get("structure") or "")[:20],
    )
    seen = {(o.period, tuple(sorted(o.key.items()))) for o in table.observations}
    if len(seen) != len(table.observations):
        raise _bad("наблюдение повторяется", "an observation is given twice", "observations")
    try:
        texts = {
            "title": services.clean_text(body.get("title"), "title", required=True),
            "indicator": services.clean_text(body.get("indicator"), "indicator", required=True),
            "unit": services.clean_text(body.get("unit"), "unit", required=False),
            "source": services.clean_text(body.get("source"), "source", required=False),
        }
    except Invalid as exc:
        e = exc.errors[0]
        raise _bad(e.message_ru.rstrip("."), e.message_en.rstrip("."), e.field) from None
    return table, texts


def receive(message: Received) -> StatDataset:
    """Keep a dataset from the other party; runs inside the inbox's transaction."""
    known = directory()
    terms = known.terms(message.agreement)
    services.check_topic(terms.agreement)
    table, texts = table_of(message.payload.model_dump(mode="json"))
    with transaction.atomic():
        dataset = services.store(
            table,
            origin=StatDataset.Origin.RECEIVED,
            authority=known.authority(message.receiver_authority),
            provider=known.authority(message.sender_authority),
            agreement=terms.agreement,
            message_id=message.message_id,
            created_by=message.sender_authority,
            **texts,
        )
        record(
            Action.STATS_RECEIVED,
            actor=message.sender_authority,
            subject=message.message_id,
            detail={
                "dataset": dataset.pk,
                "title": dataset.title,
                "observations": len(table.observations),
                "to": message.receiver_authority,
            },
        )
    return dataset
