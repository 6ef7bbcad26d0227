"""Statistics pages (Art. 3.1.1): the authority's datasets and the upload form, one dataset with
its charts, export and sending, and mirror statistics against the other party's figures."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from migrex.agreements import dates
from migrex.agreements.selectors import directory
from migrex.core.errors import Invalid
from migrex.core.forms import article_label
from migrex.core.web import officer_view
from migrex.stats import access, formats, pages, services
from migrex.stats.models import StatDataset


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File (CSV or SDMX-CSV, UTF-8)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    title = forms.CharField(label=gettext_lazy("Title"), max_length=300, required=False)
    indicator = forms.CharField(
        label=gettext_lazy("Indicator"),
        max_length=500,
        required=False,
        help_text=gettext_lazy(
            "What is counted, e.g. “citizens of Armenia working in Kazakhstan”. An SDMX file "
            "names it by its dataflow."
        ),
    )
    unit = forms.CharField(label=gettext_lazy("Unit"), max_length=100, required=False)
    source = forms.CharField(label=gettext_lazy("Source"), max_length=500, required=False)


class SendForm(forms.Form):
    route = forms.ChoiceField(label=gettext_lazy("Send to"))

    def __init__(self, *args, routes: tuple[list, str | None], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["route"].choices, self.fields["route"].initial = routes


def _routes(dataset: StatDataset) -> tuple[list, str | None]:
    """The authorities of another party under each agreement the holding authority is a party
    to, grouped by the agreement's title (those in force first, Art. 17), with the one chosen
    by default: under an agreement in force, the holder's counterpart (an authority of the same
    kind), else the first. ("agreement:authority", name) each."""
    english = (get_language() or "ru").startswith("en")
    own = dataset.authority
    today = timezone.localdate()
    groups, default = [], None
    everything = sorted(directory().agreements.items())
    in_force = {code for code, t in everything if dates.is_in_force(t.profile, today)}
    for code, terms in sorted(everything, key=lambda item: item[0] not in in_force):
        if own.code not in terms.authorities:
            continue
        others = [
            a
            for a in sorted(terms.authorities.values(), key=lambda a: a.code)
            if a.party_id != own.party_id
        ]
        if not others:
            continue
        options = [(f"{code}:{a.code}", a.name_en if english else a.name_ru) for a in others]
        title = str(terms.agreement)
        if code not in in_force:
            title += " — " + _("not in force")
        groups.append((title, options))
        if default is None and code in in_force:
            same = next((a for a in others if a.kind == own.kind), others[0])
            default = f"{code}:{same.code}"
    return groups, default


def _flash(request, exc: Invalid | formats.Malformed) -> None:
    english = (get_language() or "ru").startswith("en")
    for e in exc.errors:
        text = e.message_en if english else e.message_ru
        messages.error(request, f"{text} ({article_label(e.article)})" if e.article else text)


@officer_view
@require_http_methods(["GET", "POST"])
def index(request):
    user = request.user
    if not access.may_see(user):
        raise PermissionDenied
    form = UploadForm()
    faults = []
    if request.method == "POST":
        if not access.may_import(user):
            raise PermissionDenied
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                dataset = services.import_dataset(
                    # One byte past the limit is enough for the service to refuse it.
                    content=data["file"].read(services.MAX_BYTES + 1),
                    authority=user.authority,
                    actor=user,
                    title=data["title"],
                    indicator=data["indicator"],
                    unit=data["unit"],
                    source=data["source"],
                )
            except (Invalid, formats.Malformed) as exc:
                faults = exc.errors
            else:
                messages.success(
                    request,
                    _("Dataset imported: %(n)s observations.")
                    % {"n": dataset.observations.count()},
                )
                return redirect("stats:dataset", pk=dataset.pk)
    datasets = access.visible(user).select_related("provider")
    return render(
        request,
        "stats/index.html",
        {
            "own": [d for d in datasets if not d.received],
            "received": [d for d in datasets if d.received],
            "form": form,
            "faults": faults,
            "may_import": access.may_import(user),
        },
        status=422 if faults else 200,
    )


@officer_view
def dataset(request, pk: int):
    user = request.user
    if not access.may_see(user):
        raise PermissionDenied
    found = access.dataset_for(user, pk)
    counterparts = _counterparts(user, found)
    send = None
    if access.may_send(user) and not found.received:
        send = SendForm(routes=_routes(found))
    return render(
        request,
        "stats/dataset.html",
        {
            "dataset": found,
            "send_form": send,
            "dispatches": found.dispatches.select_related("receiver"),
            "mirrors": [c for c in counterparts if _same(c, found)],
            **pages.dataset_page(found, request.GET.get("series")),
        },
    )


@officer_view
@require_POST
def send(request, pk: int):
    user = request.user
    if not access.may_send(user):
        raise PermissionDenied
    found = access.dataset_for(user, pk)
    form = SendForm(request.POST, routes=_routes(found))
    if not form.is_valid():
        messages.error(request, _("Choose the authority to send the dataset to."))
        return redirect("stats:dataset", pk=found.pk)
    agreement_code, _sep, receiver_code = form.cleaned_data["route"].partition(":")
    known = directory()
    try:
        services.send_dataset(
            dataset=found,
            agreement=known.terms(agreement_code).agreement,
            receiver=known.authority(receiver_code),
            actor=user,
        )
    except Invalid as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("The dataset is queued for sending."))
    return redirect("stats:dataset", pk=found.pk)


def _download(dataset: StatDataset, fmt: str, suffix: str) -> HttpResponse:
    response = HttpResponse(services.export(dataset, fmt), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="stats-{dataset.pk}{suffix}"'
    return response


@officer_view
def export_csv(request, pk: int):
    if not access.may_see(request.user):
        raise PermissionDenied
    return _download(access.dataset_for(request.user, pk), formats.CSV, ".csv")


@officer_view
def export_sdmx(request, pk: int):
    if not access.may_see(request.user):
        raise PermissionDenied
    found = access.dataset_for(request.user, pk)
    fmt = found.format if found.format != formats.CSV else formats.SDMX_21
    return _download(found, fmt, ".sdmx.csv")


def _normal(text: str) -> str:
    return " ".join(text.casefold().split())


def _same(a: StatDataset, b: StatDataset) -> bool:
    return _normal(a.indicator) == _normal(b.indicator)


def _counterparts(user, dataset: StatDataset) -> list[StatDataset]:
    """The datasets of the other origin (received against own, own against received)."""
    other = StatDataset.Origin.OWN if dataset.received else StatDataset.Origin.RECEIVED
    return list(access.visible(user).filter(origin=other).select_related("provider"))


@officer_view
def mirror(request, pk: int):
    user = request.user
    if not access.may_see(user):
        raise PermissionDenied
    found = access.dataset_for(user, pk)
    candidates = _counterparts(user, found)
    wanted = request.GET.get("with", "")
    other = next((c for c in candidates if str(c.pk) == wanted), None)
    if other is None:
        other = next((c for c in candidates if _same(c, found)), None)
    context = {"dataset": found, "other": other, "candidates": candidates}
    if other is not None:
        ours, theirs = (other, found) if found.received else (found, other)
        context.update(ours=ours, theirs=theirs)
        context.update(pages.mirror_page(ours, theirs, request.GET.get("series")))
    return render(request, "stats/mirror.html", context)
