"""Errors a user can act on: a stable code, a message in Russian and English, the article of the
agreement the rule comes from, and where in the input (a dotted field path).

Every app raises these; the JSON API answers them with their `status` and the one error body of
`migrex/core/api.py`, the web UI puts each next to its field (`migrex/core/problems.py`), and the
inbox turns them into signed refusals with the code, the article and the field.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class MigrexError(Exception):
    """One thing wrong with a request the user can correct (HTTP 422)."""

    code: str
    message_ru: str
    message_en: str
    article: str | None = None
    field: str | None = None

    status = 422

    def __str__(self) -> str:
        where = f" [{self.field}]" if self.field else ""
        art = f" (ст. {self.article} / Art. {self.article})" if self.article else ""
        return f"{self.code}{where}: {self.message_ru} / {self.message_en}{art}"

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "message_ru": self.message_ru,
            "message_en": self.message_en,
            "article": self.article,
            "field": self.field,
        }


class Unauthenticated(MigrexError):
    """Who is asking is not established: a credential that no longer works (HTTP 401)."""

    status = 401


class Forbidden(MigrexError):
    """The actor may not do this (HTTP 403); what it is about is visible to them."""

    status = 403


class Conflict(MigrexError):
    """Not possible in the present state of things (HTTP 409)."""

    status = 409


class Invalid(Exception):
    """Several field errors at once, so a form can show them all (HTTP 422)."""

    status = 422

    def __init__(self, errors: list[MigrexError]):
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


def error(
    code: str, ru: str, en: str, article: str | None = None, field: str | None = None
) -> MigrexError:
    return MigrexError(code=code, message_ru=ru, message_en=en, article=article, field=field)


def invalid(
    code: str, ru: str, en: str, article: str | None = None, field: str | None = None
) -> Invalid:
    """One field error, ready to raise."""
    return Invalid([error(code, ru, en, article, field)])
