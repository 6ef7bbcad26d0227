"""The consents API (Art. 11.2–11.3): the provider's consent to a use of the personal data it
provided that the treaty does not allow by itself. Asked from received data (a case or a dataset),
listed on both sides, granted until a date or refused with reasons by the provider's supervisor,
through the services the pages use (persons.consents), audited as theirs are."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from migrex.accounts.roles import of_an_authority
from migrex.core.api import MAX_ID, Id, IsoDate, errors
from migrex.core.errors import Conflict, Forbidden
from migrex.persons import consents, sources
from migrex.persons.models import Consent

router = Router(tags=["consents"])

Use = Literal["other_purpose", "export", "third_party"]
SideName = Literal["asked_by_us", "asked_of_us"]
SIDES = {Consent.Side.ASKED: "asked_by_us", Consent.Side.PROVIDER: "asked_of_us"}


class SourceIn(Schema):
    kind: Literal["case", "dataset"]
    id: Id = Field(description="The id of the case, or of the received dataset, on this node.")


class ConsentAskIn(Schema):
    source: SourceIn = Field(description="The personal data received from the other party.")
    use: Use = Field(
        description="`other_purpose` (Art. 11.2), `export` (Art. 11.4), `third_party` "
        "(Art. 11.3, prior consent)."
    )
    purpose: str = Field(max_length=consents.MAX_TEXT, description="What the data is for.")
    recipient: str = Field("", max_length=300, description="The third party, for `third_party`.")


class ConsentGrantIn(Schema):
    expires_on: IsoDate = Field(description="The last day the consent covers: today or later.")


class ConsentRefuseIn(Schema):
    reason: str = Field(max_length=consents.MAX_TEXT, description="The reasons (required).")


class SourceOut(Schema):
    kind: Literal["case", "dataset"]
    ref: uuid.UUID = Field(
        description="The id both nodes know: the case's `conversation_id`, the dataset's "
        "message id."
    )


class ConsentOut(Schema):
    id: int
    ref: uuid.UUID = Field(description="The same on both nodes.")
    side: SideName = Field(description="Asked by your authority, or asked of it (the provider).")
    agreement: str
    requester: str = Field(description="The authority that asked (received the data).")
    provider: str = Field(description="The authority that provided the data and decides.")
    source: SourceOut
    use: Use
    article: str
    purpose: str
    recipient: str
    status: Literal["requested", "granted", "refused"]
    expires_on: dt.date | None = Field(description="Granted: the last day it covers.")
    in_force: bool = Field(description="Granted and not ended: the use is allowed today.")
    reason: str = Field(description="Refused: the provider's reasons.")
    asked_by: str
    decided_by: str
    created_at: dt.datetime
    decided_at: dt.datetime | None
    decidable: bool = Field(description="You may grant or refuse it now.")


class ConsentFilter(Schema):
    side: SideName | None = None
    status: Literal["requested", "granted", "refused"] | None = None
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=MAX_ID)


class ConsentPage(Schema):
    items: list[ConsentOut]
    count: int
    limit: int
    offset: int


def consent_out(consent: Consent, user, today: dt.date) -> dict:
    """A consent as the API and `migrex consents --json` show it to `user`."""
    granted = consent.status == Consent.Status.GRANTED
    return {
        "id": consent.pk,
        "ref": consent.ref,
        "side": SIDES[consent.side],
        "agreement": consent.agreement.code,
        "requester": consent.requester.code,
        "provider": consent.provider.code,
        "source": {"kind": consent.source_kind, "ref": consent.source},
        "use": consent.use,
        "article": consents.ARTICLE[consent.use],
        "purpose": consent.purpose,
        "recipient": consent.recipient,
        "status": consent.status,
        "expires_on": consent.expires_on,
        "in_force": granted and consent.expires_on is not None and consent.expires_on >= today,
        "reason": consent.reason,
        "asked_by": consent.asked_by,
        "decided_by": consent.decided_by,
        "created_at": consent.created_at,
        "decided_at": consent.decided_at,
        "decidable": consent.status == Consent.Status.REQUESTED and consents.decides(user, consent),
    }


def seen_by(user):
    """The consents page's rows: an officer of a competent authority sees its authority's."""
    if not of_an_authority(user):
        raise Forbidden(
            code="forbidden",
            message_ru="Согласия доступны сотрудникам компетентных органов.",
            message_en="Consents are shown to officers of competent authorities.",
            article="11.2",
        )
    return consents.seen_by(user)


def source_for(user, kind: str, pk: int) -> sources.Source:
    """The received data the user may see, as its page finds it (404 otherwise, Art. 11.1)."""
    try:
        return sources.visible(user, kind, pk)
    except PermissionDenied:
        raise Forbidden(
            code="personal_data_withheld",
            message_ru="Персональные данные доступны только сотрудникам, исполняющим запросы.",
            message_en="Personal data is shown only to officers who work on requests.",
            article="11.4",
        ) from None


def to_decide(user, consent_id: int) -> Consent:
    """A consent asked of the user's authority that the user may decide now: 404 if not seen,
    403 if not theirs to decide (its provider's supervisor, as on the page), 409 if decided."""
    consent = seen_by(user).filter(pk=consent_id).first()
    if consent is None:
        raise Http404
    if not consents.decides(user, consent):
        raise Forbidden(
            code="forbidden",
            message_ru="Решение по запросу согласия принимает руководитель представившего "
            "сведения органа.",
            message_en="A supervisor of the authority that provided the data decides.",
            article=consents.ARTICLE[consent.use],
        )
    if consent.status != Consent.Status.REQUESTED:
        raise Conflict(
            code="consent_decided",
            message_ru="По этому запросу согласия уже принято решение.",
            message_en="This consent request is already decided.",
            article=consents.ARTICLE[consent.use],
        )
    return consent


def _out(request, consent: Consent) -> dict:
    consent = consents.seen_by(request.auth).get(pk=consent.pk)
    return consent_out(consent, request.auth, timezone.localdate())


@router.get(
    "",
    response={200: ConsentPage, **errors(400, 401, 403, 422)},
    summary="Consents asked by your authority and asked of it",
)
def list_consents(request, filters: Query[ConsentFilter]):
    found = seen_by(request.auth)
    if filters.side is not None:
        found = found.filter(side={v: k for k, v in SIDES.items()}[filters.side])
    if filters.status is not None:
        found = found.filter(status=filters.status)
    today = timezone.localdate()
    page = found.order_by("-created_at", "-pk")[filters.offset : filters.offset + filters.limit]
    return {
        "items": [consent_out(c, request.auth, today) for c in page],
        "count": found.count(),
        "limit": filters.limit,
        "offset": filters.offset,
    }


@router.get(
    "/{consent_id}",
    response={200: ConsentOut, **errors(401, 403, 404, 422)},
    summary="One consent",
)
def get_consent(request, consent_id: Id):
    consent = seen_by(request.auth).filter(pk=consent_id).first()
    if consent is None:
        raise Http404
    return consent_out(consent, request.auth, timezone.localdate())


@router.post(
    "",
    response={201: ConsentOut, **errors(400, 401, 403, 404, 422)},
    summary="Ask the provider for consent to a use of received data (Art. 11.2, 11.3)",
    description="Officers who work on requests, of the authority that received the data; the "
    "request goes to the provider as `consent_request`.",
)
def ask_consent(request, payload: ConsentAskIn):
    source = source_for(request.auth, payload.source.kind, payload.source.id)
    consent = consents.ask(
        request.auth,
        source,
        use=payload.use,
        purpose=payload.purpose,
        recipient=payload.recipient,
    )
    return Status(201, _out(request, consent))


@router.post(
    "/{consent_id}/grant",
    response={200: ConsentOut, **errors(400, 401, 403, 404, 409, 422)},
    summary="Grant a consent asked of your authority, until a date",
    description="A supervisor of the authority that provided the data; the decision goes back "
    "as `consent_decision`.",
)
def grant_consent(request, consent_id: Id, payload: ConsentGrantIn):
    consent = to_decide(request.auth, consent_id)
    consents.decide(request.auth, consent, grant=True, expires_on=payload.expires_on)
    return _out(request, consent)


@router.post(
    "/{consent_id}/refuse",
    response={200: ConsentOut, **errors(400, 401, 403, 404, 409, 422)},
    summary="Refuse a consent asked of your authority, with reasons",
    description="A supervisor of the authority that provided the data; the decision goes back "
    "as `consent_decision`.",
)
def refuse_consent(request, consent_id: Id, payload: ConsentRefuseIn):
    consent = to_decide(request.auth, consent_id)
    consents.decide(request.auth, consent, grant=False, reason=payload.reason)
    return _out(request, consent)
