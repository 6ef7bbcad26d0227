"""Received datasets of persons: the list, one dataset's records (each read recorded), export
under the provider's consent, and the consent requests of both sides."""

from __future__ import annotations

import datetime as dt
import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from migrex.accounts import access as table
from migrex.accounts.access import Channel, Data
from migrex.audit.actions import Action
from migrex.audit.services import record
from migrex.core import countries, csvcells
from migrex.core.errors import Invalid, MigrexError
from migrex.core.templatetags.migrex_ui import isodate
from migrex.core.web import officer_view
from migrex.persons import access, consents, selectors, sources
from migrex.persons.models import Consent
from migrex.persons.templatetags.persons_ui import sex

PAGE_SIZE = 50
COLUMNS = ("surname", "given_name", "patronymic", "sex", "birth_date", "citizenship")


def cell(column: str, value) -> str:
    """A column of a person shown in a list: sex, dates and countries in the officer's words
    (мужской, 14.03.1985, Казахстан), names in both scripts."""
    if column == "sex":
        return sex(value)
    if column == "birth_date":
        return isodate(value)
    if column == "citizenship":
        return countries.names_of(value if isinstance(value, list) else [value] if value else [])
    return spell(value)


def spell(value) -> str:
    if isinstance(value, dict):
        return " / ".join(v for v in (value.get("cyrillic"), value.get("latin")) if v)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


@officer_view
def dataset_list(request):
    return render(
        request, "persons/datasets.html", {"datasets": selectors.datasets_for(request.user)}
    )


@officer_view
def dataset_detail(request, pk: int):
    user = request.user
    dataset = selectors.dataset_for(user, pk)
    page = Paginator(dataset.persons.order_by("position"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    access.record_reads(user, page.object_list, dataset=dataset)
    rows = [(r, [cell(c, r.data.get(c)) for c in COLUMNS]) for r in page.object_list]
    return render(
        request,
        "persons/dataset.html",
        {
            "dataset": dataset,
            "page": page,
            "rows": rows,
            **received_panel(sources.of_dataset(dataset)),
        },
    )


def received_panel(source: sources.Source) -> dict:
    """What a page of received persons shows about the provider's consents (Art. 11.2-11.4)."""
    return {
        "source": source,
        "consents": consents.asked_for(source),
        "uses": Consent.Use.choices,
        "today": timezone.localdate(),
    }


@officer_view
@require_POST
def ask_consent(request, kind: str, pk: int):
    source = sources.visible(request.user, kind, pk)
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
    """The received records as CSV, for a use the provider consented to (Art. 11.2–11.4); a
    read of personal data too (`personal_data.read` for the source, via `ui-export`)."""
    user = request.user
    if not table.allows(user, Data.PERSONS, Channel.EXPORT):
        raise PermissionDenied
    source = sources.visible(user, kind, pk)
    use = request.POST.get("use", "")
    recipient = request.POST.get("recipient", "")
    if use not in Consent.Use.values:
        raise Http404
    try:
        consent = consents.require(source, use, timezone.localdate(), recipient)
    except MigrexError as exc:
        record(
            Action.ACCESS_DENIED,
            actor=user.username,
            subject=source.subject,
            detail={"code": exc.code, "use": use, "recipient": recipient},
        )
        messages.error(request, exc.message_ru)
        return redirect(source.url)
    out = io.StringIO()
    writer = csvcells.writer(out)
    writer.writerow(["line", *COLUMNS])
    count = 0
    for position, data in source.records():
        writer.writerow([position, *(spell(data.get(c)) for c in COLUMNS)])
        count += 1
    access.record_reads(
        user,
        [source.subject],
        via="ui-export",
        extra={
            "case": source.pk if kind == "case" else None,
            "dataset": source.pk if kind == "dataset" else None,
            "use": use,
            "recipient": consent.recipient,
            "consent": str(consent.ref),
            "records": count,
        },
    )
    record(
        Action.PERSONAL_DATA_EXPORTED,
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
def consent_list(request, typed: dict | None = None, status: int = 200):
    """The consent requests of both sides; `typed`: a decision brought back from its review page
    to be edited, as it was filled in ({consent pk: the form's values})."""
    user = request.user
    if user.authority_id is None:
        raise PermissionDenied
    mine = consents.seen_by(user)
    asked_of_us = list(mine.filter(side=Consent.Side.PROVIDER))
    return render(
        request,
        "persons/consents.html",
        {
            "asked_of_us": asked_of_us,
            "decidable": {c.pk for c in asked_of_us if consents.decides(user, c)},
            "asked": mine.filter(side=Consent.Side.ASKED),
            "today": timezone.localdate(),
            "typed": typed or {},
        },
        status=status,
    )


@officer_view
@require_POST
def decide(request, pk: int):
    """A decision on a consent asked of this authority leaves the country: first shown as it will
    be sent, then sent once the officer ticks that it was checked (the server checks the tick);
    or brought back to the list to be edited, as it was filled in."""
    user = request.user
    consent = Consent.objects.filter(pk=pk, side=Consent.Side.PROVIDER).first()
    if consent is None or not consents.decides(user, consent):
        raise PermissionDenied
    typed = {k: request.POST.get(k, "") for k in ("decision", "expires_on", "reason")}
    step = request.POST.get("step", "")
    if step == "edit":
        return consent_list(request, typed={consent.pk: typed})
    grant = typed["decision"] == "grant"
    try:
        expires = dt.date.fromisoformat(typed["expires_on"]) if typed["expires_on"] else None
        consents.check_decision(consent, grant=grant, expires_on=expires, reason=typed["reason"])
    except ValueError:
        messages.error(request, _("The date is not a valid date."))
        return consent_list(request, typed={consent.pk: typed}, status=422)
    except Invalid as exc:
        for e in exc.errors:
            messages.error(request, e.message_ru)
        return consent_list(request, typed={consent.pk: typed}, status=422)
    if step != "send" or request.POST.get("reviewed") != "on":
        context = {
            "consent": consent,
            "typed": typed,
            "grant": grant,
            "expires": expires,
            "unticked": step == "send",
        }
        return render(request, "persons/consent_review.html", context, status=422 if step else 200)
    try:
        consents.decide(user, consent, grant=grant, expires_on=expires, reason=typed["reason"])
    except Invalid as exc:
        for e in exc.errors:
            messages.error(request, e.message_ru)
    except MigrexError as exc:
        messages.error(request, exc.message_ru)
    else:
        messages.success(request, _("The decision was sent to the requesting party."))
    return redirect("persons:consents")
