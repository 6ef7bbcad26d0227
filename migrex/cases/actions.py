"""Every move of the request workflow, declared once with everything about it: from which states
to which, who makes it, the article, what it checks, what the history keeps, the form the officer
fills in, the message it sends and how that message is built, and how it reads in Russian (the
strings are English msgids translated in migrex/locale, Art. 14).

A move the other side makes reaches this node as a message of the same name (actor PEER): its
declaration carries the payload schema the receiver validates it against (messages.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from migrex.accounts.roles import OPERATOR, SIGNATORY, SUPERVISOR
from migrex.cases import checks, messages
from migrex.cases.workflow import PEER, Kind, Side, State, Table, Transition

R, Q, S = Side.REQUESTER, Side.REQUESTED, State
REQUEST, BOTH, SPONTANEOUS = (Kind.REQUEST,), (Kind.REQUEST, Kind.SPONTANEOUS), (Kind.SPONTANEOUS,)
# After registration, while the request is executed: where notices, doubts and withdrawals come.
EXECUTING = (
    S.REGISTERED,
    S.AWAITING_INFORMATION,
    S.POSTPONED,
    S.CONDITIONS_PROPOSED,
    S.AWAITING_CONFIDENTIALITY_DECISION,
)
OPERATORS = {OPERATOR, SUPERVISOR}
DECIDERS = {SIGNATORY, SUPERVISOR}
PRIMARY, DANGER = "primary", "danger"


def moves(side, sources, target, actors, article, emits=None, kinds=REQUEST) -> tuple:
    """The rows of one move from each of `sources` (one state, or a tuple of them)."""
    sources = sources if isinstance(sources, tuple) else (sources,)
    return tuple(
        Transition(side, s, "", target, frozenset(actors), article, emits, frozenset(kinds))
        for s in sources
    )


@dataclass(frozen=True)
class Form:
    """What the officer fills in to make the move."""

    text: Promise | None = None  # the label of the move's text, which the move requires
    comment: bool = False  # an optional comment for the history instead
    grounds: bool = False  # refusal grounds of the agreement's list (Art. 10.4)
    persons: bool = False  # persons the answer provides (Art. 5, 6)
    assignee: bool | None = None  # the executing officer: None no field, else required or not
    password: bool = False  # the password re-entered to sign (Art. 9.3)


Check = Callable[..., None]
Build = Callable[..., object]


@dataclass(frozen=True)
class Action:
    name: str
    rows: tuple[Transition, ...]
    label: Promise  # the button, or the history line of a move the other side made
    help: Promise  # one sentence: what the move does
    check: Check | None = None
    form: Form = field(default_factory=Form)
    keeps: tuple[str, ...] = ()  # what the history keeps of the move's data
    payload: Build | None = None  # builds the message the move sends (rows that emit one)
    schema: type | None = None  # the payload of this move as a message from the other side
    message: Promise | None = None  # what that message is, for the supervisors' exchange page
    tone: str = ""  # PRIMARY: the usual next move; DANGER: ends the case against the other's wish

    @property
    def article(self) -> str:
        return self.rows[0].article if self.rows else "9.2"

    @property
    def by_peer(self) -> bool:
        return any(PEER in t.actors for t in self.rows)


# What each message of the workflow is, as the supervisors' exchange page names it.
MESSAGES = {
    "request": _("request"),
    "spontaneous": _("information without a request"),
    "acknowledged": _("acknowledgement of receipt"),
    "registered": _("notice of registration"),
    "information_requested": _("request for additional information"),
    "information": _("additional information"),
    "postponed": _("notice of postponement"),
    "resumed": _("notice of resumption"),
    "obstacle": _("notice of an obstacle"),
    "conditions": _("proposed conditions"),
    "conditions_accepted": _("conditions accepted"),
    "conditions_declined": _("conditions declined"),
    "confidentiality_impossible": _("confidentiality cannot be kept"),
    "proceed": _("decision to proceed"),
    "partial_answer": _("partial answer"),
    "answer": _("answer"),
    "refusal": _("refusal"),
    "withdrawal": _("withdrawal of the request"),
    "confirmation_request": _("request to confirm"),
    "confirmation": _("confirmation"),
}


def _text(article: str, label: Promise, what_ru: str, what_en: str) -> dict:
    return {"form": Form(text=label), "check": checks.text_required(article, what_ru, what_en)}


def _notice(name, rows, label, help, schema=messages.TextPayload, **more) -> Action:
    """A move of the other side: applied here when its message arrives."""
    return Action(name, rows, label, help, schema=schema, message=MESSAGES[name], **more)


ACTIONS: tuple[Action, ...] = (
    # --- the requester's copy: written, signed and sent (Art. 9.1–9.3) ---------------------------
    Action(
        "create",
        (),
        _("Draft created"),
        _("The operator started the draft."),
    ),
    Action(
        "submit",
        moves(R, S.DRAFT, S.AWAITING_SIGNATURE, {OPERATOR}, "9.3", kinds=BOTH),
        _("Submit for signature"),
        _("The request goes to an authorised signatory; the draft can no longer be edited."),
        check=checks.submit,
        form=Form(comment=True),
        tone=PRIMARY,
    ),
    Action(
        "discard",
        moves(R, S.DRAFT, S.DISCARDED, {OPERATOR}, "9.1", kinds=BOTH),
        _("Discard draft"),
        _("The draft is closed without being sent. This cannot be undone."),
        check=checks.discard,
        tone=DANGER,
    ),
    Action(
        "return",
        moves(R, S.AWAITING_SIGNATURE, S.DRAFT, {SIGNATORY}, "9.3", kinds=BOTH),
        _("Return for revision"),
        _("The request goes back to its author as a draft."),
        form=Form(comment=True),
    ),
    Action(
        "sign",
        moves(R, S.AWAITING_SIGNATURE, S.SENT, {SIGNATORY}, "9.3", "request")
        + moves(R, S.AWAITING_SIGNATURE, S.SENT, {SIGNATORY}, "8", "spontaneous", SPONTANEOUS),
        _("Sign and send"),
        _("Signed by an authorised person on the signatory list and sent to the other party."),
        check=checks.sign,
        form=Form(password=True),
        payload=messages.request,
        tone=PRIMARY,
    ),
    # ... what the requested side tells it
    _notice(
        "acknowledged",
        moves(R, S.SENT, S.DELIVERED, {PEER}, "8", kinds=SPONTANEOUS),
        _("Receipt acknowledged"),
        _("The receiver confirmed receipt."),
    ),
    _notice(
        "registered",
        moves(R, S.SENT, S.REGISTERED, {PEER}, "10.1"),
        _("Registered by the requested party"),
        _("The 30-day period for execution runs."),
        schema=messages.RegisteredPayload,
        check=checks.registered,
        keeps=("number", "received_on", "due_date"),
    ),
    _notice(
        "information_requested",
        moves(R, S.REGISTERED, S.AWAITING_INFORMATION, {PEER}, "10.1"),
        _("Additional information requested"),
        _("The requested party needs more information."),
    ),
    _notice(
        "obstacle",
        moves(R, EXECUTING, None, {PEER}, "10.1"),
        _("Obstacles reported"),
        _("The requested party reported obstacles to execution."),
    ),
    _notice(
        "postponed",
        moves(R, S.REGISTERED, S.POSTPONED, {PEER}, "10.2"),
        _("Execution postponed"),
        _("The requested party postponed execution."),
    ),
    _notice(
        "resumed",
        moves(R, S.POSTPONED, S.REGISTERED, {PEER}, "10.2"),
        _("Execution resumed"),
        _("The requested party resumed execution."),
    ),
    _notice(
        "conditions",
        moves(R, S.REGISTERED, S.CONDITIONS_PROPOSED, {PEER}, "10.2"),
        _("Conditions proposed"),
        _("The requested party set conditions for execution."),
    ),
    _notice(
        "confidentiality_impossible",
        moves(R, S.REGISTERED, S.AWAITING_CONFIDENTIALITY_DECISION, {PEER}, "11.1"),
        _("Confidentiality impossible"),
        _("The requested party cannot keep the request confidential."),
    ),
    _notice(
        "answer",
        moves(R, S.REGISTERED, S.ANSWERED, {PEER}, "10.3"),
        _("Answer received"),
        _("The requested party executed the request."),
    ),
    _notice(
        "partial_answer",
        moves(R, S.REGISTERED, S.ANSWERED_PARTIALLY, {PEER}, "10.4"),
        _("Partial answer received"),
        _("The request was executed in part."),
        schema=messages.RefusalPayload,
        keeps=("grounds",),
    ),
    _notice(
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
        payload=messages.text,
        tone=PRIMARY,
        **_text("10.1", _("Additional information"), "дополнительные сведения", "the information"),
    ),
    Action(
        "accept_conditions",
        moves(R, S.CONDITIONS_PROPOSED, S.REGISTERED, DECIDERS, "10.2", "conditions_accepted"),
        _("Accept conditions"),
        _("The request is executed on the conditions proposed."),
        form=Form(comment=True),
        payload=messages.text,
    ),
    Action(
        "decline_conditions",
        moves(R, S.CONDITIONS_PROPOSED, S.WITHDRAWN, DECIDERS, "10.2", "conditions_declined"),
        _("Decline conditions"),
        _("The conditions are declined; the request is withdrawn."),
        payload=messages.text,
        tone=DANGER,
        **_text("10.2", _("Why the conditions are declined"), "причину отказа от условий", "why"),
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
    ),
    Action(
        "withdraw",
        moves(R, (S.SENT, *EXECUTING), S.WITHDRAWN, DECIDERS, "8", "withdrawal"),
        _("Withdraw request"),
        _("The request is withdrawn; the other party stops executing it."),
        payload=messages.text,
        tone=DANGER,
        **_text("8", _("Reason for withdrawal"), "причину отзыва", "why the request is withdrawn"),
    ),
    # --- the requested side's copy (Art. 10, 11.1) -----------------------------------------------
    _notice(
        "request",
        moves(Q, None, S.RECEIVED, {PEER}, "9.1"),
        _("Request received"),
        _("A request arrived from the other party."),
        schema=messages.RequestPayload,
    ),
    _notice(
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
        **_text(
            "10.1",
            _("What information is needed"),
            "какие сведения нужны",
            "what information is needed",
        ),
    ),
    _notice(
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
        **_text(
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
        **_text(
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
        **_text(
            "10.2", _("Why execution resumes"), "сведения о возобновлении", "why execution resumes"
        ),
    ),
    Action(
        "set_conditions",
        moves(Q, S.REGISTERED, S.CONDITIONS_PROPOSED, {SUPERVISOR}, "10.2", "conditions"),
        _("Propose conditions"),
        _("Make execution subject to conditions you set."),
        payload=messages.text,
        **_text("10.2", _("Conditions of execution"), "условия исполнения", "the conditions"),
    ),
    _notice(
        "conditions_accepted",
        moves(Q, S.CONDITIONS_PROPOSED, S.REGISTERED, {PEER}, "10.2"),
        _("Conditions accepted"),
        _("The requesting party accepted the conditions."),
    ),
    _notice(
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
        **_text(
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
    _notice(
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
        **_text("9.5", _("What is in doubt"), "в чём сомнение", "what is doubted"),
    ),
    _notice(
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
        **_text("9.5", _("Confirmation"), "подтверждение", "the confirmation"),
    ),
    _notice(
        "confirmation",
        moves(R, (S.SENT, *EXECUTING), None, {PEER}, "9.5")
        + moves(Q, (S.RECEIVED, *EXECUTING), None, {PEER}, "9.5"),
        _("Confirmation received"),
        _("The other party confirmed its message."),
    ),
)

BY_NAME: dict[str, Action] = {a.name: a for a in ACTIONS}
# The rows named after their action, as one table (workflow.Table) for lookups.
TABLE = Table(
    Transition(t.side, t.source, a.name, t.target, t.actors, t.article, t.emits, t.kinds)
    for a in ACTIONS
    for t in a.rows
)
TRANSITIONS = TABLE.transitions
find = TABLE.find
local_moves = TABLE.local_moves
# The message kinds of the workflow: the moves of the other side, applied here as they arrive.
KINDS = tuple(a for a in ACTIONS if a.schema is not None)


def get(name: str) -> Action | None:
    return BY_NAME.get(name)


def _consistent() -> None:
    """Every message a move sends is a move the other side applies, with a schema and a
    builder: checked at import, so a declaration missing one fails at once."""
    for a in ACTIONS:
        for t in a.rows:
            if t.emits and (a.payload is None or BY_NAME.get(t.emits) is None):
                raise RuntimeError(f"{a.name} sends {t.emits} without a builder or a receiver")
            if t.emits and BY_NAME[t.emits].schema is None:
                raise RuntimeError(f"{t.emits} has no payload schema")
        if a.schema is not None and a.message is None:
            raise RuntimeError(f"the message {a.name} has no name for the supervisors' page")


_consistent()
