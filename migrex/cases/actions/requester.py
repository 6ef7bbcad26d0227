"""The requester's moves (Art. 8, 9): the request written, signed and sent, what the requested
side tells it, and what it decides."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from migrex.accounts.roles import OPERATOR, SIGNATORY
from migrex.cases import checks, messages
from migrex.cases.actions.base import (
    BOTH,
    DANGER,
    DECIDERS,
    EXECUTING,
    MESSAGES,
    PRIMARY,
    SPONTANEOUS,
    Action,
    Form,
    Q,
    R,
    S,
    moves,
    notice,
    with_text,
)
from migrex.cases.workflow import PEER

REQUESTER: tuple[Action, ...] = (
    # --- the requester's copy: written, signed and sent (Art. 9.1–9.3) ---------------------------
    Action(
        "create",
        (),
        _("Draft created"),
        _("The operator started the draft."),
    ),
    Action(
        "refused_by_peer",
        (),
        _("Refused by the other party's node"),
        _("The message did not reach the other party: its node refused it as breaking a rule."),
    ),
    Action(
        "submit",
        moves(R, S.DRAFT, S.AWAITING_SIGNATURE, {OPERATOR}, "9.3", kinds=BOTH),
        _("Submit for signature"),
        _("The request goes to an authorised signatory; the draft can no longer be edited."),
        check=checks.submit,
        form=Form(comment=True),
        tone=PRIMARY,
        done=_("Submitted for signature"),
    ),
    Action(
        "discard",
        moves(R, S.DRAFT, S.DISCARDED, {OPERATOR}, "9.1", kinds=BOTH),
        _("Discard draft"),
        _("The draft is closed without being sent. This cannot be undone."),
        check=checks.discard,
        tone=DANGER,
        done=_("Draft discarded"),
    ),
    Action(
        "return",
        moves(R, S.AWAITING_SIGNATURE, S.DRAFT, {SIGNATORY}, "9.3", kinds=BOTH),
        _("Return for revision"),
        _("The request goes back to its author as a draft."),
        form=Form(comment=True),
        done=_("Returned for revision"),
    ),
    Action(
        "sign",
        moves(R, S.AWAITING_SIGNATURE, S.SENT, {SIGNATORY}, "9.3", "request")
        + moves(R, S.AWAITING_SIGNATURE, S.SENT, {SIGNATORY}, "8", "spontaneous", SPONTANEOUS),
        _("Sign and send"),
        _("Signed by an authorised person on the signatory list and sent to the other party."),
        check=checks.sign,
        form=Form(password=True),
        keeps=("key_id", "signature"),  # never the password
        payload=messages.request,
        tone=PRIMARY,
        done=_("Request signed and sent"),
    ),
    # ... what the requested side tells it
    notice(
        "acknowledged",
        moves(R, S.SENT, S.DELIVERED, {PEER}, "8", kinds=SPONTANEOUS),
        _("Receipt acknowledged"),
        _("The receiver confirmed receipt."),
    ),
    notice(
        "registered",
        moves(R, S.SENT, S.REGISTERED, {PEER}, "10.1"),
        _("Registered by the requested party"),
        _("The 30-day period for execution runs."),
        schema=messages.RegisteredPayload,
        check=checks.registered,
        keeps=("number", "received_on", "due_date"),
    ),
    notice(
        "forwarded",
        moves(R, (S.SENT, S.REGISTERED), None, {PEER}, "2"),
        _("Forwarded to another authority"),
        _("The requested party forwarded the request to another of its competent authorities."),
        schema=messages.ForwardedPayload,
        check=checks.forwarded,
        keeps=("from", "authority"),
    ),
    notice(
        "information_requested",
        moves(R, S.REGISTERED, S.AWAITING_INFORMATION, {PEER}, "10.1"),
        _("Additional information requested"),
        _("The requested party needs more information."),
        schema=messages.FilesPayload,
    ),
    notice(
        "obstacle",
        moves(R, EXECUTING, None, {PEER}, "10.1"),
        _("Obstacles reported"),
        _("The requested party reported obstacles to execution."),
    ),
    notice(
        "postponed",
        moves(R, S.REGISTERED, S.POSTPONED, {PEER}, "10.2"),
        _("Execution postponed"),
        _("The requested party postponed execution."),
        schema=messages.PostponedPayload,
        check=checks.postponed,
        keeps=("until", "condition"),
    ),
    notice(
        "resumed",
        moves(R, S.POSTPONED, S.REGISTERED, {PEER}, "10.2"),
        _("Execution resumed"),
        _("The requested party resumed execution."),
    ),
    notice(
        "conditions",
        moves(R, S.REGISTERED, S.CONDITIONS_PROPOSED, {PEER}, "10.2"),
        _("Conditions proposed"),
        _("The requested party set conditions for execution."),
    ),
    notice(
        "confidentiality_impossible",
        moves(R, S.REGISTERED, S.AWAITING_CONFIDENTIALITY_DECISION, {PEER}, "11.1"),
        _("Confidentiality impossible"),
        _("The requested party cannot keep the request confidential."),
    ),
    notice(
        "answer",
        moves(R, S.REGISTERED, S.ANSWERED, {PEER}, "10.3"),
        _("Answer received"),
        _("The requested party executed the request."),
        schema=messages.FilesPayload,
    ),
    notice(
        "partial_answer",
        moves(R, S.REGISTERED, S.ANSWERED_PARTIALLY, {PEER}, "10.4"),
        _("Partial answer received"),
        _("The request was executed in part."),
        schema=messages.RefusalPayload,
        keeps=("grounds",),
    ),
    notice(
        "refusal",
        moves(R, S.REGISTERED, S.REFUSED, {PEER}, "10.4"),
        _("Refusal received"),
        _("The requested party refused to execute the request."),
        schema=messages.RefusalPayload,
        keeps=("grounds",),
    ),
    # ... and what it decides
    Action(
        "provide_information",
        moves(R, S.AWAITING_INFORMATION, S.REGISTERED, {OPERATOR}, "10.1", "information"),
        _("Provide information"),
        _("Send the additional information the requested party asked for."),
        payload=messages.with_files,
        tone=PRIMARY,
        **with_text(
            "10.1",
            _("Additional information"),
            "дополнительные сведения",
            "the information",
            files=True,
        ),
        done=_("Additional information sent"),
    ),
    Action(
        "accept_conditions",
        moves(R, S.CONDITIONS_PROPOSED, S.REGISTERED, DECIDERS, "10.2", "conditions_accepted"),
        _("Accept conditions"),
        _("The request is executed on the conditions proposed."),
        form=Form(comment=True),
        payload=messages.text,
        done=_("Conditions accepted"),
    ),
    Action(
        "decline_conditions",
        moves(R, S.CONDITIONS_PROPOSED, S.WITHDRAWN, DECIDERS, "10.2", "conditions_declined"),
        _("Decline conditions"),
        _("The conditions are declined; the request is withdrawn."),
        payload=messages.text,
        tone=DANGER,
        **with_text(
            "10.2", _("Why the conditions are declined"), "причину отказа от условий", "why"
        ),
        done=_("Conditions declined"),
    ),
    Action(
        "proceed",
        moves(R, S.AWAITING_CONFIDENTIALITY_DECISION, S.REGISTERED, DECIDERS, "11.1", "proceed")
        + moves(Q, S.AWAITING_CONFIDENTIALITY_DECISION, S.REGISTERED, {PEER}, "11.1"),
        _("Proceed without confidentiality"),
        _("The requesting party decides that the request is executed on these terms."),
        form=Form(comment=True),
        payload=messages.text,
        schema=messages.TextPayload,
        message=MESSAGES["proceed"],
        done=_("Decided to proceed without confidentiality"),
    ),
    Action(
        "withdraw",
        moves(R, (S.SENT, *EXECUTING), S.WITHDRAWN, DECIDERS, "8", "withdrawal"),
        _("Withdraw request"),
        _("The request is withdrawn; the other party stops executing it."),
        payload=messages.text,
        tone=DANGER,
        **with_text(
            "8", _("Reason for withdrawal"), "причину отзыва", "why the request is withdrawn"
        ),
        done=_("Request withdrawn"),
    ),
)
