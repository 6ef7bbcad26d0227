"""The supervisors' page of the exchange: outgoing messages by status and those needing a person."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from migrex.accounts.roles import supervises
from migrex.core.errors import MigrexError
from migrex.core.web import officer_view
from migrex.exchange import monitor


@officer_view
@require_http_methods(["GET", "POST"])
def outbox(request):
    if not supervises(request.user):
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        try:
            message = monitor.requeue(request.user, request.POST.get("message", ""))
        except MigrexError as exc:
            messages.error(request, exc.message_ru)
            status = 400  # the page again, with what was wrong
        else:
            messages.success(request, _("Message %(id)s will be sent again.") % {"id": message.pk})
            return redirect("exchange-outbox")
    return render(
        request,
        "exchange/outbox.html",
        {
            "summary": monitor.summary(request.user),
            "rows": monitor.attention(request.user),
        },
        status=status,
    )
