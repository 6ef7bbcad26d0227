"""What a move of the request workflow is declared with (the declarations themselves are in
requester.py and requested.py): its rows of the transitions table, its form, its check, its
labels, the message it sends and how that message is built."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from migrex.accounts.roles import OPERATOR, SIGNATORY, SUPERVISOR
from migrex.cases import checks, messages
from migrex.cases.workflow import PEER, Kind, Side, State, Transition

R, Q, S = Side.REQUESTER, Side.REQUESTED, State
REQUEST, BOTH, SPONTANEOUS = (Kind.REQUEST,), (Kind.REQUEST, Kind.SPONTANEOUS), (Kind.SPONTANEOUS,)
# After registration, while the request is executed, or while its confirmation is awaited
# (Art. 9.5): where notices, assignments and withdrawals come.
EXECUTING = (
    S.REGISTERED,
    S.AWAITING_INFORMATION,
    S.POSTPONED,
    S.CONDITIONS_PROPOSED,
    S.AWAITING_CONFIDENTIALITY_DECISION,
    S.AWAITING_CONFIRMATION,
)
OPERATORS = {OPERATOR, SUPERVISOR}
DECIDERS = {SIGNATORY, SUPERVISOR}
PRIMARY, DANGER = "primary", "danger"


def moves(side, sources, target, actors, article, emits=None, kinds=REQUEST, resumes=False):
    """The rows of one move from each of `sources` (one state, or a tuple of them); the Action
    they are given to names them. A move that `resumes` leads back to the state the case was in
    before the interruption it ends (workflow.INTERRUPTIONS); its `target` is None."""
    sources = sources if isinstance(sources, tuple) else (sources,)
    return tuple(
        Transition(
            side, s, "", target, frozenset(actors), article, emits, frozenset(kinds), resumes
        )
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
    authority: bool = False  # another competent authority of this party (Art. 2)
    postponement: bool = False  # until when, or on what condition, execution waits (Art. 10.2)
    files: bool = False  # files attached to the message the move sends (rules.attachments)
    review: bool = False  # shown as it will leave before it is sent, and ticked as checked


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
    done: Promise | None = None  # the history's entry, in the past tense (else `label`)

    def __post_init__(self) -> None:
        # The rows were written without the move's name (moves()): they carry it from here.
        named = tuple(replace(t, action=self.name) for t in self.rows)
        object.__setattr__(self, "rows", named)

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
    "forwarded": _("notice of forwarding to another authority"),
}


def with_text(
    article: str, label: Promise, what_ru: str, what_en: str, *, files: bool = False
) -> dict:
    return {
        "form": Form(text=label, files=files),
        "check": checks.text_required(article, what_ru, what_en),
    }


def notice(name, rows, label, help, schema=messages.TextPayload, **more) -> Action:
    """A move of the other side: applied here when its message arrives."""
    return Action(name, rows, label, help, schema=schema, message=MESSAGES[name], **more)
