"""The auditors' pages (role `auditor`): the audit log with filters, and everything recorded
about one subject — for a person, everyone who ever read their data, when and for which case."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from migrex.accounts.models import User
from migrex.accounts.roles import AUDITOR
from migrex.audit import details, subjects
from migrex.audit.actions import LABELS, Action, label
from migrex.audit.models import AuditEntry
from migrex.core.web import officer_view

PAGE_SIZE = 50

VIA = {
    "ui": _("web interface"),
    "api": _("API"),
    # downloads (cases/downloads.py, persons/views.py export): the door, then the channel
    "ui-pdf": _("web interface, PDF document"),
    "api-pdf": _("API, PDF document"),
    "ui-attachment": _("web interface, attached file"),
    "api-attachment": _("API, attached file"),
    "ui-export": _("web interface, CSV export"),
}


def is_auditor(user) -> bool:
    return user.is_authenticated and user.has_role(AUDITOR)


def auditor_view(view: Callable) -> Callable:
    """Logged in, never cached (officer_view), and only for auditors: anyone else gets 403,
    which the audit middleware records as `access.denied`."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_auditor(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return officer_view(wrapped)


class Filters(forms.Form):
    action = forms.CharField(
        label=_("Action"),
        required=False,
        max_length=64,
        help_text=_("exact, or a prefix ending in a dot: message."),
    )
    actor = forms.CharField(label=_("Who"), required=False, max_length=300)
    subject = forms.CharField(label=_("Subject contains"), required=False, max_length=300)
    date_from = forms.DateField(
        label=pgettext_lazy("date range", "From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        label=pgettext_lazy("date range", "To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def apply(self, entries: QuerySet) -> QuerySet:
        if not self.is_valid():
            return entries
        data = self.cleaned_data
        action = data["action"].strip()
        if action.endswith((".", "*")):
            entries = entries.filter(action__startswith=action.rstrip("*"))
        elif action:
            entries = entries.filter(action=action)
        if data["actor"].strip():
            entries = entries.filter(actor=data["actor"].strip())
        if data["subject"].strip():
            entries = entries.filter(subject__icontains=data["subject"].strip())
        if data["date_from"]:
            entries = entries.filter(at__gte=_start_of(data["date_from"]))
        if data["date_to"]:
            entries = entries.filter(at__lt=_start_of(data["date_to"] + dt.timedelta(days=1)))
        return entries


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


@dataclass
class Page:
    """A page of entries, newest first, by number (keyset): as fast on entry 1 as on entry
    10,000,000, without counting the whole table."""

    rows: list
    newer: str | None  # query strings of the neighbouring pages
    older: str | None
    newest: str | None

    @property
    def top(self) -> int | None:
        return self.rows[0].seq if self.rows else None

    @property
    def bottom(self) -> int | None:
        return self.rows[-1].seq if self.rows else None


def _page(entries: QuerySet, params, base: dict) -> Page:
    def link(**extra) -> str:
        return "?" + urlencode({**base, **extra})

    before, after = _int(params.get("before")), _int(params.get("after"))
    if after is not None:
        rows = list(entries.filter(seq__gt=after).order_by("seq")[: PAGE_SIZE + 1])
        more_newer = len(rows) > PAGE_SIZE
        rows = rows[:PAGE_SIZE][::-1]
        more_older = bool(rows) and entries.filter(seq__lt=rows[-1].seq).exists()
    else:
        chosen = entries if before is None else entries.filter(seq__lt=before)
        rows = list(chosen.order_by("-seq")[: PAGE_SIZE + 1])
        more_older = len(rows) > PAGE_SIZE
        rows = rows[:PAGE_SIZE]
        more_newer = (
            before is not None and bool(rows) and entries.filter(seq__gt=rows[0].seq).exists()
        )
    return Page(
        rows=rows,
        newer=link(after=rows[0].seq) if rows and more_newer else None,
        older=link(before=rows[-1].seq) if rows and more_older else None,
        newest=link() if (before is not None or after is not None) else None,
    )


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@dataclass
class Row:
    entry: AuditEntry
    label: str
    who: str  # the officer's name, when the actor is a user of this node
    case: subjects.Link | None = None  # the case of a read of personal data
    details: list[tuple[details.Shown, details.Shown]] = field(default_factory=list)
    subject: details.Shown | None = None


def _rows(entries: list[AuditEntry]) -> list[Row]:
    actors = {e.actor for e in entries if e.actor}
    names = {
        u.username: str(u) for u in User.objects.filter(username__in=actors).only(*_NAME_FIELDS)
    }
    cases = subjects.cases({_case_of(e) for e in entries} - {None})
    known = details.names()
    rows = []
    for e in entries:
        case_pk = _case_of(e)
        name = names.get(e.actor, "")
        rows.append(
            Row(
                entry=e,
                label=label(e.action),
                who=name if name != e.actor else "",
                case=cases.get(case_pk) if case_pk else None,
                details=_details(e, known),
                subject=details.subject(e.subject) if e.subject else None,
            )
        )
    return rows


_NAME_FIELDS = ("username", "last_name", "first_name", "patronymic")


def _case_of(entry: AuditEntry) -> int | None:
    if not isinstance(entry.detail, dict):
        return None
    value = entry.detail.get("case")
    return value if isinstance(value, int) else None


def _details(entry: AuditEntry, known: dict[str, str]) -> list[tuple[details.Shown, details.Shown]]:
    """The detail as label/value pairs; for reads of personal data the case is shown apart."""
    if not isinstance(entry.detail, dict):
        return [(details.Shown(""), details.value(entry.detail, known))]
    out = []
    for key, value in entry.detail.items():
        if entry.action == Action.PERSONAL_DATA_READ and key == "case":
            continue
        if key == "via":
            value = str(VIA.get(value, value))
        if value is None or value == "" or value == []:
            continue
        label, shown = details.detail(key, value, known)
        text = shown.text
        if len(text) > 40 and " " not in text:  # a digest or a key id: its start is enough
            shown = details.Shown(text[:16] + "…", shown.code or text)
        out.append((label, shown))
    return out


@auditor_view
def log(request):
    filters = Filters(request.GET or None)
    entries = filters.apply(AuditEntry.objects.all())
    base = {k: v for k, v in request.GET.items() if k in Filters.base_fields and v}
    page = _page(entries, request.GET, base)
    return render(
        request,
        "audit/log.html",
        {
            "filters": filters,
            "page": page,
            "rows": _rows(page.rows),
            "actions": sorted((str(a), str(t)) for a, t in LABELS.items()),
            "filtered": bool(base),
        },
    )


@dataclass
class Reader:
    actor: str
    who: str
    reads: int
    first: dt.datetime
    last: dt.datetime
    cases: list[dict]
    via: list[str]


def _readers(subject: str) -> list[Reader]:
    """Everyone who read the personal data `subject` names: how often, first and last, for which
    cases and through what."""
    reads = AuditEntry.objects.filter(
        subject=subject, action=Action.PERSONAL_DATA_READ
    ).values_list("actor", "at", "detail")
    by_actor: dict[str, dict] = {}
    for actor, at, detail in reads.iterator(chunk_size=2000):
        detail = detail if isinstance(detail, dict) else {}
        r = by_actor.setdefault(actor, {"n": 0, "first": at, "last": at, "cases": [], "via": []})
        r["n"] += 1
        r["first"], r["last"] = min(r["first"], at), max(r["last"], at)
        case = detail.get("case")
        if isinstance(case, int) and case not in r["cases"]:
            r["cases"].append(case)
        via = detail.get("via")
        if via and via not in r["via"]:
            r["via"].append(via)
    names = {
        u.username: str(u)
        for u in User.objects.filter(username__in=list(by_actor)).only(*_NAME_FIELDS)
    }
    cases = subjects.cases({c for r in by_actor.values() for c in r["cases"]})
    readers = [
        Reader(
            actor=actor,
            who=names.get(actor, "") if names.get(actor, "") != actor else "",
            reads=r["n"],
            first=r["first"],
            last=r["last"],
            cases=[cases[c] for c in r["cases"] if c in cases],
            via=[str(VIA.get(v, v)) for v in r["via"]],
        )
        for actor, r in by_actor.items()
    ]
    return sorted(readers, key=lambda r: r.last, reverse=True)


@auditor_view
def subject(request, subject: str):
    entries = AuditEntry.objects.filter(subject=subject)
    page = _page(entries, request.GET, {})
    return render(
        request,
        "audit/subject.html",
        {
            "subject": subject,
            "shown": details.subject(subject),
            "description": subjects.describe(subject),
            "readers": _readers(subject),
            "page": page,
            "rows": _rows(page.rows),
            "total": entries.count(),
        },
    )
