"""Profile schema: parties, competent authorities, treaty events, source and language."""

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag

from migrex.agreements.schema_base import (
    Article,
    CountryCode,
    Day,
    EventDate,
    LanguageCode,
    Maybe,
    NonEmpty,
    Slug,
    Strict,
    Text,
    Timezone,
)


class Party(Strict):
    code: CountryCode
    name: Text
    timezone: Timezone


class AuthorityName(Strict):
    ru: NonEmpty
    en: NonEmpty
    from_: Day | None = Field(alias="from")  # null: in use since the start
    until: Day | None = None  # last day in use


class Authority(Strict):
    code: Slug
    party: CountryCode
    kind: Literal[
        "interior-ministry", "labour-ministry", "border-committee", "police", "migration-service"
    ]
    names: tuple[AuthorityName, ...] = Field(min_length=1)
    article: Article
    note: Text | None = None

    @property
    def name(self) -> Text:
        return Text(ru=self.names[-1].ru, en=self.names[-1].en)

    def name_on(self, day: date) -> Text | None:
        """The name in use on `day` (Art. 2 renamings), None if the authority had none then."""
        began = [n for n in self.names if n.from_ is None or n.from_ <= day]
        if not began or (began[-1].until is not None and day > began[-1].until):
            return None
        return Text(ru=began[-1].ru, en=began[-1].en)


class _Event(Strict):
    note: Text | None = None
    source: NonEmpty | None = None
    article: Article | None = None


class Signature(_Event):
    kind: Literal["signature"]
    date: Day
    place: Maybe[Text]


class InternalProcedure(_Event):
    """A domestic step (a ratification law, a parliament vote); it is not the notification."""

    kind: Literal["internal-procedure"]
    date: EventDate
    party: CountryCode
    body: Text
    act: Text | None = None


class Notification(_Event):
    """A party's note that its internal procedures are complete; `date` is the date of receipt."""

    kind: Literal["notification"]
    date: EventDate
    party: CountryCode


class EntryIntoForce(_Event):
    kind: Literal["entry-into-force"]
    date: Day


class Amendment(_Event):
    """A protocol (Art. 16): `date` is its signature, `entry_into_force` its own start."""

    kind: Literal["amendment"]
    date: EventDate
    protocol: Text
    entry_into_force: EventDate | None = None


class TerminationNotice(_Event):
    """`party` gives notice; `date` is when the other party received it (Art. 17)."""

    kind: Literal["termination-notice"]
    date: Day
    party: CountryCode


EVENT_KINDS = (
    "signature", "internal-procedure", "notification", "entry-into-force", "amendment",
    "termination-notice",
)  # fmt: skip


def _event_tag(v: Any) -> str | None:
    if not isinstance(v, dict):  # a model, or a non-mapping that Signature will reject clearly
        return f"<{getattr(v, 'kind', 'signature')}>"
    return f"<{v['kind']}>" if "kind" in v else None


Event = Annotated[
    Annotated[Signature, Tag("<signature>")]
    | Annotated[InternalProcedure, Tag("<internal-procedure>")]
    | Annotated[Notification, Tag("<notification>")]
    | Annotated[EntryIntoForce, Tag("<entry-into-force>")]
    | Annotated[Amendment, Tag("<amendment>")]
    | Annotated[TerminationNotice, Tag("<termination-notice>")],
    Discriminator(_event_tag),
]


class Source(Strict):
    kind: Literal["treaty-text", "news-report"]
    title: Text
    publisher: NonEmpty | None = None
    published: Day | None = None
    reference: NonEmpty | None = None
    complete_text: bool
    note: Text | None = None


class Language(Strict):
    code: LanguageCode
    article: Article
    authentic_texts: tuple[LanguageCode, ...] = ()
    prevailing_text: LanguageCode | None = None
    note: Text | None = None
