"""What this node learns of the messages of the workflow it sent: the other node's signed receipt
or refusal (exchange.kinds.Outcome), applied to the case the message came from.

A delivered request starts the requesting side's own clock (Art. 10.3): the 30 days run from the
day the receipt says the requested party received it, in that party's calendar, whatever date the
other side later declares. A refused message never reached the other party: the history says so,
with the code, the article and the member to correct, and the case returns to where it was before
the move (a request to its draft), so that the move can be made again.
"""

from __future__ import annotations

import uuid

from django.db import transaction
from django.utils import timezone

from migrex.cases import deadlines, validation
from migrex.cases.models import Case, CaseEvent, record_news
from migrex.cases.workflow import CLOSED, Kind, Side, State
from migrex.exchange.kinds import Outcome

OPENS = frozenset({Kind.REQUEST, Kind.SPONTANEOUS})


@transaction.atomic
def settled(outcomes: list[Outcome]) -> None:
    # One plain query on the message id's index for a batch, without the case joined: it runs
    # for every batch delivered, and building the ORM's query ordered as the model's and joined
    # to the case cost more than the rest of recording the delivery (bench/exchange_throughput.py).
    found: dict[str, tuple[int, int]] = {}  # message id -> its move's event and case
    rows = (
        CaseEvent.objects.filter(message_id__in=[o.message_id for o in outcomes], direction="out")
        .order_by("pk")
        .values_list("message_id", "pk", "case_id")
    )
    for message_id, event_pk, case_pk in rows:
        found.setdefault(str(message_id), (event_pk, case_pk))
    for outcome in outcomes:
        if (move := found.get(str(uuid.UUID(outcome.message_id)))) is None:
            continue
        event_pk, case_pk = move
        locked = Case.objects.select_for_update(of=("self",)).select_related("agreement")
        case = locked.get(pk=case_pk)
        if outcome.delivered:
            _delivered(case, outcome)
        else:
            _refused(case, CaseEvent.objects.get(pk=event_pk), outcome)


def _delivered(case: Case, outcome: Outcome) -> None:
    if outcome.kind != Kind.REQUEST or case.side != Side.REQUESTER:
        return
    tz = validation.party_timezone(case.requested_authority.party)
    case.received_on = timezone.localtime(outcome.at, tz).date()
    case.due_date = validation.due_date(validation.profile_of(case.agreement), case.received_on)
    case.save(update_fields=["received_on", "due_date", "updated_at"])


def _refused(case: Case, event: CaseEvent, outcome: Outcome) -> None:
    source = case.status
    if case.status == event.to_state:  # nothing happened since: the move is undone
        back = State.DRAFT if outcome.kind in OPENS else State(event.from_state)
        deadlines.pause_clock(case, source, back)
        case.status = back
        if back not in CLOSED:
            case.closed_at = None
        if back == State.DRAFT:
            case.signed_by, case.signed_at = None, None
            case.signatory_name = case.signatory_position = ""
        case.save()
    refusal = CaseEvent.objects.create(
        case=case,
        action="refused_by_peer",
        from_state=source,
        to_state=case.status,
        article=outcome.article or "",
        actor=None,
        actor_label="peer",
        direction="in",
        message_id=outcome.message_id,
        text=outcome.detail,
        data={"code": outcome.code, "field": outcome.field or "", "kind": outcome.kind},
    )
    record_news(case, refusal)
