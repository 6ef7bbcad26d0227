"""The whole case file of one officer's view (documents.casefile renders it): the cover, the
letters in order and the history in the past tense, in Russian (Art. 14) whatever the page's
language.  Letters and free texts go only to roles that may have them through a PDF (the access
table, accounts/access.py; Art. 11.4): the others get the cover, the list of letters by number
and date, and the history without its texts."""

from __future__ import annotations

from django.utils import timezone, translation

from migrex.accounts import access
from migrex.accounts.access import Channel, Data
from migrex.cases import labels, letters
from migrex.cases.documents import (
    ANSWER,
    CLARIFICATION,
    PARTIAL_ANSWER,
    REFUSAL,
    TITLES,
    CaseFile,
    Entry,
    Listed,
    render_case_file,
)
from migrex.cases.models import Case, CaseEvent
from migrex.cases.workflow import Kind, Side


def full(user) -> bool:
    """May `user` have the letters and texts (and the persons the letters name) in a PDF?"""
    return access.allows(user, Data.TEXT, Channel.PDF) and access.allows(
        user, Data.PERSONS, Channel.PDF
    )


def _kind_of(event: CaseEvent) -> str:
    if event.action in letters.CLARIFICATIONS:
        return CLARIFICATION
    if event.action in letters.ANSWERS:
        return ANSWER
    return PARTIAL_ANSWER if event.action in letters.PARTIAL_ANSWERS else REFUSAL


def _when(value) -> str:
    return timezone.localtime(value).strftime("%d.%m.%Y %H:%M")


def _actor(case: Case, event: CaseEvent) -> str:
    if event.actor is None:
        return case.other_authority.name_ru
    return ", ".join(p for p in (str(event.actor), event.actor.position) if p)


def _dates(case: Case) -> list[tuple[str, str]]:
    dates = [("Создан", _when(case.created_at))]
    if case.signed_at:
        dates.append(("Подписан", _when(case.signed_at)))
    if case.received_on:  # on the requester's side, as the requested side registered it
        label = "Поступил" if case.side == Side.REQUESTED else "Поступил запрашиваемой Стороне"
        dates.append((label, case.received_on.strftime("%d.%m.%Y")))
    if case.closed_at:
        dates.append(("Закрыт", _when(case.closed_at)))
    return dates


def build(case: Case, user) -> CaseFile:
    whole = full(user)
    texts = access.allows(user, Data.TEXT, Channel.PDF)
    events = list(case.events.select_related("actor").order_by("at", "id"))
    sent = [e for e in events if e.action in letters.LETTERS]
    request = Listed(
        "Запрос о содействии" if case.kind == Kind.REQUEST else "Информация без запроса",
        case.number if case.side == Side.REQUESTER else case.their_number,
        letters.request_date(case),
    )
    listed = [request] + [
        Listed(TITLES[_kind_of(e)], letters.outgoing_number(case, e), timezone.localdate(e.at))
        for e in sent
    ]
    documents = []
    if whole:
        documents.append(letters.request_document(case))
        for e in sent:
            if e.action in letters.REFUSALS:
                documents.append(letters.refusal_document(case, e))
            else:  # a partial answer is one letter: its answer states the grounds too
                documents.append(letters.reply_document(case, e))
    outgoing = case.side == Side.REQUESTER
    if case.kind == Kind.REQUEST:
        kind, direction = "Запрос о содействии (ст. 8, 9)", "исходящий" if outgoing else "входящий"
    else:
        kind, direction = "Информация без запроса (ст. 8)", "исходящая" if outgoing else "входящая"
    with translation.override("ru"):
        state = labels.state_label(case.status)
        history = [
            Entry(
                at=timezone.localtime(e.at),
                entry=labels.event_label(e.action, case.kind),
                article=e.article,
                actor=_actor(case, e),
                direction=e.direction,
                text=e.text if texts else (None if e.text else ""),
            )
            for e in events
        ]
    return CaseFile(
        number=case.number,
        their_number=case.their_number,
        kind=kind,
        direction=direction,
        state=state,
        agreement_title=letters.agreement_title(case),
        requesting_authority=letters.authority(case.requesting_authority),
        requested_authority=letters.authority(case.requested_authority),
        dates=_dates(case),
        due_date=case.due_date,
        confidential=case.confidential,
        conversation_id=str(case.conversation_id),
        prepared_by=", ".join(p for p in (str(user), user.position) if p),
        prepared_at=timezone.localtime(),
        listed=listed,
        history=history,
        letters=documents,
        restricted=not whole,
    )


def case_file(case: Case, user) -> bytes:
    return render_case_file(build(case, user))
