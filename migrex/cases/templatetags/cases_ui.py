"""Template filters of the case pages: states, moves and the 30-day clock in words."""

from __future__ import annotations

from django import template
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from migrex.cases import labels
from migrex.core.forms import english

register = template.Library()


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
def event_label(action: str, kind: str = "request") -> str:
    return labels.event_label(action, kind)


@register.filter
def action_help(action: str) -> str:
    return labels.action_help(action)


@register.filter
def kind_label(kind: str) -> str:
    return str(labels.KINDS.get(kind, kind))


@register.filter
def kind_and_direction(case) -> str:
    """«Запрос · исходящий», «Информация без запроса · входящая»: for the case page's head."""
    return labels.kind_and_direction(case.kind, case.side)


@register.filter
def clock_text(clock) -> str:
    return clock.label_en if english() else clock.label_ru


@register.filter
def clock_short(clock) -> str:
    if clock.state == "none":
        return "—"
    if clock.state == "stopped":
        return _("closed")
    if clock.state == "postponed":  # Art. 10.2: until when, or on what condition
        if clock.until:
            return _("postponed until %(date)s") % {
                "date": date_format(clock.until, "SHORT_DATE_FORMAT")
            }
        return _("postponed: %(condition)s") % {"condition": Truncator(clock.condition).chars(60)}
    if clock.days_left < 0:
        return _("overdue by %(n)s d.") % {"n": -clock.days_left}
    return _("%(n)s d. left") % {"n": clock.days_left}
