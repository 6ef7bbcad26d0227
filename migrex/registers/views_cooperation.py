"""The register of cooperation (Art. 7, 15): a list, a month calendar, a form."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS, WEEKDAYS_ABBR
from django.utils.translation import gettext as _

from migrex.core.errors import Invalid
from migrex.core.web import officer_view
from migrex.registers import cooperation, monthgrid
from migrex.registers.forms import CooperationForm
from migrex.registers.models import CooperationEvent
from migrex.registers.permissions import may_read, may_record
from migrex.registers.views_legislation import show_errors


@officer_view
def index(request):
    if not may_read(request.user):
        raise PermissionDenied
    events = CooperationEvent.objects.select_related("agreement").prefetch_related("authorities")
    kind = request.GET.get("kind", "")
    if kind in cooperation.ARTICLES:
        events = events.filter(kind=kind)
    return render(
        request,
        "registers/cooperation.html",
        {
            "events": events.order_by("-starts_on", "-pk")[:300],
            "kinds": CooperationEvent.Kind.choices,
            "kind": kind,
            "articles": cooperation.ARTICLES,
            "may_record": may_record(request.user),
        },
    )


@officer_view
def calendar(request):
    if not may_read(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    asked = request.GET.get("month", "")
    month = monthgrid.parse_month(asked) if asked else monthgrid.Month(today.year, today.month)
    if month is None:
        messages.error(
            request,
            _("“%(value)s” is not a month: give it as YYYY-MM, e.g. %(example)s.")
            % {"value": asked[:20], "example": f"{today:%Y-%m}"},
        )
        month = monthgrid.Month(today.year, today.month)
    events = cooperation.between(month.first, month.last)
    return render(
        request,
        "registers/calendar.html",
        {
            "month": month,
            "month_name": MONTHS[month.month],
            "weekdays": [WEEKDAYS_ABBR[i] for i in range(7)],
            "weeks": monthgrid.weeks(month, events),
            "today": today,
            "articles": cooperation.ARTICLES,
        },
    )


@officer_view
def new(request):
    user = request.user
    if not may_record(user):
        raise PermissionDenied
    form = CooperationForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            event = cooperation.record_event(
                actor=user,
                agreement=data["agreement"],
                kind=data["kind"],
                title=data["title"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                place=data["place"],
                authorities=list(data["authorities"]),
                people=data["people"].splitlines(),
                outcomes=data["outcomes"],
            )
        except Invalid as exc:
            show_errors(request, form, exc)
        else:
            messages.success(request, _("The activity is added to the register."))
            return redirect(f"{reverse('registers:calendar')}?month={event.starts_on:%Y-%m}")
    return render(request, "registers/cooperation_new.html", {"form": form})
