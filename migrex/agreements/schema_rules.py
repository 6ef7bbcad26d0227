"""Profile schema: the `rules` sections (personal data, requests, deadlines, refusal, ...)."""

from dataclasses import dataclass
from typing import Literal

from pydantic import Field, field_validator, model_validator

from migrex.agreements.schema_base import (
    Article,
    Coded,
    CountryCode,
    Maybe,
    PositiveInt,
    Strict,
    Text,
    _located,
)


@dataclass(frozen=True)
class FieldSpec:
    scripts: bool = False  # a name field, passed in named scripts
    parts: tuple[str, ...] = ()  # a composite field, passed in named parts


# The person data model migrex knows: the closed vocabulary Art. 6 lists are written in. The
# identity document is one field with parts because Art. 6 names its parts as one item;
# the Art. 6 item on entry bans "or" exit restrictions is two fields since they are two decisions.
PERSON_FIELDS: dict[str, FieldSpec] = {
    "surname": FieldSpec(scripts=True),
    "given_name": FieldSpec(scripts=True),
    "patronymic": FieldSpec(scripts=True),
    **dict.fromkeys(("sex", "birth_date", "birth_place", "citizenship"), FieldSpec()),
    "identity_document": FieldSpec(parts=("series", "number", "issue_date", "issuer")),
    **dict.fromkeys(
        ("administrative_liability", "criminal_liability", "residence_address", "residence_permit",
         "entry_ban", "exit_restriction", "photo", "fingerprint_card"),
        FieldSpec(),
    ),
}  # fmt: skip


class FieldItem(Strict):
    field: str
    article: Article
    scripts: tuple[Literal["cyrillic", "latin", "armenian"], ...] | None = None
    parts: tuple[str, ...] | None = None
    when_available: bool = False  # "при наличии"
    note: Text | None = None

    @field_validator("field")
    @classmethod
    def _known_field(cls, v: str) -> str:
        if v not in PERSON_FIELDS:
            raise ValueError(
                f"unknown personal-data field {v!r} (known: {', '.join(PERSON_FIELDS)})"
            )
        return v

    @model_validator(mode="after")
    def _fits_field(self) -> "FieldItem":
        spec = PERSON_FIELDS[self.field]
        if spec.scripts != (self.scripts is not None):
            need = (
                "needs 'scripts' (e.g. [cyrillic, latin])" if spec.scripts else "takes no 'scripts'"
            )
            raise _located("" if spec.scripts else "scripts", f"field {self.field!r} {need}")
        if bool(spec.parts) != (self.parts is not None):
            need = f"needs 'parts' (of {', '.join(spec.parts)})" if spec.parts else "has no parts"
            raise _located("" if spec.parts else "parts", f"field {self.field!r} {need}")
        bad = [p for p in self.parts or [] if p not in spec.parts]
        if bad:
            raise _located(
                "parts", f"unknown part {bad[0]!r} of {self.field!r} ({', '.join(spec.parts)})"
            )
        return self


class SubjectConsent(Strict):
    of_subject_required: bool
    article: Article


class PersonalData(Strict):
    article: Article
    consent: SubjectConsent
    fields: tuple[FieldItem, ...] = Field(min_length=1)


class Topic(Coded):
    requires_mutual_agreement: Maybe[bool]


class RequestItem(Coded):
    required: bool


class Permission(Strict):
    allowed: bool
    article: Article
    text: Text | None = None


class Duty(Strict):
    when: Literal["immediately", "as-soon-as-possible"]
    channel: Literal["diplomatic", "direct"] | None = None
    article: Article
    text: Text | None = None


class Consent(Strict):
    of_provider_required: bool
    prior: bool
    article: Article
    text: Text | None = None


class Clause(Strict):
    article: Article
    text: Text


class Requests(Strict):
    article: Article
    written: bool
    technical_means_allowed: bool
    secure_electronic_channels_allowed: bool


class Signatories(Strict):
    article: Article
    may_sign: tuple[Literal["head", "deputy-head", "authorised-person"], ...] = Field(min_length=1)
    signers_are_coordinators: bool
    exchanged: tuple[Literal["signatory-lists", "form-samples"], ...]
    changes: Duty
    authenticity_confirmation: Permission


class RequestDeadline(Strict):
    days: PositiveInt
    calendar: bool
    from_: Literal["receipt"] = Field(alias="from")
    timezone_of: Literal["requested-party"]
    pauses: tuple[Coded, ...]
    article: Article
    note: Text | None = None

    @field_validator("calendar")
    @classmethod
    def _calendar_only(cls, v: bool) -> bool:
        if not v:
            raise ValueError(
                "only calendar-day deadlines are supported (working days need holidays)"
            )
        return v


class DaysAfterEntryIntoForce(Strict):
    days: PositiveInt
    from_: Literal["entry-into-force"] = Field(alias="from")
    article: Article
    note: Text | None = None


class TerminationPeriod(Strict):
    months: PositiveInt
    from_: Literal["notice-received"] = Field(alias="from")
    in_force_on_last_day: bool  # how "по истечении N месяцев" is counted; see dates.py
    article: Article
    note: Text | None = None


class EntryIntoForceRule(Strict):
    from_: Literal["last-notification-received"] = Field(alias="from")
    days: int = Field(ge=0)
    article: Article
    note: Text | None = None


class Deadlines(Strict):
    request_execution: Maybe[RequestDeadline]
    signatory_lists: Maybe[DaysAfterEntryIntoForce]
    termination: Maybe[TerminationPeriod]
    entry_into_force: Maybe[EntryIntoForceRule]


class Refusal(Strict):
    article: Article
    grounds: tuple[Coded, ...] = Field(min_length=1)
    complete: bool  # false: the source names only some grounds
    partial_allowed: Maybe[bool]
    reasons_required: Maybe[bool]
    written_notice: Maybe[bool]
    note: Text | None = None


class Execution(Strict):
    article: Article
    additional_information: Permission
    obstacles: Duty
    postponement: Permission
    result: Duty


class Confidentiality(Strict):
    article: Article
    required: bool
    if_impossible: Literal["requester-decides"]
    text: Text


class UseLimits(Strict):
    other_purpose: Consent
    third_party: Consent


Threat = Literal[
    "destruction", "alteration", "dissemination", "unauthorised-access", "unauthorised-use"
]


class Protection(Strict):
    article: Article
    against: tuple[Threat, ...]
    text: Text


class RetentionPeriod(Strict):
    months: PositiveInt
    law: Text


class Retention(Strict):
    article: Article
    keep: Literal["while-purpose-requires"]
    destruction: Literal["national-law"]
    periods: dict[CountryCode, Maybe[RetentionPeriod]]
    text: Text


class Rules(Strict):
    """Every section must be present, known or `{unknown: why}`: silence is not a rule."""

    authority_changes: Maybe[Duty]
    topics: Maybe[tuple[Topic, ...]]
    person_categories: Maybe[tuple[Coded, ...]]
    personal_data: Maybe[PersonalData]
    cooperation_forms: Maybe[tuple[Coded, ...]]
    spontaneous_information: Maybe[Permission]
    requests: Maybe[Requests]
    request_content: Maybe[tuple[RequestItem, ...]]
    signatories: Maybe[Signatories]
    execution: Maybe[Execution]
    deadlines: Maybe[Deadlines]
    refusal: Maybe[Refusal]
    confidentiality: Maybe[Confidentiality]
    use_limits: Maybe[UseLimits]
    protection: Maybe[Protection]
    retention: Maybe[Retention]
    costs: Maybe[Clause]
    other_treaties: Maybe[Clause]
    disputes: Maybe[Clause]
    amendments: Maybe[Clause]
