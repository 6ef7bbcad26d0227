"""The retention page for supervisors and administrators (Art. 11.5): the rules in force, what
falls due and when, what has no rule, the destruction acts, and notices from the other party."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from migrex.accounts.roles import administers, supervises
from migrex.agreements.models import Agreement
from migrex.agreements.selectors import profile_of
from migrex.cases.models import Case
from migrex.core.errors import Invalid
from migrex.core.forms import article_label
from migrex.core.web import officer_view
from migrex.persons.models import Dataset
from migrex.retention import rules, services
from migrex.retention.models import COUNTED_FROM, Act, ReceivedNotice, Tombstone


def may_see(user) -> bool:
    """Administrators set the node's rules and run the job; supervisors see what falls due."""
    return administers(user) or supervises(user)


class RuleForm(forms.Form):
    agreement = forms.ModelChoiceField(
        queryset=Agreement.objects.all(), label=gettext_lazy("Agreement"), to_field_name="code"
    )
    party = forms.CharField(label=gettext_lazy("Party"), max_length=2)
    days = forms.IntegerField(label=gettext_lazy("Period, days"), min_value=1)
    counted_from = forms.ChoiceField(label=gettext_lazy("Counted from"), choices=COUNTED_FROM)
    basis = forms.CharField(
        label=gettext_lazy("Legal basis (national legal act)"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PurposeEndForm(forms.Form):
    subject = forms.CharField(widget=forms.HiddenInput)
    ended_on = forms.DateField(
        label=gettext_lazy("Purpose achieved on"), widget=forms.DateInput(attrs={"type": "date"})
    )


def _scope(user) -> int | None:
    return None if administers(user) else user.authority_id


def _rule_rows() -> list[dict]:
    rows = []
    for agreement in Agreement.objects.select_related("current_version").order_by("code"):
        for party in profile_of(agreement).party_codes:
            rows.append(
                {"agreement": agreement, "party": party, "rule": rules.effective(agreement, party)}
            )
    return rows


@officer_view
@require_http_methods(["GET", "POST"])
def index(request):
    user = request.user
    if not may_see(user):
        raise PermissionDenied
    rule_form, end_form = RuleForm(), PurposeEndForm()
    if request.method == "POST":
        done, rule_form, end_form = _post(request)
        if done:
            return redirect("retention:index")
    today = timezone.localdate()
    found = rules.holdings(authority_id=_scope(user))
    scheduled = sorted(
        (h for h in found if h.due_on is not None), key=lambda h: (h.due_on, h.subject)
    )
    acts = Act.objects.defer("pdf")
    notices = ReceivedNotice.objects.all()
    if _scope(user) is not None:
        code = user.authority.code
        own = Tombstone.objects.filter(
            Q(case__owner_id=user.authority_id) | Q(dataset__recipient_id=user.authority_id)
        )
        acts = acts.filter(pk__in=own.values("act_id"))
        notices = notices.filter(receiver_authority=code)
    return render(
        request,
        "retention/index.html",
        {
            "today": today,
            "administers": administers(user),
            "rule_rows": _rule_rows(),
            "scheduled": scheduled,
            "waiting": [h for h in found if h.rule is not None and h.due_on is None],
            "no_rule": [h for h in found if h.rule is None],
            "acts": acts[:100],
            "notices": notices[:100],
            "rule_form": rule_form,
            "end_form": end_form,
        },
    )


def _post(request):
    user = request.user
    rule_form, end_form = RuleForm(), PurposeEndForm()
    try:
        if request.POST.get("form") == "run":
            if not administers(user):
                raise PermissionDenied
            # Irreversible: confirmed on the form itself, checked here (no script needed, and a
            # page whose script did not run cannot destroy on one click).
            if request.POST.get("confirm") != "yes":
                messages.error(request, _("Nothing was destroyed: tick the confirmation first."))
                return True, rule_form, end_form
            result = services.run(actor=user)
            if result.act is None:
                messages.info(request, _("Nothing is due for destruction today."))
            else:
                messages.success(
                    request,
                    _("%(n)s item(s) destroyed; act %(act)s.")
                    % {"n": result.destroyed, "act": result.act.number},
                )
            return True, rule_form, end_form
        if request.POST.get("form") == "rule":
            if not administers(user):
                raise PermissionDenied
            rule_form = RuleForm(request.POST)
            if not rule_form.is_valid():
                return False, rule_form, end_form
            data = rule_form.cleaned_data
            services.set_rule(
                agreement=data["agreement"],
                party=data["party"],
                days=data["days"],
                counted_from=data["counted_from"],
                basis=data["basis"],
                actor=user,
            )
            messages.success(request, _("The retention rule is saved."))
            return True, rule_form, end_form
        end_form = PurposeEndForm(request.POST)
        if not end_form.is_valid():
            return False, rule_form, end_form
        kind, _sep, pk = end_form.cleaned_data["subject"].partition(":")
        subject = _subject(user, kind, pk)
        services.record_purpose_end(
            ended_on=end_form.cleaned_data["ended_on"],
            actor=user,
            **({"case": subject} if kind == "case" else {"dataset": subject}),
        )
        messages.success(request, _("The end of the purpose is recorded."))
        return True, rule_form, end_form
    except Invalid as exc:
        for e in exc.errors:
            text = e.message_ru if get_language() == "ru" else e.message_en
            messages.error(request, f"{text} ({article_label(e.article)})")
        return False, rule_form, end_form


def _subject(user, kind: str, pk: str):
    scope = _scope(user)
    if kind == "case":
        cases = Case.objects.all() if scope is None else Case.objects.filter(owner_id=scope)
        found = cases.filter(pk=pk).first() if pk.isdigit() else None
    elif kind == "dataset":
        sets = (
            Dataset.objects.all() if scope is None else Dataset.objects.filter(recipient_id=scope)
        )
        found = sets.filter(pk=pk).first() if pk.isdigit() else None
    else:
        found = None
    if found is None:
        raise Http404
    return found


@officer_view
def act_pdf(request, pk: int):
    user = request.user
    if not may_see(user):
        raise PermissionDenied
    act = Act.objects.filter(pk=pk).first()
    scope = _scope(user)
    if act is None or (
        scope is not None
        and not act.tombstones.filter(case__owner_id=scope).exists()
        and not act.tombstones.filter(dataset__recipient_id=scope).exists()
    ):
        raise Http404
    response = HttpResponse(bytes(act.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="act-{act.pk}.pdf"'
    return response
