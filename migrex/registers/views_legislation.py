"""Legislation notices (Art. 4): search, notify the other party, download the text."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from migrex.core import vault
from migrex.core.errors import Invalid
from migrex.core.forms import article_label
from migrex.core.web import officer_view
from migrex.registers import legislation
from migrex.registers.forms import LegislationForm, SearchForm
from migrex.registers.models import LegislationNotice
from migrex.registers.permissions import may_read, may_record


def show_errors(request, form, exc: Invalid) -> None:
    """Each error beside its field where the form has one, else on top; with its article."""
    for e in exc.errors:
        message = e.message_ru if get_language() == "ru" else e.message_en
        text = f"{message} ({article_label(e.article)})"
        if e.field in form.fields:
            form.add_error(e.field, text)
        else:
            messages.error(request, text)


@officer_view
def index(request):
    if not may_read(request.user):
        raise PermissionDenied
    search = SearchForm(request.GET or None)
    found = LegislationNotice.objects.none()
    if search.is_bound and search.is_valid():
        data = search.cleaned_data
        found = legislation.search(
            text=data["q"],
            party=data["party"].code if data["party"] else "",
            since=data["since"],
            until=data["until"],
        )
    elif not search.is_bound:
        found = legislation.search()
    return render(
        request,
        "registers/legislation.html",
        {"search": search, "notices": found[:200], "may_record": may_record(request.user)},
    )


@officer_view
def new(request):
    user = request.user
    if not may_record(user):
        raise PermissionDenied
    form = LegislationForm(request.POST or None, request.FILES or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data["text"]
        text = None
        if upload is not None:
            text = (upload.name, upload.content_type or "application/octet-stream", upload.read())
        try:
            legislation.notify(
                actor=user,
                agreement=data["agreement"],
                title=data["title"],
                adopted_on=data["adopted_on"],
                in_force_on=data["in_force_on"],
                summary=data["summary"],
                text=text,
            )
        except Invalid as exc:
            show_errors(request, form, exc)
        else:
            messages.success(request, _("The notice is recorded and sent to the other party."))
            return redirect("registers:legislation")
    return render(request, "registers/legislation_new.html", {"form": form})


@officer_view
def text(request, pk: int):
    if not may_read(request.user):
        raise PermissionDenied
    notice = LegislationNotice.objects.filter(pk=pk).exclude(file="").first()
    if notice is None:
        raise Http404
    try:
        content = vault.read(notice)
    except vault.Unreadable:
        raise Http404 from None
    response = HttpResponse(content, content_type=notice.content_type or "application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=notice.name or f"legislation-{notice.pk}"
    )
    return response
