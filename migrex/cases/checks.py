"""What a move checks and changes on the case besides its state, one function per kind of
check; actions.py names the one each move runs. Every refusal names the field and the article."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from migrex.accounts.roles import OPERATOR, SUPERVISOR, holds
from migrex.agreements import signers
from migrex.agreements.selectors import directory
from migrex.cases import messages, rules, signatures, validation
from migrex.cases.models import Case
from migrex.cases.numbers import next_number
from migrex.core.errors import Forbidden, invalid
from migrex.persons import search


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
    validation.check_refusal(validation.profile_of(case.agreement), data)


def reply_partially(case: Case, actor, data: dict, confirmed: bool) -> None:
    reply(case, actor, data, confirmed)
    refuse(case, actor, data, confirmed)


def registered(case: Case, actor, data: dict, confirmed: bool) -> None:
    """The requested side's number and 30-day period arrive (Art. 10.1, 10.3). This node keeps
    its own count from the receipt (outcomes.delivered); the other's date is kept beside it, and
    counted on only until the receipt is settled here (the notice may come first)."""
    case.their_number = data.get("number", "")
    case.their_due_date = dt.date.fromisoformat(str(data["due_date"]))
    if case.due_date is None:
        case.received_on = dt.date.fromisoformat(str(data["received_on"]))
        case.due_date = case.their_due_date


def confirm(case: Case, actor, data: dict, confirmed: bool) -> None:
    """Art. 9.5: the requester's confirmation of its request, in reply to the question it
    answers (its message id, `in_reply_to`), signed as the request is (Art. 9.3: the password
    re-entered, a person on the signatory list in force, the detached signature of the person's
    own key over the confirmation's content, signatures.py)."""
    text_required("9.5", "подтверждение", "the confirmation")(case, actor, data, confirmed)
    if not confirmed:
        raise Forbidden(
            code="reauthentication_required",
            message_ru="Для подписания подтверждения подтвердите пароль.",
            message_en="Confirm your password to sign the confirmation.",
            article="9.3",
        )
    refused = signatures.refusal(case, actor)  # on the list in force, with a key it gives
    if refused is not None:
        raise refused
    entry = validation.current_signatory(case.agreement, actor, timezone.localdate())
    stored = signers.key_of(actor)
    key = signers.unlock(stored, data.pop("password", None))
    question = case.events.filter(action="confirmation_request").order_by("-at", "-id").first()
    data["in_reply_to"] = str(question.message_id) if question else ""
    data["signatory"] = {
        "name": entry.full_name,
        "position": entry.position,
        "signed_at": timezone.now().isoformat(),
        "key_id": stored.kid,
    }
    unsigned = messages.confirmation(case, None, data)
    data["signatory"]["signature"] = signatures.signature(unsigned, key)


def confirmation(case: Case, actor, data: dict, confirmed: bool) -> None:
    """The requester's confirmation is signed by a person on its party's list with the key the
    list gives, as its request is (Art. 9.3, 9.5)."""
    body = messages.ConfirmationPayload.model_validate(data)
    signatures.signed_as_listed(case.agreement, body, case.requesting_authority)


def forward(case: Case, actor, data: dict, confirmed: bool) -> None:
    """Art. 2: a request that reached the wrong competent authority of this party goes to
    another one of the same party under the same agreement, which holds the case from now on;
    the 30-day period is not changed (Art. 10.3 counts from the receipt by the requested party)."""
    found = directory().terms(case.agreement.code).authorities.get(str(data.get("authority")))
    if found is None or found.party_id != case.requested_authority.party_id:
        raise invalid(
            "unknown_authority",
            "Выберите другой компетентный орган своей Стороны по этому соглашению.",
            "Choose another competent authority of your party under this agreement.",
            "2",
            "authority",
        )
    if found.pk == case.requested_authority_id:
        raise invalid(
            "same_authority",
            "Запрос уже находится в этом органе.",
            "The request is already with this authority.",
            "2",
            "authority",
        )
    data["from"] = case.requested_authority.code
    data["authority"] = found.code
    case.requested_authority = case.owner = found
    case.assignee = None  # an officer of the authority that no longer holds the case
    search.move_case_persons(case.pk, found.pk)


def forwarded(case: Case, actor, data: dict, confirmed: bool) -> None:
    """The requester's copy learns which authority now executes its request (Art. 2); rules.py
    has refused any that is not a competent authority of the requested party."""
    data["from"] = case.requested_authority.code
    case.requested_authority = directory().authority(data["authority"])


def postpone(case: Case, actor, data: dict, confirmed: bool) -> None:
    """Art. 10.2: the reason, and until when or on what condition (rules.postponed); a date
    already past postpones nothing."""
    rules.postponed(validation.profile_of(case.agreement), data, case)
    until = _date(data.get("until"))
    tz = validation.party_timezone(case.requested_authority.party)
    if until is not None and until < timezone.localtime(timezone.now(), tz).date():
        raise invalid(
            "postponement_until_past",
            "Дата, до которой откладывается исполнение, уже прошла.",
            "The date execution is postponed until has passed.",
            "10.2",
            "until",
        )
    postponed(case, actor, data, confirmed)


def postponed(case: Case, actor, data: dict, confirmed: bool) -> None:
    """Both copies keep the terms of the postponement (deadlines.postponement_holds)."""
    until = _date(data.get("until"))
    data["until"] = until.isoformat() if until else None
    data["condition"] = str(data.get("condition") or "").strip()
    case.postponed_until = until
    case.postponement_condition = data["condition"]


def _date(value) -> dt.date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
