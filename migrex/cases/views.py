"""Web UI of the cases: what the views share. The pages are in views_boxes, views_draft and
views_case; every view is thin (parse, authorise, call a service or selector, render)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache

from migrex.cases import workflow

# Roles whose work needs the persons of a request. Anyone else (an auditor, an administrator)
# sees cases without personal data: deny by default (Art. 11.4).
PERSONAL_DATA_ROLES = (workflow.OPERATOR, workflow.SIGNATORY, workflow.SUPERVISOR)


def can_see_personal_data(user) -> bool:
    return any(user.has_role(role) for role in PERSONAL_DATA_ROLES)


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
