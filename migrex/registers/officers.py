"""Officers as the node's administrator adds, lists and disables them (`migrex officers`, the
officers API): the account (accounts/officers.py) and, for a signatory, their place on this
party's list of signatories for an agreement (Art. 9.3) with a signing key of their own.

A signatory goes on the list as the page and `migrex signatories create` enter a list: a new list
of this party (signatory_lists.create, which checks it and records it in the audit log), with the
entries of the party's latest list and the new one, which replaces it from today (Art. 9.4). The
signatory signs once that list has been sent to the other party (`migrex signatories send`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from migrex.accounts import officers as accounts
from migrex.accounts.models import User
from migrex.accounts.roles import SIGNATORY, administers
from migrex.agreements import signers
from migrex.agreements.models import Agreement, SignatoryList, SigningKey
from migrex.audit.actions import Action
from migrex.audit.services import record
from migrex.core.errors import Conflict, Forbidden, Invalid, MigrexError, error
from migrex.registers import authority_notices, signatory_lists


@dataclass
class ListEntry:
    """A signatory's entry on the list: for which agreement, in which position, how long."""

    agreement: str | None = None  # None: the one agreement of the officer's authority
    position: str = ""
    valid_from: dt.date | None = None  # None: today
    valid_to: dt.date | None = None


@dataclass
class Added:
    user: User
    password: str  # as given or generated: shown once, never stored in clear
    generated: bool
    listing: SignatoryList | None = None
    key: SigningKey | None = None
    notes: list[str] = field(default_factory=list)


def refuse_unless_administrator(actor) -> None:
    if not administers(actor):
        raise Forbidden(
            code="forbidden",
            message_ru="Учётными записями сотрудников распоряжается администратор узла.",
            message_en="Officers' accounts are managed by the node's administrator.",
        )


def _agreement(new: accounts.NewOfficer, entry: ListEntry) -> Agreement | None:
    """The agreement whose list the signatory goes on; None if it cannot be told."""
    found = Agreement.objects.filter(
        authorities__code=new.authority, parties=settings.MIGREX_PARTY
    ).distinct()
    if entry.agreement is not None:
        return found.filter(code=entry.agreement).first()
    return found.get() if found.count() == 1 else None


def today() -> dt.date:
    return timezone.localdate()


def _entry_problems(new: accounts.NewOfficer, entry: ListEntry | None) -> list[MigrexError]:
    if SIGNATORY not in new.roles:
        return []
    found = []
    if entry is None or not entry.position.strip():
        found.append(
            error(
                "position_required",
                "Для подписанта укажите должность: она вносится в перечень подписантов.",
                "A signatory needs a position: it goes on the list of signatories.",
                "9.3",
                "position",
            )
        )
    if entry is not None and entry.valid_to and entry.valid_to < (entry.valid_from or today()):
        found.append(
            error(
                "valid_to_invalid",
                "Срок полномочий подписанта кончается до его начала.",
                "The signatory's authority ends before it begins.",
                "9.3",
                "valid_to",
            )
        )
    if entry is not None and _agreement(new, entry) is None:
        found.append(
            error(
                "unknown_agreement",
                f"Укажите соглашение органа {new.authority}, в перечень по которому вносится "
                "подписант.",
                f"Name the agreement of the authority {new.authority} whose list the "
                "signatory goes on.",
                "2",
                "agreement",
            )
        )
    return found


def _carried(entry) -> dict:
    """An entry of the latest list as it goes on the new one: with its account if that can still
    sign here, and otherwise with the key the list gave it."""
    out = signatory_lists.entry_out(entry)
    user = entry.user
    if user is not None and user.is_active and user.authority_id == entry.authority_id:
        out["jwk"] = None  # given by the account's own key
    else:
        out["account"] = None
    return out


def put_on_list(actor, user: User, agreement: Agreement, entry: ListEntry, via: str):
    """A new list of this party for `agreement`: the latest one's entries and `user`'s."""
    today = timezone.localdate()
    latest = (
        SignatoryList.objects.filter(agreement=agreement, party_id=user.authority.party_id)
        .order_by("-effective_from", "-pk")
        .first()
    )
    entries, form_sample, note, since = [], None, "", today
    if latest is not None:
        entries = [_carried(e) for e in latest.signatories.select_related("authority", "user")]
        form_sample = authority_notices.signatory_body(latest, sent_on=today)["form_sample"]
        note, since = latest.note, max(today, latest.effective_from)
    entries.append(
        {
            "full_name": str(user),
            "position": entry.position.strip(),
            "authority": user.authority.code,
            "valid_from": (entry.valid_from or today).isoformat(),
            "valid_to": entry.valid_to.isoformat() if entry.valid_to else None,
            "jwk": None,
            "account": user.username,
        }
    )
    return signatory_lists.create(
        actor,
        agreement=agreement.code,
        effective_from=since,
        signatories=entries,
        note=note,
        form_sample=form_sample,
        via=via,
    )


@transaction.atomic
def add(
    actor,
    new: accounts.NewOfficer,
    entry: ListEntry | None = None,
    *,
    key: bool = True,
    via: str = "api",
) -> Added:
    """The officer's account and, for a signatory, their entry on a new list of this party and
    (`key`) a signing key made here, sealed under their password (Art. 9.3). `actor`: the
    administrator acting (a User), or for the command line without one, its name, which may not
    put a signatory on a list. Invalid naming every field that is wrong; nothing is made then."""
    if not isinstance(actor, str):
        refuse_unless_administrator(actor)
    found = accounts.problems(new) + _entry_problems(new, entry)
    if found:
        raise Invalid(found)
    actor_name = actor if isinstance(actor, str) else actor.username
    if SIGNATORY in new.roles:
        if isinstance(actor, str):
            raise Invalid(
                [
                    error(
                        "administrator_required",
                        "Подписанта вносит в перечень администратор узла: укажите его.",
                        "A signatory is put on the list by the node's administrator: name one.",
                        "9.4",
                        "user",
                    )
                ]
            )
        new.position = entry.position  # the account's position is the list's
    user, password = accounts.create(new, actor=actor_name)
    added = Added(user, password, generated=new.password is None)
    if SIGNATORY in new.roles:
        added.listing = put_on_list(actor, user, _agreement(new, entry), entry, via)
        if key:
            added.key = signers.enrol(user, password)
            record(
                Action.SIGNING_KEY_ENROLLED,
                actor=actor_name,
                subject=f"agreements.signingkey:{added.key.pk}",
                detail={"kid": added.key.kid, "source": added.key.source, "via": via},
            )
    return added


def disable(actor, username: str) -> accounts.Disabled:
    """accounts.officers.disable, as `actor` (a User or the command line's name), who may not
    disable their own account."""
    if not isinstance(actor, str):
        refuse_unless_administrator(actor)
    actor_name = actor if isinstance(actor, str) else actor.username
    if actor_name == username:
        raise Conflict(
            "own_account",
            "Нельзя отключить собственную учётную запись.",
            "You cannot disable your own account.",
        )
    return accounts.disable(username, actor=actor_name)


def entries(users: set[int]) -> dict[int, list[str]]:
    """Each user's entries on this party's lists in force today: "agreement list N, position,
    from – to"."""
    current = signatory_lists.current_ids(timezone.localdate())
    found: dict[int, list[str]] = {}
    for listing in signatory_lists.with_entries(SignatoryList.objects.filter(pk__in=current)):
        for e in listing.signatories.all():
            if e.user_id is not None and e.user_id in users:
                until = e.valid_to.isoformat() if e.valid_to else "…"
                found.setdefault(e.user_id, []).append(
                    f"{listing.agreement.code} list {listing.pk}, {e.position}, "
                    f"{e.valid_from.isoformat()} – {until}"
                )
    return found


def rows(*, active: bool | None = None) -> list[dict]:
    """Every officer of this node as `migrex officers list` and the API show them."""
    users = User.objects.select_related("authority").prefetch_related("groups").order_by("username")
    if active is not None:
        users = users.filter(is_active=active)
    ids = {u.pk for u in users}
    listed = entries(ids)
    return [
        {
            "username": u.username,
            "full_name": str(u) if str(u) != u.username else "",
            "authority": u.authority.code if u.authority_id else None,
            "roles": sorted(g.name for g in u.groups.all()),
            "position": u.position,
            "active": u.is_active,
            "signatory_entries": listed.get(u.pk, []),
        }
        for u in users
    ]
