"""The officer's boxes (incoming, outgoing, due within 5 days, overdue, closed incoming and closed
outgoing) and the search across every case of the authority: one list each, with filters and sort
in the query string (cases/search.py), pages of 50, and the export of the whole list as CSV or
XLSX (core/tables.py)."""

from __future__ import annotations

import datetime as dt

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from migrex.cases import attention, box_list, box_rows, search, selectors
from migrex.core import tables
from migrex.core.web import officer_view

PAGE_SIZE = 50

TITLES = {
    "incoming": _("Incoming"),
    "outgoing": _("Outgoing"),
    "due-soon": _("Due soon"),
    "overdue": _("Overdue"),
    "closed-incoming": _("Closed incoming"),
    "closed-outgoing": _("Closed outgoing"),
}
HINTS = {
    "incoming": _("Requests and information from the other party that are still open."),
    "outgoing": _("Your authority's requests and information, from draft until answered."),
    "due-soon": _("Requests whose 30-day period ends within %(days)s days (Art. 10.3)."),
    "overdue": _("Requests whose 30-day period has passed (Art. 10.3)."),
    "closed-incoming": _(
        "Requests and information from the other party: answered, refused, withdrawn by it, "
        "or acknowledged."
    ),
    "closed-outgoing": _(
        "Your authority's requests and information: answered, refused, withdrawn, delivered, "
        "and drafts discarded."
    ),
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
    hint = str(HINTS[name]) % {"days": selectors.DUE_SOON_DAYS}
    cases = selectors.box(request.user, name, today)
    return _list(request, cases, today, box=name, title=TITLES[name], hint=hint)


@officer_view
def search_cases(request):
    """Every case of the authority, found by number, text, person, state and dates."""
    today = timezone.localdate()
    cases = selectors.visible_cases(request.user).select_related(
        "requesting_authority", "requested_authority"
    )
    hint = gettext(
        "Among every case of your authority, open and closed, incoming and outgoing: by our "
        "number, the other party's number, the text of the request, a person, the status and "
        "the dates."
    )
    return _list(request, cases, today, box="search", title=_("Find a case"), hint=hint)


def _list(request, cases, today: dt.date, *, box: str, title, hint: str):
    searching = box == "search"
    form = search.CaseFilterForm(request.GET, user=request.user, box=None if searching else box)
    waiting = searching and not form.given  # the search page before anything is asked
    problems = form.problems()
    fmt = request.GET.get("export")
    if fmt in tables.FORMATS and not waiting:
        headers, rows = search.table(search.apply(cases, form, today), form.texts)
        name = f"{'cases' if searching else box}-{today:%Y-%m-%d}"
        return tables.download(name, fmt, headers, rows, title=str(title))
    if fmt and fmt not in tables.FORMATS:
        problems.append(gettext("A list is exported as CSV or XLSX."))
    first = PAGE_SIZE if request.GET.get("page") in (None, "", "1") else 0
    listed = [] if waiting else box_list.Listed(request.user, box, form, cases, today, first=first)
    paginator = Paginator(listed, PAGE_SIZE)
    if box in selectors.BOXES and not form.given:
        # The box as the navigation counts it (one grouped query for every box): not counted
        # again. Paginator.count is a cached_property, so the value given is the one it keeps.
        paginator.count = attention.counts(request, today)[0][box]
    page, note = _page(paginator, request.GET.get("page"))
    if note:
        problems.append(note)
    texts = form.texts
    lines = box_rows.Lines(box, mixed=box not in search.DIRECTED, texts=texts)
    rows = [lines.render(case, selectors.clock(case, today)) for case in page.object_list]
    params = request.GET.copy()
    for key in ("page", "export"):
        params.pop(key, None)
    query = params.urlencode()
    return render(
        request,
        "cases/box.html",
        {
            "box": box,
            "title": title,
            "hint": hint,
            "page": page,
            "rows": rows,
            "lines": mark_safe("".join(rows)),  # noqa: S308 - each line built by format_html
            "heads": lines.heads,
            "today": today,
            "texts": texts,
            "form": form,
            "controls": form.controls(),
            "problems": problems,
            "capped": getattr(listed, "capped", False),
            "searching": searching,
            "waiting": waiting,
            "query": query + "&" if query else "",
        },
    )


def _page(paginator: Paginator, asked: str | None):
    """The page asked for, or the nearest there is with a note why (never an error page)."""
    if not asked:
        return paginator.page(1), None
    try:
        number = int(asked)
    except ValueError:  # not a number, or thousands of digits
        return paginator.page(1), gettext("The page number is not a number: page 1 is shown.")
    if number < 1:
        return paginator.page(1), gettext("There is no such page: page 1 is shown.")
    if number > paginator.num_pages:
        last = paginator.num_pages
        note = gettext("There is no such page: the last page (%(n)s) is shown.") % {"n": last}
        return paginator.page(last), note
    return paginator.page(number), None
