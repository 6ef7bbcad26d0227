"""Finding what officers are to be told: new entries of the case history, read past a
watermark, and the deadlines of the requests this node executes.

Why a watermark over the history rather than signals: every move of a case, local or from the
other party, already writes one CaseEvent in the transaction that makes it (cases/services.py),
so the history is the complete, durable list of what happened. Reading it after the fact needs
no hook in the workflow (no logic in signals, DESIGN §5), loses nothing when the mail or this
process is down (the events wait in the table), and a run that crashes rolls back with the
notices it wrote, leaving the watermark where it was.

Ids are not committed in their order on PostgreSQL: a move whose transaction is still open when
a run reads may get an id below one already read. So the watermark only moves past events older
than GRACE, and the younger ones are read again by the following runs; a notice found twice is the
same row (unique officer, case and key), so reading again sends nothing twice.

Reminders (Art. 10.3, 30 days from receipt in the requested party's calendar): 10, 5 and 1 days
before the date, and once when it has passed; one row per (due date, stage), so a run that
missed a day sends the stage the case is in, never the ones it passed. A deadline moved by a
pause of the profile starts its reminders again; a postponement that holds (Art. 10.2) stops
them. Everything here runs in one transaction with the notices it writes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from migrex.cases import selectors, validation, workflow
from migrex.cases.models import Case, CaseEvent
from migrex.cases.workflow import Kind, Side
from migrex.notify import recipients
from migrex.notify.models import Notice, Watermark

GRACE = dt.timedelta(minutes=10)
STAGES = (1, 5, 10)  # days before the due date
OVERDUE = -1  # the stage of a request past its date
BATCH = 2000


@dataclass
class Collected:
    notices: int = 0
    events: int = 0
    reminders: int = 0


def collect(now: dt.datetime | None = None, *, record: bool = True) -> Collected:
    """Read the history past the watermark and the deadlines; write their notices (with
    `record` False: only move the watermark, for a node that sends no mail)."""
    now = now or timezone.now()
    found = Collected()
    with transaction.atomic():
        mark = Watermark.objects.select_for_update().filter(pk=1).first()
        if mark is None:
            mark = Watermark.objects.create(pk=1, event_id=0)
        settled = mark.event_id
        young = False
        rows: list[Notice] = []
        events = CaseEvent.objects.filter(pk__gt=mark.event_id).select_related("case")
        for event in events.order_by("pk").iterator(chunk_size=BATCH):
            found.events += 1
            if record:
                rows += of_event(event)
            young = young or event.at > now - GRACE
            if not young:
                settled = event.pk
        rows += reminders(now) if record else []
        found.reminders = sum(1 for r in rows if r.what == "reminder")
        found.notices = _write(rows, now)
        if settled != mark.event_id:
            mark.event_id = settled
            mark.save(update_fields=["event_id", "updated_at"])
    return found


def of_event(event: CaseEvent) -> list[Notice]:
    told = recipients.for_event(event).values_list("pk", flat=True)
    key = f"event:{event.pk}"
    return [Notice(user_id=pk, case_id=event.case_id, key=key, what=event.action) for pk in told]


def _write(rows: list[Notice], now: dt.datetime) -> int:
    """The notices not written before; how many are new."""
    if not rows:
        return 0
    for row in rows:
        row.created_at = now
    last = Notice.objects.aggregate(last=Max("pk"))["last"] or 0
    Notice.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
    return Notice.objects.filter(pk__gt=last).count()


def stage(days_left: int) -> int | None:
    """The reminder a request `days_left` days before its date is due for, if any."""
    if days_left < 0:
        return OVERDUE
    return next((s for s in STAGES if days_left <= s), None)


def reminders(now: dt.datetime) -> list[Notice]:
    # The node's own date, a day of margin either way for the parties' time zones; each case
    # is then counted in its requested party's calendar.
    horizon = timezone.localdate(now) + dt.timedelta(days=max(STAGES) + 1)
    cases = Case.objects.filter(
        side=Side.REQUESTED,
        kind=Kind.REQUEST,
        status__in=workflow.CLOCK_RUNNING,
        due_date__isnull=False,
        due_date__lte=horizon,
    ).select_related("requested_authority__party")
    # The stages already decided (any officer's row): not looked at again, so that a run costs
    # a query per case only on the day a stage begins.
    decided = set(
        Notice.objects.filter(what="reminder", due_date__lte=horizon).values_list("case_id", "key")
    )
    rows = []
    for case in cases.iterator(chunk_size=BATCH):
        today = timezone.localtime(now, validation.party_timezone(case.requested_authority.party))
        today = today.date()
        if selectors.postponement_holds(case, today):
            continue
        left = (case.due_date - today).days
        at = stage(left)
        if at is None:
            continue
        key = f"due:{case.due_date.isoformat()}:{'overdue' if at == OVERDUE else at}"
        if (case.pk, key) in decided:
            continue
        for pk in recipients.reachable(recipients.must_answer(case)).values_list("pk", flat=True):
            rows.append(
                Notice(
                    user_id=pk,
                    case_id=case.pk,
                    key=key,
                    what="reminder",
                    due_date=case.due_date,
                    days_left=left,
                )
            )
    return rows
