"""The signatory-lists API (Art. 9.3, 9.4): this party's and the other party's lists of officials
authorised to sign requests, a new list of this party, and a list sent to the other party. Thin
handlers over registers.signatory_lists; errors are rendered by migrex/api.py."""

from __future__ import annotations

import datetime as dt
import uuid

from django.http import Http404
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from migrex.core.api import Id, IsoDate, errors
from migrex.registers import signatory_lists
from migrex.registers.authority_notices import SignatoryEntry
from migrex.registers.common import FilePayload

router = Router(tags=["signatory lists"])


class SignatoryEntryIn(SignatoryEntry):
    account: str | None = Field(
        None,
        max_length=150,
        description="This party's lists: the username of the entry's account on this node, "
        "which may then sign (Art. 9.3).",
    )


class SignatoryEntryOut(SignatoryEntryIn):
    pass


class SignatoryListOut(Schema):
    id: int
    agreement: str
    party: str = Field(description="The party whose list it is (ISO 3166 code).")
    own: bool = Field(description="This node's party's list; otherwise the other party's.")
    in_force: bool = Field(
        description="The party's latest list that has taken effect (Art. 9.4): the one whose "
        "entries sign requests today."
    )
    effective_from: dt.date
    exchanged_on: dt.date = Field(description="The day the list went to the other party.")
    note: str
    form_sample: str | None = Field(description="The file name of the form sample, if any.")
    signatories: list[SignatoryEntryOut]


class SignatoryListFilter(Schema):
    agreement: str | None = Field(None, max_length=64)
    party: str | None = Field(None, max_length=8, description="ISO 3166 code of the party.")
    own: bool | None = Field(None, description="true: this party's; false: the other party's.")
    in_force: bool | None = Field(None, description="true: only the lists in force today.")


class SignatoryListIn(Schema):
    agreement: str = Field(max_length=64)
    effective_from: IsoDate = Field(description="From this day the list replaces the last one.")
    exchanged_on: IsoDate | None = Field(
        None,
        description="The day the list goes to the other party (Art. 9.4: at once after a "
        "change); today if omitted. Send it with `/signatory-lists/{list_id}/send`.",
    )
    note: str = Field("", max_length=2000)
    signatories: list[SignatoryEntryIn] = Field(min_length=1, max_length=500)
    form_sample: FilePayload | None = Field(None, description="The form sample (Art. 9.3).")


class NoticeOut(Schema):
    conversation_id: uuid.UUID
    agreement: str
    party: str
    created_at: dt.datetime
    signatories: int = Field(description="How many entries the list sent carries.")


@router.get(
    "",
    response={200: list[SignatoryListOut], **errors(400, 401, 403, 422)},
    summary="Lists of signatories, this party's and the other party's (Art. 9.3)",
)
def list_signatory_lists(request, filters: Query[SignatoryListFilter]):
    lists = signatory_lists.visible(request.auth)
    return signatory_lists.find(lists, timezone.localdate(), **filters.dict())


@router.get(
    "/{list_id}",
    response={200: SignatoryListOut, **errors(401, 403, 404, 422)},
    summary="One list of signatories with its entries",
)
def get_signatory_list(request, list_id: Id):
    listing = signatory_lists.visible(request.auth).filter(pk=list_id).first()
    if listing is None:
        raise Http404
    return signatory_lists.list_out(listing, signatory_lists.current_ids(timezone.localdate()))


@router.post(
    "",
    response={201: SignatoryListOut, **errors(400, 401, 403, 422)},
    summary="Enter a new list of this party's signatories (Art. 9.4)",
    description="The node's administrator. Every entry's authority is one of this party's "
    "competent authorities under the agreement (Art. 2).",
)
def create_signatory_list(request, payload: SignatoryListIn):
    listing = signatory_lists.create(
        request.auth,
        agreement=payload.agreement,
        effective_from=payload.effective_from,
        exchanged_on=payload.exchanged_on,
        note=payload.note,
        signatories=[e.model_dump(mode="json") for e in payload.signatories],
        form_sample=payload.form_sample.model_dump() if payload.form_sample else None,
    )
    listing = signatory_lists.visible(request.auth).get(pk=listing.pk)
    current = signatory_lists.current_ids(timezone.localdate())
    return Status(201, signatory_lists.list_out(listing, current))


@router.post(
    "/{list_id}/send",
    response={200: NoticeOut, **errors(400, 401, 403, 404, 422)},
    summary="Send this party's list to the other party (Art. 9.3, 9.4)",
    description="The node's administrator; the list with its form sample goes as an "
    "`authority_notice` to every competent authority of the other party.",
)
def send_signatory_list(request, list_id: Id):
    listing = signatory_lists.visible(request.auth).filter(pk=list_id).first()
    if listing is None:
        raise Http404
    notice = signatory_lists.send(request.auth, listing)
    return {
        "conversation_id": notice.conversation_id,
        "agreement": listing.agreement.code,
        "party": notice.party_id,
        "created_at": notice.created_at,
        "signatories": len(notice.payload["signatories"]),
    }
