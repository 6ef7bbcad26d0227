"""The message kinds this node knows: for each, one pydantic schema of its payload, the function
that applies a received one, and the supervisors' name for it.

The apps that own a kind register it in their AppConfig.ready() (`register(...)`); the exchange
itself knows none of them. The sender builds the payload with the schema (`outbox.send` checks
it), the receiver validates what arrived against it before any handler runs (`inbox`): a payload
that does not fit is refused as `payload_invalid`, naming the member. `migrex protocol schemas`
writes the JSON Schema of every kind into docs/schemas/.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from django.utils.functional import Promise
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from migrex.exchange import streams


class Payload(BaseModel):
    """The base of every payload schema: members are closed (an unknown member is refused)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class StreamedBody(Payload):
    """The `body` member of a streamed kind's payload: what follows the envelope in encrypted
    frames (docs/protocol.md §8.2). The key is made for each sending by the delivery worker and
    is never stored."""

    format: Literal["application/x-ndjson"]
    algorithm: Literal["A256GCM-frames"] = streams.ALGORITHM
    bytes: int = Field(ge=0)
    sha256: str = Field(pattern="^[0-9a-f]{64}$")
    key: str | None = Field(
        None, exclude=True, description="base64url of the 32-byte key of this sending"
    )


@dataclass(frozen=True)
class Received:
    """A message accepted from a peer, its payload validated, as its handler gets it."""

    message_id: str
    conversation_id: str
    agreement: str
    kind: str
    sender_node: str
    sender_authority: str
    receiver_authority: str
    payload: Any  # an instance of the kind's schema
    body: Any = None  # the streamed body (`streams.Lines`) of a streamed kind, else None


class Staged(Protocol):
    """What the handler of a streamed kind returns. It is called outside any transaction, reads
    the body and stores what it makes of it in short transactions of its own, out of every
    reader's sight: on SQLite one transaction for the whole stream would hold the database's only
    write lock for as long as the body takes to arrive. The inbox then checks the body against
    the envelope (§8.2) and calls `publish()` inside the one short transaction that stores the
    message, its receipt and its audit entry; or `discard()` when anything fails. The handler
    discards by itself what it staged when it raises."""

    def publish(self) -> None: ...

    def discard(self) -> None: ...


@dataclass(frozen=True)
class Outcome:
    """What became of a message this node sent: the receiver's signed receipt or refusal, as the
    app that sent it hears of it (inside the transaction that records it)."""

    message_id: str
    conversation_id: str
    kind: str
    delivered: bool
    at: dt.datetime  # when the receiver received it, by its signed reply
    code: str = ""  # a refusal's code, article, member and detail
    article: str | None = None
    field: str | None = None
    detail: str = ""


@dataclass(frozen=True)
class Kind:
    name: str
    schema: type[BaseModel]
    handler: Callable[[Received], object]  # a streamed kind's returns a `Staged`
    label: Promise | str  # what the kind is, for the supervisors' page
    streamed: bool = False  # a body follows the envelope in frames (docs/protocol.md §8.2)
    opens: bool = False  # starts a conversation: its conversation id must be new (§2)
    settled: Callable[[list[Outcome]], None] | None = None  # told of receipts and refusals


_kinds: dict[str, Kind] = {}


def register(
    name: str,
    *,
    schema: type[BaseModel],
    handler: Callable[[Received], object],
    label: Promise | str,
    streamed: bool = False,
    opens: bool = False,
    settled: Callable[[list[Outcome]], None] | None = None,
) -> Kind:
    kind = Kind(name, schema, handler, label, streamed, opens, settled)
    known = _kinds.get(name)
    if known is not None and known != kind:
        raise RuntimeError(f"message kind {name!r} is registered twice")
    _kinds[name] = kind
    return kind


def get(name: str) -> Kind | None:
    return _kinds.get(name)


def known() -> list[Kind]:
    return sorted(_kinds.values(), key=lambda k: k.name)


def settle(outcomes: list[Outcome]) -> None:
    """Tell the apps that sent messages what became of them: each app once, with its kinds'
    outcomes in order (a batch delivered together costs it a query, not one per message)."""
    told: dict[Callable[[list[Outcome]], None], list[Outcome]] = {}
    for outcome in outcomes:
        kind = _kinds.get(outcome.kind)
        if kind is not None and kind.settled is not None:
            told.setdefault(kind.settled, []).append(outcome)
    for settled, theirs in told.items():
        settled(theirs)


def label(name: str) -> str:
    kind = _kinds.get(name)
    return str(kind.label) if kind else name


class PayloadInvalid(ValueError):
    """A payload that does not fit its kind's schema: every member that does not, by path."""

    def __init__(self, kind: str, problems: list[tuple[str, str]]):
        self.kind, self.problems = kind, problems
        super().__init__("; ".join(f"{path}: {why}" for path, why in problems))

    @property
    def field(self) -> str:
        return self.problems[0][0] if self.problems else "payload"


def path_of(loc: tuple) -> str:
    """`payload.persons[0].data`: pydantic's location as the protocol names members."""
    out = "payload"
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def validate(name: str, payload: object) -> BaseModel:
    """The payload as an instance of the kind's schema; PayloadInvalid naming every member that
    does not fit, LookupError for a kind this node does not know."""
    kind = _kinds.get(name)
    if kind is None:
        raise LookupError(name)
    if isinstance(payload, kind.schema):
        return payload
    try:
        return kind.schema.model_validate(payload)
    except ValidationError as exc:
        problems = [(path_of(e["loc"]), e["msg"]) for e in exc.errors()[:20]]
        raise PayloadInvalid(name, problems) from None
