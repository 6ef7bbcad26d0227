"""A request signed with its signatory's own key (Art. 9.3, 9.4), besides the node's envelope.

The signature is a detached JWS (agreements/signer_keys.py) over the request's content in RFC
8785 form: the payload without the signature itself and without the attachments' content, which
it covers by their SHA-256 digests (the receiver checks each file against its digest). Sending,
`sign` makes it with the key the signatory's re-entered password opens, once the list giving
that key has gone to the other party (Art. 9.4). Receiving, `verify` checks it against the list
received from that party in force on the signing date; a signature that does not hold refuses the
request, and nothing of it is kept. Each side's history keeps the key and the signature: the
requester's `sign` move, the requested side's opening of the case with the list it was checked
against.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from migrex.agreements import signer_keys, signers
from migrex.agreements.models import Agreement, Authority, Signatory, SigningKey
from migrex.agreements.signer_keys import PrivateKey
from migrex.cases import messages, validation
from migrex.cases.models import Case
from migrex.core.errors import Forbidden, MigrexError, invalid
from migrex.exchange.receipts import canonicalize

UNSIGNED = {"signatory": {"signature"}, "attachments": {"__all__": {"content"}}}
CLOCK_SKEW = dt.timedelta(minutes=5)
FIELD = "payload.signatory"


def content(payload: messages.RequestPayload) -> bytes:
    """What the signature covers: the request's RFC 8785 form, without the signature and the
    attachments' content."""
    return canonicalize(payload.model_dump(mode="json", by_alias=True, exclude=UNSIGNED))


# --- sending --------------------------------------------------------------------------------------


def _listed_as_sent(agreement: Agreement, entry: Signatory, stored: SigningKey) -> None:
    """Art. 9.4: the list giving this person and key has gone to the other party, which checks
    the signature against it."""
    today = timezone.localdate()
    sent = signers.sent_in_force(agreement, entry.signatory_list.party_id, today) or []
    mine = signer_keys.named(sent, entry.full_name, entry.position, today)
    if signer_keys.with_key(mine, stored.kid) is None:
        raise Forbidden(
            code="signatory_list_not_sent",
            message_ru="Перечень подписантов с вами и вашим ключом подписи ещё не направлен "
            "другой стороне: подписывать можно после его направления (администратор узла, "
            "«Реестры → Подписанты»).",
            message_en="The list of signatories giving you and your signing key has not been "
            "sent to the other party yet: you can sign once it is (the node's administrator, "
            "Registers → Signatories).",
            article="9.4",
        )


def sign(case: Case, actor, entry: Signatory, data: dict) -> None:
    """Sign the request `case` as `entry` (checks.sign, with the case's signatory set): the
    key and signature go into the move's data, kept by its history and sent with the request.
    The password leaves `data` here."""
    stored = signers.key_of(actor)
    _listed_as_sent(case.agreement, entry, stored)
    key = signers.unlock(stored, data.pop("password", None))
    data["key_id"] = stored.kid
    data["signature"] = signature(messages.request(case, None, data, files=False), key)


def signature(unsigned: messages.RequestPayload, key: PrivateKey) -> str:
    """The detached signature by `key` over the content of `unsigned`."""
    return signer_keys.sign(key, content(unsigned))


def refusal(case: Case, user) -> MigrexError | None:
    """Why `user` could not sign `case` now, whatever the password: no entry on the list in
    force, no key, a list not sent with it (for the sign form, before the password is typed)."""
    try:
        entry = validation.current_signatory(case.agreement, user, timezone.localdate())
        _listed_as_sent(case.agreement, entry, signers.key_of(user))
    except MigrexError as exc:
        return exc
    return None


# --- receiving ------------------------------------------------------------------------------------


def verified(agreement: Agreement, body: messages.RequestPayload, sender: Authority) -> dict:
    """Check the signature of a received request (inbox._open) against the list `sender`'s
    party sent that was in force on the signing date, in that party's calendar (Art. 9.3);
    refused as `signatory_not_listed` or `signature_invalid`. Returns what the opening event of
    the case keeps of it (record_of reads it back)."""
    listing = signed_as_listed(agreement, body, sender)
    signatory = body.signatory
    return {
        "key_id": signatory.key_id,
        "signature": signatory.signature,
        "list": listing.pk,
        "list_sent_on": listing.exchanged_on.isoformat(),
        "list_effective_from": listing.effective_from.isoformat(),
    }


def signed_as_listed(agreement: Agreement, body, sender: Authority):
    """The list of `sender`'s party in force on the day `body` (a request, or the confirmation
    of one, Art. 9.5) was signed, in that party's calendar, when its signatory is on it with the
    key whose detached signature over the content of `body` verifies (Art. 9.3); refused as
    `signatory_not_listed` or `signature_invalid` otherwise."""
    signatory = body.signatory
    if signatory.signed_at.tzinfo is None:
        raise _invalid_signature("the signing time has no time zone")
    if signatory.signed_at > timezone.now() + CLOCK_SKEW:
        raise _invalid_signature("the signing time is in the future")
    tz = validation.party_timezone(sender.party)
    day = timezone.localtime(signatory.signed_at, tz).date()
    found = signers.received_in_force(agreement, sender.party_id, day)
    entries = signer_keys.named(
        found.entries if found else (), signatory.name, signatory.position, day
    )
    entry = signer_keys.with_key(entries, signatory.key_id)
    if found is None or entry is None or entry.jwk is None:
        when = f"{day:%d.%m.%Y}"
        listed = "перечне" if found is None else f"перечне от {found.exchanged_on:%d.%m.%Y}"
        raise invalid(
            "signatory_not_listed",
            f"Подписанта «{signatory.name}» ({signatory.position}) с ключом "
            f"{signatory.key_id or '—'} нет в {listed} лиц, уполномоченных подписывать "
            f"запросы, действовавшем на {when}.",
            f"The signatory '{signatory.name}' ({signatory.position}) with the key "
            f"{signatory.key_id or '—'} is not on the other party's list of signatories in force "
            f"on {day.isoformat()}.",
            "9.3",
            FIELD,
        )
    if not signer_keys.verify(signatory.signature, content(body), entry.jwk):
        raise _invalid_signature("it does not verify with the listed key over the content")
    return found


def _invalid_signature(why: str):
    return invalid(
        "signature_invalid",
        "Подпись подписанта под запросом недействительна: запрос изменён после подписания "
        "или подписан не тем ключом.",
        f"The signatory's signature of the request is not valid: {why}.",
        "9.3",
        FIELD,
    )


# --- what the case shows --------------------------------------------------------------------------


@dataclass(frozen=True)
class Record:
    """The signature a case keeps: its key and, on the requested side, the list it was checked
    against."""

    key_id: str
    list_sent_on: dt.date | None = None
    list_effective_from: dt.date | None = None


def record_of(case: Case) -> Record | None:
    event = (
        case.events.filter(action__in=("sign", "request", "spontaneous"), data__has_key="key_id")
        .order_by("-at", "-pk")
        .first()
    )
    if event is None:
        return None
    dates = [event.data.get(k) for k in ("list_sent_on", "list_effective_from")]
    return Record(event.data["key_id"], *(dt.date.fromisoformat(d) if d else None for d in dates))
