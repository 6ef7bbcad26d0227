"""Checks of requests, persons, refusals and signatories against the agreement's profile.

Every error names the field and the article it enforces.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
from zoneinfo import ZoneInfo

from django.utils import timezone

from migrex.agreements import dates
from migrex.agreements.models import Agreement, Party, Signatory
from migrex.agreements.profile import Profile
from migrex.agreements.selectors import profile_of
from migrex.core.errors import Forbidden, Invalid, MigrexError, error, invalid
from migrex.persons.rules import clean_persons

MAX_ATTACHMENT = 25 * 1024 * 1024
# Art. 9.2 items the officer writes; the authorities are always set on a case.
TEXT_CONTENT = ("summary", "purpose", "justification", "other_information")
# The longest each written text may be, in characters: in the wire's schemas (messages.py), the
# API's input, the forms, and check_content, so sender and receiver hold the same limits. Every
# text at its limit and the most persons with the longest names, a request letter renders in
# about 1.3 s (bench/letter_render.py; the target is under 2 s); 8,000 characters are three
# pages of it. Many more persons go as a dataset (Art. 7), not in one letter.
MAX_TEXT = {"summary": 8000, "purpose": 2000, "justification": 8000, "other_information": 8000}
MAX_MOVE_TEXT = 8000  # the written part of a move: a question, an answer, reasons (Art. 10)
MAX_CONDITION = 2000  # the condition a postponement waits for (Art. 10.2)
MAX_PERSONS = 50  # persons in one request or one answer (Art. 5, 6)
MAX_ATTACHMENTS = 50  # files attached to one request or one move (its letter lists them)
# The files of one message together: an envelope is at most 8 MB (exchange/crypto.py) and base64
# grows a file by a third, so more would be accepted here and then never leave the outbox.
MAX_MESSAGE_FILES = 5 * 1024 * 1024
FILE_KINDS = ("document", "photo", "fingerprint_card")


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


def due_date(profile: Profile, received_on: dt.date, paused_days: int = 0) -> dt.date:
    return dates.request_due_date(received_on, profile, paused_days)


def check_request(case) -> None:
    """A draft as it will be signed: check_content() on its fields and persons, and an agreement
    in force (Art. 17)."""
    problems: list[MigrexError] = []
    fields = {name: getattr(case, name) for name in (*TEXT_CONTENT, "topics")}
    persons = [{"category": p.category, "data": p.data} for p in case.persons.filter(event=None)]
    try:
        check_content(profile_of(case.agreement), fields, persons)
    except Invalid as exc:
        problems.extend(exc.errors)
    try:
        check_in_force(case.agreement, timezone.localdate())
    except Invalid as exc:
        problems.extend(exc.errors)
    if problems:
        raise Invalid(problems)


def check_content(profile: Profile, fields: dict, persons: list[dict]) -> None:
    """Art. 9.2 content, topics of Art. 3 from the profile, and Art. 5/6 persons: of a draft, of
    a request this node sends and of one it receives (rules.request)."""
    problems: list[MigrexError] = []
    for code, limit in MAX_TEXT.items():
        if len(str(fields.get(code) or "")) > limit:
            problems.append(too_long(code, limit, "9.2"))
    if len(persons) > MAX_PERSONS:
        problems.append(
            error(
                "too_many_persons",
                f"В одном запросе не более {MAX_PERSONS} лиц; разделите его на несколько.",
                f"At most {MAX_PERSONS} persons in one request; split it.",
                "6",
                "persons",
            )
        )
    for item in profile.rule("rules.request_content"):
        value = fields.get(item.code)
        if item.required and item.code in TEXT_CONTENT and not str(value or "").strip():
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
    for topic in fields.get("topics") or []:
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
        clean_persons(persons, profile)
    except Invalid as exc:
        problems.extend(exc.errors)
    if problems:
        raise Invalid(problems)


def too_long(field: str, limit: int, article: str) -> MigrexError:
    thousands = f"{limit:,}".replace(",", " ")  # 8 000, as Russian writes it
    return error(
        "text_too_long",
        f"Текст длиннее {thousands} знаков; сократите его или приложите документ.",
        f"The text is longer than {limit:,} characters; shorten it or attach a document.",
        article,
        field,
    )


def check_refusal(profile: Profile, data: dict) -> None:
    """Art. 10.4: a refusal names grounds from the agreement's list and gives written reasons."""
    problems: list[MigrexError] = []
    grounds = data.get("grounds") or []
    grounds = grounds if isinstance(grounds, list) else [grounds]
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
        # Lists effective the same day: the newest, as `latest` below (each `officers add`
        # enters one).
        .order_by("-signatory_list__effective_from", "-signatory_list__pk")
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
    """A file the author attaches to a draft request (Art. 9.2)."""
    problems = _file_problems(profile_of(case.agreement), kind, name, content, "file")
    kept = case.attachments.filter(event=None)
    if kept.count() >= MAX_ATTACHMENTS:
        problems.append(_too_many("file"))
    if sum(kept.values_list("size", flat=True)) + len(content) > MAX_MESSAGE_FILES:
        problems.append(_too_large_together("file"))
    if problems:
        raise Invalid(problems)


def check_files(profile: Profile, files: list[dict]) -> None:
    """The files of one message (`name`, `kind` and `content` as bytes each): of a move an
    officer makes and of one the other party's node sends, with the same limits, codes and
    articles as a request's attachments (rules.attachments runs this on a received payload)."""
    problems: list[MigrexError] = []
    for f in files:
        problems += _file_problems(profile, f["kind"], f["name"], f["content"], "attachments")
    if len(files) > MAX_ATTACHMENTS:
        problems.append(_too_many("attachments"))
    if sum(len(f["content"]) for f in files) > MAX_MESSAGE_FILES:
        problems.append(_too_large_together("attachments"))
    if problems:
        raise Invalid(problems)


def opened_file(item: dict) -> bytes | None:
    """The bytes of an attachment as a payload carries it (base64 `content`, hex `sha256`);
    None when the content is not base64 or does not hash to its digest (Art. 11.4)."""
    try:
        content = base64.b64decode(str(item.get("content", "")), validate=True)
    except (binascii.Error, ValueError):
        return None
    if hashlib.sha256(content).hexdigest() != item.get("sha256"):
        return None
    return content


def received_file(item: dict) -> bytes:
    """The bytes of an attachment the other party sent; refused (`attachment_digest`, Art. 11.4)
    when they are not what its digest says."""
    content = opened_file(item)
    if content is None:
        raise invalid(
            "attachment_digest",
            "Вложение повреждено.",
            "An attachment does not match its digest.",
            "11.4",
            "attachments",
        )
    return content


def _file_problems(profile: Profile, kind: str, name: str, content: bytes, field: str) -> list:
    problems = []
    if kind in ("photo", "fingerprint_card") and kind not in profile.field_codes:
        problems.append(
            error(
                "field_not_allowed",
                "Соглашение не допускает передачу этих данных.",
                "The agreement does not allow passing this data.",
                "6",
                "kind" if field == "file" else field,
            )
        )
    if kind not in FILE_KINDS:
        problems.append(
            error(
                "bad_kind",
                "Неизвестный вид вложения.",
                "Unknown attachment kind.",
                None,
                "kind" if field == "file" else field,
            )
        )
    if not content:
        problems.append(
            error("empty_file", f"Файл «{name}» пуст.", f"File '{name}' is empty.", None, field)
        )
    if len(content) > MAX_ATTACHMENT:
        problems.append(
            error(
                "file_too_large",
                f"Файл «{name}» больше 25 МБ.",
                f"File '{name}' is larger than 25 MB.",
                None,
                field,
            )
        )
    return problems


def _too_many(field: str) -> MigrexError:
    return error(
        "too_many_attachments",
        f"К одному сообщению можно приложить не более {MAX_ATTACHMENTS} файлов.",
        f"At most {MAX_ATTACHMENTS} files can be attached to one message.",
        "9.2",
        field,
    )


def _too_large_together(field: str) -> MigrexError:
    return error(
        "file_too_large",
        "Файлы одного сообщения вместе больше 5 МБ; передайте их несколькими сообщениями.",
        "The files of one message are larger than 5 MB together; send them in several.",
        None,
        field,
    )
