"""The provider's consent to uses of the personal data it provided that the treaty does not allow
by itself (Art. 11.2: another purpose; 11.3: passing to a third party, prior consent; export out
of the protected system, Art. 11.4). An officer asks from the page of the received data (a
dataset, or a case); the request travels to the provider as a `consent_request` message; the
provider's supervisor grants it until a date, or refuses with reasons; the decision comes back as
`consent_decision` and is enforced here."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from pydantic import Field

from migrex.accounts.roles import supervises
from migrex.agreements.selectors import directory
from migrex.audit.actions import Action
from migrex.audit.services import record
from migrex.core.errors import Forbidden, Invalid, error
from migrex.exchange import outbox
from migrex.exchange.kinds import Payload, Received
from migrex.persons import sources
from migrex.persons.models import Consent
from migrex.persons.sources import Source

Use, Status = Consent.Use, Consent.Status
ARTICLE = {Use.OTHER_PURPOSE: "11.2", Use.EXPORT: "11.4", Use.THIRD_PARTY: "11.3"}
MAX_TEXT = 1000


def _text(value: str, field: str, article: str, *, required: bool = True) -> str:
    value = (value or "").strip()
    if (required and not value) or len(value) > MAX_TEXT:
        raise Invalid(
            [
                error(
                    "invalid_text",
                    f"Заполните поле (до {MAX_TEXT} знаков).",
                    f"Fill this in (at most {MAX_TEXT} characters).",
                    article,
                    field,
                )
            ]
        )
    return value


class SourceRef(Payload):
    kind: Literal["dataset", "case"]
    id: uuid.UUID = Field(description="the dataset's message_id, or the case's conversation_id")


class ConsentRequest(Payload):
    """`consent_request` (the recipient of the data → its provider)."""

    consent: uuid.UUID
    source: SourceRef
    title: str = Field(max_length=500)
    use: Literal["other_purpose", "export", "third_party"]
    purpose: str = Field(min_length=1, max_length=MAX_TEXT)
    recipient: str = Field("", max_length=300)
    asked_by: str = Field("", max_length=300)


class ConsentDecision(Payload):
    """`consent_decision` (the provider → the recipient of the data)."""

    consent: uuid.UUID
    decision: Literal["granted", "refused"]
    expires_on: dt.date | None
    reason: str = Field("", max_length=MAX_TEXT)
    decided_by: str = Field("", max_length=300)


def _send(kind: str, consent: Consent, sender, receiver, payload: Payload) -> None:
    outbox.send(
        agreement=consent.agreement.code,
        kind=kind,
        sender=sender,
        receiver=receiver,
        payload=payload,
        conversation_id=consent.ref,
    )


# --- the node that received the data -----------------------------------------------------------


@transaction.atomic
def ask(user, source: Source, *, use: str, purpose: str, recipient: str = "") -> Consent:
    if use not in Use.values:
        raise Invalid([error("invalid_use", "Неизвестный вид использования.", "Unknown use.")])
    article = ARTICLE[use]
    purpose = _text(purpose, "purpose", article)
    recipient = _text(recipient, "recipient", "11.3", required=use == Use.THIRD_PARTY)
    consent = Consent.objects.create(
        ref=uuid.uuid4(),
        side=Consent.Side.ASKED,
        agreement=source.agreement,
        requester=source.recipient,
        provider=source.provider,
        source_kind=source.kind,
        source=source.ref,
        use=use,
        purpose=purpose,
        recipient=recipient,
        asked_by=user.get_full_name() or user.username,
    )
    _send(
        "consent_request",
        consent,
        source.recipient,
        source.provider,
        ConsentRequest(
            consent=consent.ref,
            source=SourceRef(kind=source.kind, id=source.ref),
            title=source.label[:500],
            use=use,
            purpose=purpose,
            recipient=recipient,
            asked_by=consent.asked_by[:300],
        ),
    )
    record(
        Action.CONSENT_REQUESTED,
        actor=user.username,
        subject=source.subject,
        # The purpose stays in the consent, where destruction can erase it (Art. 11.5): the
        # chained log cannot be rewritten, so it quotes no free text about a person.
        detail={"consent": str(consent.ref), "use": use, "to": recipient},
    )
    return consent


def seen_by(user) -> QuerySet[Consent]:
    """The consents of the user's authority: those it asked, and those asked of it."""
    mine = Consent.objects.select_related("agreement", "requester", "provider")
    return mine.filter(
        Q(side=Consent.Side.ASKED, requester=user.authority_id)
        | Q(side=Consent.Side.PROVIDER, provider=user.authority_id)
    )


def asked_for(source: Source):
    return Consent.objects.filter(
        side=Consent.Side.ASKED, source_kind=source.kind, source=source.ref
    )


def covering(source: Source, use: str, today: dt.date, recipient: str = "") -> Consent | None:
    """A granted, unexpired consent of the provider to `use` of `source` (to `recipient`)."""
    found = asked_for(source).filter(
        provider=source.provider,
        use=use,
        status=Status.GRANTED,
        expires_on__gte=today,
    )
    wanted = " ".join(recipient.split()).casefold()  # SQLite folds the case of ASCII only
    for consent in found.order_by("-expires_on"):
        if use != Use.THIRD_PARTY or " ".join(consent.recipient.split()).casefold() == wanted:
            return consent
    return None


def require(source: Source, use: str, today: dt.date, recipient: str = "") -> Consent:
    consent = covering(source, use, today, recipient)
    if consent is None:
        whom = f" ({recipient})" if recipient else ""
        raise Forbidden(
            code="consent_required",
            message_ru=(
                f"Нужно согласие представившей сведения Стороны: {Use(use).label}{whom}. "
                "Запросите его на странице полученных сведений."
            ),
            message_en=(
                f"The providing party's consent is needed: {use}{whom}. "
                "Ask for it on the page of the received data."
            ),
            article=ARTICLE[use],
        )
    return consent


@transaction.atomic
def decision_received(message: Received) -> Consent:
    payload: ConsentDecision = message.payload
    consent = (
        Consent.objects.select_for_update()
        .filter(ref=payload.consent, side=Consent.Side.ASKED)
        .first()
    )
    if consent is None or consent.provider.code != message.sender_authority:
        raise Invalid(
            [error("unknown_consent", "Неизвестный запрос согласия.", "Unknown consent request.")]
        )
    granted = payload.decision == "granted"
    if granted and payload.expires_on is None:
        raise Invalid(
            [
                error(
                    "expiry_required",
                    "Согласие дано без срока действия.",
                    "A consent granted without the date it ends.",
                    ARTICLE[consent.use],
                    "payload.expires_on",
                )
            ]
        )
    consent.status = Status.GRANTED if granted else Status.REFUSED
    consent.expires_on = payload.expires_on if granted else None
    consent.reason = payload.reason
    consent.decided_by = payload.decided_by
    consent.decided_at = timezone.now()
    consent.save()
    record(
        Action.CONSENT_DECISION_RECEIVED,
        actor=message.sender_authority,
        subject=f"consent:{consent.ref}",
        detail={"decision": payload.decision, "expires_on": payload.expires_on},
    )
    return consent


# --- the node that provided the data -------------------------------------------------------------


@transaction.atomic
def request_received(message: Received) -> Consent:
    payload: ConsentRequest = message.payload
    known = directory()
    provider = known.authority(message.receiver_authority)
    kind, ref = payload.source.kind, payload.source.id
    if not sources.provided(kind, ref, provider):
        raise Invalid(
            [
                error(
                    "unknown_source",
                    "Этот орган таких сведений не представлял.",
                    "This authority provided no such data.",
                    "11.2",
                    "source",
                )
            ]
        )
    use = payload.use
    consent = Consent.objects.create(
        ref=payload.consent,
        side=Consent.Side.PROVIDER,
        agreement=known.terms(message.agreement).agreement,
        requester=known.authority(message.sender_authority),
        provider=provider,
        source_kind=kind,
        source=ref,
        use=use,
        purpose=_text(payload.purpose, "purpose", ARTICLE[use]),
        recipient=_text(payload.recipient, "recipient", "11.3", required=use == Use.THIRD_PARTY),
        asked_by=payload.asked_by,
    )
    record(
        Action.CONSENT_REQUEST_RECEIVED,
        actor=message.sender_authority,
        subject=f"consent:{consent.ref}",
        detail={"use": use, "source": {"kind": kind, "id": str(ref)}},
    )
    return consent


def decides(user, consent: Consent) -> bool:
    return (
        consent.side == Consent.Side.PROVIDER
        and user.authority_id == consent.provider_id
        and supervises(user)
    )


def check_decision(
    consent: Consent, *, grant: bool, expires_on: dt.date | None, reason: str
) -> str:
    """What a decision must give (the reasons of a refusal, returned cleaned; the end of a
    consent granted): checked by decide(), and before, by the page that shows the decision as
    it will be sent (persons/views.py)."""
    today = timezone.localdate()
    if grant and (expires_on is None or expires_on < today):
        raise Invalid(
            [
                error(
                    "expiry_required",
                    "Укажите срок действия согласия — не раньше сегодняшнего дня.",
                    "Give the date the consent ends, today or later.",
                    ARTICLE[consent.use],
                    "expires_on",
                )
            ]
        )
    if not grant:
        return _text(reason, "reason", ARTICLE[consent.use])
    return reason


@transaction.atomic
def decide(
    user, consent: Consent, *, grant: bool, expires_on: dt.date | None = None, reason: str = ""
) -> Consent:
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if not decides(user, consent) or consent.status != Status.REQUESTED:
        raise Forbidden(
            code="forbidden",
            message_ru="Решение по этому запросу согласия принять нельзя.",
            message_en="This consent request cannot be decided by you now.",
            article=ARTICLE[consent.use],
        )
    reason = check_decision(consent, grant=grant, expires_on=expires_on, reason=reason)
    consent.status = Status.GRANTED if grant else Status.REFUSED
    consent.expires_on = expires_on if grant else None
    consent.reason = reason.strip()
    consent.decided_by = user.get_full_name() or user.username
    consent.decided_at = timezone.now()
    consent.save()
    _send(
        "consent_decision",
        consent,
        consent.provider,
        consent.requester,
        ConsentDecision(
            consent=consent.ref,
            decision=consent.status,
            expires_on=expires_on if grant else None,
            reason=consent.reason,
            decided_by=consent.decided_by[:300],
        ),
    )
    record(
        Action.CONSENT_GRANTED if grant else Action.CONSENT_REFUSED,
        actor=user.username,
        subject=f"consent:{consent.ref}",
        detail={"expires_on": str(expires_on) if grant else None, "reasons": bool(consent.reason)},
    )
    return consent
