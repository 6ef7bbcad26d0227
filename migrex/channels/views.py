"""Pages of the channel records (Art. 4): the list, one channel with its participants, the
received reports, and the link-analysis graph with its exports."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from migrex.accounts.roles import (
    OPERATOR,
    SIGNATORY,
    SUPERVISOR,
    holds,
    of_an_authority,
    sees_personal_data,
)
from migrex.audit.actions import Action
from migrex.audit.services import record
from migrex.channels import export, graph, selectors, services
from migrex.channels import messages as reports
from migrex.channels.forms import ChannelForm, EntityForm, IndividualForm, SendForm, show_errors
from migrex.channels.models import ROLES, Entity, Individual
from migrex.core.errors import Invalid
from migrex.core.web import officer_view

MAX_DRAWN = 400  # nodes the browser lays out; the largest networks first


def may_see(user) -> bool:
    """Officers of a competent authority who work with cases; auditors read the audit log."""
    return of_an_authority(user) and sees_personal_data(user)


def may_edit(user) -> bool:
    return may_see(user) and user.has_role(OPERATOR)


def may_send(user) -> bool:
    return may_see(user) and holds(user, SIGNATORY, SUPERVISOR)


def _allowed(request, check=may_see) -> None:
    if not check(request.user):
        raise PermissionDenied


def _channel(user, pk: int):
    found = selectors.channels_of(user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


@officer_view
def index(request):
    _allowed(request)
    return render(
        request,
        "channels/index.html",
        {
            "channels": selectors.channels_of(request.user),
            "reports": selectors.reports_of(request.user),
            "may_edit": may_edit(request.user),
        },
    )


@officer_view
@require_http_methods(["GET", "POST"])
def edit(request, pk: int | None = None):
    _allowed(request, may_edit)
    channel = _channel(request.user, pk) if pk is not None else None
    initial = {}
    if channel is not None:
        initial = {f: getattr(channel, f) for f in ("name", "description", "methods")}
        initial.update(route="\n".join(channel.route), active_from=channel.active_from)
        initial["active_to"] = channel.active_to
    form = ChannelForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_channel(actor=request.user, channel=channel, **form.values())
        except Invalid as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("The channel is saved."))
            return redirect("channels:detail", pk=saved.pk)
    return render(request, "channels/edit.html", {"form": form, "channel": channel})


@officer_view
def detail(request, pk: int):
    _allowed(request)
    channel = _channel(request.user, pk)
    return render(
        request,
        "channels/detail.html",
        {
            "channel": channel,
            "entities": channel.entities.all(),
            "individuals": channel.individuals.all(),
            "may_edit": may_edit(request.user),
            "send_form": SendForm(user=request.user) if may_send(request.user) else None,
        },
    )


_PARTICIPANTS = {"entity": (Entity, EntityForm), "individual": (Individual, IndividualForm)}


@officer_view
@require_http_methods(["GET", "POST"])
def participant(request, pk: int, kind: str):
    """Add a legal entity or an individual to the channel, or change one (`?id=`)."""
    _allowed(request, may_edit)
    channel = _channel(request.user, pk)
    if kind not in _PARTICIPANTS:
        raise Http404
    model, form_class = _PARTICIPANTS[kind]
    item_id = request.GET.get("id", "")
    item = model.objects.filter(channel=channel, pk=item_id).first() if item_id.isdigit() else None
    if item_id and item is None:
        raise Http404
    form = form_class(request.POST or None, initial=form_class.initial_of(item) if item else {})
    if request.method == "POST" and form.is_valid():
        try:
            if kind == "entity":
                services.save_entity(
                    channel=channel, actor=request.user, entity=item, **form.cleaned_data
                )
            else:
                d = form.cleaned_data
                services.save_individual(
                    channel=channel,
                    actor=request.user,
                    individual=item,
                    role=d["role"],
                    category=d["category"],
                    data=form.person_data(),
                    phone=d["phone"],
                )
        except Invalid as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("The participant is saved."))
            return redirect("channels:detail", pk=channel.pk)
    return render(
        request,
        "channels/participant.html",
        {"form": form, "channel": channel, "kind": kind, "item": item},
    )


@officer_view
@require_POST
def remove(request, pk: int, kind: str):
    _allowed(request, may_edit)
    channel = _channel(request.user, pk)
    item_id = request.POST.get("id", "")
    if kind not in _PARTICIPANTS or not item_id.isdigit():
        raise Http404
    services.remove_participant(channel=channel, actor=request.user, kind=kind, pk=int(item_id))
    messages.success(request, _("The participant is removed."))
    return redirect("channels:detail", pk=channel.pk)


@officer_view
@require_POST
def send(request, pk: int):
    _allowed(request, may_send)
    channel = _channel(request.user, pk)
    form = SendForm(request.POST, user=request.user)
    if form.is_valid():
        d = form.cleaned_data
        try:
            reports.send_report(
                channel=channel,
                actor=request.user,
                agreement=d["agreement"],
                receiver=d["receiver"],
                in_reply_to=d["in_reply_to"],
            )
        except Invalid as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("The channel report is queued for sending."))
            return redirect("channels:detail", pk=channel.pk)
    for error in form.errors.values():
        for text in error:
            messages.error(request, text)
    return redirect("channels:detail", pk=channel.pk)


@officer_view
def report(request, pk: int):
    _allowed(request)
    found = selectors.reports_of(request.user).filter(pk=pk).first()
    if found is None:
        raise Http404
    record(Action.CHANNELS_REPORT_READ, actor=request.user.username, subject=str(found.message_id))
    return render(request, "channels/report.html", {"report": found, "body": found.payload})


def names() -> dict:
    """The words the graph script shows, in the user's language."""
    return {
        "kinds": {
            "person": _("person"),
            "entity": _("legal entity"),
            "channel": _("channel"),
            "document": _("document"),
            "address": _("address"),
            "phone": _("phone"),
        },
        "edges": {
            graph.EDGE_DOCUMENT: _("has the document"),
            graph.EDGE_ADDRESS: _("lives or is located at"),
            graph.EDGE_PHONE: _("uses the phone"),
            graph.EDGE_CHANNEL: _("is involved in the channel"),
        },
        "roles": {code: str(label) for code, label in ROLES},
        "kind": _("Kind"),
        "source": _("Source"),
        "role": _("Role"),
        "birth_date": _("Date of birth"),
        "network": _("Network"),
        "neighbours": _("Linked to"),
        "open": _("Open the record"),
    }


def _analysis(request):
    sources = tuple(s for s in request.GET.getlist("with") if s in selectors.EXTRA_SOURCES)
    parties = selectors.participants(request.user, sources=sources)
    g = graph.build(parties, selectors.channel_nodes(request.user))
    found = graph.networks(g)
    record(
        Action.CHANNELS_GRAPH_BUILT,
        actor=request.user.username,
        detail={"sources": ["channels", "reports", *sources], "nodes": len(g.nodes)},
    )
    return g, found, sources


@officer_view
def graph_page(request):
    _allowed(request)
    g, found, sources = _analysis(request)
    data = export.as_json(g, found)
    drawn, count = set(), 0
    for net in found:  # whole networks, the largest first, as many as the browser can lay out
        if count + len(net.nodes) > MAX_DRAWN and count:
            break
        drawn.update(net.nodes)
        count += len(net.nodes)
    data["nodes"] = [n for n in data["nodes"] if n["id"] in drawn]
    data["edges"] = [e for e in data["edges"] if e["source"] in drawn]
    return render(
        request,
        "channels/graph.html",
        {
            "graph_data": data,
            "names": names(),
            "networks": [(n, [g.nodes[s]["label"] for s in n.shared]) for n in found],
            "sources": sources,
            "query": request.GET.urlencode(),
            "cut": len(drawn) < len(g.nodes),
        },
    )


@officer_view
def graph_export(request, fmt: str):
    _allowed(request)
    g, found, _sources = _analysis(request)
    if fmt == "json":
        response = JsonResponse(export.as_json(g, found), json_dumps_params={"ensure_ascii": False})
    elif fmt == "csv":
        response = HttpResponse(export.as_csv(g), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(export.as_graphml(g), content_type="application/graphml+xml")
    response["Content-Disposition"] = f'attachment; filename="channels-graph.{fmt}"'
    return response
