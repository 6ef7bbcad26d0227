"""The Art. 6 person record: the one typed schema the UI, the API and the exchange use.

Pure module (no Django). Each top-level key is an Art. 6 field code; the profile says which
of them an agreement allows. Anything else is not personal data the treaty lets parties pass.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from migrex.matching.validators import country


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


# What a name never holds: markup, control characters (C0, DEL, C1) and the marks that reorder
# text on screen (U+200E/F, U+202A-E, U+2066-9: "Trojan Source"), which would show an officer a
# name other than the one matched and stored.
_NOT_IN_NAMES = re.compile("[<>\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# The latest date of birth anywhere on Earth now (UTC+14): a later one is in the future.
_LATEST_ZONE = dt.timezone(dt.timedelta(hours=14))


def _plain_name(value: str | None) -> str | None:
    if value is not None and _NOT_IN_NAMES.search(value):
        raise ValueError("a name may not contain <, >, control characters or text-direction marks")
    return value


# A name's longest spelling: generous for any real name, and short enough that a letter with
# the most persons a request holds renders in time (cases/validation.py, bench/letter_render.py).
NAME_MAX = 100
Name = Annotated[str | None, Field(default=None, max_length=NAME_MAX), AfterValidator(_plain_name)]


class Spelling(_Strict):
    """A name in Cyrillic and in Latin script (Art. 6: "в русском и латинском написании")."""

    cyrillic: Name = None
    latin: Name = None

    @model_validator(mode="after")
    def _one_spelling(self) -> Spelling:
        if not (self.cyrillic or self.latin):
            raise ValueError("give the Cyrillic or the Latin spelling")
        return self


class Document(_Strict):
    """A travel document or an identity document for residence (Art. 6)."""

    kind: str | None = Field(default=None, max_length=100)
    series: str | None = Field(default=None, max_length=20)
    number: str = Field(min_length=1, max_length=40)
    issue_date: dt.date | None = None
    issuer: str | None = Field(default=None, max_length=300)


def _not_before(value: dt.date | None, info: ValidationInfo, start: str) -> dt.date | None:
    """An end date is not before the start date of the same entry (both given)."""
    begun = info.data.get(start)
    if value is not None and begun is not None and value < begun:
        raise PydanticCustomError(
            "date_before_start", "the date is before {start}", {"start": start}
        )
    return value


class ResidencePermit(_Strict):
    """A temporary or permanent residence permit (Art. 6: «о наличии разрешения на временное и
    постоянное проживание»)."""

    kind: Literal["temporary", "permanent"]
    number: str | None = Field(default=None, max_length=40)
    issued_on: dt.date | None = None
    valid_until: dt.date | None = None

    @field_validator("valid_until")
    @classmethod
    def _after_issue(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        return _not_before(value, info, "issued_on")


class Decision(_Strict):
    """An entry ban or an exit restriction (Art. 5.4, 6)."""

    decided_on: dt.date
    authority: str | None = Field(default=None, max_length=300)
    until: dt.date | None = None
    grounds: str | None = Field(default=None, max_length=2000)

    @field_validator("until")
    @classmethod
    def _after_decision(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        return _not_before(value, info, "decided_on")


class PersonData(_Strict):
    surname: Spelling | None = None
    given_name: Spelling | None = None
    patronymic: Spelling | None = None
    sex: Literal["M", "F"] | None = None
    birth_date: dt.date | None = None
    birth_place: str | None = Field(default=None, max_length=300)
    citizenship: list[str] = Field(default_factory=list, max_length=5)
    identity_document: list[Document] = Field(default_factory=list, max_length=10)
    administrative_liability: list[str] = Field(default_factory=list, max_length=50)
    criminal_liability: list[str] = Field(default_factory=list, max_length=50)
    residence_address: str | None = Field(default=None, max_length=500)
    residence_permit: list[ResidencePermit] = Field(default_factory=list, max_length=10)
    entry_ban: list[Decision] = Field(default_factory=list, max_length=10)
    exit_restriction: list[Decision] = Field(default_factory=list, max_length=10)
    photo: list[str] = Field(default_factory=list, max_length=10)  # attachment digests
    fingerprint_card: list[str] = Field(default_factory=list, max_length=2)

    @field_validator("birth_date")
    @classmethod
    def _born(cls, value: dt.date | None) -> dt.date | None:
        if value is not None and value > dt.datetime.now(_LATEST_ZONE).date():
            raise ValueError("a date of birth may not be in the future")
        return value

    @field_validator("citizenship")
    @classmethod
    def _iso_codes(cls, value: list[str]) -> list[str]:
        return [country(code) for code in value]  # IdentifierError is a ValueError

    @model_validator(mode="after")
    def _identifiable(self) -> PersonData:
        if self.surname is None and not self.identity_document:
            raise ValueError("a person needs a surname or a document to be identified")
        return self


FIELD_CODES = frozenset(PersonData.model_fields)


class Person(_Strict):
    """A person as messages carry one: the Art. 5 category and the Art. 6 record. The record is
    checked against the agreement's own lists (cases/validation.py `clean_persons`), which name
    the article of what they refuse."""

    category: str = Field(max_length=64)
    data: dict[str, Any]
