"""Template filters every page uses: labels by the active language, articles, dates."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils.formats import date_format

from migrex.core.forms import article_label, bi, english

register = template.Library()


@register.filter(name="bi")
def bi_filter(value) -> str:
    """A bilingual profile text, or the `name` of a profile item, in the active language."""
    if value is None or isinstance(value, str):
        return value or ""
    if hasattr(value, "ru"):
        return bi(value)
    if hasattr(value, "name"):
        return bi(value.name)
    return str(value)


@register.filter
def authority(value) -> str:
    if value is None or isinstance(value, str):  # a code this node does not know
        return value or ""
    return value.name_en if english() else value.name_ru


@register.filter
def art(article) -> str:
    return article_label(article) if article else ""


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def isodate(value) -> str:
    if not value:
        return ""
    try:
        return date_format(dt.date.fromisoformat(str(value)), "SHORT_DATE_FORMAT")
    except ValueError:
        return str(value)
