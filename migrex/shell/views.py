"""The pages that belong to no one app."""

from django.shortcuts import redirect

from migrex.core.web import officer_view


@officer_view
def home(request):
    return redirect("cases:box", name="incoming")
