"""Changes of competent authorities (Art. 2: renaming, or one state body replaced by another)
and of the lists of officials authorised to sign requests and the form samples (Art. 9.3, 9.4),
sent to the other party as `authority_notice` and applied to this node's records on receipt."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any, Literal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from pydantic import Field

from migrex.agreements.models import (
    Agreement,
    Authority,
    AuthorityName,
    Signatory,
    SignatoryList,
)
from migrex.agreements.selectors import directory
from migrex.agreements.signer_keys import SignerKeyError, check_public_jwk
from migrex.audit.actions import Action
from migrex.audit.services import record
from migrex.core.errors import Invalid
from migrex.exchange.kinds import Payload, Received
from migrex.registers import common
from migrex.registers.models import AuthorityNotice, Direction

KIND = "authority_notice"
Change = AuthorityNotice.Change
ARTICLES = {Change.RENAME: "2", Change.REPLACE: "2", Change.SIGNATORIES: "9.4"}


class NewAuthority(Payload):
    code: str = Field(max_length=64)
    kind: str | None = Field(None, max_length=64)
    name_ru: str
    name_en: str


class SignatoryEntry(Payload):
    full_name: str
    position: str
    authority: str
    valid_from: dt.date
    valid_to: dt.date | None = None
    jwk: dict[str, Any] | None = Field(
        None,
        description="The person's public signing key (RFC 7517; `kid` its RFC 7638 thumbprint, "
        "`x5c` the certificate chain of a key from a certification authority), against which "
        "the requests they sign are checked (Art. 9.3)",
    )


class AuthorityNoticePayload(Payload):
    """`authority_notice` (docs/protocol.md §13.6): which members a change carries is checked
    with the change (`rename`: authority, names, valid_from; `replace`: replaced, by,
    valid_from; `signatories`: effective_from, sent_on, note, signatories, form_sample)."""

    change: Literal["rename", "replace", "signatories"]
    article: Literal["2", "9.3", "9.4"] | None = None
    authority: str | None = None
    name_ru: str | None = None
    name_en: str | None = None
    valid_from: dt.date | None = None
    replaced: str | None = None
    by: NewAuthority | None = None
    effective_from: dt.date | None = None
    sent_on: dt.date | None = None
    note: str | None = Field(None, max_length=2000)
    signatories: list[SignatoryEntry] | None = None
    form_sample: common.FilePayload | None = None


def _bad(change: str, field: str, ru: str, en: str) -> Invalid:
    return common.fail(
        "authority_notice_invalid",
        f"Уведомление об органах: {ru}.",
        f"Authority notice: {en}.",
        ARTICLES.get(change, "2"),
        field,
    )


def _text(body: dict, key: str, change: str, limit: int = 300) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise _bad(
            change,
            key,
            f"нужен текст до {limit} знаков ({key})",
            f"a text of up to {limit} characters is required ({key})",
        )
    return value.strip()


def _date(body: dict, key: str, change: str, *, required: bool = True) -> dt.date | None:
    return common.parse_date(
        body.get(key),
        code="authority_notice_invalid",
        label_ru="Дата",
        label_en="Date",
        article=ARTICLES[change],
        field=key,
        required=required,
    )


def _member_of(agreement: Agreement, party: str, code, change: str, field: str) -> Authority:
    found = directory().terms(agreement.code).authorities.get(str(code))
    if found is None or found.party_id != party:
        raise _bad(
            change,
            field,
            f"{code} — не компетентный орган стороны {party}",
            f"{code} is not a competent authority of {party}",
        )
    return found


def _rename(agreement: Agreement, party: str, body: dict) -> dict:
    authority = _member_of(agreement, party, body.get("authority"), Change.RENAME, "authority")
    name_ru, name_en = _text(body, "name_ru", Change.RENAME), _text(body, "name_en", Change.RENAME)
    since = _date(body, "valid_from", Change.RENAME)
    _new_name(authority, name_ru, name_en, since)
    return {"authority": authority.code, "name_ru": name_ru}


def _new_name(authority: Authority, name_ru: str, name_en: str, since: dt.date) -> None:
    """The name history keeps the old name until the day before (Art. 2)."""
    AuthorityName.objects.filter(authority=authority, valid_until__isnull=True).update(
        valid_until=since - dt.timedelta(days=1)
    )
    AuthorityName.objects.create(
        authority=authority, name_ru=name_ru, name_en=name_en, valid_from=since
    )
    authority.name_ru, authority.name_en = name_ru, name_en
    authority.save(update_fields=["name_ru", "name_en"])


def _replace(agreement: Agreement, party: str, body: dict) -> dict:
    old = _member_of(agreement, party, body.get("replaced"), Change.REPLACE, "replaced")
    by = body.get("by")
    if not isinstance(by, dict):
        raise _bad(Change.REPLACE, "by", "нет нового органа (by)", "no new authority (by)")
    code = _text(by, "code", Change.REPLACE, 64)
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", code) or code == old.code:
        raise _bad(
            Change.REPLACE,
            "by.code",
            f"код {code!r} не годится для нового органа",
            f"code {code!r} does not fit a new authority",
        )
    since = _date(body, "valid_from", Change.REPLACE)
    existing = Authority.objects.filter(code=code).first()
    if existing is not None and existing.party_id != party:
        raise _bad(
            Change.REPLACE,
            "by.code",
            f"код {code} занят органом другой стороны",
            f"code {code} belongs to an authority of another party",
        )
    name_ru, name_en = _text(by, "name_ru", Change.REPLACE), _text(by, "name_en", Change.REPLACE)
    if existing is None:
        existing = Authority.objects.create(
            code=code,
            party_id=party,
            kind=str(by.get("kind") or old.kind)[:64],
            name_ru=name_ru,
            name_en=name_en,
        )
    _new_name(existing, name_ru, name_en, since)
    agreement.authorities.add(existing)
    agreement.authorities.remove(old)  # no longer competent: the exchange refuses it (Art. 2)
    return {"replaced": old.code, "by": code}


def _signatories(agreement: Agreement, party: str, body: dict) -> dict:
    change = Change.SIGNATORIES
    effective_from = _date(body, "effective_from", change)
    sent_on = _date(body, "sent_on", change)
    people = body.get("signatories")
    if not isinstance(people, list) or not people:
        raise _bad(change, "signatories", "пустой перечень лиц", "the list of persons is empty")
    rows = []
    for i, person in enumerate(people):
        where = f"signatories[{i}]"
        if not isinstance(person, dict):
            raise _bad(change, where, "запись не объект", "an entry is not an object")
        valid_from = _date(person, "valid_from", change)
        valid_to = _date(person, "valid_to", change, required=False)
        if valid_to is not None and valid_to < valid_from:
            raise _bad(
                change,
                f"{where}.valid_to",
                "срок полномочий кончается до начала",
                "the authority ends before it begins",
            )
        rows.append(
            Signatory(
                full_name=_text(person, "full_name", change),
                position=_text(person, "position", change),
                authority=_member_of(
                    agreement, party, person.get("authority"), change, f"{where}.authority"
                ),
                valid_from=valid_from,
                valid_to=valid_to,
                public_key=_public_key(person, change, where),
            )
        )
    listing = SignatoryList(
        agreement=agreement,
        party_id=party,
        exchanged_on=sent_on,
        effective_from=effective_from,
        note=str(body.get("note") or "")[:2000],
    )
    if body.get("form_sample") is not None:
        name, _type, content = common.file_from_payload(
            body["form_sample"], article="9.3", field="form_sample"
        )
        listing.form_sample.save(name, ContentFile(content), save=False)
    listing.save()
    for row in rows:
        row.signatory_list = listing
    Signatory.objects.bulk_create(rows)
    return {"list": listing.pk, "signatories": len(rows)}


def _public_key(person: dict, change: str, where: str) -> str:
    """The entry's key as the JSON of its checked public JWK; empty when it has none."""
    if person.get("jwk") is None:
        return ""
    try:
        return json.dumps(check_public_jwk(person["jwk"]), sort_keys=True)
    except SignerKeyError as exc:
        raise _bad(change, f"{where}.jwk", f"ключ не годится: {exc.detail}", exc.detail) from None


APPLY = {Change.RENAME: _rename, Change.REPLACE: _replace, Change.SIGNATORIES: _signatories}


def receive(message: Received) -> AuthorityNotice:
    """Apply the other party's change to this node's records of that party, once per
    conversation; inside the inbox's transaction, so a refused notice changes nothing."""
    body = message.payload.model_dump(mode="json", exclude_none=True)
    change = body["change"]
    known = AuthorityNotice.objects.filter(
        conversation_id=message.conversation_id, direction=Direction.RECEIVED
    ).first()
    if known is not None:
        return known
    agreement = directory().terms(message.agreement).agreement
    party = directory().authority(message.sender_authority).party_id
    outcome = APPLY[change](agreement, party, body)
    notice = AuthorityNotice.objects.create(
        direction=Direction.RECEIVED,
        agreement=agreement,
        party_id=party,
        change=change,
        payload=body,
        conversation_id=message.conversation_id,
    )
    record(
        Action.AUTHORITY_NOTICE_APPLIED,
        actor=message.sender_authority,
        subject=str(notice.conversation_id),
        detail={"change": change, "message": message.message_id, **outcome},
    )
    return notice


@transaction.atomic
def notify(
    *, actor, agreement: Agreement, change: str, body: dict, today: dt.date | None = None
) -> AuthorityNotice:
    """Apply a renaming or a replacement of one of this party's authorities here and send it
    to the other party (Art. 2). `body` is the payload without `change`."""
    if change not in (Change.RENAME, Change.REPLACE):
        raise _bad("", "change", "неизвестный вид изменения", "unknown change")
    today = today or timezone.localdate()
    common.check_route(agreement, actor.authority, today)
    party = actor.authority.party_id
    payload = {"change": change, "article": ARTICLES[change], **body}
    outcome = APPLY[change](agreement, party, payload)
    return _send(actor, agreement, party, change, payload, outcome)


@transaction.atomic
def send_signatory_list(
    *, actor, listing: SignatoryList, today: dt.date | None = None
) -> AuthorityNotice:
    """Send this party's list of officials authorised to sign requests and its form sample:
    within 45 days of entry into force, and again at once after any change (Art. 9.3, 9.4)."""
    today = today or timezone.localdate()
    agreement = listing.agreement
    common.check_route(agreement, actor.authority, today)
    party = actor.authority.party_id
    if listing.party_id != party:
        raise _bad(
            Change.SIGNATORIES,
            "list",
            "можно отправить только перечень своей стороны",
            "only this party's own list can be sent",
        )
    if not listing.signatories.exists():
        raise _bad(
            Change.SIGNATORIES, "signatories", "пустой перечень лиц", "the list of persons is empty"
        )
    payload = {
        "change": Change.SIGNATORIES,
        "article": "9.3",
        **signatory_body(listing, sent_on=today),
    }
    outcome = {"list": listing.pk, "signatories": len(payload["signatories"])}
    return _send(actor, agreement, party, Change.SIGNATORIES, payload, outcome)


def _send(actor, agreement, party, change, payload, outcome) -> AuthorityNotice:
    notice = AuthorityNotice.objects.create(
        direction=Direction.SENT,
        agreement=agreement,
        party_id=party,
        change=change,
        payload=payload,
        conversation_id=common.new_conversation(),
        created_by=actor,
    )
    members = directory().terms(agreement.code).authorities
    sender = members.get(actor.authority.code) or next(
        a for a in members.values() if a.party_id == party
    )  # the actor's own authority may just have been replaced
    common.send_to_other_party(
        agreement=agreement,
        kind=KIND,
        sender=sender,
        payload=payload,
        conversation_id=notice.conversation_id,
    )
    record(
        Action.AUTHORITY_NOTICE_SENT,
        actor=actor,
        subject=str(notice.conversation_id),
        detail={"change": change, **outcome},
    )
    return notice


def signatory_body(listing: SignatoryList, *, sent_on: dt.date) -> dict:
    """The payload of this party's list as it stands (Art. 9.3), with its form sample."""
    body = {
        "effective_from": listing.effective_from.isoformat(),
        "sent_on": sent_on.isoformat(),
        "note": listing.note,
        "signatories": [
            {
                "full_name": s.full_name,
                "position": s.position,
                "authority": s.authority.code,
                "valid_from": s.valid_from.isoformat(),
                "valid_to": s.valid_to.isoformat() if s.valid_to else None,
                "jwk": s.jwk,
            }
            for s in listing.signatories.select_related("authority", "user__signing_key")
        ],
        "form_sample": None,
    }
    if listing.form_sample:
        with listing.form_sample.open("rb") as f:
            body["form_sample"] = common.file_payload(
                name=listing.form_sample.name.rsplit("/", 1)[-1],
                content_type="application/octet-stream",
                content=f.read(),
            ).model_dump()
    return body
