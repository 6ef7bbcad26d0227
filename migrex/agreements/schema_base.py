"""Profile schema base: Strict, `{unknown: why}` (Unknown, Maybe), Text, Coded, checked values."""

import re
from datetime import date, datetime
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    model_validator,
)
from pydantic_core import PydanticCustomError

KeyPath = tuple[str | int, ...]


def _dotted(path: KeyPath | list[Any]) -> str:
    return ".".join(str(p) for p in path)


def _show(v: Any) -> str:
    if v is None:
        return "nothing (null)"
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, dict | list):
        return "a mapping" if isinstance(v, dict) else "a list"
    return v.isoformat() if isinstance(v, date) else repr(v)


def _matching(rx: str, what: str) -> AfterValidator:
    pattern = re.compile(rx)

    def check(v: str) -> str:
        if not pattern.fullmatch(v):
            raise ValueError(f"expected {what}, got {v!r}")
        return v

    return AfterValidator(check)


def _article(v: Any) -> Any:
    if isinstance(v, float):  # unquoted 10.3 is a YAML float, and 10.10 would become 10.1
        raise ValueError(f"write article references in quotes ('{v}'): YAML reads {v} as a number")
    return str(v) if isinstance(v, int) and not isinstance(v, bool) else v


def _day(v: Any, unknown_ok: bool = False) -> Any:
    if (unknown_ok and v == "unknown") or (isinstance(v, date) and not isinstance(v, datetime)):
        return v
    if isinstance(v, str):
        try:
            return date.fromisoformat(v)
        except ValueError:
            pass
    if v == "unknown":
        raise ValueError("this date must be known (status and deadlines are counted from it)")
    alternative = " or 'unknown'" if unknown_ok else ""
    raise ValueError(f"expected a date YYYY-MM-DD{alternative}, got {_show(v)}")


def _timezone(v: str) -> str:
    try:
        ZoneInfo(v)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError(f"unknown IANA time zone {v!r} (e.g. Asia/Almaty, Europe/Minsk)") from None
    return v


NonEmpty = Annotated[str, Field(min_length=1)]
Slug = Annotated[str, _matching(r"[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*", "a code such as 'kz-mvd'")]
CountryCode = Annotated[str, _matching(r"[A-Z]{2}", "an ISO 3166-1 alpha-2 code such as 'KZ'")]
LanguageCode = Annotated[str, _matching(r"[a-z]{2}", "an ISO 639-1 code such as 'ru'")]
Article = Annotated[
    str,
    BeforeValidator(_article),
    _matching(
        r"unknown|[1-9]\d*(?:\.[1-9]\d*){0,2}", "an article such as '5', '10.3' or 'unknown'"
    ),
]
Day = Annotated[date, BeforeValidator(_day)]
EventDate = Annotated[date | Literal["unknown"], BeforeValidator(lambda v: _day(v, True))]
Timezone = Annotated[str, AfterValidator(_timezone)]
PositiveInt = Annotated[int, Field(ge=1)]


def _located(at: str, problem: str) -> PydanticCustomError:
    """An error about key `at` of the model being validated (a model validator has no sub-path)."""
    return PydanticCustomError("located", "{problem}", {"at": at, "problem": problem})


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, serialize_by_alias=True)

    @model_validator(mode="before")
    @classmethod
    def _known_keys_only(cls, data: Any) -> Any:
        # Checked here, not only by extra="forbid", so that the error can list the allowed keys.
        if isinstance(data, dict):
            allowed = [f.alias or name for name, f in cls.model_fields.items()]
            extra = [k for k in data if k not in allowed]
            if extra:
                raise PydanticCustomError(
                    "unknown_key", "unknown key", {"keys": extra, "allowed": ", ".join(allowed)}
                )
        return data


class Unknown(Strict):
    """A section or value the source does not state; `unknown` says why."""

    unknown: NonEmpty


def _known_or_unknown(v: Any) -> str:
    is_unknown = isinstance(v, Unknown) or (isinstance(v, dict) and "unknown" in v)
    return "<unknown>" if is_unknown else "<known>"


class Maybe:
    """`Maybe[X]` is X or `{unknown: why}`; the tag keeps errors to the branch that was meant."""

    def __class_getitem__(cls, item: Any) -> Any:
        union = Annotated[item, Tag("<known>")] | Annotated[Unknown, Tag("<unknown>")]
        return Annotated[union, Discriminator(_known_or_unknown)]


class Text(Strict):
    ru: NonEmpty
    en: NonEmpty


class Coded(Strict):
    code: Slug
    name: Text
    article: Article
    note: Text | None = None
