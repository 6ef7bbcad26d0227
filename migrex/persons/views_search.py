"""Finding one person among the authority's records, its own and those received, by any
spelling, date of birth or document («Поиск лица»); each record shown is an audited read."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from migrex.accounts.roles import sees_personal_data
from migrex.core.web import officer_view
from migrex.persons import access, search
from migrex.persons.models import SearchEntry
from migrex.persons.views import COLUMNS, spell


class SearchForm(forms.Form):
    surname = forms.CharField(label=gettext_lazy("Surname"), required=False, max_length=200)
    given_name = forms.CharField(label=gettext_lazy("Given name"), required=False, max_length=200)
    patronymic = forms.CharField(label=gettext_lazy("Patronymic"), required=False, max_length=200)
    birth_date = forms.DateField(
        label=gettext_lazy("Date of birth"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
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


def _found_in(entry) -> tuple[object, str, str]:
    """The record a search entry stands for, where it came from, and the link to it."""
    if entry.case_person_id:
        person = entry.case_person
        return person, person.case.number or _("draft"), f"/cases/{person.case_id}/"
    record = entry.record
    return record, record.dataset.title, f"/datasets/{record.dataset_id}/"


@officer_view
def person_search(request):
    user = request.user
    if user.authority_id is None or not sees_personal_data(user):
        raise PermissionDenied
    form = SearchForm(request.GET or None)
    found, rows = None, []
    if form.is_bound and form.is_valid():
        found = search.search(user.authority_id, search.Query(**form.cleaned_data))
        linked = SearchEntry.objects.select_related("case_person__case", "record__dataset")
        entries = linked.in_bulk([c.entry.pk for c in found.candidates])
        for candidate in found.candidates:
            item, where, link = _found_in(entries[candidate.entry.pk])
            names = [spell(item.data.get(c)) for c in COLUMNS]
            agreement = [
                (FIELD_LABELS[name], level, LEVEL_LABELS[level])
                for name, level in candidate.fields.items()
            ]
            rows.append(
                {
                    "score": round(candidate.score * 100),
                    "agreement": agreement,
                    "item": item,
                    "where": where,
                    "link": link,
                    "cells": names,
                }
            )
        access.record_reads(user, [r["item"] for r in rows], via="search")
    return render(
        request,
        "persons/search.html",
        {"form": form, "found": found, "rows": rows},
    )
