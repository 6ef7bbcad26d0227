"""Received datasets of persons: the list, one dataset's records (each read recorded), export
under the provider's consent, and the consent requests of both sides."""

from __future__ import annotations

import csv
import datetime as dt
import io

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from migrex.audit.services import record
from migrex.cases import selectors
from migrex.cases.errors import Invalid
from migrex.cases.selectors import sees_personal_data
from migrex.cases.views import officer_view
from migrex.core.errors import MigrexError
from migrex.persons import access, consents, search, sources
from migrex.persons.models import Consent, Dataset, SearchEntry

PAGE_SIZE = 50
COLUMNS = ("surname", "given_name", "patronymic", "sex", "birth_date", "citizenship")


def _datasets(user):
    if user.authority_id is None or not sees_personal_data(user):
        raise PermissionDenied
    return Dataset.objects.filter(recipient=user.authority).select_related("provider")


def _dataset(user, pk: int) -> Dataset:
    found = _datasets(user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def _spell(value) -> str:
    if isinstance(value, dict):
        return " / ".join(v for v in (value.get("cyrillic"), value.get("latin")) if v)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


@officer_view
def dataset_list(request):
    return render(request, "persons/datasets.html", {"datasets": _datasets(request.user)})


@officer_view
def dataset_detail(request, pk: int):
    user = request.user
    dataset = _dataset(user, pk)
    page = Paginator(dataset.persons.order_by("position"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    access.record_reads(user, page.object_list, dataset=dataset)
    rows = [(r, [_spell(r.data.get(c)) for c in COLUMNS]) for r in page.object_list]
    source = sources.of_dataset(dataset)
    return render(
        request,
        "persons/dataset.html",
        {
            "dataset": dataset,
            "page": page,
            "rows": rows,
            "source": source,
            "consents": consents.asked_for(source),
            "uses": Consent.Use.choices,
            "today": timezone.localdate(),
        },
    )


def _source(user, kind: str, pk: int) -> sources.Source:
    """Received data the user may see, by kind and id (404 otherwise: Art. 11.1)."""
    if kind == "dataset":
        return sources.of_dataset(_dataset(user, pk))
    if kind == "case" and sees_personal_data(user):
        return sources.of_case(selectors.case_for(user, pk))
    raise Http404


def received_panel(case, user, shown: list) -> dict | None:
    """What the case page shows about the persons it received from the other party (`shown`:
    the case's persons, already loaded with their events)."""
    if not sees_personal_data(user) or not any(sources.came_in(case, p) for p in shown):
        return None
    source = sources.of_case(case)
    return {
        "source": source,
        "consents": consents.asked_for(source),
        "uses": Consent.Use.choices,
        "today": timezone.localdate(),
    }


@officer_view
@require_POST
def ask_consent(request, kind: str, pk: int):
    source = _source(request.user, kind, pk)
    try:
        consents.ask(
            request.user,
            source,
            use=request.POST.get("use", ""),
            purpose=request.POST.get("purpose", ""),
            recipient=request.POST.get("recipient", ""),
        )
    except Invalid as exc:
        for e in exc.errors:
            messages.error(request, e.message_ru)
    else:
        messages.success(request, _("The request for consent was sent to the provider."))
    return redirect(source.url)


@officer_view
@require_POST
def export(request, kind: str, pk: int):
    """The received records as CSV, for a use the provider consented to (Art. 11.2–11.4)."""
    user = request.user
    source = _source(user, kind, pk)
    use = request.POST.get("use", "")
    recipient = request.POST.get("recipient", "")
    if use not in Consent.Use.values:
        raise Http404
    try:
        consent = consents.require(source, use, timezone.localdate(), recipient)
    except MigrexError as exc:
        record(
            "access.denied",
            actor=user.username,
            subject=source.subject,
            detail={"code": exc.code, "use": use, "recipient": recipient},
        )
        messages.error(request, exc.message_ru)
        return redirect(source.url)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["line", *COLUMNS])
    count = 0
    for position, data in source.records():
        writer.writerow([position, *(_spell(data.get(c)) for c in COLUMNS)])
        count += 1
    record(
        "personal_data.exported",
        actor=user.username,
        subject=source.subject,
        detail={
            "use": use,
            "consent": str(consent.ref),
            "recipient": consent.recipient,
            "records": count,
        },
    )
    response = HttpResponse(out.getvalue().encode("utf-8-sig"), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{kind}-{pk}.csv"'
    return response


@officer_view
def consent_list(request):
    user = request.user
    if user.authority_id is None:
        raise PermissionDenied
    mine = Consent.objects.select_related("requester", "provider")
    asked_of_us = list(mine.filter(side=Consent.Side.PROVIDER, provider=user.authority))
    return render(
        request,
        "persons/consents.html",
        {
            "asked_of_us": asked_of_us,
            "decidable": {c.pk for c in asked_of_us if consents.decides(user, c)},
            "asked": mine.filter(side=Consent.Side.ASKED, requester=user.authority),
            "today": timezone.localdate(),
        },
    )


@officer_view
@require_POST
def decide(request, pk: int):
    user = request.user
    consent = Consent.objects.filter(pk=pk, side=Consent.Side.PROVIDER).first()
    if consent is None or not consents.decides(user, consent):
        raise PermissionDenied
    grant = request.POST.get("decision") == "grant"
    try:
        expires = request.POST.get("expires_on") or None
        consents.decide(
            user,
            consent,
            grant=grant,
            expires_on=dt.date.fromisoformat(expires) if expires else None,
            reason=request.POST.get("reason", ""),
        )
    except ValueError:
        messages.error(request, _("The date is not a valid date."))
    except Invalid as exc:
        for e in exc.errors:
            messages.error(request, e.message_ru)
    except MigrexError as exc:
        messages.error(request, exc.message_ru)
    else:
        messages.success(request, _("The decision was sent to the requesting party."))
    return redirect("persons:consents")


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
            names = [_spell(item.data.get(c)) for c in COLUMNS]
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
