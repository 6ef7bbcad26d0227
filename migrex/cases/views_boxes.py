"""The officer's boxes: incoming, outgoing, due within 5 days, overdue, closed."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from migrex.accounts import access
from migrex.accounts.access import Channel, Data
from migrex.cases import selectors
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
    cases = selectors.box(request.user, name, today)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(case, selectors.clock(case, today)) for case in page.object_list]
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
            "texts": access.allows(request.user, Data.TEXT, Channel.PAGE),
        },
    )
