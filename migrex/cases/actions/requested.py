"""The requested side's moves (Art. 10, 11.1), its forwarding of a request to another of its
competent authorities (Art. 2), and its doubts about a request the requester confirms (Art. 9.5)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from migrex.accounts.roles import SIGNATORY, SUPERVISOR
from migrex.cases import checks, messages
from migrex.cases.actions.base import (
    DANGER,
    DECIDERS,
    EXECUTING,
    OPERATORS,
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

REQUESTED: tuple[Action, ...] = (
    # --- the requested side's copy (Art. 10, 11.1) -----------------------------------------------
    notice(
        "request",
        moves(Q, None, S.RECEIVED, {PEER}, "9.1"),
        _("Request received"),
        _("A request arrived from the other party."),
        schema=messages.RequestPayload,
    ),
    notice(
        "spontaneous",
        moves(Q, None, S.RECEIVED, {PEER}, "8", kinds=SPONTANEOUS),
        _("Information received"),
        _("Information arrived from the other party."),
        schema=messages.RequestPayload,
    ),
    Action(
        "acknowledge",
        moves(Q, S.RECEIVED, S.DELIVERED, OPERATORS, "8", "acknowledged", SPONTANEOUS),
        _("Acknowledge receipt"),
        _("Confirm to the sender that the information was received."),
        form=Form(comment=True),
        payload=messages.text,
        tone=PRIMARY,
        done=_("Receipt acknowledged"),
    ),
    Action(
        "register",
        moves(Q, S.RECEIVED, S.REGISTERED, OPERATORS, "10.1", "registered"),
        _("Register"),
        _("Register the request and, if you wish, name the officer who executes it."),
        check=checks.register,
        form=Form(comment=True, assignee=False),
        keeps=("assignee",),
        payload=messages.registered,
        tone=PRIMARY,
        done=_("Request registered"),
    ),
    Action(
        "forward",
        moves(Q, (S.RECEIVED, S.REGISTERED), None, {SUPERVISOR}, "2", "forwarded"),
        _("Forward to another authority"),
        _(
            "The request belongs to another competent authority of your party: it goes there "
            "with its period unchanged, and the requesting party is told."
        ),
        check=checks.forward,
        form=Form(comment=True, authority=True),
        keeps=("from", "authority"),
        payload=messages.forwarded,
        done=_("Forwarded to another authority"),
    ),
    Action(
        "assign",
        moves(Q, EXECUTING, None, {SUPERVISOR}, "10.1"),
        _("Assign"),
        _("Name the officer who executes the request."),
        check=checks.assign,
        form=Form(comment=True, assignee=True),
        keeps=("assignee",),
        done=_("Executing officer assigned"),
    ),
    Action(
        "request_information",
        moves(Q, S.REGISTERED, S.AWAITING_INFORMATION, OPERATORS, "10.1", "information_requested"),
        _("Request additional information"),
        _("Ask the requesting party for information needed to execute the request."),
        payload=messages.with_files,
        **with_text(
            "10.1",
            _("What information is needed"),
            "какие сведения нужны",
            "what information is needed",
            files=True,
        ),
        done=_("Additional information requested"),
    ),
    notice(
        "information",
        moves(Q, S.AWAITING_INFORMATION, S.REGISTERED, {PEER}, "10.1"),
        _("Additional information received"),
        _("The requesting party sent information."),
        schema=messages.FilesPayload,
    ),
    Action(
        "notify_obstacle",
        moves(Q, EXECUTING, None, OPERATORS, "10.1", "obstacle"),
        _("Report obstacles"),
        _("Notify at once of circumstances that prevent or substantially delay execution."),
        payload=messages.text,
        **with_text(
            "10.1",
            _("Circumstances that prevent or delay execution"),
            "обстоятельства",
            "the circumstances",
        ),
        done=_("Obstacles reported"),
    ),
    Action(
        "postpone",
        moves(Q, S.REGISTERED, S.POSTPONED, {SUPERVISOR}, "10.2", "postponed"),
        _("Postpone execution"),
        _("Execution would hamper criminal prosecution or other proceedings."),
        check=checks.postpone,
        form=Form(text=_("Reason for postponing"), postponement=True),
        keeps=("until", "condition"),
        payload=messages.postponed,
        done=_("Execution postponed"),
    ),
    Action(
        "resume",
        moves(Q, S.POSTPONED, S.REGISTERED, {SUPERVISOR}, "10.2", "resumed"),
        _("Resume execution"),
        _("The reason for postponing has passed."),
        payload=messages.text,
        tone=PRIMARY,
        **with_text(
            "10.2", _("Why execution resumes"), "сведения о возобновлении", "why execution resumes"
        ),
        done=_("Execution resumed"),
    ),
    Action(
        "set_conditions",
        moves(Q, S.REGISTERED, S.CONDITIONS_PROPOSED, {SUPERVISOR}, "10.2", "conditions"),
        _("Propose conditions"),
        _("Make execution subject to conditions you set."),
        payload=messages.text,
        **with_text("10.2", _("Conditions of execution"), "условия исполнения", "the conditions"),
        done=_("Conditions proposed"),
    ),
    notice(
        "conditions_accepted",
        moves(Q, S.CONDITIONS_PROPOSED, S.REGISTERED, {PEER}, "10.2"),
        _("Conditions accepted"),
        _("The requesting party accepted the conditions."),
    ),
    notice(
        "conditions_declined",
        moves(Q, S.CONDITIONS_PROPOSED, S.WITHDRAWN, {PEER}, "10.2"),
        _("Conditions declined"),
        _("The requesting party declined the conditions."),
    ),
    Action(
        "notify_confidentiality",
        moves(
            Q,
            S.REGISTERED,
            S.AWAITING_CONFIDENTIALITY_DECISION,
            {SUPERVISOR},
            "11.1",
            "confidentiality_impossible",
        ),
        _("Report that confidentiality is impossible"),
        _("The request cannot be executed confidentially; the requesting party decides."),
        payload=messages.text,
        **with_text(
            "11.1",
            _("Why confidentiality cannot be kept"),
            "почему конфиденциальность невозможна",
            "why confidentiality cannot be kept",
        ),
        done=_("Reported that confidentiality cannot be kept"),
    ),
    Action(
        "reply",
        moves(Q, S.REGISTERED, S.ANSWERED, OPERATORS, "10.3", "answer"),
        _("Reply"),
        _("Inform the requesting party of the result of the execution."),
        check=checks.reply,
        form=Form(text=_("Result of the execution"), persons=True, files=True, review=True),
        payload=messages.with_files,
        tone=PRIMARY,
        done=_("Answer sent"),
    ),
    Action(
        "reply_partially",
        moves(Q, S.REGISTERED, S.ANSWERED_PARTIALLY, DECIDERS, "10.4", "partial_answer"),
        _("Execute in part"),
        _("Part of the request is executed; the rest is refused with grounds and reasons."),
        check=checks.reply_partially,
        form=Form(
            text=_("Result of the execution and reasons for the partial refusal"),
            grounds=True,
            persons=True,
            files=True,
            review=True,
        ),
        keeps=("grounds",),
        payload=messages.refusal,
        done=_("Answer on partial execution sent"),
    ),
    Action(
        "refuse",
        moves(Q, S.REGISTERED, S.REFUSED, DECIDERS, "10.4", "refusal"),
        _("Refuse execution"),
        _("Refuse on a ground of the agreement; the requesting party is told the reasons."),
        check=checks.refuse,
        form=Form(text=_("Reasons for the refusal"), grounds=True, files=True, review=True),
        keeps=("grounds",),
        payload=messages.refusal,
        tone=DANGER,
        done=_("Refusal of execution sent"),
    ),
    notice(
        "withdrawal",
        moves(Q, (S.RECEIVED, *EXECUTING), S.WITHDRAWN, {PEER}, "8"),
        _("Request withdrawn"),
        _("The requesting party withdrew the request."),
    ),
    # --- the requested side doubts the request and asks the requester to confirm it (Art. 9.5) --
    # Both copies wait in AWAITING_CONFIRMATION, where the table has no answer, partial answer or
    # refusal, and no confirmation outside it: one nobody asked for is refused as illegal_move.
    # Art. 9.5 is about the request only: the requester has no such question about the requested
    # side's messages (it withdraws the request, Art. 8, or the parties settle it, Art. 15).
    Action(
        "ask_confirmation",
        moves(
            Q,
            (S.RECEIVED, S.REGISTERED),
            S.AWAITING_CONFIRMATION,
            OPERATORS,
            "9.5",
            "confirmation_request",
        ),
        _("Ask for confirmation"),
        _(
            "The authenticity or content of the request is in doubt: nothing is answered "
            "until the requesting party confirms it."
        ),
        payload=messages.text,
        **with_text("9.5", _("What is in doubt"), "в чём сомнение", "what is doubted"),
        done=_("Confirmation of the request requested"),
    ),
    notice(
        "confirmation_request",
        moves(R, (S.SENT, S.REGISTERED), S.AWAITING_CONFIRMATION, {PEER}, "9.5"),
        _("Confirmation requested"),
        _(
            "The requested party doubts the authenticity or content of the request and asks "
            "to confirm it."
        ),
    ),
    Action(
        "confirm",
        moves(R, S.AWAITING_CONFIRMATION, None, {SIGNATORY}, "9.5", "confirmation", resumes=True),
        _("Confirm the request"),
        _("Signed by an authorised person as the request was; execution continues where it stood."),
        check=checks.confirm,
        form=Form(text=_("What is confirmed"), password=True),
        keeps=("in_reply_to", "signatory"),
        payload=messages.confirmation,
        tone=PRIMARY,
        done=_("Request confirmed and sent"),
    ),
    notice(
        "confirmation",
        moves(Q, S.AWAITING_CONFIRMATION, None, {PEER}, "9.5", resumes=True),
        _("Confirmation received"),
        _("The requesting party confirmed its request; execution continues where it stood."),
        schema=messages.ConfirmationPayload,
        check=checks.confirmation,
        keeps=("in_reply_to", "signatory"),
    ),
)
