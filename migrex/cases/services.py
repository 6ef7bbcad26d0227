"""Writes to cases. Every change of state goes through transition(); nothing else sets `status`."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from migrex.accounts.roles import OPERATOR
from migrex.agreements.models import Agreement, Authority
from migrex.audit.actions import Action
from migrex.audit.services import record
from migrex.cases import actions, deadlines, rules, validation, workflow
from migrex.cases.errors import AttachmentUnreadable, IllegalMove
from migrex.cases.models import Attachment, Case, CaseEvent, CasePerson, record_news
from migrex.cases.numbers import next_number
from migrex.cases.workflow import PEER, Kind, Side, State
from migrex.core import deferred, vault
from migrex.core.errors import Forbidden, invalid
from migrex.exchange import outbox
from migrex.persons import search

DRAFT_FIELDS = (
    "summary",
    "purpose",
    "justification",
    "other_information",
    "topics",
    "confidential",
)


@dataclass(frozen=True)
class Peer:
    """The other party's node as the actor of a move (its message id, for the history)."""

    authority: Authority
    message_id: uuid.UUID | None = None


@transaction.atomic
def create_draft(
    *,
    actor,
    agreement: Agreement,
    requested_authority: Authority,
    kind: Kind = Kind.REQUEST,
    persons: list[dict] | None = None,
    **fields: Any,
) -> Case:
    """An operator's new draft request (Art. 9) or information without a request (Art. 8)."""
    if not actor.has_role(OPERATOR) or actor.authority_id is None:
        raise Forbidden(
            code="forbidden",
            message_ru="Составлять запросы могут только операторы компетентного органа.",
            message_en="Only operators of a competent authority may draft requests.",
            article="9.3",
        )
    unknown = set(fields) - set(DRAFT_FIELDS)
    if unknown:
        raise TypeError(f"unknown draft fields: {sorted(unknown)}")
    # The route a request will travel, checked now so that a draft that can never be sent is
    # not written (the sending checks it again, with the peer).
    outbox.check_route(
        agreement.code,
        actor.authority,
        requested_authority,
        peer=False,
        fields={"receiver": "requested_authority"},
    )
    case = Case.objects.create(
        side=Side.REQUESTER,
        kind=kind,
        status=State.DRAFT,
        agreement=agreement,
        requesting_authority=actor.authority,
        requested_authority=requested_authority,
        owner=actor.authority,
        author=actor,
        number=next_number(actor.authority, timezone.localdate().year),
        **fields,
    )
    if persons:
        _replace_persons(case, persons)
    _history(case, "create", "", State.DRAFT, "9.2", actor=actor)
    return case


@transaction.atomic
def update_draft(*, case: Case, actor, persons: list[dict] | None = None, **fields: Any) -> Case:
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status != State.DRAFT:
        raise IllegalMove(
            code="not_a_draft",
            message_ru="Изменять можно только проект запроса.",
            message_en="Only a draft can be edited.",
            article="9.3",
        )
    if actor.pk != case.author_id:
        raise Forbidden(
            code="forbidden",
            message_ru="Проект изменяет только его автор.",
            message_en="Only the author edits a draft.",
        )
    unknown = set(fields) - set(DRAFT_FIELDS)
    if unknown:
        raise TypeError(f"unknown draft fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(case, name, value)
    case.save()
    if persons is not None:
        _replace_persons(case, persons)
    return case


def _replace_persons(case: Case, persons: list[dict], event: CaseEvent | None = None) -> None:
    if event is None:
        search.forget_case_persons(case.persons.filter(event=None))
    _add_persons(case, persons, event)


def _add_persons(case: Case, persons: list[dict], event: CaseEvent | None = None) -> None:
    created = CasePerson.objects.bulk_create(_people(case, persons, event))
    search.index_case_persons(created, case.owner_id)


def _people(case: Case, persons: list[dict], event: CaseEvent | None = None) -> list[CasePerson]:
    """The rows of `persons`, once they keep the agreement's rules (validation.clean_persons)."""
    cleaned = validation.clean_persons(persons, validation.profile_of(case.agreement))
    return [
        CasePerson(case=case, event=event, category=p["category"], data=p["data"], position=i)
        for i, p in enumerate(cleaned)
    ]


@transaction.atomic
def add_attachment(
    *, case: Case, actor, name: str, content: bytes, content_type: str, kind: str = "document"
) -> Attachment:
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status != State.DRAFT or actor.pk != case.author_id:
        raise IllegalMove(
            code="not_a_draft",
            message_ru="Вложения добавляются к проекту его автором.",
            message_en="Attachments are added to a draft by its author.",
            article="9.2",
        )
    validation.check_attachment(case, kind=kind, name=name, content=content)
    attachment = Attachment(
        case=case, kind=kind, name=name, content_type=content_type, uploaded_by=actor
    )
    vault.store(attachment, content)  # ciphertext on disk, a key of its own (Art. 11.4)
    attachment.save()
    return attachment


def transition(
    *, case: Case, action: str, actor, data: dict | None = None, confirmed: bool = False
) -> Case:
    """Make one move of the workflow: lock, check, save, history and outbox in one transaction.

    `actor` is an officer (a User) or a Peer; `confirmed` says the officer re-entered their
    credentials for this move (required to sign, Art. 9.3). An attachment that no longer opens
    refuses the move (AttachmentUnreadable, Art. 11.4): nothing is saved or sent, the refusal is
    audited. `data["attachments"]`: the files the move's message carries, each `name`, `kind`,
    `content_type` and `content` (bytes from an officer; base64 with its `sha256` from a peer,
    whose rule has checked them).
    """
    try:
        # The files a move attaches do not outlive a move that rolls back (core/vault.py).
        with vault.discarded_on_failure():
            return _transition(
                case=case, action=action, actor=actor, data=data, confirmed=confirmed
            )
    except AttachmentUnreadable as exc:
        # Recorded after the move rolled back: inside it, the entry would have gone with it.
        record(
            Action.CASE_ATTACHMENT_UNREADABLE,
            actor=getattr(actor, "username", "peer"),
            subject=case.number or case.pk,
            detail={
                "case": case.pk,
                "action": action,
                "attachment": exc.attachment.pk,
                "kind": exc.attachment.kind,  # its name may name the person (Art. 11.5)
                "sha256": exc.attachment.sha256,
                "reason": exc.reason,
            },
        )
        raise


def _move(case: Case, action: str) -> actions.Action:
    """The move `action` from the case's state, as the workflow's table declares it."""
    move = actions.find(case.side, case.kind, case.status, action)
    if move is None:
        raise IllegalMove(
            code="illegal_move",
            message_ru=f"Действие «{action}» невозможно в состоянии «{case.status}».",
            message_en=f"Action '{action}' is not allowed in state '{case.status}'.",
            field="kind",  # the move itself: for a message, the envelope's kind
        )
    return move


@transaction.atomic
def _transition(*, case: Case, action: str, actor, data: dict | None, confirmed: bool) -> Case:
    data = dict(data or {})
    # The case's row only: its agreement's row is every case's, and would make moves wait for
    # each other (a signature holds the lock through its key's Argon2).
    case = Case.objects.select_for_update(of=("self",)).select_related("agreement").get(pk=case.pk)
    move = _move(case, action)
    _authorise(case, move, actor)
    declared = actions.BY_NAME[action]
    if isinstance(actor, Peer):  # the other side's move, held to the rule its sender ran
        rules.check(action, validation.profile_of(case.agreement), data, case)
    files = _files(case, declared, actor, data.pop("attachments", None) or [])
    sender = case.owner  # the authority that makes the move, though it forwards the case (Art. 2)
    if declared.check is not None:
        declared.check(case, actor, data, confirmed)
    source = State(case.status)
    case.status = workflow.target_of(move, source, case.resume_state)
    case.resume_state = workflow.resume_of(source, case.status, case.resume_state)
    deadlines.pause_clock(case, source, case.status)
    if case.status in workflow.CLOSED and case.closed_at is None:
        case.closed_at = timezone.now()
    case.save()
    event = _history(
        case,
        action,
        source,
        case.status,
        move.article,
        actor=actor,
        text=data.get("text", ""),
        data={k: v for k, v in data.items() if k in declared.keeps},
        direction="in" if isinstance(actor, Peer) else ("out" if move.emits else ""),
        message_id=actor.message_id if isinstance(actor, Peer) else None,
    )
    if data.get("persons"):
        _replace_persons(case, data["persons"], event)
    for f in files:
        attachment = Attachment(
            case=case,
            event=event,
            kind=f["kind"],
            name=f["name"],
            content_type=f.get("content_type") or "application/octet-stream",
            uploaded_by=None if isinstance(actor, Peer) else actor,
        )
        vault.store(attachment, f["content"])  # sealed, a key of its own (Art. 11.4)
        attachment.save()
    if move.emits:
        _emit(case, event, declared, move.emits, data, sender)
    return case


def _files(case: Case, declared: actions.Action, actor, files: list[dict]) -> list[dict]:
    """The files of the move, as bytes, once they keep the limits a request's attachments keep
    (validation.check_files); a peer's were checked by their rule and are decoded here."""
    if not files:
        return []
    if isinstance(actor, Peer):
        return [{**f, "content": validation.opened_file(f)} for f in files]
    if not declared.form.files:
        raise invalid(
            "attachments_not_allowed",
            "К этому действию файлы не прилагаются.",
            "Files are not attached to this move.",
            declared.article,
            "attachments",
        )
    validation.check_files(validation.profile_of(case.agreement), files)
    return files


def precheck(*, case: Case, action: str, actor, data: dict) -> None:
    """What the move would refuse before anything is written: for the page that shows the move
    as it will leave before the officer confirms it (views_case, the review step). The move
    checks it all again when it is made."""
    move = _move(case, action)
    _authorise(case, move, actor)
    declared = actions.BY_NAME[action]
    data = dict(data)
    _files(case, declared, actor, data.pop("attachments", None) or [])
    if declared.check is not None:
        declared.check(case, actor, data, False)


def _authorise(case: Case, move: workflow.Transition, actor) -> None:
    if isinstance(actor, Peer):
        if PEER in move.actors and actor.authority.pk == case.other_authority.pk:
            return
    elif (
        PEER not in move.actors
        and actor.authority_id == case.own_authority_id
        and any(actor.has_role(role) for role in move.actors)
    ):
        return
    raise Forbidden(
        code="forbidden",
        message_ru="Это действие вам не разрешено.",
        message_en="You may not make this move.",
        article=move.article,
    )


def _history(case, *args, **kwargs) -> CaseEvent:
    """An entry of the case's history (`_entry`), saved with the news it brings."""
    event = _entry(case, *args, **kwargs)
    event.save(force_insert=True)
    record_news(case, event)
    return event


def _entry(
    case,
    action,
    source,
    target,
    article,
    *,
    actor,
    text="",
    data=None,
    direction="",
    message_id=None,
    at=None,
) -> CaseEvent:
    label = "peer" if isinstance(actor, Peer) else str(actor)
    return CaseEvent(
        at=at or timezone.now(),
        case=case,
        action=action,
        from_state=source or "",
        to_state=target,
        article=article,
        actor=None if isinstance(actor, Peer) else actor,
        actor_label=label,
        direction=direction,
        message_id=message_id,
        text=text,
        data=data or {},
    )


def _emit(
    case: Case, event: CaseEvent, action: actions.Action, kind: str, data: dict, sender: Authority
) -> None:
    """The message the move sends, checked by its rule (the receiver runs it again) and queued
    with the move (the one way out: exchange.outbox)."""
    payload = action.payload(case, event, data)
    rules.check(kind, validation.profile_of(case.agreement), payload.model_dump(mode="json"), case)
    message = outbox.send(
        agreement=case.agreement.code,
        kind=kind,
        sender=sender,
        receiver=case.other_authority,
        payload=payload,
        conversation_id=case.conversation_id,
    )
    event.message_id = message.id
    event.save(update_fields=["message_id"])


def opened(
    case: Case, peer: Peer, *, persons: list[dict], signed: dict, attachments: list[Attachment]
) -> None:
    """Create the case a received request opened (cases/inbox.py; `case` not yet saved) with the
    first entry of its history, bearing the news of its opening (`news_at`: that entry's time),
    its persons and its attachments (already in the vault). `signed`: what the history keeps of
    the signatory's verified signature (Art. 9.3). The persons are checked now, so that a
    refusal names them; the rows are written by `_create_opened`: at once for a message alone,
    at the end of the inbox's batch for all the cases the batch opened (core/deferred.py), one
    insert per table rather than one per row."""
    action = "request" if case.kind == Kind.REQUEST else "spontaneous"
    event = _entry(
        case,
        action,
        "",
        case.status,
        actions.BY_NAME[action].article,
        actor=peer,
        direction="in",
        message_id=peer.message_id,
        data=signed,
        at=case.news_at,
    )
    deferred.later(_create_opened, (case, event, _people(case, persons), attachments))


def _create_opened(
    opened: list[tuple[Case, CaseEvent, list[CasePerson], list[Attachment]]],
) -> None:
    """The rows of the cases `opened` made, each table in one insert: the cases first, whose
    keys the others take."""
    Case.objects.bulk_create([case for case, *_ in opened])
    CaseEvent.objects.bulk_create([event for _, event, _, _ in opened])
    people = CasePerson.objects.bulk_create([p for _, _, persons, _ in opened for p in persons])
    Attachment.objects.bulk_create([a for *_, attachments in opened for a in attachments])
    owners: dict[int, list[CasePerson]] = {}
    for person in people:
        owners.setdefault(person.case.owner_id, []).append(person)
    for owner, persons in owners.items():
        search.index_case_persons(persons, owner)
