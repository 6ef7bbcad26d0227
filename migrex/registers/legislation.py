"""Notices of changes in migration law (Art. 3.1.1, Art. 4: "о миграционном законодательстве
государств Сторон … а также изменениях в указанных областях законодательства"): recorded here,
sent to the other party as `legislation_notice`, and kept when received."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from pydantic import Field

from migrex.agreements.models import Agreement
from migrex.agreements.selectors import directory
from migrex.audit.actions import Action
from migrex.audit.services import record
from migrex.core import vault
from migrex.core.errors import Invalid, error
from migrex.exchange.kinds import Payload, Received
from migrex.registers import common
from migrex.registers.models import Direction, LegislationNotice

KIND = "legislation_notice"
ARTICLE = "4"


class LegislationPayload(Payload):
    """`legislation_notice`: a change in the sender's migration legislation (Art. 4)."""

    article: Literal["4"] = "4"
    title: str
    adopted_on: dt.date
    in_force_on: dt.date | None = None
    summary: str
    party: str = Field("", description="informative: the receiver takes the sender's party")
    text: common.FilePayload | None = None


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
    vault.store(notice, content)  # sealed at rest with a key of its own


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
    common.check_route(agreement, authority, today)
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
    payload = LegislationPayload(
        title=notice.title,
        adopted_on=adopted_on,
        in_force_on=in_force_on,
        summary=notice.summary,
        party=notice.party_id,
        text=common.file_payload(name=text[0], content_type=text[1], content=text[2])
        if text is not None
        else None,
    )
    sent = common.send_to_other_party(
        agreement=agreement,
        kind=KIND,
        sender=authority,
        payload=payload,
        conversation_id=notice.conversation_id,
    )
    record(
        Action.LEGISLATION_SENT,
        actor=actor,
        subject=str(notice.conversation_id),
        detail={"title": notice.title, "to": [m.receiver_authority for m in sent]},
    )
    return notice


def receive(message: Received) -> LegislationNotice:
    """Keep a notice from the other party, once per conversation; inside the inbox's
    transaction, so a refusal leaves nothing."""
    body: LegislationPayload = message.payload
    errors = _check(body.title, body.summary, body.adopted_on, body.in_force_on)
    if errors:
        raise Invalid(errors)
    known = LegislationNotice.objects.filter(
        conversation_id=message.conversation_id, direction=Direction.RECEIVED
    ).first()
    if known is not None:  # the same notice, addressed to another of our authorities
        return known
    sender = directory().authority(message.sender_authority)
    notice = LegislationNotice(
        direction=Direction.RECEIVED,
        agreement=directory().terms(message.agreement).agreement,
        party_id=sender.party_id,
        authority=sender,
        title=body.title.strip(),
        adopted_on=body.adopted_on,
        in_force_on=body.in_force_on,
        summary=body.summary.strip(),
        search_text=_search_text(body.title, body.summary),
        conversation_id=uuid.UUID(str(message.conversation_id)),
    )
    if body.text is not None:
        file = body.text.model_dump()
        _attach(notice, *common.file_from_payload(file, article=ARTICLE, field="text"))
    notice.save()
    record(
        Action.LEGISLATION_RECEIVED,
        actor=message.sender_authority,
        subject=str(notice.conversation_id),
        detail={"title": notice.title, "message": message.message_id},
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
