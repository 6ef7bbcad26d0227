"""Human labels of the workflow: each state's name, each action's button and what it does.

One mapping for the web UI and the API. The strings are English msgids translated to Russian in
migrex/locale (Art. 14: Russian is the working language); the article of a move comes from the
transitions table, so a label never disagrees with the rule it describes.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from migrex.cases import workflow
from migrex.cases.workflow import State

STATES: dict[str, Promise] = {
    State.DRAFT: _("Draft"),
    State.AWAITING_SIGNATURE: _("Awaiting signature"),
    State.SENT: _("Sent"),
    State.RECEIVED: _("Received"),
    State.REGISTERED: _("In execution"),
    State.AWAITING_INFORMATION: _("Additional information requested"),
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


@dataclass(frozen=True)
class ActionLabel:
    label: Promise  # the button, or the history line for a move of the other side
    help: Promise  # one sentence: what the move does


ACTIONS: dict[str, ActionLabel] = {
    # history only
    "create": ActionLabel(_("Draft created"), _("The operator started the draft.")),
    # the requester's moves
    "submit": ActionLabel(
        _("Submit for signature"),
        _("The request goes to an authorised signatory; the draft can no longer be edited."),
    ),
    "discard": ActionLabel(
        _("Discard draft"), _("The draft is closed without being sent. This cannot be undone.")
    ),
    "return": ActionLabel(
        _("Return for revision"), _("The request goes back to its author as a draft.")
    ),
    "sign": ActionLabel(
        _("Sign and send"),
        _("Signed by an authorised person on the signatory list and sent to the other party."),
    ),
    "provide_information": ActionLabel(
        _("Provide information"),
        _("Send the additional information the requested party asked for."),
    ),
    "accept_conditions": ActionLabel(
        _("Accept conditions"), _("The request is executed on the conditions proposed.")
    ),
    "decline_conditions": ActionLabel(
        _("Decline conditions"), _("The conditions are declined; the request is withdrawn.")
    ),
    "proceed": ActionLabel(
        _("Proceed without confidentiality"),
        _("The requesting party decides that the request is executed on these terms."),
    ),
    "withdraw": ActionLabel(
        _("Withdraw request"), _("The request is withdrawn; the other party stops executing it.")
    ),
    # the requested side's moves
    "acknowledge": ActionLabel(
        _("Acknowledge receipt"), _("Confirm to the sender that the information was received.")
    ),
    "register": ActionLabel(
        _("Register"),
        _("Register the request and, if you wish, name the officer who executes it."),
    ),
    "assign": ActionLabel(_("Assign"), _("Name the officer who executes the request.")),
    "request_information": ActionLabel(
        _("Request additional information"),
        _("Ask the requesting party for information needed to execute the request."),
    ),
    "notify_obstacle": ActionLabel(
        _("Report obstacles"),
        _("Notify at once of circumstances that prevent or substantially delay execution."),
    ),
    "postpone": ActionLabel(
        _("Postpone execution"),
        _("Execution would hamper criminal prosecution or other proceedings."),
    ),
    "resume": ActionLabel(_("Resume execution"), _("The reason for postponing has passed.")),
    "set_conditions": ActionLabel(
        _("Propose conditions"), _("Make execution subject to conditions you set.")
    ),
    "notify_confidentiality": ActionLabel(
        _("Report that confidentiality is impossible"),
        _("The request cannot be executed confidentially; the requesting party decides."),
    ),
    "reply": ActionLabel(
        _("Reply"), _("Inform the requesting party of the result of the execution.")
    ),
    "reply_partially": ActionLabel(
        _("Execute in part"),
        _("Part of the request is executed; the rest is refused with grounds and reasons."),
    ),
    "refuse": ActionLabel(
        _("Refuse execution"),
        _("Refuse on a ground of the agreement; the requesting party is told the reasons."),
    ),
    # either side (Art. 9.5)
    "ask_confirmation": ActionLabel(
        _("Ask for confirmation"),
        _("The authenticity or content of a message is in doubt."),
    ),
    "confirm": ActionLabel(
        _("Confirm authenticity"), _("Confirm the authenticity and content of the message.")
    ),
    # what the other side's messages do here
    "request": ActionLabel(_("Request received"), _("A request arrived from the other party.")),
    "spontaneous": ActionLabel(
        _("Information received"), _("Information arrived from the other party.")
    ),
    "acknowledged": ActionLabel(_("Receipt acknowledged"), _("The receiver confirmed receipt.")),
    "registered": ActionLabel(
        _("Registered by the requested party"), _("The 30-day period for execution runs.")
    ),
    "information_requested": ActionLabel(
        _("Additional information requested"), _("The requested party needs more information.")
    ),
    "information": ActionLabel(
        _("Additional information received"), _("The requesting party sent information.")
    ),
    "obstacle": ActionLabel(
        _("Obstacles reported"), _("The requested party reported obstacles to execution.")
    ),
    "postponed": ActionLabel(
        _("Execution postponed"), _("The requested party postponed execution.")
    ),
    "resumed": ActionLabel(_("Execution resumed"), _("The requested party resumed execution.")),
    "conditions": ActionLabel(
        _("Conditions proposed"), _("The requested party set conditions for execution.")
    ),
    "conditions_accepted": ActionLabel(
        _("Conditions accepted"), _("The requesting party accepted the conditions.")
    ),
    "conditions_declined": ActionLabel(
        _("Conditions declined"), _("The requesting party declined the conditions.")
    ),
    "confidentiality_impossible": ActionLabel(
        _("Confidentiality impossible"),
        _("The requested party cannot keep the request confidential."),
    ),
    "answer": ActionLabel(_("Answer received"), _("The requested party executed the request.")),
    "partial_answer": ActionLabel(
        _("Partial answer received"), _("The request was executed in part.")
    ),
    "refusal": ActionLabel(
        _("Refusal received"), _("The requested party refused to execute the request.")
    ),
    "withdrawal": ActionLabel(
        _("Request withdrawn"), _("The requesting party withdrew the request.")
    ),
    "confirmation_request": ActionLabel(
        _("Confirmation requested"), _("The other party doubts a message and asks to confirm.")
    ),
    "confirmation": ActionLabel(
        _("Confirmation received"), _("The other party confirmed its message.")
    ),
}

# The move an officer most often makes next is shown first and emphasised; the ones that end a
# case against the other side's wish are set apart.
PRIMARY_ACTIONS = frozenset(
    {"submit", "sign", "register", "reply", "acknowledge", "provide_information", "resume"}
)
DANGER_ACTIONS = frozenset({"refuse", "discard", "withdraw", "decline_conditions"})

# The article of each action, from the transitions table (the first row naming it).
ARTICLES: dict[str, str] = {"create": "9.2"}
for _t in workflow.TRANSITIONS:
    ARTICLES.setdefault(_t.action, _t.article)


def state_label(state: str) -> str:
    return str(STATES.get(state, state))


def action_label(action: str) -> str:
    item = ACTIONS.get(action)
    return str(item.label) if item else action


def action_help(action: str) -> str:
    item = ACTIONS.get(action)
    return str(item.help) if item else ""
