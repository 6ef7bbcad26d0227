"""Writes of retention: rules, ends of purpose, and the destruction run (Art. 11.5).

A run destroys, in one transaction, every holding whose period has expired: the persons and the
attachments of a closed case, the records of a dataset. Each destroyed item leaves a tombstone
(what, where, when, under which rule, the SHA-256 of what was destroyed); the run leaves one
destruction act (a PDF) and, where the node is so configured, a notice to each provider. Either
all of it happens or none: a failure rolls the run back whole. Run again, it finds nothing left.
A run also completes what an earlier version of it left of what it destroyed (catchup.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from migrex.agreements.models import Agreement
from migrex.agreements.selectors import profile_of
from migrex.audit.actions import Action
from migrex.audit.services import record
from migrex.cases.models import Attachment, Case
from migrex.core import vault
from migrex.core.errors import Invalid, error
from migrex.persons import similar
from migrex.persons.models import Dataset, PersonRecord, SearchEntry
from migrex.retention import act as act_pdf
from migrex.retention import catchup, notices, rules, sweep
from migrex.retention.models import COUNTED_FROM, Act, PurposeEnd, Rule, Run, Tombstone

SYSTEM = "система migrex (плановое уничтожение)"


def _bad(code: str, ru: str, en: str, where: str) -> Invalid:
    return Invalid([error(code, ru, en, rules.ARTICLE, where)])


@transaction.atomic
def set_rule(
    *, agreement: Agreement, party: str, days: int, counted_from: str, basis: str, actor
) -> Rule:
    """The node's retention rule for `party` under `agreement` (Art. 11.5: national law)."""
    party = party.upper()
    if party not in profile_of(agreement).party_codes:
        raise _bad(
            "unknown_party",
            f"Сторона {party} не является Стороной соглашения {agreement.code}.",
            f"{party} is not a party to {agreement.code}.",
            "party",
        )
    if days <= 0:
        raise _bad(
            "bad_days",
            "Срок хранения — целое число дней больше нуля.",
            "The period is a whole number of days above zero.",
            "days",
        )
    if counted_from not in dict(COUNTED_FROM):
        raise _bad(
            "bad_counted_from",
            "Срок считается с закрытия дела (case-closed) или достижения цели (purpose-ended).",
            "The period runs from case-closed or purpose-ended.",
            "counted_from",
        )
    if not basis.strip():
        raise _bad(
            "basis_required",
            "Укажите правовой акт государства, устанавливающий срок (ст. 11.5).",
            "Name the national legal act that sets the period (Art. 11.5).",
            "basis",
        )
    rule, created = Rule.objects.update_or_create(
        agreement=agreement,
        party=party,
        defaults={
            "days": days,
            "counted_from": counted_from,
            "basis": basis.strip(),
            "updated_by": str(actor),
        },
    )
    record(
        Action.RETENTION_RULE_SET,
        actor=actor,
        subject=f"{agreement.code}/{party}",
        detail={"days": days, "counted_from": counted_from, "basis": rule.basis, "new": created},
    )
    return rule


@transaction.atomic
def record_purpose_end(
    *,
    case: Case | None = None,
    dataset: Dataset | None = None,
    ended_on: dt.date,
    actor,
    note: str = "",
) -> PurposeEnd:
    """An officer records that the purpose of a case or a dataset was achieved on `ended_on`."""
    if (case is None) == (dataset is None):
        raise TypeError("a purpose end is recorded for one case or one dataset")
    if ended_on > timezone.localdate():
        raise _bad(
            "future_date",
            "Дата достижения цели не может быть в будущем.",
            "The purpose cannot have ended in the future.",
            "ended_on",
        )
    end, _ = PurposeEnd.objects.update_or_create(
        case=case,
        dataset=dataset,
        defaults={"ended_on": ended_on, "note": note, "recorded_by": str(actor)},
    )
    record(
        Action.RETENTION_PURPOSE_ENDED,
        actor=actor,
        subject=str(case.conversation_id if case else dataset.message_id),
        detail={
            "ended_on": ended_on.isoformat(),
            "case": case.pk if case else None,
            "dataset": dataset.pk if dataset else None,
        },
    )
    return end


@dataclass
class Result:
    due: list[rules.Holding] = field(default_factory=list)
    act: Act | None = None
    destroyed: int = 0
    notices: int = 0
    skipped: bool = False  # a scheduled run that had already run today


def _canonical(obj) -> bytes:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def run(
    *, actor=None, dry_run: bool = False, today: dt.date | None = None, scheduled: bool = False
) -> Result:
    """Destroy what is due on `today` (the node's local date). `actor` is the officer who ran it,
    or None for the scheduled job; `scheduled` runs at most once a day."""
    today = today or timezone.localdate()
    if dry_run:
        return Result(due=[h for h in rules.holdings() if h.is_due(today)])
    try:
        with transaction.atomic():
            return _run(actor, today, scheduled)
    except IntegrityError:
        if scheduled and Run.objects.filter(day=today).exists():
            return Result(skipped=True)  # another worker ran today's job meanwhile
        raise


def _run(actor, today: dt.date, scheduled: bool) -> Result:
    by = str(actor) if actor is not None else SYSTEM
    if scheduled and Run.objects.filter(day=today).exists():
        return Result(skipped=True)
    the_run = Run.objects.create(day=today if scheduled else None, by=by)
    due = [h for h in rules.holdings() if h.is_due(today)]
    late = catchup.unfinished()
    if not due and not late and not sweep.due_items(today):
        return Result()
    # Lock what is due, then look again: a concurrent run waits here and then finds only what
    # the other left (nothing, usually), so no item is destroyed or recorded twice.
    cases = [h.case.pk for h in due if h.case] + [u.case.pk for u in late if u.case]
    list(Case.objects.select_for_update().filter(pk__in=cases))
    datasets = [h.dataset.pk for h in due if h.dataset] + [u.dataset.pk for u in late if u.dataset]
    list(Dataset.objects.select_for_update().filter(pk__in=datasets))
    due = [h for h in rules.holdings() if h.is_due(today)]
    items = sweep.due_items(today)
    late = catchup.unfinished()
    result = Result(due=due)
    if not due and not items and not late:
        return result
    now = timezone.now()
    the_act = Act.objects.create(
        number=_act_number(now), made_at=now, made_by=by, items=0, pdf=b"", sha256=""
    )
    notify = settings.MIGREX_RETENTION_NOTIFY_PROVIDER
    common = {"destroyed_at": now, "destroyed_by": by, "act": the_act, "case": None}
    batches = [(h, _destroy(h, the_act, now, by)) for h in due] + [
        (None, Tombstone.objects.bulk_create(sweep.received_item(i, r, the_act.number, common)))
        for i, r in items
    ]
    # What an earlier run left of what it destroyed (its texts, its copies of messages).
    batches += [
        (None, Tombstone.objects.bulk_create(catchup.finish(u, the_act.number, common)))
        for u in late
    ]
    for holding, stones in batches:
        for stone in stones:
            record(
                Action.RETENTION_DESTROYED,
                actor=actor or "system",
                subject=f"{stone.kind}:{stone.item_id}",
                detail={
                    "case": stone.case_id,
                    "dataset": stone.dataset_id,
                    "item_kind": stone.item_kind,
                    "count": stone.count,
                    "sha256": stone.sha256,
                    "rule": stone.rule_text,
                    "act": the_act.number,
                },
            )
        result.destroyed += len(stones)
        told = [s for s in stones if s.kind in notices.ITEM_KINDS]
        if notify and told and holding is not None and _from_provider(holding):
            notices.send(holding, told, the_act)
            Tombstone.objects.filter(pk__in=[s.pk for s in told]).update(notified=True)
            result.notices += 1
    if not result.destroyed:  # what looked unfinished was not (a case without texts)
        the_act.delete()
        return result
    the_act.items = result.destroyed
    the_act.pdf = act_pdf.render(_document(the_act))
    the_act.sha256 = hashlib.sha256(the_act.pdf).hexdigest()
    the_act.save(update_fields=["items", "pdf", "sha256"])
    the_run.destroyed, the_run.act = result.destroyed, the_act
    the_run.save(update_fields=["destroyed", "act"])
    record(
        Action.RETENTION_ACT,
        actor=actor or "system",
        subject=the_act.number,
        detail={"items": the_act.items, "sha256": the_act.sha256, "notices": result.notices},
    )
    result.act = the_act
    return result


def _from_provider(h: rules.Holding) -> bool:
    """Whether the other party provided any of it: a dataset, a received request, or a case
    that received a message (a draft that was never sent has no provider to tell)."""
    if h.case is None or h.case.side == "requested":
        return True
    return h.case.events.filter(direction="in").exists()


def _act_number(now: dt.datetime) -> str:
    year = timezone.localtime(now).year
    count = Act.objects.filter(number__startswith=f"{settings.MIGREX_PARTY}-УН-{year}-").count()
    return f"{settings.MIGREX_PARTY}-УН-{year}-{count + 1:05d}"


def _destroy(h: rules.Holding, the_act: Act, now: dt.datetime, by: str) -> list[Tombstone]:
    common = {
        "case": h.case,
        "dataset": h.dataset,
        "rule": h.rule.rule,
        "rule_text": h.rule.snapshot(),
        "due_on": h.due_on,
        "destroyed_at": now,
        "destroyed_by": by,
        "act": the_act,
    }
    stones = []
    if h.case is not None:
        names = similar.names_of(SearchEntry.objects.filter(case_person__case=h.case))
        for person in h.case.persons.select_for_update().order_by("pk"):
            digest = hashlib.sha256(
                _canonical({"category": person.category, "data": person.data})
            ).hexdigest()
            stones.append(
                Tombstone(
                    kind=Tombstone.Kind.CASE_PERSON, item_id=person.pk, sha256=digest, **common
                )
            )
            person.delete()
        for attachment in h.case.attachments.select_for_update().order_by("pk"):
            stones.append(
                Tombstone(
                    kind=Tombstone.Kind.ATTACHMENT,
                    item_kind=attachment.kind,
                    item_id=attachment.pk,
                    ref=attachment.file.name.rsplit("/", 1)[-1][:100],
                    sha256=attachment.sha256,
                    **common,
                )
            )
            vault.shred(attachment)
        similar.prune(names)  # a surname no entry holds any longer is searched no more
        stones += sweep.case_texts(h.case, the_act.number, common)
        stones += sweep.messages([h.case.conversation_id], the_act.number, common)
    else:
        records = PersonRecord.objects.filter(dataset=h.dataset).order_by("position")
        names = similar.names_of(SearchEntry.objects.filter(record__dataset=h.dataset))
        digest, count = hashlib.sha256(), 0
        for data in records.values_list("data", flat=True).iterator(chunk_size=2000):
            digest.update(_canonical(data) + b"\n")
            count += 1
        records.delete()
        similar.prune(names)
        stones.append(
            Tombstone(
                kind=Tombstone.Kind.DATASET_RECORDS,
                item_id=h.dataset.pk,
                count=count,
                sha256=digest.hexdigest(),
                **common,
            )
        )
        stones += sweep.dataset_texts(h.dataset, the_act.number, common)
        ids = {h.dataset.conversation_id, h.dataset.message_id}
        stones += sweep.messages(ids, the_act.number, common)
    return Tombstone.objects.bulk_create(stones)


def _document(the_act: Act) -> act_pdf.ActDocument:
    stones = list(the_act.tombstones.select_related("case", "dataset").order_by("pk"))
    blocks: dict[str, list[Tombstone]] = {}
    for stone in stones:
        blocks.setdefault(_canonical(stone.rule_text).decode(), []).append(stone)
    titles = {a.code: a.title_ru for a in Agreement.objects.all()}
    out = []
    for key, group in blocks.items():
        text = json.loads(key)
        period = f"{text['months']} мес." if text.get("months") else f"{text['days']} дн."
        out.append(
            act_pdf.RuleBlock(
                agreement_title=f"{titles.get(text['agreement'], '')} ({text['agreement']})",
                party=text["party"],
                period=period,
                counted_from=text["counted_from"],
                basis=text["basis"],
                source=text["source"],
                lines=tuple(
                    act_pdf.Line(
                        kind=s.kind,
                        item_kind=s.item_kind,
                        where=str(s.case)
                        if s.case
                        else f"{s.dataset.title} (набор {s.dataset.pk})"
                        if s.dataset
                        else "—",
                        ref=s.ref,
                        count=s.count,
                        due_on=s.due_on,
                        sha256=s.sha256,
                    )
                    for s in group
                ),
            )
        )
    return act_pdf.ActDocument(
        number=the_act.number,
        made_at=timezone.localtime(the_act.made_at),
        made_by=the_act.made_by,
        node=settings.MIGREX_NODE_ID,
        blocks=tuple(out),
    )


def encrypt_stored() -> int:
    """Seal the attachments stored before encryption at rest (no key yet), one transaction
    each; the plaintext file is removed once its sealed copy is committed. Returns how many."""
    done = 0
    for pk in Attachment.objects.filter(key__isnull=True).values_list("pk", flat=True):
        with transaction.atomic():
            item = Attachment.objects.select_for_update().filter(pk=pk, key__isnull=True).first()
            if item is None:
                continue
            content = vault.read(item)  # checked against its SHA-256 first
            old, where = item.file.name, item.file.storage
            vault.store(item, content)
            item.save(update_fields=["file", "key", "size", "sha256"])
            transaction.on_commit(lambda old=old, where=where: where.delete(old))
        done += 1
    return done
