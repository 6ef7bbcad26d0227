"""What each move checks and changes besides the state, and what its message carries.

transition() calls apply() for every move; an action with no entry here only changes the state.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from collections.abc import Callable

from django.utils import timezone

from migrex.agreements.models import Authority
from migrex.agreements.selectors import directory
from migrex.cases import validation
from migrex.cases.errors import AttachmentUnreadable, Forbidden, Invalid, error
from migrex.cases.models import Attachment, Case
from migrex.cases.workflow import Kind, Side, State, Transition
from migrex.retention import storage


def _require_text(data: dict, article: str, what_ru: str, what_en: str) -> None:
    if not str(data.get("text", "")).strip():
        raise Invalid(
            [error("text_required", f"Укажите {what_ru}.", f"State {what_en}.", article, "text")]
        )


def _author_only(case: Case, actor) -> None:
    if actor.pk != case.author_id:
        raise Forbidden(
            code="author_only",
            message_ru="Проект передаёт на подпись или удаляет только его автор.",
            message_en="Only the author submits or discards a draft.",
            article="9.3",
        )


def _submit(case: Case, actor, data: dict, confirmed: bool) -> None:
    _author_only(case, actor)
    validation.check_request(case)


def _discard(case: Case, actor, data: dict, confirmed: bool) -> None:
    _author_only(case, actor)


def _sign(case: Case, actor, data: dict, confirmed: bool) -> None:
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
    today = timezone.localdate()
    entry = validation.current_signatory(case.agreement, actor, today)
    validation.check_request(case)
    case.signed_by = actor
    case.signed_at = timezone.now()
    case.signatory_name = entry.full_name
    case.signatory_position = entry.position


def _register(case: Case, actor, data: dict, confirmed: bool) -> None:
    from migrex.cases.services import next_number

    case.number = next_number(case.requested_authority, timezone.localdate().year)
    if data.get("assignee"):
        _assign(case, actor, data, confirmed)


def _assign(case: Case, actor, data: dict, confirmed: bool) -> None:
    from django.contrib.auth import get_user_model

    user = (
        get_user_model()
        .objects.filter(
            pk=data.get("assignee"), authority_id=case.requested_authority_id, is_active=True
        )
        .first()
    )
    if user is None or not (user.has_role("operator") or user.has_role("supervisor")):
        raise Invalid(
            [
                error(
                    "bad_assignee",
                    "Исполнитель должен быть сотрудником органа.",
                    "The assignee must be an officer of the authority.",
                    "10.1",
                    "assignee",
                )
            ]
        )
    case.assignee = user


def _with_text(article: str, ru: str, en: str) -> Callable:
    def check(case: Case, actor, data: dict, confirmed: bool) -> None:
        _require_text(data, article, ru, en)

    return check


def _reply(case: Case, actor, data: dict, confirmed: bool) -> None:
    _require_text(data, "10.3", "результат исполнения запроса", "the result of the execution")
    validation.clean_persons(data.get("persons") or [], validation.profile_of(case.agreement))


def _refuse(case: Case, actor, data: dict, confirmed: bool) -> None:
    validation.check_refusal(case, data)


def _reply_partially(case: Case, actor, data: dict, confirmed: bool) -> None:
    _reply(case, actor, data, confirmed)
    validation.check_refusal(case, data)


def _registered(case: Case, actor, data: dict, confirmed: bool) -> None:
    case.their_number = data.get("number", "")
    case.received_on = dt.date.fromisoformat(data["received_on"])
    case.due_date = dt.date.fromisoformat(data["due_date"])


CHECKS: dict[str, Callable] = {
    "submit": _submit,
    "discard": _discard,
    "sign": _sign,
    "register": _register,
    "assign": _assign,
    "request_information": _with_text("10.1", "какие сведения нужны", "what information is needed"),
    "notify_obstacle": _with_text("10.1", "обстоятельства", "the circumstances"),
    "postpone": _with_text("10.2", "основание отсрочки", "the reason for postponing"),
    "resume": _with_text("10.2", "сведения о возобновлении", "why execution resumes"),
    "set_conditions": _with_text("10.2", "условия исполнения", "the conditions"),
    "notify_confidentiality": _with_text(
        "11.1", "почему конфиденциальность невозможна", "why confidentiality cannot be kept"
    ),
    "provide_information": _with_text("10.1", "дополнительные сведения", "the information"),
    "decline_conditions": _with_text("10.2", "причину отказа от условий", "why"),
    "withdraw": _with_text("8", "причину отзыва", "why the request is withdrawn"),
    "ask_confirmation": _with_text("9.5", "в чём сомнение", "what is doubted"),
    "confirm": _with_text("9.5", "подтверждение", "the confirmation"),
    "reply": _reply,
    "reply_partially": _reply_partially,
    "refuse": _refuse,
    "registered": _registered,
}


def apply(move: Transition, *, case: Case, actor, data: dict, confirmed: bool) -> None:
    check = CHECKS.get(move.action)
    if check is not None:
        check(case, actor, data, confirmed)


def pause_clock(case: Case, source: str, target: str) -> None:
    """Leaving a state in which the profile pauses the deadline extends it by the days spent
    there (Art. 10.3 counts 30 calendar days; an agreement may stop the clock, KZ-BY does not)."""
    if case.side != Side.REQUESTED or case.due_date is None or source == target:
        return
    profile = validation.profile_of(case.agreement)
    deadline = profile.rule("rules.deadlines.request_execution")
    if source not in {p.code for p in deadline.pauses}:
        return
    entered = case.events.filter(to_state=source).order_by("-at").values_list("at", flat=True)
    if not entered:
        return
    tz = validation.party_timezone(case.requested_authority.party)
    days = (
        timezone.localtime(timezone.now(), tz).date() - timezone.localtime(entered[0], tz).date()
    ).days
    if days > 0:
        case.paused_days += days
        case.due_date = validation.due_date(profile, case.received_on, case.paused_days)


def event_data(data: dict) -> dict:
    """What the history keeps of a move's data (persons go to their own table)."""
    return {
        k: v
        for k, v in data.items()
        if k in ("grounds", "assignee", "number", "received_on", "due_date")
    }


def payload(kind: str, *, case: Case, event, data: dict) -> dict:
    if kind in ("request", "spontaneous"):
        return {
            "number": case.number,
            "kind": case.kind,
            "requesting_authority": case.requesting_authority.code,
            "requested_authority": case.requested_authority.code,
            "summary": case.summary,
            "purpose": case.purpose,
            "justification": case.justification,
            "other_information": case.other_information,
            "topics": case.topics,
            "confidential": case.confidential,
            "persons": [
                {"category": p.category, "data": p.data} for p in case.persons.filter(event=None)
            ],
            "attachments": [_attachment(a) for a in case.attachments.filter(event=None)],
            "signatory": {
                "name": case.signatory_name,
                "position": case.signatory_position,
                "signed_at": case.signed_at.isoformat(),
            },
        }
    if kind == "registered":
        return {
            "number": case.number,
            "received_on": case.received_on.isoformat(),
            "due_date": case.due_date.isoformat(),
        }
    body = {"text": data.get("text", "")}
    if "grounds" in data:
        body["grounds"] = list(data["grounds"])
    if data.get("persons"):
        body["persons"] = [{"category": p["category"], "data": p["data"]} for p in data["persons"]]
    return body


def _attachment(a: Attachment) -> dict:
    try:
        content = storage.read(a)  # decrypted here; the envelope encrypts it again for the peer
    except storage.Unreadable as exc:
        raise AttachmentUnreadable(attachment=a, reason=str(exc)) from exc
    return {
        "name": a.name,
        "kind": a.kind,
        "content_type": a.content_type,
        "sha256": a.sha256,
        "content": base64.b64encode(content).decode("ascii"),
    }


def open_received(message: dict, *, sender: Authority) -> Case:
    """Create the requested side's copy of a request or of spontaneous information."""
    body = message["payload"]
    receiver = directory().authority(message["receiver_authority"])
    agreement = validation.agreement_between(message["agreement"], sender, receiver)
    profile = validation.profile_of(agreement)
    tz = validation.party_timezone(receiver.party)
    received_on = timezone.localtime(timezone.now(), tz).date()  # Art. 10.3: receiving party
    kind = Kind.SPONTANEOUS if message["kind"] == "spontaneous" else Kind.REQUEST
    return Case.objects.create(
        conversation_id=message["conversation_id"],
        side=Side.REQUESTED,
        kind=kind,
        status=State.RECEIVED,
        agreement=agreement,
        their_number=body.get("number", ""),
        requesting_authority=sender,
        requested_authority=receiver,
        owner=receiver,
        summary=body.get("summary", ""),
        purpose=body.get("purpose", ""),
        justification=body.get("justification", ""),
        other_information=body.get("other_information", ""),
        topics=body.get("topics", []),
        confidential=body.get("confidential", True),
        signatory_name=body.get("signatory", {}).get("name", ""),
        signatory_position=body.get("signatory", {}).get("position", ""),
        received_on=received_on,
        due_date=validation.due_date(profile, received_on) if kind == Kind.REQUEST else None,
    )


def store_received_attachments(case: Case, items: list[dict]) -> None:
    for item in items:
        content = base64.b64decode(item["content"])
        if hashlib.sha256(content).hexdigest() != item["sha256"]:
            raise Invalid(
                [
                    error(
                        "attachment_digest",
                        "Вложение повреждено.",
                        "An attachment does not match its digest.",
                        "11.4",
                        "attachments",
                    )
                ]
            )
        attachment = Attachment(
            case=case, kind=item["kind"], name=item["name"], content_type=item["content_type"]
        )
        storage.store(attachment, content)  # ciphertext on disk, a key of its own (Art. 11.4)
        attachment.save()
