"""The officers API: the node's administrator lists officers, adds one with their roles (a
signatory onto this party's list of signatories, Art. 9.3) and disables one. Thin handlers over
registers.officers; errors are rendered by migrex/api.py."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from ninja import Query, Router, Schema, Status
from pydantic import Field

from migrex.accounts.models import User
from migrex.accounts.officers import NewOfficer
from migrex.accounts.roles import Role
from migrex.core.api import Id, IsoDate, errors
from migrex.registers import officers

router = Router(tags=["officers"])


class OfficerOut(Schema):
    username: str
    full_name: str = Field(description="Surname, given name, patronymic.")
    authority: str | None = Field(description="The competent authority's code.")
    roles: list[str]
    position: str
    active: bool
    signatory_entries: list[str] = Field(
        description="The officer's entries on this party's lists of signatories in force today."
    )


class OfficerIn(Schema):
    username: str = Field(min_length=1, max_length=150)
    full_name: str = Field(
        min_length=1, max_length=450, description="Surname, given name, patronymic."
    )
    authority: str = Field(max_length=64, description="A competent authority of this party.")
    roles: list[str] = Field(
        min_length=1,
        max_length=5,
        description="Of: " + ", ".join(f"`{r.value}`" for r in Role) + ".",
    )
    password: str | None = Field(
        None,
        min_length=1,
        max_length=4096,
        description="The officer's first password; omitted: one is generated and answered once.",
    )
    position: str = Field("", max_length=200, description="Required for a signatory.")
    agreement: str | None = Field(
        None,
        max_length=64,
        description="A signatory: the agreement whose list they go on; omitted: the one "
        "agreement of their authority.",
    )
    valid_from: IsoDate | None = Field(None, description="A signatory: from (today if omitted).")
    valid_to: IsoDate | None = Field(None, description="A signatory: until (none if omitted).")
    signing_key: bool = Field(
        True,
        description="A signatory: make their signing key now, sealed under the password "
        "(false: enrol it later with `migrex signatories key`).",
    )


class AddedOut(Schema):
    officer: OfficerOut
    password: str | None = Field(
        description="The generated password, answered this once; null when it was given."
    )
    signatory_list: Id | None = Field(
        description="The new list of signatories the signatory is on (Art. 9.4): send it to the "
        "other party (`/signatory-lists/{list_id}/send`) before they sign."
    )
    key_id: str | None = Field(description="The signatory's signing key's fingerprint.")


class DisabledOut(Schema):
    officer: OfficerOut
    sessions_ended: int
    tokens_revoked: int


class OfficerFilter(Schema):
    active: bool | None = Field(None, description="true: active only; false: disabled only.")


def _one(username: str) -> dict:
    return next(o for o in officers.rows() if o["username"] == username)


@router.get(
    "",
    response={200: list[OfficerOut], **errors(400, 401, 403, 422)},
    summary="Officers of this node, with their roles and signatory entries",
    description="The node's administrator.",
)
def list_officers(request, filters: Query[OfficerFilter]):
    officers.refuse_unless_administrator(request.auth)
    return officers.rows(active=filters.active)


@router.post(
    "",
    response={201: AddedOut, **errors(400, 401, 403, 422)},
    summary="Add an officer with their roles (a signatory onto the list, Art. 9.3)",
    description="The node's administrator. A generated password is answered once (the answer "
    "is `Cache-Control: no-store` and not kept for an `Idempotency-Key`).",
)
def add_officer(request, payload: OfficerIn, response: HttpResponse):
    officers.refuse_unless_administrator(request.auth)
    new = NewOfficer(
        username=payload.username,
        full_name=payload.full_name,
        authority=payload.authority,
        roles=payload.roles,
        position=payload.position,
        password=payload.password,
    )
    entry = officers.ListEntry(
        agreement=payload.agreement,
        position=payload.position,
        valid_from=payload.valid_from,
        valid_to=payload.valid_to,
    )
    added = officers.add(request.auth, new, entry, key=payload.signing_key, via="api")
    response["Cache-Control"] = "no-store"
    return Status(
        201,
        {
            "officer": _one(added.user.username),
            "password": added.password if added.generated else None,
            "signatory_list": added.listing.pk if added.listing else None,
            "key_id": added.key.kid if added.key else None,
        },
    )


@router.post(
    "/{username}/disable",
    response={200: DisabledOut, **errors(400, 401, 403, 404, 409, 422)},
    summary="Disable an officer: never deleted; sessions and API tokens end",
    description="The node's administrator.",
)
def disable_officer(request, username: str):
    officers.refuse_unless_administrator(request.auth)
    if len(username) > 150 or not User.objects.filter(username=username).exists():
        raise Http404
    done = officers.disable(request.auth, username)
    return {
        "officer": _one(done.user.username),
        "sessions_ended": done.sessions,
        "tokens_revoked": done.tokens,
    }
