"""Finding one person among the records the officer's authority may use (its own, those received
for its cases and datasets, those a consent to another use opens: persons/search.py), by any
spelling, date of birth or document («Поиск лица»); each result says why it is shown, and each
record shown is an audited read."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from migrex.accounts.roles import sees_personal_data
from migrex.core.forms import date_input
from migrex.core.web import officer_view
from migrex.persons import search, shown
from migrex.persons.views import COLUMNS, cell


class SearchForm(forms.Form):
    surname = forms.CharField(label=gettext_lazy("Surname"), required=False, max_length=200)
    given_name = forms.CharField(label=gettext_lazy("Given name"), required=False, max_length=200)
    patronymic = forms.CharField(label=gettext_lazy("Patronymic"), required=False, max_length=200)
    birth_date = forms.DateField(
        label=gettext_lazy("Date of birth"),
        required=False,
        widget=date_input(),
    )
    document = forms.CharField(label=gettext_lazy("Document number"), required=False, max_length=40)

    def clean(self):
        data = super().clean()
        if not any(data.get(name) for name in self.fields):
            raise forms.ValidationError(
                _("Give a name, a date of birth or a document number."), code="empty"
            )
        return data


FIELD_LABELS = {
    "surname": gettext_lazy("surname"),
    "given_name": gettext_lazy("given name"),
    "patronymic": gettext_lazy("patronymic"),
    "birth_date": gettext_lazy("date of birth"),
    "document": gettext_lazy("document"),
    "sex": gettext_lazy("sex"),
}
LEVEL_LABELS = {
    search.EXACT: gettext_lazy("agrees"),
    search.CLOSE: gettext_lazy("close"),
    search.DIFFERS: gettext_lazy("differs"),
}


@officer_view
def person_search(request):
    user = request.user
    if user.authority_id is None or not sees_personal_data(user):
        raise PermissionDenied
    form = SearchForm(request.GET or None)
    found, rows = None, []
    if form.is_bound and form.is_valid():
        found = search.search(user.authority_id, search.Query(**form.cleaned_data))
        results = shown.shown(found)
        for result in results:
            candidate, because = result.candidate, result.because
            agreement = [
                (FIELD_LABELS[name], level, LEVEL_LABELS[level])
                for name, level in candidate.fields.items()
            ]
            rows.append(
                {
                    "score": round(candidate.score * 100),
                    "agreement": agreement,
                    "swapped": candidate.swapped,
                    "item": result.item,
                    "because": because.kind,
                    "why": because.text(),
                    "link": because.link(),
                    "cells": [cell(c, result.item.data.get(c)) for c in COLUMNS],
                }
            )
        shown.record_reads(user, results, via="search")
    return render(
        request,
        "persons/search.html",
        {"form": form, "found": found, "rows": rows},
    )
