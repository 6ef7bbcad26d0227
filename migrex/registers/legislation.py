"""Notices of changes in migration law (Art. 3.1.1, Art. 4: "о миграционном законодательстве
государств Сторон … а также изменениях в указанных областях законодательства"): recorded here,
sent to the other party as `legislation_notice`, and kept when received."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from migrex.agreements.models import Agreement
from migrex.agreements.selectors import directory
from migrex.audit.services import record
from migrex.cases.errors import Invalid, error
from migrex.exchange.inbox import handles
from migrex.registers import common
from migrex.registers.models import Direction, LegislationNotice
from migrex.retention import storage

KIND = "legislation_notice"
ARTICLE = "4"


def _search_text(title: str, summary: str) -> str:
    return f"{title}\n{summary}".casefold()


def _check(title: str, summary: str, adopted_on, in_force_on) -> list:
    errors = []
    if not title.strip():
        errors.append(
            error(
                "title_required",
                "Укажите название акта.",
                "Give the title of the act.",
                ARTICLE,
                "title",
            )
        )
    elif len(title) > 500:
        errors.append(
            error(
                "title_too_long",
                "Название акта длиннее 500 знаков.",
                "The title is longer than 500 characters.",
                ARTICLE,
                "title",
            )
        )
    if not summary.strip():
        errors.append(
            error(
                "summary_required",
                "Изложите суть изменений.",
                "Summarise the changes.",
                ARTICLE,
                "summary",
            )
        )
    if adopted_on and in_force_on and in_force_on < adopted_on:
        errors.append(
            error(
                "in_force_before_adoption",
                "Дата вступления в силу раньше даты принятия.",
                "The act enters into force before it was adopted.",
                ARTICLE,
                "in_force_on",
            )
        )
    return errors


def _attach(notice: LegislationNotice, name: str, content_type: str, content: bytes) -> None:
    notice.name, notice.content_type = name, content_type
    storage.store(notice, content)  # sealed at rest with a key of its own


@transaction.atomic
def notify(
    *,
    actor,
    agreement: Agreement,
    title: str,
    adopted_on: dt.date,
    in_force_on: dt.date | None,
    summary: str,
    text: tuple[str, str, bytes] | None = None,
    today: dt.date | None = None,
) -> LegislationNotice:
    """Record a change of this party's migration law and send it to every competent authority
    of the other party. `text` is (file name, content type, content) of the act's text."""
    today = today or timezone.localdate()
    authority = actor.authority
    common.require_member(agreement, authority, field="authority")
    common.require_in_force(agreement, today)
    errors = _check(title, summary, adopted_on, in_force_on)
    if text is not None and len(text[2]) > common.MAX_FILE_BYTES:
        errors.append(
            error(
                "file_too_large",
                "Текст акта больше 4 МБ.",
                "The text is larger than 4 MB.",
                ARTICLE,
                "text",
            )
        )
    if errors:
        raise Invalid(errors)
    notice = LegislationNotice(
        direction=Direction.SENT,
        agreement=agreement,
        party_id=authority.party_id,
        authority=authority,
        title=title.strip(),
        adopted_on=adopted_on,
        in_force_on=in_force_on,
        summary=summary.strip(),
        search_text=_search_text(title, summary),
        conversation_id=common.new_conversation(),
        created_by=actor,
    )
    if text is not None:
        _attach(notice, *text)
    notice.save()
    payload = {
        "article": ARTICLE,
        "title": notice.title,
        "adopted_on": adopted_on.isoformat(),
        "in_force_on": in_force_on.isoformat() if in_force_on else None,
        "summary": notice.summary,
        "party": notice.party_id,
        "text": common.file_payload(name=text[0], content_type=text[1], content=text[2])
        if text is not None
        else None,
    }
    sent = common.send_to_other_party(
        agreement=agreement,
        kind=KIND,
        sender=authority,
        payload=payload,
        conversation_id=notice.conversation_id,
    )
    record(
        "registers.legislation_sent",
        actor=actor,
        subject=str(notice.conversation_id),
        detail={"title": notice.title, "to": [m.receiver_authority for m in sent]},
    )
    return notice


def _invalid(field: str, ru: str, en: str) -> Invalid:
    return common.fail(
        "legislation_invalid",
        f"Уведомление о законодательстве: {ru}.",
        f"Legislation notice: {en}.",
        ARTICLE,
        field,
    )


@handles(KIND)
def receive(envelope: dict) -> LegislationNotice:
    """Keep a notice from the other party, once per conversation; inside the inbox's
    transaction, so a refusal leaves nothing."""
    body = envelope["payload"]
    if not isinstance(body, dict):
        raise _invalid("payload", "содержимое не объект", "the payload is not an object")
    title, summary = str(body.get("title") or ""), str(body.get("summary") or "")
    adopted_on = common.parse_date(
        body.get("adopted_on"),
        code="legislation_invalid",
        label_ru="Дата принятия",
        label_en="Adoption date",
        article=ARTICLE,
        field="adopted_on",
    )
    in_force_on = common.parse_date(
        body.get("in_force_on"),
        code="legislation_invalid",
        label_ru="Дата вступления в силу",
        label_en="Entry into force",
        article=ARTICLE,
        field="in_force_on",
        required=False,
    )
    errors = _check(title, summary, adopted_on, in_force_on)
    if errors:
        raise Invalid(errors)
    sender = directory().authority(envelope["sender_authority"])
    known = LegislationNotice.objects.filter(
        conversation_id=envelope["conversation_id"], direction=Direction.RECEIVED
    ).first()
    if known is not None:  # the same notice, addressed to another of our authorities
        return known
    notice = LegislationNotice(
        direction=Direction.RECEIVED,
        agreement=directory().terms(envelope["agreement"]).agreement,
        party_id=sender.party_id,
        authority=sender,
        title=title.strip(),
        adopted_on=adopted_on,
        in_force_on=in_force_on,
        summary=summary.strip(),
        search_text=_search_text(title, summary),
        conversation_id=uuid.UUID(str(envelope["conversation_id"])),
    )
    if body.get("text") is not None:
        _attach(notice, *common.file_from_payload(body["text"], article=ARTICLE, field="text"))
    notice.save()
    record(
        "registers.legislation_received",
        actor=envelope["sender_authority"],
        subject=str(notice.conversation_id),
        detail={"title": notice.title, "message": envelope["message_id"]},
    )
    return notice


def search(
    *,
    text: str = "",
    party: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[LegislationNotice]:
    """Notices whose title or summary contains `text` (any case), of a country, adopted within
    [since, until]."""
    found = LegislationNotice.objects.select_related("party", "authority", "agreement")
    for word in text.casefold().split():
        found = found.filter(search_text__contains=word)
    if party:
        found = found.filter(party_id=party)
    if since:
        found = found.filter(adopted_on__gte=since)
    if until:
        found = found.filter(adopted_on__lte=until)
    return found
