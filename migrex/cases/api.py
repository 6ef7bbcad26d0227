"""The cases API: thin handlers that parse, authorise (selectors.case_for: 404 for a case the user
may not see), call a service and render. Errors are rendered by migrex/api.py."""

from __future__ import annotations

import io
from typing import Annotated, Literal

from django.db.models import prefetch_related_objects
from django.http import FileResponse, Http404, HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from ninja import File, Form, Query, Router, Status, UploadedFile
from pydantic import Field as PydanticField

from migrex.accounts import access as table
from migrex.accounts.access import Channel, Data
from migrex.accounts.lockout import client_address
from migrex.accounts.services import check_second_factor, confirm_identity
from migrex.agreements.models import Agreement, Authority
from migrex.cases import actions, downloads, letters, selectors, services, validation
from migrex.cases.api_schemas import (
    MAX_ID,
    ActionIn,
    ActionName,
    AttachmentOut,
    CaseCreateIn,
    CaseFilter,
    CaseOut,
    CasePage,
    CaseUpdateIn,
    attachment_out,
    case_detail,
    case_summary,
)
from migrex.cases.models import Case
from migrex.core import vault
from migrex.core.api import errors
from migrex.core.errors import Invalid, error
from migrex.persons import access

router = Router(tags=["cases"])

# Ids in paths are bounded like the database's integers: a larger number is a 422 naming the
# parameter, not an overflow in the database driver (a 500).
CaseId = Annotated[int, PydanticField(ge=1, le=MAX_ID)]

PDF = {
    200: {
        "description": "The document (PDF)",
        "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
    }
}
# A download for passing to a third party names it (Art. 11.3), as the CSV export does.
RECIPIENT = (
    "The third party (outside your authority) the download is for: data received from the other "
    "party needs its consent in force to pass it on (Art. 11.3), else 403 `consent_required`. "
    "Recorded with the read."
)


def _recipient_param():
    return Query("", max_length=downloads.MAX_RECIPIENT, description=RECIPIENT)


FILE = {
    200: {
        "description": "The file as uploaded",
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    }
}


def _load(user, case_id: int) -> Case:
    """The case if `user` may see it (else 404), with what the detail view shows."""
    case = selectors.case_for(user, case_id)
    prefetch_related_objects([case], "persons", "attachments", "events")
    return case


def _detail(request, case_id: int) -> dict:
    user = request.auth
    case = _load(user, case_id)
    if not table.allows(user, Data.METADATA, Channel.API):  # deny by default: no role
        raise Http404
    personal = table.allows(user, Data.PERSONS, Channel.API)
    if personal:
        access.record_reads(user, case.persons.all(), case=case, via="api")
    texts = table.allows(user, Data.TEXT, Channel.API)
    return case_detail(case, user, timezone.localdate(), personal_data=personal, texts=texts)


# --- cases ------------------------------------------------------------------------------------


@router.get("", response={200: CasePage, **errors(400, 401, 422)}, summary="List cases")
def list_cases(request, filters: Query[CaseFilter]):
    today = timezone.localdate()
    texts = table.allows(request.auth, Data.TEXT, Channel.API)
    if filters.box is None:
        cases = selectors.visible_cases(request.auth).order_by("-created_at", "-pk")
    else:
        cases = selectors.box(request.auth, filters.box, today)
    cases = cases.select_related("agreement", "requesting_authority", "requested_authority")
    start, end = filters.offset, filters.offset + filters.limit
    return {
        "items": [case_summary(c, today, texts=texts) for c in cases[start:end]],
        "count": cases.count(),
        "limit": filters.limit,
        "offset": filters.offset,
    }


@router.post(
    "",
    response={201: CaseOut, **errors(400, 401, 403, 422)},
    summary="Create a draft request",
)
def create_case(request, payload: CaseCreateIn):
    agreement = Agreement.objects.select_related("current_version").filter(code=payload.agreement)
    agreement = agreement.exclude(current_version=None).first()
    requested = Authority.objects.filter(code=payload.requested_authority).first()
    problems = []
    if agreement is None:
        problems.append(
            error(
                "unknown_agreement",
                f"Соглашение «{payload.agreement}» не найдено.",
                f"No agreement '{payload.agreement}'.",
                None,
                "agreement",
            )
        )
    if requested is None:
        problems.append(
            error(
                "unknown_authority",
                f"Компетентный орган «{payload.requested_authority}» не найден.",
                f"No competent authority '{payload.requested_authority}'.",
                "2",
                "requested_authority",
            )
        )
    if problems:
        raise Invalid(problems)
    case = services.create_draft(
        actor=request.auth,
        agreement=agreement,
        requested_authority=requested,
        kind=payload.kind,
        persons=[p.model_dump() for p in payload.persons],
        **payload.model_dump(include=set(services.DRAFT_FIELDS)),
    )
    return Status(201, _detail(request, case.pk))


@router.get(
    "/{case_id}", response={200: CaseOut, **errors(401, 404, 422)}, summary="One case with history"
)
def get_case(request, case_id: CaseId):
    return _detail(request, case_id)


@router.patch(
    "/{case_id}",
    response={200: CaseOut, **errors(400, 401, 403, 404, 409, 422)},
    summary="Change a draft",
)
def update_case(request, case_id: CaseId, payload: CaseUpdateIn):
    case = selectors.case_for(request.auth, case_id)
    given = payload.model_dump(exclude_unset=True, exclude_none=True)
    persons = given.pop("persons", None)
    services.update_draft(case=case, actor=request.auth, persons=persons, **given)
    return _detail(request, case_id)


@router.post(
    "/{case_id}/actions/{action}",
    response={200: CaseOut, **errors(400, 401, 403, 404, 409, 422, 429)},
    summary="Make a move of the workflow",
    description="The moves you can make now are listed in the case's `actions`. `sign` and "
    "`confirm` need `password` (Art. 9.3, 9.5; 429 after too many wrong passwords); `refuse` "
    "needs `grounds` and the reasons in `text` (Art. 10.4); `postpone` the reason in `text` and "
    "`until` or `condition` (Art. 10.2); `forward` the `authority` (Art. 2), after which the "
    "case is that authority's: the answer shows it as it left, without its persons.",
)
def act(request, case_id: CaseId, action: ActionName, payload: ActionIn):
    user = request.auth
    case = selectors.case_for(user, case_id)
    data: dict = {"text": payload.text}
    if payload.grounds is not None:
        data["grounds"] = payload.grounds
    if payload.persons is not None:
        data["persons"] = [p.model_dump() for p in payload.persons]
    if payload.assignee is not None:
        data["assignee"] = payload.assignee
    if payload.authority is not None:
        data["authority"] = payload.authority
    if payload.until is not None:
        data["until"] = payload.until.isoformat()
    if payload.condition:
        data["condition"] = payload.condition
    confirmed = (
        actions.BY_NAME[action].form.password
        and payload.password is not None
        and confirm_identity(
            user, payload.password.get_secret_value(), address=client_address(request)
        )
    )
    if confirmed:  # the password opens the signatory's key (Art. 9.3); no history keeps it
        check_second_factor(user, payload.otp, address=client_address(request))  # as at sign-in
        data["password"] = payload.password.get_secret_value()
    case = services.transition(case=case, action=action, actor=user, data=data, confirmed=confirmed)
    if case.owner_id != user.authority_id:  # forwarded to another authority (Art. 2): as it left
        prefetch_related_objects([case], "persons", "attachments", "events")
        return case_detail(case, user, timezone.localdate(), personal_data=False, texts=False)
    return _detail(request, case_id)


# --- files ------------------------------------------------------------------------------------


@router.post(
    "/{case_id}/attachments",
    response={201: AttachmentOut, **errors(400, 401, 403, 404, 409, 422)},
    summary="Attach a file to a draft",
)
def upload_attachment(
    request,
    case_id: CaseId,
    file: File[UploadedFile],
    kind: Form[Literal["document", "photo", "fingerprint_card"]] = "document",
):
    case = selectors.case_for(request.auth, case_id)
    # One byte over the limit is enough for the service to refuse it; no need to hold the rest.
    content = file.read(validation.MAX_ATTACHMENT + 1)
    attachment = services.add_attachment(
        case=case,
        actor=request.auth,
        name=file.name or "file",
        content=content,
        content_type=file.content_type or "application/octet-stream",
        kind=kind,
    )
    return Status(201, attachment_out(attachment))


def _private(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, private=True, no_store=True)
    return response


@router.get(
    "/{case_id}/attachments/{attachment_id}",
    response=errors(400, 401, 403, 404, 422),
    openapi_extra={"responses": FILE},
    summary="Download an attachment",
)
def download_attachment(
    request, case_id: CaseId, attachment_id: CaseId, recipient: str = _recipient_param()
):
    case = selectors.case_for(request.auth, case_id)
    attachment = case.attachments.select_related("event").filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    downloads.release(
        request.auth,
        case,
        data=(Data(attachment.kind),),
        channel=Channel.ATTACHMENT,
        door="api",
        document=attachment.kind,
        subject=f"attachment:{attachment.pk}",
        came_in=downloads.attachment_received(case, attachment),
        recipient=recipient,
    )
    try:
        content = vault.read(attachment)  # stored encrypted (Art. 11.4)
    except vault.Unreadable as exc:
        return HttpResponse(f"attachment {attachment.pk}: {exc}", status=409)
    return _private(
        FileResponse(
            io.BytesIO(content),
            as_attachment=True,
            filename=attachment.name,
            content_type=attachment.content_type,
        )
    )


def _pdf(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, f"{name}.pdf")
    return _private(response)


@router.get(
    "/{case_id}/letter.pdf",
    response=errors(400, 401, 403, 404, 422),
    openapi_extra={"responses": PDF},
    summary="The request letter (Art. 9)",
)
def request_letter(request, case_id: CaseId, recipient: str = _recipient_param()):
    case = selectors.case_for(request.auth, case_id)
    downloads.release(
        request.auth,
        case,
        data=(Data.TEXT, Data.PERSONS),  # the letter's texts and the persons it lists
        channel=Channel.PDF,
        door="api",
        document="request_letter",
        subject=f"case:{case.pk}",
        persons=case.persons.filter(event=None),
        came_in=downloads.letter_received(case),
        recipient=recipient,
    )
    return _pdf(letters.request_letter(case), case.number or case.their_number or "request")


@router.get(
    "/{case_id}/refusal.pdf",
    response=errors(400, 401, 403, 404, 422),
    openapi_extra={"responses": PDF},
    summary="The refusal notice (Art. 10.4); 404 if the request was not refused",
)
def refusal_notice(request, case_id: CaseId, recipient: str = _recipient_param()):
    case = selectors.case_for(request.auth, case_id)
    event = letters.refusal_event(case)
    if event is None:
        raise Http404
    downloads.release(
        request.auth,
        case,
        data=(Data.TEXT,),  # the reasons
        channel=Channel.PDF,
        door="api",
        document="refusal_notice",
        subject=f"case:{case.pk}",
        came_in=downloads.refusal_received(event),
        recipient=recipient,
    )
    return _pdf(letters.refusal_notice(case, event), f"{case.number or 'request'}-refusal")
