"""The officer's choice of e-mail notifications, reached from the page header."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from migrex.core.web import officer_view
from migrex.notify import send, services
from migrex.notify.forms import PreferenceForm


@officer_view
def preferences(request):
    user = request.user
    status = 200
    if request.method == "POST":
        form = PreferenceForm(request.POST)
        if form.is_valid():
            services.set_mode(user=user, mode=form.cleaned_data["mode"])
            messages.success(request, _("Your choice of notifications is saved."))
            return redirect("notify:preferences")
        status = 422
    else:
        form = PreferenceForm(initial={"mode": services.mode_of(user)})
    context = {
        "form": form,
        "email": user.email,
        "configured": services.configured(),
        "digest_at": send.DIGEST_AT,
    }
    return render(request, "notify/preferences.html", context, status=status)
