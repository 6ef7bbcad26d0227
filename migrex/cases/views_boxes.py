"""The officer's boxes: incoming, outgoing, due within 5 days, overdue, closed."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from migrex.accounts import access
from migrex.accounts.access import Channel, Data
from migrex.cases import attention, labels, selectors
from migrex.cases.templatetags.cases_ui import clock_short, clock_text
from migrex.core.templatetags.migrex_ui import authority
from migrex.core.web import officer_view

PAGE_SIZE = 50

TITLES = {
    "incoming": _("Incoming"),
    "outgoing": _("Outgoing"),
    "due-soon": _("Due soon"),
    "overdue": _("Overdue"),
    "closed": _("Closed"),
}
HINTS = {
    "incoming": _("Requests and information from the other party that are still open."),
    "outgoing": _("Your authority's requests and information, from draft until answered."),
    "due-soon": _("Requests whose 30-day period ends within %(days)s days (Art. 10.3)."),
    "overdue": _("Requests whose 30-day period has passed (Art. 10.3)."),
    "closed": _("Answered, refused, withdrawn, delivered and discarded."),
}


class BoxConverter:
    regex = "|".join(selectors.BOXES)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


@officer_view
def box(request, name: str):
    today = timezone.localdate()
    cases = attention.with_news(request.user, selectors.box(request.user, name, today))
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    texts = access.allows(request.user, Data.TEXT, Channel.PAGE)
    rows = [_row(case, selectors.clock(case, today), name, texts) for case in page.object_list]
    return render(
        request,
        "cases/box.html",
        {
            "box": name,
            "title": TITLES[name],
            "hint": str(HINTS[name]) % {"days": selectors.DUE_SOON_DAYS},
            "page": page,
            "rows": rows,
            "today": today,
            "texts": texts,
        },
    )


def _row(case, clock, box: str, texts: bool) -> dict:
    """One line of a box, every value ready to print: the template then only places them (50
    lines of filters and lookups cost more than the rest of the page)."""
    shown = timezone.localtime(case.created_at).date() if box == "outgoing" else case.received_on
    return {
        "url": reverse("cases:detail", args=[case.pk]),
        "number": case.number,
        "their_number": case.their_number,
        "news": getattr(case, "news", False),  # since the officer last opened it (attention.py)
        "spontaneous": case.kind == "spontaneous",
        "authority": authority(case.other_authority),
        "summary": Truncator(case.summary or "—").chars(140) if texts else None,
        "tone": labels.STATE_TONES.get(case.status, "neutral"),
        "state": labels.state_label(case.status),
        "clock": None
        if clock.state == "none"
        else {
            "state": clock.state,
            "text": clock_text(clock),
            "short": clock_short(clock),
            "due": date_format(case.due_date, "SHORT_DATE_FORMAT"),
        },
        "date": date_format(shown, "SHORT_DATE_FORMAT") if shown else "—",
    }
