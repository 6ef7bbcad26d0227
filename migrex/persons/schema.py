"""The Art. 6 person record: the one typed schema the UI, the API and the exchange use.

Pure module (no Django). Each top-level key is an Art. 6 field code; the profile says which
of them an agreement allows. Anything else is not personal data the treaty lets parties pass.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from migrex.matching.validators import country


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Spelling(_Strict):
    """A name in Cyrillic and in Latin script (Art. 6: "в русском и латинском написании")."""

    cyrillic: str | None = Field(default=None, max_length=200)
    latin: str | None = Field(default=None, max_length=200)

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


class ResidencePermit(_Strict):
    kind: Literal["temporary", "permanent"]
    number: str | None = Field(default=None, max_length=40)
    issued_on: dt.date | None = None
    valid_until: dt.date | None = None


class Decision(_Strict):
    """An entry ban or an exit restriction (Art. 5.4, 6)."""

    decided_on: dt.date
    authority: str | None = Field(default=None, max_length=300)
    until: dt.date | None = None
    grounds: str | None = Field(default=None, max_length=2000)


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
