"""Template filters of the web UI: labels by the active language, articles, badges, persons."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from migrex.cases import labels
from migrex.cases.forms_base import article_label, bi, english

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
def state_label(state: str) -> str:
    return labels.state_label(state)


@register.filter
def state_tone(state: str) -> str:
    return labels.STATE_TONES.get(state, "neutral")


@register.filter
def action_label(action: str) -> str:
    return labels.action_label(action)


@register.filter
def action_help(action: str) -> str:
    return labels.action_help(action)


@register.filter
def kind_label(kind: str) -> str:
    return str(labels.KINDS.get(kind, kind))


@register.filter
def clock_text(clock) -> str:
    return clock.label_en if english() else clock.label_ru


@register.filter
def clock_short(clock) -> str:
    if clock.state == "none":
        return "—"
    if clock.state == "stopped":
        return _("closed")
    if clock.days_left < 0:
        return _("overdue by %(n)s d.") % {"n": -clock.days_left}
    return _("%(n)s d. left") % {"n": clock.days_left}


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def spelled(data: dict, script: str) -> str:
    """The person's full name in one script ("cyrillic" or "latin")."""
    parts = [(data.get(k) or {}).get(script) for k in ("surname", "given_name", "patronymic")]
    return " ".join(p for p in parts if p)


@register.filter
def isodate(value) -> str:
    if not value:
        return ""
    try:
        return date_format(dt.date.fromisoformat(str(value)), "SHORT_DATE_FORMAT")
    except ValueError:
        return str(value)


@register.filter
def sex(value) -> str:
    return {"M": _("male"), "F": _("female")}.get(value or "", "")


@register.filter
def documents(data: dict) -> list[str]:
    lines = []
    for d in data.get("identity_document") or []:
        number = " ".join(x for x in (d.get("series"), d.get("number")) if x)
        extra = ", ".join(x for x in (isodate(d.get("issue_date")), d.get("issuer")) if x)
        lines.append(f"{number} ({extra})" if extra else number)
    return lines
