"""The requested side's moves (Art. 10, 11.1), and the doubts either side may raise about a
message (Art. 9.5)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from migrex.accounts.roles import SUPERVISOR
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
    ),
    Action(
        "assign",
        moves(Q, EXECUTING, None, {SUPERVISOR}, "10.1"),
        _("Assign"),
        _("Name the officer who executes the request."),
        check=checks.assign,
        form=Form(comment=True, assignee=True),
        keeps=("assignee",),
    ),
    Action(
        "request_information",
        moves(Q, S.REGISTERED, S.AWAITING_INFORMATION, OPERATORS, "10.1", "information_requested"),
        _("Request additional information"),
        _("Ask the requesting party for information needed to execute the request."),
        payload=messages.text,
        **with_text(
            "10.1",
            _("What information is needed"),
            "какие сведения нужны",
            "what information is needed",
        ),
    ),
    notice(
        "information",
        moves(Q, S.AWAITING_INFORMATION, S.REGISTERED, {PEER}, "10.1"),
        _("Additional information received"),
        _("The requesting party sent information."),
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
    ),
    Action(
        "postpone",
        moves(Q, S.REGISTERED, S.POSTPONED, {SUPERVISOR}, "10.2", "postponed"),
        _("Postpone execution"),
        _("Execution would hamper criminal prosecution or other proceedings."),
        payload=messages.text,
        **with_text(
            "10.2", _("Reason for postponing"), "основание отсрочки", "the reason for postponing"
        ),
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
    ),
    Action(
        "set_conditions",
        moves(Q, S.REGISTERED, S.CONDITIONS_PROPOSED, {SUPERVISOR}, "10.2", "conditions"),
        _("Propose conditions"),
        _("Make execution subject to conditions you set."),
        payload=messages.text,
        **with_text("10.2", _("Conditions of execution"), "условия исполнения", "the conditions"),
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
    ),
    Action(
        "reply",
        moves(Q, S.REGISTERED, S.ANSWERED, OPERATORS, "10.3", "answer"),
        _("Reply"),
        _("Inform the requesting party of the result of the execution."),
        check=checks.reply,
        form=Form(text=_("Result of the execution"), persons=True),
        payload=messages.text,
        tone=PRIMARY,
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
        ),
        keeps=("grounds",),
        payload=messages.refusal,
    ),
    Action(
        "refuse",
        moves(Q, S.REGISTERED, S.REFUSED, DECIDERS, "10.4", "refusal"),
        _("Refuse execution"),
        _("Refuse on a ground of the agreement; the requesting party is told the reasons."),
        check=checks.refuse,
        form=Form(text=_("Reasons for the refusal"), grounds=True),
        keeps=("grounds",),
        payload=messages.refusal,
        tone=DANGER,
    ),
    notice(
        "withdrawal",
        moves(Q, (S.RECEIVED, *EXECUTING), S.WITHDRAWN, {PEER}, "8"),
        _("Request withdrawn"),
        _("The requesting party withdrew the request."),
    ),
    # --- either side may doubt a message and ask for confirmation (Art. 9.5) ---------------------
    Action(
        "ask_confirmation",
        moves(R, (S.SENT, *EXECUTING), None, OPERATORS, "9.5", "confirmation_request")
        + moves(Q, (S.RECEIVED, *EXECUTING), None, OPERATORS, "9.5", "confirmation_request"),
        _("Ask for confirmation"),
        _("The authenticity or content of a message is in doubt."),
        payload=messages.text,
        **with_text("9.5", _("What is in doubt"), "в чём сомнение", "what is doubted"),
    ),
    notice(
        "confirmation_request",
        moves(R, (S.SENT, *EXECUTING), None, {PEER}, "9.5")
        + moves(Q, (S.RECEIVED, *EXECUTING), None, {PEER}, "9.5"),
        _("Confirmation requested"),
        _("The other party doubts a message and asks to confirm."),
    ),
    Action(
        "confirm",
        moves(R, (S.SENT, *EXECUTING), None, DECIDERS, "9.5", "confirmation")
        + moves(Q, (S.RECEIVED, *EXECUTING), None, DECIDERS, "9.5", "confirmation"),
        _("Confirm authenticity"),
        _("Confirm the authenticity and content of the message."),
        payload=messages.text,
        **with_text("9.5", _("Confirmation"), "подтверждение", "the confirmation"),
    ),
    notice(
        "confirmation",
        moves(R, (S.SENT, *EXECUTING), None, {PEER}, "9.5")
        + moves(Q, (S.RECEIVED, *EXECUTING), None, {PEER}, "9.5"),
        _("Confirmation received"),
        _("The other party confirmed its message."),
    ),
)
