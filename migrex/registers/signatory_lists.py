"""The lists of officials authorised to sign requests (Art. 9.3, 9.4), this party's and the other
party's, as the JSON API and the command line read and make them: which lists an officer sees
and which is in force, a new list of this party entered with its entries, and a list sent to the
other party through the page's own service (authority_notices.send_signatory_list).

An entry has one shape, `authority_notices.SignatoryEntry`, the entry of the list's payload: the
API reads and writes it, and `entry_out` fills every member it names from the stored entry of the
same name, so a member added there is read, written and shown everywhere at once."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from migrex.accounts.models import User
from migrex.agreements.models import Agreement, Signatory, SignatoryList
from migrex.audit.actions import Action
from migrex.audit.services import record
from migrex.core.errors import Forbidden, Invalid, error
from migrex.registers import authority_notices
from migrex.registers.models import AuthorityNotice
from migrex.registers.permissions import may_notify_authorities, may_read

ENTRY = authority_notices.SignatoryEntry


def visible(user) -> QuerySet[SignatoryList]:
    """Every list on this node, for any officer of a competent authority (as the page)."""
    if not may_read(user):
        raise Forbidden(
            code="forbidden",
            message_ru="Перечни подписантов доступны сотрудникам компетентных органов.",
            message_en="The lists of signatories are shown to officers of competent authorities.",
            article="9.3",
        )
    return with_entries(SignatoryList.objects.all())


def with_entries(lists: QuerySet[SignatoryList]) -> QuerySet[SignatoryList]:
    entries = Signatory.objects.select_related("authority", "user")
    return lists.select_related("agreement").prefetch_related(Prefetch("signatories", entries))


def find(
    lists: QuerySet[SignatoryList],
    today: dt.date,
    *,
    agreement: str | None = None,
    party: str | None = None,
    own: bool | None = None,
    in_force: bool | None = None,
) -> list[dict]:
    """`lists` as list_out() shows them, those of `agreement` and `party`, this party's or the
    other's (`own`), in force today or not; None: either."""
    if agreement is not None:
        lists = lists.filter(agreement__code=agreement)
    if party is not None:
        lists = lists.filter(party_id=party)
    current = current_ids(today)
    out = [list_out(listing, current) for listing in lists]
    return [o for o in out if own in (None, o["own"]) and in_force in (None, o["in_force"])]


def current_ids(today: dt.date) -> set[int]:
    """The ids of the lists in force on `today`: per agreement and party, the latest that has
    taken effect, as the signature check reads it (Art. 9.4)."""
    found: dict[tuple[int, str], int] = {}
    rows = SignatoryList.objects.filter(effective_from__lte=today).order_by(
        "agreement_id", "party_id", "-effective_from", "-pk"
    )
    for pk, agreement, party in rows.values_list("pk", "agreement_id", "party_id"):
        found.setdefault((agreement, party), pk)
    return set(found.values())


def is_own(listing: SignatoryList) -> bool:
    return listing.party_id == settings.MIGREX_PARTY


def entry_out(entry: Signatory) -> dict:
    """An entry in the shape of the payload's, with the account on this node it belongs to."""
    values = {name: getattr(entry, name, None) for name in ENTRY.model_fields}
    values["authority"] = entry.authority.code
    values["account"] = entry.user.username if entry.user_id else None
    return values


def list_out(listing: SignatoryList, current: set[int]) -> dict:
    """A list as the API and `migrex signatories --json` show it; `current` from current_ids()."""
    return {
        "id": listing.pk,
        "agreement": listing.agreement.code,
        "party": listing.party_id,
        "own": is_own(listing),
        "in_force": listing.pk in current,
        "effective_from": listing.effective_from,
        "exchanged_on": listing.exchanged_on,
        "note": listing.note,
        "form_sample": listing.form_sample.name.rsplit("/", 1)[-1] if listing.form_sample else None,
        "signatories": [entry_out(s) for s in listing.signatories.all()],
    }


def _administers(actor) -> None:
    if not may_notify_authorities(actor):
        raise Forbidden(
            code="forbidden",
            message_ru="Перечни подписантов вносит и направляет администратор узла.",
            message_en="Lists of signatories are entered and sent by the node's administrator.",
            article="9.4",
        )


def _accounts(actor, entries: list[dict]) -> list[User | None]:
    """The accounts on this node the entries name: active, of the entry's authority; an entry
    without one cannot sign here until an administrator links it (Art. 9.3)."""
    found, problems = [], []
    for i, entry in enumerate(entries):
        username = entry.get("account")
        user = None
        if username:
            user = User.objects.filter(username=username, is_active=True).first()
            of = user.authority.code if user is not None and user.authority_id else None
            if of != entry["authority"]:
                problems.append(
                    error(
                        "account_invalid",
                        f"Нет действующей учётной записи «{username}» в органе "
                        f"{entry['authority']}.",
                        f"No active account '{username}' of the authority {entry['authority']}.",
                        "9.3",
                        f"signatories[{i}].account",
                    )
                )
        found.append(user)
    if problems:
        raise Invalid(problems)
    return found


@transaction.atomic
def create(
    actor,
    *,
    agreement: str,
    effective_from: dt.date,
    signatories: list[dict],
    exchanged_on: dt.date | None = None,
    note: str = "",
    form_sample: dict | None = None,
    via: str = "api",
) -> SignatoryList:
    """A new list of this party (Art. 9.4: it replaces the previous one from `effective_from`),
    checked as a list received from the other party is (authority_notices); recorded in the
    audit log as the administration's entry of a list is (`admin.change`)."""
    _administers(actor)
    found = Agreement.objects.filter(code=agreement, authorities=actor.authority_id).first()
    if found is None:
        raise Invalid(
            [
                error(
                    "unknown_agreement",
                    f"Соглашение «{agreement}» не найдено среди соглашений вашего органа.",
                    f"No agreement '{agreement}' among your authority's.",
                    "2",
                    "agreement",
                )
            ]
        )
    accounts = _accounts(actor, signatories)
    body = {
        "effective_from": effective_from.isoformat(),
        "sent_on": (exchanged_on or timezone.localdate()).isoformat(),
        "note": note,
        "signatories": [{k: v for k, v in e.items() if k != "account"} for e in signatories],
        "form_sample": form_sample,
    }
    apply = authority_notices.APPLY[AuthorityNotice.Change.SIGNATORIES]
    listing = SignatoryList.objects.get(pk=apply(found, actor.authority.party_id, body)["list"])
    for entry, user in zip(listing.signatories.order_by("pk"), accounts, strict=True):
        if user is not None:
            entry.user = user
            entry.save(update_fields=["user"])
    record(
        Action.ADMIN_CHANGE,
        actor=actor.username,
        subject=f"agreements.signatorylist:{listing.pk}",
        detail={
            "model": "agreements.signatorylist",
            "object_id": str(listing.pk),
            "object": str(listing),
            "flag": "added",
            "message": f"Added with {len(accounts)} signatories through the {via}.",
            "changes": [],
            "via": via,
        },
    )
    return listing


def send(actor, listing: SignatoryList, *, today: dt.date | None = None) -> AuthorityNotice:
    """The list to the other party, as the page sends it (Art. 9.3, 9.4)."""
    _administers(actor)
    return authority_notices.send_signatory_list(actor=actor, listing=listing, today=today)
