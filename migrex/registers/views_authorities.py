"""Authorities and signatories (Art. 2, 9.3, 9.4): the 45-day duty on a dashboard, notices
sent and received, and the administrator's forms to notify a renaming or send the list."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from migrex.core.errors import Invalid
from migrex.core.web import officer_view
from migrex.registers import authority_notices, duties, signatory_keys, signatory_lists
from migrex.registers.forms import RenameForm, ReplaceForm, SendListForm
from migrex.registers.models import AuthorityNotice
from migrex.registers.permissions import may_notify_authorities, may_read
from migrex.registers.views_legislation import show_errors


@officer_view
@require_http_methods(["GET", "POST"])
def index(request):
    user = request.user
    if not may_read(user):
        raise PermissionDenied
    admin = may_notify_authorities(user)
    rename = RenameForm(user=user) if admin else None
    send = SendListForm(user=user) if admin else None
    replace = ReplaceForm(user=user, prefix="replace") if admin else None
    if request.method == "POST":
        if not admin:
            raise PermissionDenied
        if request.POST.get("form") == "rename":
            rename = RenameForm(request.POST, user=user)
            if rename.is_valid() and _rename(request, rename):
                return redirect("registers:signatories")
        elif request.POST.get("form") == "replace":
            replace = ReplaceForm(request.POST, user=user, prefix="replace")
            if replace.is_valid() and _replace(request, replace):
                return redirect("registers:signatories")
        else:
            send = SendListForm(request.POST, user=user)
            if send.is_valid() and _send(request, send):
                return redirect("registers:signatories")
    today = timezone.localdate()
    return render(
        request,
        "registers/signatories.html",
        {
            # "Ours" and "theirs" as the viewer's own authority's party sees them.
            "rows": duties.dashboard(today, user.authority.party_id if user.authority else None),
            # In force here, and those that take effect later: a list the other party sent
            # "effective today" in its calendar may take effect tomorrow in this node's.
            "lists": signatory_lists.visible(user)
            .filter(Q(pk__in=signatory_lists.current_ids(today)) | Q(effective_from__gt=today))
            .order_by("agreement__code", "party_id", "effective_from"),
            "unsent": signatory_keys.unsent_lists(),  # Art. 9.4: to be sent at once
            "notices": AuthorityNotice.objects.select_related("agreement", "party")[:100],
            "rename": rename,
            "send": send,
            "replace": replace,
        },
    )


def _rename(request, form) -> bool:
    data = form.cleaned_data
    try:
        authority_notices.notify(
            actor=request.user,
            agreement=data["agreement"],
            change=AuthorityNotice.Change.RENAME,
            body={
                "authority": data["authority"].code,
                "name_ru": data["name_ru"],
                "name_en": data["name_en"],
                "valid_from": data["valid_from"].isoformat(),
            },
        )
    except Invalid as exc:
        show_errors(request, form, exc)
        return False
    messages.success(request, _("The renaming is recorded and sent to the other party."))
    return True


def _replace(request, form) -> bool:
    data = form.cleaned_data
    try:
        authority_notices.notify(
            actor=request.user,
            agreement=data["agreement"],
            change=AuthorityNotice.Change.REPLACE,
            body={
                "replaced": data["authority"].code,
                "valid_from": data["valid_from"].isoformat(),
                "by": {
                    "code": data["code"],
                    "kind": data["kind"],
                    "name_ru": data["name_ru"],
                    "name_en": data["name_en"],
                },
            },
        )
    except Invalid as exc:
        show_errors(request, form, exc)
        return False
    messages.success(request, _("The replacement is recorded and sent to the other party."))
    return True


def _send(request, form) -> bool:
    party = request.user.authority.party_id
    listing = duties.our_current_list(form.cleaned_data["agreement"], party)
    if listing is None:
        form.add_error("agreement", _("This party has no list of signatories to send yet."))
        return False
    try:
        authority_notices.send_signatory_list(actor=request.user, listing=listing)
    except Invalid as exc:
        show_errors(request, form, exc)
        return False
    messages.success(request, _("The list of signatories is sent to the other party."))
    return True
