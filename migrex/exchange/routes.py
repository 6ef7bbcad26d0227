"""The route of a message: the agreement it travels under and the two competent authorities, the
same rules when this node sends (outbox.send) and when it receives (inbox), one code each:

- `unknown_agreement`: no agreement of that code on this node;
- `agreement_not_in_force`: nothing travels under an agreement not in force that day (Art. 17);
- `unknown_authority`: the sender or the receiver is not a competent authority under the
  agreement (Art. 2), or both are of the same party;
- `no_peer` (sending): no node of the receiver's party is configured for the agreement.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from migrex.agreements import dates
from migrex.agreements.models import Authority
from migrex.agreements.selectors import Terms, directory
from migrex.core.errors import MigrexError
from migrex.exchange import peers
from migrex.exchange.models import Peer


class RouteError(MigrexError):
    """A message that cannot travel this route (HTTP 422)."""


@dataclass(frozen=True)
class Route:
    terms: Terms
    sender: Authority
    receiver: Authority
    peer: Peer | None  # the receiver's node, when sending


def check(
    agreement: str,
    sender: str,
    receiver: str,
    *,
    today: dt.date,
    sending: bool = True,
    fields: dict[str, str] | None = None,
) -> Route:
    """The route, or RouteError naming the rule, its article and the field (`agreement`,
    `sender`, `receiver`, or the caller's names for them in `fields`)."""
    where = {"agreement": "agreement", "sender": "sender", "receiver": "receiver", **(fields or {})}
    terms = directory().agreements.get(agreement)
    if terms is None:
        raise RouteError(
            code="unknown_agreement",
            message_ru=f"Соглашение «{agreement}» не найдено.",
            message_en=f"No agreement '{agreement}'.",
            field=where["agreement"],
        )
    if not dates.is_in_force(terms.profile, today):
        status = dates.status_on(terms.profile, today)
        raise RouteError(
            code="agreement_not_in_force",
            message_ru=f"Соглашение {agreement} не действует на {today:%d.%m.%Y} "
            f"({status.label_ru}): обмен невозможен.",
            message_en=f"Agreement {agreement} is not in force on {today} ({status.label_en}): "
            "nothing travels under it.",
            article="17",
            field=where["agreement"],
        )
    own = terms.authorities.get(sender)
    if own is None:
        raise _not_competent(sender, agreement, where["sender"])
    other = terms.authorities.get(receiver)
    if other is None or other.party_id == own.party_id:
        raise _not_competent(receiver, agreement, where["receiver"], other_party=True)
    peer = None
    if sending:
        try:
            peer = peers.peer_for(agreement, other.party_id)
        except LookupError:
            raise RouteError(
                code="no_peer",
                message_ru=f"Узел Стороны {other.party_id} по соглашению {agreement} не "
                "настроен: обратитесь к администратору узла.",
                message_en=f"No node of {other.party_id} is configured for {agreement}: "
                "ask the node administrator.",
                field=where["receiver"],
            ) from None
    return Route(terms, own, other, peer)


def _not_competent(code: str, agreement: str, field: str, other_party: bool = False):
    whose_ru, whose_en = ("другой Стороны ", "of the other party ") if other_party else ("", "")
    return RouteError(
        code="unknown_authority",
        message_ru=f"«{code}» не является компетентным органом {whose_ru}по соглашению "
        f"{agreement}.",
        message_en=f"'{code}' is not a competent authority {whose_en}under {agreement}.",
        article="2",
        field=field,
    )
