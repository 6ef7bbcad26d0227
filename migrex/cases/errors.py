"""The errors of the case workflow, each with a stable code and the article it enforces."""

from migrex.core.errors import MigrexError


class CaseError(MigrexError):
    """A request the user can correct (HTTP 400/422)."""

    status = 422


class IllegalMove(MigrexError):
    """A move the transitions table does not allow from the case's state (HTTP 409)."""

    status = 409


class Forbidden(MigrexError):
    """The actor may not make this move (HTTP 403); the case itself is visible to them."""

    status = 403


class Invalid(Exception):
    """Several field errors at once, so a form can show them all."""

    status = 422

    def __init__(self, errors: list[CaseError]):
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


def error(code: str, ru: str, en: str, article: str | None = None, field: str | None = None):
    return CaseError(code=code, message_ru=ru, message_en=en, article=article, field=field)
