"""What every officer page shares: the view decorator and the htmx helpers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache


@dataclass(frozen=True)
class Link:
    """A page of one app that another names: what to show and where it is."""

    label: str
    url: str


def officer_view(view: Callable) -> Callable:
    """Login required, and never cached: pages carry confidential requests and personal data
    (Art. 11.1, 11.4), so neither the browser nor a proxy may keep them."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        return view(request, *args, **kwargs)

    return login_required(never_cache(wrapped))


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def go_to(request, url: str) -> HttpResponse:
    """After a successful POST: htmx follows `HX-Redirect`, a plain form a 302."""
    if is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)
