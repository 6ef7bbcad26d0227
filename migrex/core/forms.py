"""What the UI's forms share: bilingual labels, articles beside fields and errors, repeated rows."""

from __future__ import annotations

import re
import secrets
from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def english() -> bool:
    return (get_language() or "ru").startswith("en")


def article_label(article: str) -> str:
    return str(_("Art. %(article)s")) % {"article": article}


def bi(text: Any) -> str:
    """The Russian or English side of a bilingual profile text, by the active language."""
    if text is None:
        return ""
    return text.en if english() else text.ru


def new_key() -> str:
    return secrets.token_hex(4)


def row_keys(data, base: str) -> list[str]:
    """The keys of the repeated rows (`<base>-<key>-...`) in the order the page sent them."""
    pattern = re.compile(rf"^{re.escape(base)}-([0-9a-z]+)-")
    keys: list[str] = []
    for name in data:
        match = pattern.match(name)
        if match and match[1] not in keys:
            keys.append(match[1])
    return keys


class ArticleMixin:
    """Fields may carry `article` (shown beside the label) and `needed_to_sign` (Art. 9.2); every
    error the form finds itself is given the article of its field (or `form_article`)."""

    form_article: str | None = None

    def set_article(self, name: str, article: str | None, needed_to_sign: bool = False) -> None:
        field = self.fields[name]
        field.article = article
        field.needed_to_sign = needed_to_sign

    def _post_clean(self):
        super()._post_clean()
        for name, errors in list(self._errors.items()):
            field = self.fields.get(name)
            article = getattr(field, "article", None) if field else self.form_article
            if not article:
                continue
            suffix = f"({article_label(article)})"
            self._errors[name] = self.error_class(
                [m if m.endswith(suffix) else f"{m} {suffix}" for m in errors],
                renderer=self.renderer,
            )


class OptionDisabledSelect(forms.Select):
    """A select whose listed values are shown but cannot be chosen (an agreement not in force)."""

    def __init__(self, *args, disabled_values: frozenset[str] = frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self.disabled_values = disabled_values

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        if str(value) in self.disabled_values:
            option["attrs"]["disabled"] = True
        return option


def text_area(rows: int = 3, **attrs) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, **attrs})


def date_input() -> forms.DateInput:
    """A date typed as the active language writes it (14.03.1985 in Russian; ISO is accepted
    too): the browser's own date picker would show the browser's format, not the officer's."""
    return forms.DateInput(
        attrs={"placeholder": _("dd.mm.yyyy"), "autocomplete": "off", "maxlength": 10}
    )
