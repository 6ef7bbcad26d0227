"""The lines of a box's table, as HTML (views_boxes.py; the table's head is cases/box.html).

Written here rather than in the template: Django's template engine spends about 0.2 ms of CPU
on a line of this table (some twenty variables and conditions, each resolved and escaped
through its generic machinery), and a page of 50 lines took about a third of the page's time.
Each value is escaped as the template escaped it, by core/lines.py. The markup is the
template's, line for line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext, pgettext

from migrex.cases import labels
from migrex.cases.templatetags.cases_ui import clock_short, clock_text
from migrex.cases.workflow import Side
from migrex.core.lines import clipped
from migrex.core.lines import html as _html
from migrex.core.templatetags.migrex_ui import authority

SUMMARY = 140  # characters of a request's text shown in its line


# The lists whose date column is the day the case was created here, not the day it was received.
CREATED = ("outgoing", "closed-outgoing")
DIRECTED_IN = ("incoming", "closed-incoming")


@dataclass(frozen=True)
class Heads:
    """The columns' names, in the table's head and on each cell for narrow screens."""

    other: str
    summary: str
    status: str
    deadline: str
    date: str


def heads(box: str) -> Heads:
    if box in CREATED:
        other, date = gettext("To"), gettext("Created on")
    elif box in DIRECTED_IN:
        other, date = gettext("From"), gettext("Date received")
    else:
        other = gettext("Other party")
        date = gettext("Received or created on") if box == "search" else gettext("Date received")
    return Heads(other, gettext("Summary"), gettext("Status"), gettext("Deadline"), date)


class Lines:
    """Renders the lines of one page of `box`, in the request's language."""

    def __init__(self, box: str, *, mixed: bool, texts: bool):
        self.box, self.mixed, self.texts = box, mixed, texts
        self.heads = heads(box)
        self.detail = reverse("cases:detail", args=[0]).removesuffix("0/")
        self.theirs, self.due = gettext("theirs"), gettext("due")
        self.directions = {
            True: pgettext("a case", "incoming"),
            False: pgettext("a case", "outgoing"),
        }
        self.dates: dict[dt.date, str] = {}  # a page's dates repeat: each formatted once
        self.news = render_to_string("cases/_news_mark.html")  # as the start page marks it

    def _date(self, day: dt.date | None) -> str:
        if day is None:
            return "—"
        if day not in self.dates:
            self.dates[day] = date_format(day, "SHORT_DATE_FORMAT")
        return self.dates[day]

    def render(self, case, clock) -> SafeString:
        h = self.heads
        return _html(
            "<tr>\n"
            '<td class="nowrap">{}</td>\n'
            '<td class="col-authority" data-label="{}">{}{}</td>\n'
            '<td class="col-summary" data-label="{}">{}</td>\n'
            '<td data-label="{}"><span class="badge badge-{}">{}</span></td>\n'
            '<td class="nowrap" data-label="{}">{}</td>\n'
            '<td class="col-date nowrap" data-label="{}">{}</td>\n'
            "</tr>\n",
            self._number(case),
            h.other,
            authority(case.other_authority),
            _html('<div class="sub">{}</div>', self.directions[case.side == Side.REQUESTED])
            if self.mixed
            else "",
            h.summary,
            self._summary(case),
            h.status,
            labels.STATE_TONES.get(case.status, "neutral"),
            labels.state_label(case.status),
            h.deadline,
            self._clock(case, clock),
            h.date,
            self._date(self._shown(case)),
        )

    def _number(self, case) -> SafeString:
        url = f"{self.detail}{case.pk}/"
        if case.number:
            parts = [_html('<a class="case-link" href="{}">{}</a>', url, case.number)]
            if case.their_number:
                parts.append(_html('<div class="sub">{} {}</div>', self.theirs, case.their_number))
        else:
            parts = [
                _html(
                    '<a class="case-link" href="{}">{}</a>',
                    url,
                    case.their_number or gettext("no number"),
                ),
                _html('<div class="sub">{}</div>', gettext("not yet registered")),
            ]
        if getattr(case, "news", False):  # since the officer last opened it (attention.py)
            parts.append(self.news)
        if case.kind == "spontaneous":
            parts.append(_html('<div class="sub tag">{}</div>', gettext("without request")))
        return mark_safe("\n".join(parts))  # noqa: S308 - each part built by _html

    def _summary(self, case) -> SafeString:
        if not self.texts:
            return _html('<span class="muted">{}</span>', gettext("hidden for your role"))
        text = case.summary or "—"
        return _html("{}", clipped(text, SUMMARY))

    def _clock(self, case, clock) -> SafeString:
        if clock.state == "none":
            return mark_safe('<span class="muted">—</span>')
        return _html(
            '<span class="clock clock-{}" title="{}">{}</span><div class="sub">{} {}</div>',
            clock.state,
            clock_text(clock),
            clock_short(clock),
            self.due,
            self._date(case.due_date),
        )

    def _shown(self, case) -> dt.date | None:
        created = self.box in CREATED or (self.box == "search" and case.side == Side.REQUESTER)
        return localtime(case.created_at).date() if created else case.received_on
