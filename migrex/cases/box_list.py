"""The cases of a list page (a box, the search), for Django's Paginator: its count and its
pages, each query's SQL compiled once per officer, list, criteria, day and page
(core/prepared.py), and run anew on every page. Building a list's queryset (its criteria, and
each case's news since the officer last opened it: nested subqueries) and compiling it cost the
web process about twice the CPU the database spends answering it.

A first page holding fewer cases than a page can is its own count: no count is asked then.
A search by number or text reads every case's numbers and texts: however many match, counting
them means reading them all. It is counted up to CAP: the officer is told there are more, and
shown the first CAP, newest first, to narrow down from. Every other criterion is counted in
full, from indexes."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import QuerySet

from migrex.cases import attention, search, selectors
from migrex.cases.models import Case
from migrex.core import prepared

CAP = 1000  # matches of a search by number or text counted (the pages shown: CAP / 50)


class Listed:
    def __init__(
        self, user, box, form: search.CaseFilterForm, cases: QuerySet[Case], today, *, first: int
    ):
        """`first`: the size of a page when the first page is asked for, else 0."""
        criteria = tuple(sorted(form.cleaned_data.items()))  # text, dates and choices
        self.key = ("list", *selectors.officer(user), box, today, form.texts, criteria)
        self.text = bool((form.cleaned_data.get("q") or "").strip())
        self.capped = False  # more matches than CAP (count tells)
        self.first, self.shown = first, None  # the first page, once read
        self.build: Callable[[], QuerySet[Case]] = lambda: attention.with_news(
            user, search.apply(cases.select_related(None), form, today)
        )

    def count(self) -> int:
        if self.first:
            self.shown = self[0 : self.first]
            if len(self.shown) < self.first:
                return len(self.shown)
        if not self.text:
            return prepared.counts(self.key, lambda: [self.build()])[0]
        found = prepared.counts((*self.key, CAP), lambda: [self.build()[: CAP + 1]])[0]
        self.capped = found > CAP
        return min(found, CAP)

    def __getitem__(self, part: slice) -> list[Case]:
        if self.shown is not None and part.start == 0 and part.stop <= self.first:
            return self.shown[: part.stop]  # Paginator cuts a last page to the count
        page = (*self.key, part.start, part.stop)
        return selectors.with_authorities(prepared.objects(Case, page, lambda: self.build()[part]))
