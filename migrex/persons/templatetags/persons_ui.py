"""Template filters of an Art. 6 person record: names in one script, sex, documents."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from migrex.core.templatetags.migrex_ui import isodate

register = template.Library()


@register.filter
def spelled(data: dict, script: str) -> str:
    """The person's full name in one script ("cyrillic" or "latin")."""
    parts = [(data.get(k) or {}).get(script) for k in ("surname", "given_name", "patronymic")]
    return " ".join(p for p in parts if p)


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
