"""What a move checks and changes on the case besides its state, one function per kind of
check; actions.py names the one each move runs. Every refusal names the field and the article."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from migrex.accounts.roles import OPERATOR, SUPERVISOR, holds
from migrex.cases import signatures, validation
from migrex.cases.models import Case
from migrex.cases.numbers import next_number
from migrex.core.errors import Forbidden, invalid


def text_required(article: str, what_ru: str, what_en: str):
    """The move's text is required: it is what the other party reads (or the history keeps)."""

    def check(case: Case, actor, data: dict, confirmed: bool) -> None:
        if not str(data.get("text", "")).strip():
            raise invalid(
                "text_required", f"Укажите {what_ru}.", f"State {what_en}.", article, "text"
            )

    return check


def _author_only(case: Case, actor) -> None:
    if actor.pk != case.author_id:
        raise Forbidden(
            code="author_only",
            message_ru="Проект передаёт на подпись или удаляет только его автор.",
            message_en="Only the author submits or discards a draft.",
            article="9.3",
        )


def submit(case: Case, actor, data: dict, confirmed: bool) -> None:
    _author_only(case, actor)
    validation.check_request(case)


def discard(case: Case, actor, data: dict, confirmed: bool) -> None:
    _author_only(case, actor)


def sign(case: Case, actor, data: dict, confirmed: bool) -> None:
    if not confirmed:
        raise Forbidden(
            code="reauthentication_required",
            message_ru="Для подписания подтвердите пароль.",
            message_en="Confirm your password to sign.",
            article="9.3",
        )
    if actor.pk == case.author_id:
        raise Forbidden(
            code="four_eyes",
            message_ru="Автор запроса не может его подписать.",
            message_en="The author of a request cannot sign it.",
            article="9.3",
        )
    entry = validation.current_signatory(case.agreement, actor, timezone.localdate())
    validation.check_request(case)
    case.signed_by = actor
    case.signed_at = timezone.now()
    case.signatory_name = entry.full_name
    case.signatory_position = entry.position
    signatures.sign(case, actor, entry, data)  # the signatory's own key (Art. 9.3, 9.4)


def register(case: Case, actor, data: dict, confirmed: bool) -> None:
    case.number = next_number(case.requested_authority, timezone.localdate().year)
    if data.get("assignee"):
        assign(case, actor, data, confirmed)


def assign(case: Case, actor, data: dict, confirmed: bool) -> None:
    user = (
        get_user_model()
        .objects.filter(
            pk=data.get("assignee"), authority_id=case.requested_authority_id, is_active=True
        )
        .first()
    )
    if user is None or not holds(user, OPERATOR, SUPERVISOR):
        raise invalid(
            "bad_assignee",
            "Исполнитель должен быть сотрудником органа.",
            "The assignee must be an officer of the authority.",
            "10.1",
            "assignee",
        )
    case.assignee = user


def reply(case: Case, actor, data: dict, confirmed: bool) -> None:
    text_required("10.3", "результат исполнения запроса", "the result of the execution")(
        case, actor, data, confirmed
    )
    validation.clean_persons(data.get("persons") or [], validation.profile_of(case.agreement))


def refuse(case: Case, actor, data: dict, confirmed: bool) -> None:
    validation.check_refusal(case, data)


def reply_partially(case: Case, actor, data: dict, confirmed: bool) -> None:
    reply(case, actor, data, confirmed)
    validation.check_refusal(case, data)


def registered(case: Case, actor, data: dict, confirmed: bool) -> None:
    """The requested side's number and 30-day period arrive (Art. 10.1, 10.3)."""
    case.their_number = data.get("number", "")
    case.received_on = dt.date.fromisoformat(str(data["received_on"]))
    case.due_date = dt.date.fromisoformat(str(data["due_date"]))
