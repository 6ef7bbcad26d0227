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

# What an official record says happened, one entry per move of either side (actions/*.py).
HISTORY: dict[str, str] = {
    "create": "Создан проект",
    "refused_by_peer": "Сообщение отклонено узлом другой Стороны",
    "submit": "Проект передан на подпись",
    "discard": "Проект аннулирован",
    "return": "Проект возвращён на доработку",
    "sign": "Подписан и направлен другой Стороне",
    "acknowledged": "Другая Сторона подтвердила получение",
    "registered": "Запрос зарегистрирован запрашиваемой Стороной",
    "forwarded": "Запрос передан в другой компетентный орган запрашиваемой Стороны",
    "information_requested": "Получен запрос дополнительных сведений",
    "obstacle": "Получено уведомление об обстоятельствах, препятствующих исполнению",
    "postponed": "Запрашиваемая Сторона отложила исполнение запроса",
    "resumed": "Запрашиваемая Сторона возобновила исполнение запроса",
    "conditions": "Запрашиваемая Сторона предложила условия исполнения",
    "confidentiality_impossible": "Получено уведомление о невозможности сохранить "
    "конфиденциальность",
    "answer": "Получен ответ на запрос",
    "partial_answer": "Получен ответ о частичном исполнении запроса",
    "refusal": "Получено уведомление об отказе в исполнении запроса",
    "provide_information": "Направлены дополнительные сведения",
    "accept_conditions": "Условия исполнения приняты",
    "decline_conditions": "Условия исполнения отклонены",
    "proceed": "Принято решение исполнять запрос без сохранения конфиденциальности",
    "withdraw": "Запрос отозван",
    "confirmation_request": "Получен запрос о подтверждении запроса",
    "confirm": "Запрос подтверждён",
    "request": "Поступил запрос",
    "spontaneous": "Поступила информация без запроса",
    "acknowledge": "Подтверждено получение информации",
    "register": "Запрос зарегистрирован",
    "forward": "Запрос передан в другой компетентный орган",
    "assign": "Назначен исполнитель",
    "request_information": "Направлен запрос дополнительных сведений",
    "information": "Получены дополнительные сведения",
    "notify_obstacle": "Направлено уведомление об обстоятельствах, препятствующих исполнению",
    "postpone": "Исполнение запроса отложено",
    "resume": "Исполнение запроса возобновлено",
    "set_conditions": "Предложены условия исполнения",
    "conditions_accepted": "Запрашивающая Сторона приняла условия исполнения",
    "conditions_declined": "Запрашивающая Сторона отклонила условия исполнения",
    "notify_confidentiality": "Направлено уведомление о невозможности сохранить конфиденциальность",
    "reply": "Направлен ответ на запрос",
    "reply_partially": "Направлен ответ о частичном исполнении запроса",
    "refuse": "Направлено уведомление об отказе в исполнении запроса",
    "withdrawal": "Запрашивающая Сторона отозвала запрос",
    "ask_confirmation": "Направлен запрос о подтверждении запроса",
    "confirmation": "Получено подтверждение запроса",
}


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
                entry=HISTORY.get(e.action) or labels.action_label(e.action),
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
