"""Finding cases: the filters and sort of every list and of the search page, read from the query
string (so a list can be bookmarked), and what a list exports.

A criterion the query string gets wrong (a date that is no date, a state that does not exist) is
named to the officer and left out; the others still apply, and nothing answers 500.

- `q`: our registration number, the other party's number, and, unless it is a number itself,
  for the roles that may read the free texts of a case (accounts/access.py, Data.TEXT), its
  summary, purpose, justification and other information. SQLite's LIKE folds only ASCII letters,
  so a text is also tried lower-case and capitalised: «проверка» finds «Проверка сведений».
- `person`: a name, surname first or not, in any script and spelling, matched through the same
  folding keys the person search uses (persons/search.py: the persons of the authority's own
  cases). Only for the roles that see personal data; never for an auditor (Art. 11.4).
- `state`, `agreement` (chosen by its name), `direction`, `deadline` (the band of the 30-day
  period, Art. 10.3), `date_from`/`date_to` (the day the case was created on this node: for an
  incoming case, the day it arrived), `sort`.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.db import connection
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from migrex.accounts.access import Channel, Data, allows
from migrex.accounts.roles import sees_personal_data
from migrex.agreements.selectors import directory
from migrex.cases import labels, selectors
from migrex.cases.models import Case
from migrex.cases.workflow import Side
from migrex.core.forms import bi
from migrex.core.templatetags.migrex_ui import authority
from migrex.matching.translit import fold, skeleton
from migrex.persons.models import SearchEntry

MAX_QUERY = 200
TEXTS = ("summary", "purpose", "justification", "other_information")
DIRECTIONS = (
    ("incoming", pgettext_lazy("cases", "Incoming")),
    ("outgoing", pgettext_lazy("cases", "Outgoing")),
)
BANDS = (
    ("overdue", gettext_lazy("Overdue")),
    ("due-soon", gettext_lazy("Ends within 5 days")),
    ("later", gettext_lazy("More than 5 days left")),
)
SORTS = {
    "new": (gettext_lazy("Newest first"), ("-created_at", "-pk")),
    "old": (gettext_lazy("Oldest first"), ("created_at", "pk")),
    "due": (gettext_lazy("By deadline"), (F("due_date").asc(nulls_last=True), "-created_at")),
    "number": (gettext_lazy("By number"), ("number", "pk")),
}
CRITERIA = ("q", "person", "state", "agreement", "direction", "deadline", "date_from", "date_to")
# Boxes whose direction, or whose running deadline, is given: the filter would say nothing.
DIRECTED = ("incoming", "outgoing", "closed-incoming", "closed-outgoing")
NO_DEADLINE = ("closed-incoming", "closed-outgoing")


def _date(label) -> forms.DateField:
    return forms.DateField(
        label=label, required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class CaseFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Number or text"), required=False, max_length=MAX_QUERY)
    person = forms.CharField(
        label=gettext_lazy("Person (surname, given name)"), required=False, max_length=MAX_QUERY
    )
    state = forms.ChoiceField(label=gettext_lazy("Status"), required=False)
    agreement = forms.ChoiceField(label=gettext_lazy("Agreement"), required=False)
    direction = forms.ChoiceField(label=gettext_lazy("Direction"), required=False)
    deadline = forms.ChoiceField(label=gettext_lazy("Deadline (Art. 10.3)"), required=False)
    date_from = _date(gettext_lazy("Date from"))
    date_to = _date(gettext_lazy("Date to"))
    sort = forms.ChoiceField(label=gettext_lazy("Order"), required=False)

    def __init__(self, data, *, user, box: str | None = None):
        super().__init__(data)
        self.user = user
        self.texts = allows(user, Data.TEXT, Channel.PAGE)
        anything = [("", _("any"))]
        self.fields["state"].choices = anything + [(s, str(n)) for s, n in labels.STATES.items()]
        self.fields["agreement"].choices = anything + agreement_choices(user)
        self.fields["direction"].choices = anything + list(DIRECTIONS)
        self.fields["deadline"].choices = anything + list(BANDS)
        default = _("default order") if box else str(SORTS["new"][0])
        self.fields["sort"].choices = [("", default)] + [(k, v[0]) for k, v in SORTS.items()]
        if not self.texts:
            self.fields["q"].label = _("Number")
        self.person_refused = False
        if not sees_personal_data(user):
            del self.fields["person"]
            self.person_refused = bool((data or {}).get("person", "").strip())
        if box in DIRECTED:
            del self.fields["direction"]
        if box in NO_DEADLINE:
            del self.fields["deadline"]
        self.full_clean()  # cleaned_data holds the valid criteria, errors the others

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the period is before its start."))
        return data

    @property
    def given(self) -> bool:
        """Any criterion given (sort alone is none)."""
        return any(self.cleaned_data.get(name) for name in CRITERIA)

    @property
    def active(self) -> bool:
        """Any field of the form filled, valid or not: the filters are shown open."""
        return any(self.data.get(name) for name in self.fields if name != "q") or bool(self.errors)

    def controls(self) -> list[dict]:
        """The fields ready to print: a page renders them in a plain loop, not through Django's
        widget templates (a dozen selects of options cost more than the rest of a list)."""
        out = []
        for name, field in self.fields.items():
            raw = str(self.data.get(name, "")).strip()
            control = {"name": name, "id": f"id_{name}", "label": field.label, "value": raw}
            control["errors"] = self.errors.get(name, [])
            if isinstance(field, forms.ChoiceField):
                control["options"] = format_html_join(
                    "",
                    '<option value="{}"{}>{}</option>',
                    (
                        (v, mark_safe(" selected") if str(v) == raw else "", label)
                        for v, label in field.choices
                    ),
                )
            elif isinstance(field, forms.DateField):
                day = self.cleaned_data.get(name)
                control.update(type="date", value=day.isoformat() if day else raw)
            else:
                control.update(type="search" if name == "q" else "text", maxlength=MAX_QUERY)
            out.append(control)
        return out

    def problems(self) -> list[str]:
        """What the officer asked that cannot apply, each naming its field."""
        found = [
            f"{self.fields[name].label}: {' '.join(errors)}"
            for name, errors in self.errors.items()
            if name in self.fields
        ]
        if self.person_refused:
            found.append(_("Search by person is not available to your role (Art. 11.4)."))
        return found


def agreement_choices(user) -> list[tuple[str, str]]:
    """The agreements of the user's authority, by their name (reference data, no query)."""
    if user.authority_id is None:
        return []
    return sorted(
        (terms.agreement.code, bi(terms.profile.title))
        for terms in directory().agreements.values()
        if any(a.pk == user.authority_id for a in terms.authorities.values())
    )


def apply(cases: QuerySet[Case], form: CaseFilterForm, today: dt.date) -> QuerySet[Case]:
    """`cases` narrowed by the valid criteria of `form`, in its order."""
    data = form.cleaned_data
    if text := (data.get("q") or "").strip():
        cases = cases.filter(_text(text, form.texts))
    if (person := (data.get("person") or "").strip()) and "person" in form.fields:
        cases = cases.filter(_person(form.user.authority_id, person))
    if data.get("state"):
        cases = cases.filter(status=data["state"])
    if data.get("agreement"):
        cases = cases.filter(agreement__code=data["agreement"])
    if data.get("direction"):
        side = Side.REQUESTED if data["direction"] == "incoming" else Side.REQUESTER
        cases = cases.filter(side=side)
    if data.get("deadline"):
        cases = selectors.deadline_band(cases, data["deadline"], today)
    if start := data.get("date_from"):
        cases = cases.filter(created_at__gte=_midnight(start))
    if end := data.get("date_to"):
        cases = cases.filter(created_at__lt=_midnight(end + dt.timedelta(days=1)))
    if sort := data.get("sort"):
        cases = cases.order_by(*SORTS[sort][1])
    return cases


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def _spellings(text: str) -> set[str]:
    if connection.vendor != "sqlite" or text.isascii():  # SQLite's LIKE folds ASCII itself
        return {text}
    return {text, text.lower(), text.capitalize()}  # as typed, as in a sentence, as it begins one


def _text(text: str, texts: bool) -> Q:
    """A number (a word with a digit: «KZ-MVD-2026-000123», «000123», «17/2026») is looked for
    among the numbers only; anything else among the numbers and, for the roles that may read
    them, the texts. Each text column is read whole, so the long ones are read only when a
    word is asked."""
    number = any(c.isdigit() for c in text) and not any(c.isspace() for c in text)
    columns = ("number", "their_number", *(TEXTS if texts and not number else ()))
    found = Q()
    for spelling in _spellings(text):
        for column in columns:
            found |= Q(**{f"{column}__icontains": spelling})
    return found


def _person(authority_id: int, text: str) -> Q:
    """Cases of the authority with a person of that name: surname, and given name if two words
    are given, in either order, by the folding key or, for spellings made by ear, its
    skeleton. Two lookups, each along its own index of the search entries."""
    words = fold(text).split()[:3]
    if not words:
        return Q(pk__in=[])
    keys = [skeleton(w) for w in words]
    held = SearchEntry.objects.filter(authority_id=authority_id, case_person__isnull=False)
    folded, heard = held.filter(surname__in=words), held.filter(surname_key__in=keys)
    if len(words) > 1:
        folded = folded.filter(given_name__in=words)
        heard = heard.filter(given_key__in=keys)
    return Q(pk__in=folded.values("case_person__case_id")) | Q(
        pk__in=heard.values("case_person__case_id")
    )


def table(cases: QuerySet[Case], texts: bool) -> tuple[list[str], list[list]]:
    """The export of a list: headers in the active language, a row per case, dates as dates;
    the summary only for the roles that may read the texts of a case (Art. 11.4). The persons
    are not exported: a file of them leaves the node without a record of who read them."""
    names = {t.agreement.pk: bi(t.profile.title) for t in directory().agreements.values()}
    headers = [
        _("Registration number"),
        _("Number of the other party"),
        _("Kind"),
        _("Direction"),
        _("Agreement"),
        _("Other party"),
        *([_("Summary")] if texts else []),
        _("Status"),
        _("Created on"),
        _("Date received"),
        _("Due date"),
        _("Closed on"),
    ]
    incoming, outgoing = pgettext_lazy("a case", "incoming"), pgettext_lazy("a case", "outgoing")
    rows = []
    for case in cases.select_related("requesting_authority", "requested_authority"):
        other = case.other_authority
        rows.append(
            [
                case.number,
                case.their_number,
                str(labels.KINDS.get(case.kind, case.kind)),
                str(incoming if case.side == Side.REQUESTED else outgoing),
                names.get(case.agreement_id, ""),
                authority(other),
                *([case.summary] if texts else []),
                labels.state_label(case.status),
                timezone.localtime(case.created_at).date(),
                case.received_on,
                case.due_date,
                timezone.localtime(case.closed_at).date() if case.closed_at else None,
            ]
        )
    return headers, rows
