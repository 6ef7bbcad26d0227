"""The errors of the case workflow that only the workflow raises."""

from migrex.core.errors import Conflict


class IllegalMove(Conflict):
    """A move the transitions table does not allow from the case's state (HTTP 409)."""


class AttachmentUnreadable(Conflict):
    """A stored attachment no longer opens (altered, damaged or lost in storage, Art. 11.4), so
    the move that would send it is refused (HTTP 409) and nothing is sent."""

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
