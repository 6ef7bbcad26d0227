"""Signatories' own keys and the lists their signatures are checked against (Art. 9.3, 9.4).

A signatory's key is enrolled (made here, or imported from a PKCS#12 file of a certification
authority) sealed under their password, and opened only by that password re-entered to sign.
A signature counts only against a list the other party holds: the list received from a party is
read here (`received_in_force`); what this party has sent of its own lists is recorded by the app
that sends them, which tells this floor through `lists_sent_by` (registers, in its ready()).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Prefetch

from migrex.agreements import signer_keys
from migrex.agreements.models import Agreement, Signatory, SignatoryList, SigningKey
from migrex.agreements.signer_keys import Listed, PrivateKey, SignerKeyError
from migrex.core import reference
from migrex.core.errors import Forbidden, invalid

#: (agreement, party, day) → the entries of the party's own list in force that day as it was
#: sent to the other party, or None if none was sent.
SentFinder = Callable[[Agreement, str, dt.date], list[Listed] | None]
_sent: list[SentFinder] = []


def lists_sent_by(finder: SentFinder) -> None:
    """Install the reader of what this party has sent of its lists (one, at start-up)."""
    _sent[:] = [finder]


def sent_in_force(agreement: Agreement, party: str, on: dt.date) -> list[Listed] | None:
    """This party's list in force on `on` as the other party received it, or None."""
    return _sent[0](agreement, party, on) if _sent else None


def listed(entry: Signatory) -> Listed:
    return Listed(entry.full_name, entry.position, entry.valid_from, entry.valid_to, entry.jwk)


@dataclass(frozen=True)
class ListInForce:
    """A party's list of signatories as a signature is checked against it (Art. 9.3)."""

    pk: int
    exchanged_on: dt.date
    effective_from: dt.date
    entries: tuple[Listed, ...]


@reference.cached
def _lists() -> dict[tuple[int, str], list[ListInForce]]:
    """Every list on this node by (agreement, party), in the order they take effect: read on
    every request received, they change a few times a year (agreements/apps.py watches them)."""
    entries = Signatory.objects.select_related("user__signing_key")
    found: dict[tuple[int, str], list[ListInForce]] = {}
    rows = SignatoryList.objects.prefetch_related(Prefetch("signatories", entries))
    for row in rows.order_by("effective_from", "pk"):
        entry = ListInForce(
            row.pk,
            row.exchanged_on,
            row.effective_from,
            tuple(listed(e) for e in row.signatories.all()),
        )
        found.setdefault((row.agreement_id, row.party_id), []).append(entry)
    return found


def received_in_force(agreement: Agreement, party: str, on: dt.date) -> ListInForce | None:
    """The list of `party` in force on `on`: its latest taking effect by then (Art. 9.4)."""
    lists = _lists().get((agreement.pk, party), [])
    return next((row for row in reversed(lists) if row.effective_from <= on), None)


# --- enrolment ------------------------------------------------------------------------------------


def _refused(exc: SignerKeyError, field: str) -> Exception:
    texts = {
        "pkcs12_unreadable": (
            "Файл PKCS#12 не открывается: неверный пароль или это не файл PKCS#12.",
            "The PKCS#12 file does not open: wrong password or not a PKCS#12 file.",
        ),
        "key_unsupported": (
            "Ключ не поддерживается: запросы подписываются ключами Ed25519 или ECDSA P-256.",
            "Unsupported key: requests are signed with Ed25519 or ECDSA P-256 keys.",
        ),
    }
    ru, en = texts.get(exc.code, (exc.detail, exc.detail))
    return invalid(exc.code, f"{ru} ({exc.detail})", f"{en} ({exc.detail})", "9.3", field)


@transaction.atomic
def enrol(
    user,
    password: str,
    *,
    pkcs12: bytes | None = None,
    pkcs12_password: str = "",
    kdf: dict | None = None,
) -> SigningKey:
    """Give `user` a signing key, replacing any they had: made here, or the one of a PKCS#12
    file. `password` is the user's own (checked), under which the key is sealed. The account's
    entries on this party's lists then give the new key: the list must be sent again before
    they sign with it (Art. 9.4)."""
    if not user.check_password(password):
        raise invalid(
            "wrong_password",
            "Неверный пароль подписанта: ключ запечатывается его паролем.",
            "Wrong password of the signatory: the key is sealed under it.",
            "9.3",
            "password",
        )
    source, chain = SigningKey.Source.GENERATED, []
    if pkcs12 is None:
        key: PrivateKey = signer_keys.generate()
    else:
        try:
            key, chain = signer_keys.from_pkcs12(pkcs12, pkcs12_password)
        except SignerKeyError as exc:
            raise _refused(exc, "pkcs12") from None
        source = SigningKey.Source.PKCS12
    jwk = signer_keys.public_jwk(key, chain)
    sealed, params = signer_keys.seal(key, password, jwk["kid"], kdf)
    SigningKey.objects.filter(user=user).delete()
    return SigningKey.objects.create(
        user=user, kid=jwk["kid"], public_jwk=jwk, source=source, sealed=sealed, kdf=params
    )


def key_of(user) -> SigningKey:
    """The user's signing key; refused when they have none (Art. 9.3)."""
    stored = SigningKey.objects.filter(user=user).first()
    if stored is None:
        raise Forbidden(
            code="signing_key_missing",
            message_ru="У вас нет ключа подписи: его выдаёт администратор узла "
            "(migrex signatories key generate).",
            message_en="You have no signing key: the node's administrator enrols it "
            "(migrex signatories key generate).",
            article="9.3",
        )
    return stored


def unlock(stored: SigningKey, password: str | None) -> PrivateKey:
    """The private key of `stored`, opened with the password re-entered to sign (Art. 9.3)."""
    if not password:
        raise Forbidden(
            code="reauthentication_required",
            message_ru="Для подписания подтвердите пароль.",
            message_en="Confirm your password to sign.",
            article="9.3",
        )
    try:
        return signer_keys.unseal(bytes(stored.sealed), stored.kdf, password, stored.kid)
    except SignerKeyError:
        raise Forbidden(
            code="signing_key_locked",
            message_ru="Ключ подписи не открывается вашим паролем (пароль сменили после "
            "выдачи ключа): администратор узла должен выдать ключ заново.",
            message_en="Your signing key does not open with your password (it was changed "
            "after the key was enrolled): the node's administrator must enrol it again.",
            article="9.3",
        ) from None
