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


class AttachmentUnreadable(MigrexError):
    """A stored attachment no longer opens (altered, damaged or lost in storage, Art. 11.4), so
    the move that would send it is refused (HTTP 409) and nothing is sent."""

    status = 409

    def __init__(self, *, attachment, reason: str):
        super().__init__(
            code="attachment_unreadable",
            message_ru=(
                f"Вложение «{attachment.name}» не открывается: файл изменён или повреждён в "
                "хранилище. Ничего не отправлено; сообщите администратору узла."
            ),
            message_en=(
                f"The attachment “{attachment.name}” does not open: its file was altered or "
                "damaged in storage. Nothing was sent; tell the node administrator."
            ),
            article="11.4",
            field="attachments",
        )
        self.attachment, self.reason = attachment, reason


class Invalid(Exception):
    """Several field errors at once, so a form can show them all."""

    status = 422

    def __init__(self, errors: list[CaseError]):
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


def error(code: str, ru: str, en: str, article: str | None = None, field: str | None = None):
    return CaseError(code=code, message_ru=ru, message_en=en, article=article, field=field)
