"""Checks of requests, persons, refusals and signatories against the agreement's profile.

Every error names the field and the article it enforces.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

from django.utils import timezone
from pydantic import ValidationError

from migrex.agreements import dates
from migrex.agreements.models import Agreement, Authority, Party, Signatory
from migrex.agreements.profile import Profile
from migrex.agreements.selectors import directory, profile_of
from migrex.cases.errors import CaseError, Forbidden, Invalid, error
from migrex.persons.schema import PersonData

MAX_ATTACHMENT = 25 * 1024 * 1024
# Art. 9.2 items the officer writes; the authorities are always set on a case.
TEXT_CONTENT = ("summary", "purpose", "justification", "other_information")


def party_timezone(party: Party) -> ZoneInfo:
    return ZoneInfo(party.timezone)


def check_in_force(agreement: Agreement, on: dt.date) -> None:
    profile = profile_of(agreement)
    if not dates.is_in_force(profile, on):
        status = dates.status_on(profile, on)
        raise Invalid(
            [
                error(
                    "agreement_not_in_force",
                    f"Соглашение {agreement.code} не действует на {on:%d.%m.%Y} "
                    f"({status.label_ru}).",
                    f"Agreement {agreement.code} is not in force on {on} ({status.label_en}).",
                    "17",
                    "agreement",
                )
            ]
        )


def check_parties(agreement: Agreement, own: Authority, other: Authority) -> None:
    members = directory().terms(agreement.code).authorities
    if own.code not in members or other.code not in members:
        raise Invalid(
            [
                error(
                    "not_a_competent_authority",
                    "Орган не является компетентным органом по этому соглашению.",
                    "The authority is not a competent authority under this agreement.",
                    "2",
                    "requested_authority",
                )
            ]
        )
    if own.party_id == other.party_id:
        raise Invalid(
            [
                error(
                    "same_party",
                    "Запрос направляется компетентному органу другой Стороны.",
                    "A request goes to a competent authority of the other party.",
                    "9.2",
                    "requested_authority",
                )
            ]
        )


def agreement_between(code: str, sender: Authority, receiver: Authority) -> Agreement:
    agreement = directory().terms(code).agreement
    check_parties(agreement, receiver, sender)
    return agreement


def due_date(profile: Profile, received_on: dt.date, paused_days: int = 0) -> dt.date:
    return dates.request_due_date(received_on, profile, paused_days)


def clean_persons(
    persons: list[dict], profile: Profile, where: Callable[[int], str] = "persons[{}]".format
) -> list[dict]:
    """Validate persons against Art. 5 (category) and Art. 6 (fields); return them normalised.
    Errors name person i as `where(i)` (a dataset names the line of its file)."""
    problems: list[CaseError] = []
    cleaned = []
    categories = profile.category_codes
    allowed = profile.field_codes
    for i, person in enumerate(persons):
        where_i = where(i)
        category = person.get("category")
        if category not in categories:
            problems.append(
                error(
                    "category_not_allowed",
                    f"Категория «{category}» не предусмотрена статьёй 5 (допустимы: "
                    f"{', '.join(sorted(categories))}).",
                    f"Category '{category}' is not one of Art. 5 "
                    f"({', '.join(sorted(categories))}).",
                    "5",
                    f"{where_i}.category",
                )
            )
        data = person.get("data") or {}
        outside = sorted(set(data) - allowed)
        for name in outside:
            problems.append(
                error(
                    "field_not_allowed",
                    f"Поле «{name}» не входит в перечень персональных данных статьи 6.",
                    f"Field '{name}' is not personal data that Art. 6 allows to pass.",
                    "6",
                    f"{where_i}.data.{name}",
                )
            )
        if outside:
            continue
        try:
            record = PersonData.model_validate(data)
        except ValidationError as exc:
            for e in exc.errors():
                path = ".".join(str(p) for p in e["loc"])
                problems.append(
                    error(
                        "invalid_person_field",
                        f"Неверное значение: {e['msg']}.",
                        f"Invalid value: {e['msg']}.",
                        "6",
                        f"{where_i}.data{'.' + path if path else ''}",
                    )
                )
            continue
        cleaned.append(
            {"category": category, "data": record.model_dump(mode="json", exclude_defaults=True)}
        )
    if problems:
        raise Invalid(problems)
    return cleaned


def check_request(case) -> None:
    """Art. 9.2 content, Art. 5/6 persons, and an agreement in force (Art. 17)."""
    profile = profile_of(case.agreement)
    problems: list[CaseError] = []
    for item in profile.rule("rules.request_content"):
        if item.required and item.code in TEXT_CONTENT and not getattr(case, item.code).strip():
            problems.append(
                error(
                    f"{item.code}_required",
                    f"Не заполнено: {item.name.ru}.",
                    f"Missing: {item.name.en}.",
                    item.article,
                    item.code,
                )
            )
    topics = profile.topic_codes
    for topic in case.topics:
        if topic not in topics:
            problems.append(
                error(
                    "topic_not_allowed",
                    f"Направление «{topic}» не предусмотрено соглашением.",
                    f"Subject '{topic}' is not provided for by the agreement.",
                    "3",
                    "topics",
                )
            )
    try:
        clean_persons(
            [{"category": p.category, "data": p.data} for p in case.persons.filter(event=None)],
            profile,
        )
    except Invalid as exc:
        problems.extend(exc.errors)
    try:
        check_in_force(case.agreement, timezone.localdate())
    except Invalid as exc:
        problems.extend(exc.errors)
    if problems:
        raise Invalid(problems)


def check_refusal(case, data: dict) -> None:
    """Art. 10.4: a refusal names grounds from the agreement's list and gives written reasons."""
    profile = profile_of(case.agreement)
    problems: list[CaseError] = []
    grounds = list(data.get("grounds") or [])
    known = profile.refusal_ground_codes
    if not grounds:
        problems.append(
            error(
                "grounds_required",
                "Укажите основание отказа.",
                "Give the ground of refusal.",
                "10.4",
                "grounds",
            )
        )
    for ground in grounds:
        if ground not in known:
            problems.append(
                error(
                    "unknown_ground",
                    f"Основание «{ground}» не предусмотрено статьёй 10.4.",
                    f"Ground '{ground}' is not one of Art. 10.4.",
                    "10.4",
                    "grounds",
                )
            )
    # The reasons are the move's text: that is what the history keeps, the other party receives
    # and the notice prints, so a separate "reasons" key would pass here and then be lost.
    if not str(data.get("text") or "").strip():
        problems.append(
            error(
                "reasons_required",
                "Укажите причины отказа.",
                "State the reasons for the refusal.",
                "10.4",
                "text",
            )
        )
    if problems:
        raise Invalid(problems)


def current_signatory(agreement: Agreement, user, on: dt.date) -> Signatory:
    """The user's entry on their party's signatory list in force on `on` (Art. 9.3, 9.4)."""
    entry = (
        Signatory.objects.filter(
            signatory_list__agreement=agreement,
            signatory_list__party_id=user.authority.party_id,
            signatory_list__effective_from__lte=on,
            user=user,
            valid_from__lte=on,
        )
        .select_related("signatory_list")
        .order_by("-signatory_list__effective_from")
        .first()
    )
    latest = (
        agreement.lists.filter(party_id=user.authority.party_id, effective_from__lte=on)
        .order_by("-effective_from", "-pk")
        .first()
    )
    if entry is None or latest is None or entry.signatory_list_id != latest.pk:
        raise Forbidden(
            code="not_on_signatory_list",
            message_ru="Вас нет в действующем перечне лиц, уполномоченных подписывать запросы.",
            message_en="You are not on the current list of persons authorised to sign requests.",
            article="9.3",
        )
    if entry.valid_to is not None and entry.valid_to < on:
        raise Forbidden(
            code="signatory_expired",
            message_ru=f"Ваши полномочия подписанта истекли {entry.valid_to:%d.%m.%Y}.",
            message_en=f"Your authority to sign expired on {entry.valid_to}.",
            article="9.4",
        )
    return entry


def check_attachment(case, *, kind: str, name: str, content: bytes) -> None:
    problems = []
    if kind in ("photo", "fingerprint_card") and kind not in profile_of(case.agreement).field_codes:
        problems.append(
            error(
                "field_not_allowed",
                "Соглашение не допускает передачу этих данных.",
                "The agreement does not allow passing this data.",
                "6",
                "kind",
            )
        )
    if kind not in ("document", "photo", "fingerprint_card"):
        problems.append(
            error("bad_kind", "Неизвестный вид вложения.", "Unknown attachment kind.", None, "kind")
        )
    if not content:
        problems.append(
            error("empty_file", f"Файл «{name}» пуст.", f"File '{name}' is empty.", None, "file")
        )
    if len(content) > MAX_ATTACHMENT:
        problems.append(
            error(
                "file_too_large",
                f"Файл «{name}» больше 25 МБ.",
                f"File '{name}' is larger than 25 MB.",
                None,
                "file",
            )
        )
    if problems:
        raise Invalid(problems)
