"""Web UI of the cases: what the views share. The pages are in views_boxes, views_draft and
views_case; every view is thin (parse, authorise, call a service or selector, render)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache

from migrex.cases import workflow


def can_draft(user) -> bool:
    return user.authority_id is not None and user.has_role(workflow.OPERATOR)


def officer_view(view: Callable) -> Callable:
    """Login required, and never cached: pages carry confidential requests and personal data
    (Art. 11.1, 11.4), so neither the browser nor a proxy may keep them."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        return view(request, *args, **kwargs)

    return login_required(never_cache(wrapped))


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


@officer_view
def home(request):
    return redirect("cases:box", name="incoming")
