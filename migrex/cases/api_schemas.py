"""Request and response bodies of the cases API (pydantic v2, via ninja's Schema), and the
rendering of cases into them."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from ninja import Schema
from pydantic import Field, SecretStr

from migrex.agreements.models import Authority
from migrex.cases import actions, selectors, signatures, workflow
from migrex.cases.models import Attachment, Case
from migrex.cases.selectors import API_BOXES
from migrex.cases.validation import MAX_CONDITION, MAX_MOVE_TEXT, MAX_PERSONS, MAX_TEXT
from migrex.cases.workflow import PEER, Kind, Side, State

Box = Literal[API_BOXES]  # type: ignore[valid-type]
# The moves officers make (the others are the other party's messages, applied by the exchange).
_LOCAL_ACTIONS = tuple(sorted({t.action for t in actions.TRANSITIONS if PEER not in t.actors}))
ActionName = Literal[_LOCAL_ACTIONS]  # type: ignore[valid-type]
PERSON_DATA = (
    "Personal data, keyed by Art. 6 field code (see the agreement's `personal_data_fields`), "
    'e.g. {"surname": {"cyrillic": "Петров", "latin": "Petrov"}, "birth_date": "1990-01-05", '
    '"citizenship": ["KZ"]}. A key outside the agreement\'s Art. 6 list is refused.'
)


# --- input ------------------------------------------------------------------------------------


# The largest id or offset the API takes: a signed 64-bit integer, as the database stores them.
MAX_ID = 2**63 - 1


class CaseFilter(Schema):
    box: Box | None = Field(
        None, description="A working box; omitted: every case of your authority, newest first."
    )
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=MAX_ID)


class PersonIn(Schema):
    category: str = Field(description="The person's Art. 5 category code.")
    data: dict[str, Any] = Field(description=PERSON_DATA)


class CaseCreateIn(Schema):
    agreement: str = Field(description="Agreement code, e.g. `kz-by-2019`.")
    requested_authority: str = Field(
        description="Code of the other party's competent authority (Art. 2), e.g. `by-mvd`."
    )
    kind: Kind = Field(Kind.REQUEST, description="`request` (Art. 9) or `spontaneous` (Art. 8).")
    summary: str = Field("", max_length=MAX_TEXT["summary"])
    purpose: str = Field("", max_length=MAX_TEXT["purpose"])
    justification: str = Field("", max_length=MAX_TEXT["justification"])
    other_information: str = Field("", max_length=MAX_TEXT["other_information"])
    topics: list[str] = Field(default_factory=list, description="Art. 3/4 topic codes.")
    confidential: bool = Field(True, description="Art. 11.1.")
    persons: list[PersonIn] = Field(default_factory=list, max_length=MAX_PERSONS)


class CaseUpdateIn(Schema):
    """Only the fields given change; `persons`, when given, replaces the list."""

    summary: str | None = Field(None, max_length=MAX_TEXT["summary"])
    purpose: str | None = Field(None, max_length=MAX_TEXT["purpose"])
    justification: str | None = Field(None, max_length=MAX_TEXT["justification"])
    other_information: str | None = Field(None, max_length=MAX_TEXT["other_information"])
    topics: list[str] | None = None
    confidential: bool | None = None
    persons: list[PersonIn] | None = Field(None, max_length=MAX_PERSONS)


class ActionIn(Schema):
    text: str = Field(
        "",
        max_length=MAX_MOVE_TEXT,
        description="The written part of the move: the reasons of a refusal (Art. 10.4), the "
        "result of an answer (Art. 10.3), what information is needed (Art. 10.1), …",
    )
    grounds: list[str] | None = Field(None, description="Refusal ground codes (Art. 10.4).")
    persons: list[PersonIn] | None = Field(
        None, max_length=MAX_PERSONS, description="Persons an answer provides."
    )
    assignee: int | None = Field(
        None, ge=1, le=MAX_ID, description="User id of the officer to assign."
    )
    otp: str | None = Field(
        None,
        max_length=32,
        description="Required with `password`: the signatory's current one-time code from the "
        "authenticator app (Art. 9.3), as at sign-in; 403 `second_factor_required` or "
        "`second_factor_invalid` otherwise.",
    )
    password: SecretStr | None = Field(
        None,
        description="Required to `sign` and to `confirm`: the signatory's password, checked "
        "again (Art. 9.3, 9.5).",
    )
    authority: str | None = Field(
        None,
        max_length=64,
        description="`forward`: code of the competent authority of your party to forward the "
        "request to (Art. 2), e.g. `by-border`.",
    )
    until: dt.date | None = Field(
        None, description="`postpone`: the date execution is postponed until (Art. 10.2)."
    )
    condition: str = Field(
        "",
        max_length=MAX_CONDITION,
        description="`postpone`: the condition execution waits for (Art. 10.2); `until`, "
        "`condition` or both.",
    )


# --- output -----------------------------------------------------------------------------------

TEXT_WITHHELD = "A free text: null when `texts_withheld` (names are written in it, Art. 11.4)."
FREE_DATA = frozenset({"condition"})  # history data written as free text (Art. 10.2)


class AuthorityRef(Schema):
    code: str
    party: str
    name_ru: str
    name_en: str


class UserRef(Schema):
    id: int
    label: str


class ClockOut(Schema):
    due: dt.date | None
    days_left: int | None
    state: Literal["none", "running", "due-soon", "overdue", "postponed", "stopped"]
    label_ru: str
    label_en: str
    article: str = "10.3"


class PersonOut(Schema):
    category: str
    data: dict[str, Any] = Field(description=PERSON_DATA)
    event_id: int | None = Field(
        description="null: a person the request is about; else the history entry (e.g. an "
        "answer) that provided this data."
    )


class AttachmentOut(Schema):
    id: int
    kind: Literal["document", "photo", "fingerprint_card"]
    name: str
    content_type: str
    size: int
    sha256: str
    event_id: int | None
    created_at: dt.datetime


class EventOut(Schema):
    id: int
    action: str
    from_state: str
    to_state: str
    article: str
    actor: str = Field(description="The officer, or `peer` for the other party's node.")
    direction: Literal["", "in", "out"] = Field(description="A message sent (out) or got (in).")
    message_id: uuid.UUID | None
    at: dt.datetime
    text: str | None = Field(description=TEXT_WITHHELD)
    data: dict[str, Any] = Field(description="Without texts, a postponement's `condition` is null.")


class ActionOut(Schema):
    action: str
    article: str
    target: State = Field(description="The state the case moves to.")
    emits: str | None = Field(description="The message the move sends to the other party.")
    password_required: bool


class SignatureOut(Schema):
    name: str
    position: str
    signed_at: dt.datetime | None
    key_id: str | None = Field(
        None, description="RFC 7638 thumbprint of the signatory's own key that signed (Art. 9.3)."
    )
    verified_against: dt.date | None = Field(
        None,
        description="On the requested side: the date of the other party's list of signatories "
        "the signature was verified against (the list in force on the signing date, Art. 9.3).",
    )


class CaseSummaryOut(Schema):
    id: int
    number: str
    their_number: str
    conversation_id: uuid.UUID
    side: Side
    kind: Kind
    status: State
    agreement: str
    requesting_authority: AuthorityRef
    requested_authority: AuthorityRef
    summary: str | None = Field(description=TEXT_WITHHELD)
    confidential: bool
    received_on: dt.date | None
    due_date: dt.date | None = Field(
        description="This node's own count of the 30 days (Art. 10.3); on the requesting side, "
        "from the receipt the other node signed."
    )
    their_due_date: dt.date | None = Field(
        description="The due date the other party declared on registering the request."
    )
    due_dates_differ: bool = Field(description="The two due dates are more than a day apart.")
    clock: ClockOut
    created_at: dt.datetime
    updated_at: dt.datetime
    closed_at: dt.datetime | None


class CaseOut(CaseSummaryOut):
    purpose: str | None = Field(description=TEXT_WITHHELD)
    justification: str | None = Field(description=TEXT_WITHHELD)
    other_information: str | None = Field(description=TEXT_WITHHELD)
    texts_withheld: bool = Field(
        description="True for users without a working role (auditors, administrators): the "
        "free texts (summary, purpose, justification, other information, the history's texts "
        "and conditions) are null; numbers, dates, states, authorities and articles remain."
    )
    topics: list[str]
    author: UserRef | None
    assignee: UserRef | None
    signature: SignatureOut | None
    persons: list[PersonOut] | None = Field(
        description="null when `persons_withheld`: personal data is not shown to this user."
    )
    persons_withheld: bool = Field(
        description="True for users without a working role (e.g. auditors): they see the case "
        "and its history, not the personal data in it (Art. 11.4)."
    )
    attachments: list[AttachmentOut]
    history: list[EventOut]
    actions: list[ActionOut] = Field(description="The moves you can make now.")


class CasePage(Schema):
    items: list[CaseSummaryOut]
    count: int = Field(description="All matching cases, not only this page.")
    limit: int
    offset: int


# --- rendering: models to bodies --------------------------------------------------------------


def _authority(a: Authority) -> dict:
    return {"code": a.code, "party": a.party_id, "name_ru": a.name_ru, "name_en": a.name_en}


def _user(u) -> dict | None:
    return None if u is None else {"id": u.pk, "label": str(u)}


def _clock(case: Case, today: dt.date) -> dict:
    c = selectors.clock(case, today)
    return {
        "due": c.due,
        "days_left": c.days_left,
        "state": c.state,
        "label_ru": c.label_ru,
        "label_en": c.label_en,
    }


def attachment_out(a: Attachment) -> dict:
    return {
        "id": a.pk,
        "kind": a.kind,
        "name": a.name,
        "content_type": a.content_type,
        "size": a.size,
        "sha256": a.sha256,
        "event_id": a.event_id,
        "created_at": a.created_at,
    }


def case_summary(case: Case, today: dt.date, *, texts: bool = True) -> dict:
    return {
        "id": case.pk,
        "number": case.number,
        "their_number": case.their_number,
        "conversation_id": case.conversation_id,
        "side": case.side,
        "kind": case.kind,
        "status": case.status,
        "agreement": case.agreement.code,
        "requesting_authority": _authority(case.requesting_authority),
        "requested_authority": _authority(case.requested_authority),
        "summary": case.summary if texts else None,
        "confidential": case.confidential,
        "received_on": case.received_on,
        "due_date": case.due_date,
        "their_due_date": case.their_due_date,
        "due_dates_differ": case.due_dates_differ,
        "clock": _clock(case, today),
        "created_at": case.created_at,
        "updated_at": case.updated_at,
        "closed_at": case.closed_at,
    }


def case_detail(
    case: Case, user, today: dt.date, *, personal_data: bool, texts: bool = True
) -> dict:
    """The case as `user` sees it; without `personal_data`, persons are withheld; without
    `texts`, the free texts are null (accounts/access.py)."""
    state = workflow.State(case.status)
    signed = signatures.record_of(case)
    return {
        **case_summary(case, today, texts=texts),
        "purpose": case.purpose if texts else None,
        "justification": case.justification if texts else None,
        "other_information": case.other_information if texts else None,
        "texts_withheld": not texts,
        "topics": list(case.topics),
        "author": _user(case.author),
        "assignee": _user(case.assignee),
        "signature": {
            "name": case.signatory_name,
            "position": case.signatory_position,
            "signed_at": case.signed_at,
            "key_id": signed.key_id if signed else None,
            "verified_against": signed.list_sent_on if signed else None,
        }
        if case.signatory_name
        else None,
        "persons": [
            {"category": p.category, "data": p.data, "event_id": p.event_id}
            for p in case.persons.all()
        ]
        if personal_data
        else None,
        "persons_withheld": not personal_data,
        "attachments": [attachment_out(a) for a in case.attachments.all()],
        "history": [
            {
                "id": e.pk,
                "action": e.action,
                "from_state": e.from_state,
                "to_state": e.to_state,
                "article": e.article,
                "actor": e.actor_label,
                "direction": e.direction,
                "message_id": e.message_id,
                "at": e.at,
                "text": e.text if texts else None,
                "data": e.data if texts else {**e.data, **dict.fromkeys(e.data.keys() & FREE_DATA)},
            }
            for e in case.events.all()
        ],
        "actions": [
            {
                "action": t.action,
                "article": t.article,
                "target": workflow.target_of(t, state, case.resume_state),
                "emits": t.emits,
                "password_required": actions.BY_NAME[t.action].form.password,
            }
            for t in selectors.moves_for(user, case)
        ],
    }
