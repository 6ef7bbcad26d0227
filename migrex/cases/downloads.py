"""The gate every download of a case passes (the letter PDFs and the attachments, through the UI
and the API): the access table decides who may have it (accounts/access.py); every download is a
read of personal data, recorded as `personal_data.read` naming the case and the channel (Art.
11.4); a download for passing to a third party (a `recipient` named, someone outside the
authority) needs the provider's prior consent in force (Art. 11.3), as the CSV export does.

What counts as received. Art. 11.3 binds the party that *received* information: the provider
decides whether it may go further. What our own authority wrote or sent — the request it drafted
and its persons and files, the answer or refusal it gave — is not received from anyone: no
consent of the other party is asked to pass it on (national law governs that), but its download
is recorded all the same, with the recipient named. So:

- the request letter is received on the requested side (the other party wrote it), ours on the
  requesting side;
- a refusal notice is received if the refusal came in (`direction == "in"`), ours otherwise;
- an attachment of the request itself (no history entry) follows the letter; one of a history
  entry is received if that entry's message came in.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from migrex.accounts import access
from migrex.accounts.access import Channel, Data
from migrex.audit.actions import Action
from migrex.audit.services import record
from migrex.cases import received
from migrex.cases.models import Attachment, Case, CaseEvent
from migrex.cases.workflow import Side
from migrex.core.errors import Forbidden, Invalid, error
from migrex.persons import access as reads
from migrex.persons import consents
from migrex.persons.models import Consent

MAX_RECIPIENT = 300  # as a consent's recipient


def withheld() -> Forbidden:
    return Forbidden(
        code="personal_data_withheld",
        message_ru="Персональные данные доступны только сотрудникам, исполняющим запросы.",
        message_en="Personal data is shown only to officers who work on requests.",
        article="11.4",
    )


def consent_missing(recipient: str) -> Forbidden:
    return Forbidden(
        code="consent_required",
        message_ru=(
            f"Передать сведения третьей стороне ({recipient}) можно только с предварительного "
            "согласия Стороны, которая их представила (ст. 11.3 Соглашения). Действующего "
            "согласия на передачу этому получателю нет: запросите его на странице дела."
        ),
        message_en=(
            f"Passing the data to a third party ({recipient}) needs the prior consent of the "
            "party that provided it (Art. 11.3 of the Agreement). There is no consent in force "
            "for this recipient: ask for it on the case's page."
        ),
        article="11.3",
    )


def letter_received(case: Case) -> bool:
    return case.side == Side.REQUESTED


def refusal_received(event: CaseEvent) -> bool:
    return event.direction == "in"


def attachment_received(case: Case, item: Attachment) -> bool:
    if item.event_id is None:
        return letter_received(case)
    return item.event.direction == "in"


def _recipient(value: str | None) -> str:
    value = " ".join((value or "").split())
    if len(value) > MAX_RECIPIENT:
        raise Invalid(
            [
                error(
                    "invalid_text",
                    f"Получатель — не более {MAX_RECIPIENT} знаков.",
                    f"The recipient takes at most {MAX_RECIPIENT} characters.",
                    "11.3",
                    "recipient",
                )
            ]
        )
    return value


def release(
    user,
    case: Case,
    *,
    data: Iterable[Data],
    channel: Channel,
    door: str,
    document: str,
    subject: str,
    persons: Iterable = (),
    came_in: bool,
    recipient: str | None = "",
) -> Consent | None:
    """Let `user` download a `document` of `case` carrying `data` through `channel` (`door`:
    "ui" or "api"), or raise: Forbidden `personal_data_withheld` for a role the table denies,
    `consent_required` for received data named for a third party without a consent in force.
    Records the read: one entry for the document (`subject`) and one per person it lists."""
    for kind in data:
        if not access.allows(user, kind, channel):
            raise withheld()
    recipient = _recipient(recipient)
    via = f"{door}-{channel}"
    consent = None
    if recipient and came_in:
        source = received.of_case(case)
        consent = consents.covering(
            source, Consent.Use.THIRD_PARTY, timezone.localdate(), recipient
        )
        if consent is None:
            if door != "api":  # the API's 403 is recorded, query and all, by the audit middleware
                _denied(user, case, subject, via=via, document=document, recipient=recipient)
            raise consent_missing(recipient)
    extra: dict = {"document": document}
    if recipient:
        extra["recipient"] = recipient
        extra["consent"] = str(consent.ref) if consent else None  # None: our own data
    reads.record_reads(user, [subject, *persons], case=case, via=via, extra=extra)
    return consent


def _denied(user, case: Case, subject: str, **detail) -> None:
    record(
        Action.ACCESS_DENIED,
        actor=user.username,
        subject=subject,
        detail={"code": "consent_required", "case": case.pk, **detail},
    )
