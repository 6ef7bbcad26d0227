"""Writes of statistical datasets (Art. 3.1.1): import from a file, send to the other party.
Each checks everything first and then writes in one transaction with its audit entry, so a
refused file or message leaves nothing behind."""

from __future__ import annotations

from django.db import transaction

from migrex.agreements.models import Agreement, Authority
from migrex.agreements.selectors import profile_of
from migrex.audit.actions import Action
from migrex.audit.services import record
from migrex.core.errors import Invalid, error
from migrex.exchange import outbox
from migrex.exchange.models import OutboxMessage
from migrex.stats import formats, writer
from migrex.stats.models import Dispatch, Observation, StatDataset
from migrex.stats.payloads import MAX_SEND, ObservationPayload, StatisticsPayload

KIND = "statistics"
ARTICLE = "3.1.1"
TOPIC = "statistical_legal_methodological"  # the profile's topic of Art. 3.1.1
MAX_BYTES = 20 * 1024 * 1024
LIMITS = {"title": 300, "indicator": 500, "unit": 100, "source": 500}


def _invalid(code: str, ru: str, en: str, field: str, article: str = ARTICLE) -> Invalid:
    return Invalid([error(code, ru, en, article, field)])


def clean_text(value: object, field: str, *, required: bool) -> str:
    text = " ".join(str(value or "").split())
    if required and not text:
        raise _invalid(
            f"{field}_missing",
            f"Не указано поле «{field}».",
            f"The field “{field}” is missing.",
            field,
        )
    if len(text) > LIMITS[field]:
        raise _invalid(
            f"{field}_too_long",
            f"Поле «{field}» длиннее {LIMITS[field]} знаков.",
            f"The field “{field}” is longer than {LIMITS[field]} characters.",
            field,
        )
    return text


def _indicator_of(table: formats.Table) -> str:
    """An SDMX file names its dataflow: `AGENCY:ID(VERSION)` gives the indicator ID."""
    flow = table.dataflow
    return flow.split(":", 1)[-1].split("(", 1)[0] if flow else ""


def _unit_of(table: formats.Table) -> str:
    units = {o.attributes.get("UNIT_MEASURE", "") for o in table.observations}
    return units.pop() if len(units) == 1 else ""


def import_dataset(
    *,
    content: bytes,
    authority: Authority,
    actor: object,
    title: str = "",
    indicator: str = "",
    unit: str = "",
    source: str = "",
) -> StatDataset:
    """Read a CSV or SDMX-CSV file into a new dataset of `authority`. A faulty file raises
    formats.Malformed (each fault with its line and column) and nothing is stored."""
    if len(content) > MAX_BYTES:
        raise _invalid(
            "file_too_large",
            f"Файл больше {MAX_BYTES // 2**20} МБ.",
            f"The file is larger than {MAX_BYTES // 2**20} MB.",
            "file",
        )
    table = formats.parse(content)
    indicator = clean_text(indicator or _indicator_of(table), "indicator", required=True)
    meta = {
        "title": clean_text(title or indicator, "title", required=True),
        "indicator": indicator,
        "unit": clean_text(unit or _unit_of(table), "unit", required=False),
        "source": clean_text(source, "source", required=False),
    }
    with transaction.atomic():
        dataset = store(table, authority=authority, created_by=str(actor), **meta)
        record(
            Action.STATS_IMPORTED,
            actor=actor,
            subject=f"stats:{dataset.pk}",
            detail={
                "title": dataset.title,
                "format": table.format,
                "observations": len(table.observations),
                "authority": authority.code,
            },
        )
    return dataset


def store(table: formats.Table, **fields) -> StatDataset:
    """The dataset and its observations (inside the caller's transaction)."""
    dataset = StatDataset.objects.create(
        origin=fields.pop("origin", StatDataset.Origin.OWN),
        columns=[list(c) for c in table.columns],
        format=table.format,
        dataflow=table.dataflow,
        structure=table.structure,
        **fields,
    )
    Observation.objects.bulk_create(
        (
            Observation(
                dataset=dataset,
                position=i,
                period=o.period,
                key=o.key,
                value=str(o.value),
                attributes=o.attributes,
            )
            for i, o in enumerate(table.observations)
        ),
        batch_size=2000,
    )
    return dataset


def as_table(dataset: StatDataset) -> formats.Table:
    return formats.Table(
        format=dataset.format,
        columns=[tuple(c) for c in dataset.columns],
        observations=[
            formats.Observation(o.period, o.key, o.number, o.attributes)
            for o in dataset.observations.all()
        ],
        dataflow=dataset.dataflow,
        structure=dataset.structure,
    )


def export(dataset: StatDataset, fmt: str) -> bytes:
    """The dataset as CSV or SDMX-CSV; a dataset with no SDMX structure id gets one from its
    node (`MIGREX:STATS_<id>(1.0)`)."""
    table = as_table(dataset)
    if fmt != formats.CSV and not table.dataflow:
        table.dataflow = f"MIGREX:STATS_{dataset.pk}(1.0)"
    return writer.write(table, fmt)


def payload(dataset: StatDataset) -> StatisticsPayload:
    table = as_table(dataset)
    return StatisticsPayload(
        title=dataset.title,
        indicator=dataset.indicator,
        unit=dataset.unit,
        source=dataset.source,
        format=table.format,
        dataflow=table.dataflow,
        structure=table.structure,
        columns=[tuple(c) for c in table.columns],
        observations=[
            ObservationPayload(
                period=o.period, key=o.key, value=str(o.value), attributes=o.attributes
            )
            for o in table.observations
        ],
    )


def check_topic(agreement: Agreement) -> None:
    if TOPIC not in profile_of(agreement).topic_codes:
        raise _invalid(
            "topic_not_agreed",
            f"Соглашение {agreement.code} не предусматривает обмен статистической информацией.",
            f"Agreement {agreement.code} provides for no exchange of statistical information.",
            "agreement",
        )


def send_dataset(
    *, dataset: StatDataset, agreement: Agreement, receiver: Authority, actor: object
) -> OutboxMessage:
    """Queue the dataset for an authority of the other party (Art. 3.1.1, 8: information may
    be sent without a request). Only a dataset of the sender's own goes: one received from the
    other party would be passed on without its consent (Art. 11.3)."""
    if dataset.received:
        raise _invalid(
            "not_own_dataset",
            "Полученный от другой Стороны набор не пересылается: только собственные данные.",
            "A dataset received from the other party is not passed on: only your own data.",
            "dataset",
            "11.3",
        )
    outbox.check_route(agreement.code, dataset.authority, receiver)
    check_topic(agreement)
    count = dataset.observations.count()
    if count > MAX_SEND:
        raise _invalid(
            "too_large",
            f"В наборе {count} наблюдений; в одном сообщении — не больше {MAX_SEND}.",
            f"The dataset has {count} observations; one message carries at most {MAX_SEND}.",
            "dataset",
        )
    with transaction.atomic():
        message = outbox.send(
            agreement=agreement.code,
            kind=KIND,
            sender=dataset.authority,
            receiver=receiver,
            payload=payload(dataset),
        )
        Dispatch.objects.create(
            dataset=dataset,
            message_id=message.id,
            agreement=agreement,
            receiver=receiver,
            sent_by=str(actor),
        )
        record(
            Action.STATS_SENT,
            actor=actor,
            subject=f"stats:{dataset.pk}",
            detail={
                "message": str(message.id),
                "to": receiver.code,
                "agreement": agreement.code,
                "observations": count,
            },
        )
    return message
