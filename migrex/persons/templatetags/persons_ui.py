"""Template filters of an Art. 6 person record: names in one script, sex, documents, residence
permits and decisions on an entry ban or an exit restriction, in the officer's language."""

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


@register.filter
def permits(data: dict) -> list[str]:
    """Residence permits (Art. 6): «временное, № 77, выдано 01.02.2020, действительно до …»."""
    kinds = {"temporary": _("temporary"), "permanent": _("permanent")}
    lines = []
    for p in data.get("residence_permit") or []:
        parts = [str(kinds.get(p.get("kind"), p.get("kind") or ""))]
        if p.get("number"):
            parts.append(_("No. %(number)s") % {"number": p["number"]})
        if p.get("issued_on"):
            parts.append(_("issued %(date)s") % {"date": isodate(p["issued_on"])})
        if p.get("valid_until"):
            parts.append(_("valid until %(date)s") % {"date": isodate(p["valid_until"])})
        lines.append(", ".join(x for x in parts if x))
    return lines


@register.filter
def decisions(data: dict, code: str) -> list[str]:
    """Entry bans or exit restrictions (Art. 5.4, 6): «решение от 01.02.2020, орган, до …»."""
    lines = []
    for d in data.get(code) or []:
        parts = [_("decision of %(date)s") % {"date": isodate(d.get("decided_on"))}]
        if d.get("authority"):
            parts.append(d["authority"])
        if d.get("until"):
            parts.append(_("until %(date)s") % {"date": isodate(d["until"])})
        line = ", ".join(parts)
        if d.get("grounds"):
            line += "; " + _("grounds: %(grounds)s") % {"grounds": d["grounds"]}
        lines.append(line)
    return lines
