"""The reports page: the figures of one agreement for a period (Art. 10.3), as charts and tables,
and as CSV or XLSX (core.tables.download). Figures only: no personal data, no free text."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from migrex.agreements import dates
from migrex.agreements.selectors import profile_of
from migrex.cases import reports
from migrex.cases.reports import Figures, Report
from migrex.cases.reports_chart import Bar, bar_chart
from migrex.cases.workflow import Side
from migrex.core import tables
from migrex.core.forms import english
from migrex.core.templatetags.migrex_ui import authority
from migrex.core.web import officer_view

PRESETS = {
    "month": gettext_lazy("This month"),
    "quarter": gettext_lazy("Last quarter"),
    "year": gettext_lazy("This year"),
}
EXPORTS = ("figures", "deadlines")
FORMATS = tables.FORMATS
EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(2199, 12, 31)  # the period's dates stay dates
DIRECTIONS = {
    Side.REQUESTER: gettext_lazy("Outgoing requests"),
    Side.REQUESTED: gettext_lazy("Incoming requests"),
}
COUNTED = {  # the cohort's figure: what each direction counts in the period
    Side.REQUESTER: pgettext_lazy("report", "Sent"),
    Side.REQUESTED: pgettext_lazy("report", "Received"),
}
BUCKET_LABELS = {
    reports.OVERDUE: pgettext_lazy("report", "Overdue"),
    reports.DAYS_0_1: gettext_lazy("Due today or tomorrow"),
    reports.DAYS_2_5: gettext_lazy("2 to 5 days left"),
    reports.DAYS_6_10: gettext_lazy("6 to 10 days left"),
    reports.DAYS_11_PLUS: gettext_lazy("11 days or more left"),
    reports.POSTPONED: gettext_lazy("Postponed (Art. 10.2)"),
}
BUCKET_TONES = {
    reports.OVERDUE: "rc-overdue",
    reports.DAYS_0_1: "rc-soon",
    reports.DAYS_2_5: "rc-soon",
    reports.DAYS_6_10: "rc-nearing",
    reports.DAYS_11_PLUS: "rc-later",
    reports.POSTPONED: "rc-postponed",
}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self):
        super().__init__(format="%Y-%m-%d")  # the value a date input takes; it shows it localised


class ReportForm(forms.Form):
    """What the query string chooses: the agreement (by its name), the period (its dates, or a
    preset) and, for a download, the table and the format."""

    agreement = forms.TypedChoiceField(label=gettext_lazy("Agreement"), coerce=int)
    period = forms.ChoiceField(required=False, choices=[("", ""), *PRESETS.items()])
    export = forms.ChoiceField(required=False, choices=[("", ""), *((e, e) for e in EXPORTS)])
    format = forms.ChoiceField(required=False, choices=[("", ""), *((f, f) for f in FORMATS)])

    def __init__(self, *args, agreements, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        title = "title_en" if english() else "title_ru"
        self.fields["agreement"].choices = [(a.pk, getattr(a, title)) for a in agreements]
        # `from` and `to` are the names in the query string; Python keeps them out of a class body.
        self.fields["from"] = forms.DateField(
            label=gettext_lazy("Start of the period"), required=False, widget=DateInput()
        )
        self.fields["to"] = forms.DateField(
            label=gettext_lazy("End of the period"), required=False, widget=DateInput()
        )
        self.order_fields(["agreement", "from", "to"])

    def clean(self):
        data = super().clean()
        start, end = data.get("from"), data.get("to")
        if "from" in self.errors or "to" in self.errors:
            return data
        if start is None and end is None:
            start, end = preset(data.get("period") or "year", self.today)
        elif start is None or end is None:
            missing = "from" if start is None else "to"
            self.add_error(missing, _("Enter both dates of the period, or choose a period."))
            return data
        elif start > end:
            self.add_error("to", _("The end of the period is before its start."))
            return data
        for name, value in (("from", start), ("to", end)):
            if not EARLIEST <= value <= LATEST:
                self.add_error(name, _("Enter a date from 1900 to 2199."))
        if self.errors:
            return data
        data["from"], data["to"] = start, end
        if data.get("format") and not data.get("export"):
            data["export"] = "figures"
        return data


def preset(name: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """This month, the last full calendar quarter, or this year."""
    if name == "month":
        following = (today.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return today.replace(day=1), following - dt.timedelta(days=1)
    if name == "quarter":
        this_quarter = dt.date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
        end = this_quarter - dt.timedelta(days=1)
        return dt.date(end.year, (end.month - 1) // 3 * 3 + 1, 1), end
    return dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)


def _first_in_force(agreements, today: dt.date):
    """The agreement shown when none is asked for: the first in force today (Art. 17), not one
    merely signed that nobody exchanges under; the first of all when none is in force."""
    return next((a for a in agreements if dates.is_in_force(profile_of(a), today)), agreements[0])


@officer_view
def report_page(request):
    user = request.user
    if not reports.may_see(user):
        raise PermissionDenied
    today = timezone.localdate()
    agreements = list(reports.agreements_for(user))
    data = request.GET.copy()
    if agreements and not data.get("agreement"):
        data["agreement"] = str(_first_in_force(agreements, today).pk)
    form = ReportForm(data, agreements=agreements, today=today)
    context = {"form": form, "agreements": agreements}
    if not agreements or not form.is_valid():
        chosen = form.cleaned_data.get("agreement") if agreements else None
        context["presets"] = _presets(chosen or (agreements[0].pk if agreements else None), today)
        context["problems"] = _problems(form)
        return render(request, "cases/reports.html", context)
    chosen = form.cleaned_data
    agreement = next(a for a in agreements if a.pk == chosen["agreement"])
    found = reports.report(user, agreement, chosen["from"], chosen["to"], today)
    if chosen["format"]:
        return _download(found, chosen["export"], chosen["format"])
    shown = ReportForm(
        {"agreement": agreement.pk, "from": found.start, "to": found.end},
        agreements=agreements,
        today=today,
    )
    shown.is_valid()
    query = {"agreement": agreement.pk, "from": found.start, "to": found.end}
    context.update(
        form=shown,
        report=found,
        presets=_presets(agreement.pk, today, (found.start, found.end)),
        period=_period_text(found.start, found.end),
        today_text=date_format(today, "DATE_FORMAT"),
        sections=[_section(found, side) for side in Side],
        deadlines=_deadline_rows(found),
        deadline_charts=[
            {"title": DIRECTIONS[side], "chart": _deadline_chart(found, side)} for side in Side
        ],
        downloads=[
            {
                "label": f"{label}, {fmt.upper()}",
                "url": "?" + urlencode({**query, "export": export, "format": fmt}),
            }
            for export, label in (("figures", _("Figures")), ("deadlines", _("Deadlines")))
            for fmt in tables.FORMATS
        ],
    )
    return render(request, "cases/reports.html", context)


def _presets(agreement: int | None, today: dt.date, shown=None) -> list[dict]:
    if agreement is None:
        return []
    return [
        {
            "label": label,
            "url": "?" + urlencode({"agreement": agreement, "period": name}),
            "active": preset(name, today) == shown,
        }
        for name, label in PRESETS.items()
    ]


def _problems(form: ReportForm) -> list[dict]:
    """Each error with the field it is about, to link to from the top of the page."""
    return [
        {
            "where": form.fields[name].label if name in form.fields else "",
            "anchor": f"id_{name}" if name in form.fields else "",
            "message": message,
        }
        for name, messages in form.errors.items()
        for message in messages
    ]


# --- formatting: numbers and dates as a Russian reader writes them ----------------------------


def _n(value: int) -> str:
    return number_format(value, force_grouping=True)


def _days(value) -> str:
    if value is None:
        return "—"
    return number_format(value, decimal_pos=0 if value == int(value) else 1)


def _percent(value) -> str:
    return "—" if value is None else f"{number_format(value, decimal_pos=1)}\u00a0%"


def _period_text(start: dt.date, end: dt.date) -> str:
    return _("from %(start)s to %(end)s") % {
        "start": date_format(start, "DATE_FORMAT"),
        "end": date_format(end, "DATE_FORMAT"),
    }


# --- the figures: a chart and a table per direction -------------------------------------------


def _columns(side: Side) -> list[str]:
    return [
        str(COUNTED[side]),
        str(pgettext_lazy("report", "Answered")),
        str(pgettext_lazy("report", "Refused")),
        _("Not closed"),
        str(BUCKET_LABELS[reports.OVERDUE]),
        _("Median days to reply"),
        _("Replied within 30 days"),
    ]


def _cells(side: Side, figures: Figures) -> list[tuple[str, str]]:
    """(column, value) pairs: the value, and the label a narrow screen shows beside it."""
    values = [
        _n(figures.requests),
        _n(figures.answered),
        _n(figures.refused),
        _n(figures.open),
        _n(figures.overdue),
        _days(figures.median_days),
        _percent(figures.in_time_percent),
    ]
    return list(zip(_columns(side), values, strict=True))


def _section(found: Report, side: Side) -> dict:
    total = found.totals[side]
    counted = str(COUNTED[side])
    bars = [
        Bar(counted, total.requests, _n(total.requests), "rc-total"),
        Bar(
            str(pgettext_lazy("report", "Answered")),
            total.answered,
            _n(total.answered),
            "rc-answered",
        ),
        Bar(
            str(pgettext_lazy("report", "Refused")), total.refused, _n(total.refused), "rc-refused"
        ),
        Bar(str(BUCKET_LABELS[reports.OVERDUE]), total.overdue, _n(total.overdue), "rc-overdue"),
        Bar(_("Replied within 30 days"), total.in_time, _n(total.in_time), "rc-in-time"),
    ]
    title = f"{DIRECTIONS[side]}, {_period_text(found.start, found.end)}"
    desc = (
        "; ".join(f"{bar.label}: {bar.text}" for bar in bars)
        + ". "
        + _("Median days to reply: %(median)s; replied within 30 days: %(share)s.")
        % {"median": _days(total.median_days), "share": _percent(total.in_time_percent)}
    )
    lines = [line for line in found.lines if line.side == side]
    return {
        "side": side.value,
        "title": DIRECTIONS[side],
        "columns": _columns(side),
        # Safe: reports_chart escapes every text it writes into the SVG.
        "chart": mark_safe(  # noqa: S308
            bar_chart(chart_id=f"chart-{side.value}", title=title, desc=desc, bars=bars)
        ),
        "rows": [
            {
                "ours": authority(line.ours),
                "theirs": authority(line.theirs),
                "cells": _cells(side, line.figures),
            }
            for line in lines
        ],
        "total": _cells(side, total),
    }


def _deadline_rows(found: Report) -> list[dict]:
    return [
        {
            "label": BUCKET_LABELS[bucket],
            "bucket": bucket,
            "cells": [_n(found.deadlines[side][bucket]) for side in Side],
        }
        for bucket in reports.BUCKETS
    ]


def _deadline_chart(found: Report, side: Side) -> str:
    counts = found.deadlines[side]
    bars = [
        Bar(str(BUCKET_LABELS[b]), counts[b], _n(counts[b]), BUCKET_TONES[b])
        for b in reports.BUCKETS
    ]
    title = _("%(direction)s not yet closed, by days left to the deadline, on %(day)s") % {
        "direction": DIRECTIONS[side],
        "day": date_format(found.today, "DATE_FORMAT"),
    }
    desc = "; ".join(f"{bar.label}: {bar.text}" for bar in bars) + "."
    chart = bar_chart(chart_id=f"deadlines-{side.value}", title=title, desc=desc, bars=bars)
    return mark_safe(chart)  # noqa: S308 - reports_chart escapes every text it writes


# --- downloads --------------------------------------------------------------------------------


def _download(found: Report, export: str, fmt: str):
    period = f"{found.start:%d.%m.%Y}-{found.end:%d.%m.%Y}"
    if export == "deadlines":
        headers = [_("Days left to the deadline"), *(str(DIRECTIONS[s]) for s in Side)]
        rows = [
            [str(BUCKET_LABELS[b]), *(found.deadlines[s][b] for s in Side)] for b in reports.BUCKETS
        ]
        return tables.download(f"sroki_{found.today:%d.%m.%Y}", fmt, headers, rows, _("Deadlines"))
    headers = [
        _("Direction"),
        _("Our authority"),
        _("Authority of the other party"),
        str(COUNTED[Side.REQUESTER]),
        str(COUNTED[Side.REQUESTED]),
        str(pgettext_lazy("report", "Answered")),
        str(pgettext_lazy("report", "Refused")),
        _("Not closed"),
        str(BUCKET_LABELS[reports.OVERDUE]),
        _("Median days to reply"),
        _("Replied within 30 days, %"),
        _("Start of the period"),
        _("End of the period"),
    ]
    rows = []
    for side in Side:
        rows.extend(
            _export_row(found, side, authority(line.ours), authority(line.theirs), line.figures)
            for line in found.lines
            if line.side == side
        )
        rows.append(_export_row(found, side, _("Total"), "", found.totals[side]))
    return tables.download(f"zaprosy_{period}", fmt, headers, rows, _("Figures"))


def _export_row(found: Report, side: Side, ours: str, theirs: str, f: Figures) -> list:
    sent, received = (f.requests, None) if side == Side.REQUESTER else (None, f.requests)
    median = f.median_days
    return [
        str(DIRECTIONS[side]),
        ours,
        theirs,
        sent,
        received,
        f.answered,
        f.refused,
        f.open,
        f.overdue,
        None if median is None else (int(median) if median == int(median) else float(median)),
        None if f.in_time_percent is None else float(f.in_time_percent),
        found.start,
        found.end,
    ]
