"""Errors a user can act on: a stable code, a message in Russian and English, the article."""

from dataclasses import dataclass


@dataclass
class MigrexError(Exception):
    code: str
    message_ru: str
    message_en: str
    article: str | None = None
    field: str | None = None

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
