"""Human labels of the workflow's states and kinds of case, for the web UI and the API; each
move's own labels are declared with it (actions.py). The strings are English msgids translated
to Russian in migrex/locale (Art. 14: Russian is the working language).
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from migrex.cases import actions, workflow
from migrex.cases.workflow import State

STATES: dict[str, Promise] = {
    State.DRAFT: _("Draft"),
    State.AWAITING_SIGNATURE: _("Awaiting signature"),
    State.SENT: _("Sent"),
    State.RECEIVED: _("Received"),
    State.REGISTERED: _("In execution"),
    State.AWAITING_INFORMATION: _("Additional information requested"),
    State.AWAITING_CONFIRMATION: _("Awaiting confirmation"),
    State.POSTPONED: _("Execution postponed"),
    State.CONDITIONS_PROPOSED: _("Conditions proposed"),
    State.AWAITING_CONFIDENTIALITY_DECISION: _("Awaiting a decision on confidentiality"),
    State.ANSWERED: _("Executed"),
    State.ANSWERED_PARTIALLY: _("Executed in part"),
    State.REFUSED: _("Refused"),
    State.WITHDRAWN: _("Withdrawn"),
    State.DISCARDED: _("Draft discarded"),
    State.DELIVERED: _("Delivered"),
}

# A colour family per state for the badge: the officer sees at a glance whether it is their move.
STATE_TONES: dict[str, str] = {
    State.DRAFT: "neutral",
    State.AWAITING_SIGNATURE: "attention",
    State.SENT: "info",
    State.RECEIVED: "attention",
    State.REGISTERED: "info",
    State.AWAITING_INFORMATION: "attention",
    State.AWAITING_CONFIRMATION: "attention",
    State.POSTPONED: "attention",
    State.CONDITIONS_PROPOSED: "attention",
    State.AWAITING_CONFIDENTIALITY_DECISION: "attention",
    State.ANSWERED: "success",
    State.ANSWERED_PARTIALLY: "success",
    State.REFUSED: "danger",
    State.WITHDRAWN: "muted",
    State.DISCARDED: "muted",
    State.DELIVERED: "success",
}

KINDS: dict[str, Promise] = {
    workflow.Kind.REQUEST: _("Request"),
    workflow.Kind.SPONTANEOUS: _("Information without a request"),
}

# The kind of a case with its direction, the adjective agreeing with the noun in gender
# («Запрос · исходящий», «Информация без запроса · исходящая»).
KIND_DIRECTIONS: dict[tuple[str, str], Promise] = {
    (workflow.Kind.REQUEST, workflow.Side.REQUESTER): _("Request · outgoing"),
    (workflow.Kind.REQUEST, workflow.Side.REQUESTED): _("Request · incoming"),
    (workflow.Kind.SPONTANEOUS, workflow.Side.REQUESTER): _(
        "Information without a request · outgoing"
    ),
    (workflow.Kind.SPONTANEOUS, workflow.Side.REQUESTED): _(
        "Information without a request · incoming"
    ),
}


def kind_and_direction(kind: str, side: str) -> str:
    found = KIND_DIRECTIONS.get((kind, side))
    return str(found) if found else str(KINDS.get(kind, kind))


def state_label(state: str) -> str:
    return str(STATES.get(state, state))


def action_label(action: str) -> str:
    found = actions.get(action)
    return str(found.label) if found else action


# Where the record of a move reads otherwise for information without a request (Art. 8).
SPONTANEOUS_EVENTS: dict[str, Promise] = {
    "sign": _("Information signed and sent"),
}


def event_label(action: str, kind: str = workflow.Kind.REQUEST) -> str:
    """How the history records a move: what was done, in the past tense, as an official record
    reads («Запрос зарегистрирован»), not the button that made it («Зарегистрировать»)."""
    if kind == workflow.Kind.SPONTANEOUS and action in SPONTANEOUS_EVENTS:
        return str(SPONTANEOUS_EVENTS[action])
    found = actions.get(action)
    if found is None:
        return action
    return str(found.done or found.label)


def action_help(action: str) -> str:
    found = actions.get(action)
    return str(found.help) if found else ""
