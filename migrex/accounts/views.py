"""Login in one or two steps, and logout.

Step one is the password (Django's AuthenticationForm). Signatories and administrators then
prove a second factor, a TOTP code (step two); one without an authenticator enrols first. Until
step two succeeds the session holds only a pending marker, never a login. Every attempt, password
or code, is counted toward the lockout before it is checked (accounts.lockout.Attempt), and every
outcome is audited: `login.succeeded`, `login.failed`, `login.locked`, `logout`.
"""

from __future__ import annotations

import time

import segno
from django.conf import settings
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from migrex.accounts import lockout, services, totp
from migrex.accounts.events import Event, tell
from migrex.accounts.forms import CodeForm, LoginForm
from migrex.accounts.models import LoginFailure, User

PENDING = "migrex_pending_login"
PENDING_TTL = 300  # seconds between the password and the code


def _locked_response(request, template: str, context: dict, until, username: str, stage: str):
    with transaction.atomic():
        tell(
            Event.LOGIN_LOCKED,
            actor=username[:150],  # as typed: bounded like a username
            detail={"address": lockout.client_address(request), "stage": stage},
        )
    context["locked"] = lockout.message(until)
    return render(request, template, context, status=429)


def _complete(request, user: User, backend: str, factor: str):
    """Log the user in for real: new session key, failures of the username cleared, audited."""
    with transaction.atomic():
        auth_login(request, user, backend=backend)
        lockout.clear(username=user.username)
        tell(
            Event.LOGIN_SUCCEEDED,
            actor=user.username,
            detail={"address": lockout.client_address(request), "factor": factor},
        )


def _safe_next(request, url: str) -> str:
    ok = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if url and ok else settings.LOGIN_REDIRECT_URL


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        username = request.POST.get("username", "")
        address = lockout.client_address(request)
        self.attempt = lockout.Attempt(
            username=username, address=address, stage=LoginFailure.Stage.PASSWORD
        )
        if self.attempt.locked_until is not None:
            form = self.get_form()
            return _locked_response(
                request,
                self.template_name,
                self.get_context_data(form=form),
                self.attempt.locked_until,
                username,
                "password",
            )
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        username = self.request.POST.get("username", "")
        address = lockout.client_address(self.request)
        if not (username or self.request.POST.get("password")):
            self.attempt.succeeded()  # an empty form is no attempt
        else:
            with transaction.atomic():
                until = self.attempt.failed()
                tell(
                    Event.LOGIN_FAILED,
                    actor=username[:150],
                    detail={"address": address, "stage": "password"},
                )
            if until is not None:
                context = self.get_context_data(form=form)
                context["locked"] = lockout.message(until)
                return render(self.request, self.template_name, context, status=429)
        return super().form_invalid(form)

    def form_valid(self, form):
        self.attempt.succeeded()
        user = form.get_user()
        if not services.needs_second_factor(user):
            _complete(self.request, user, user.backend, "password")
            return redirect(self.get_success_url())
        # The password is right; the login waits for the code. A fresh session key, so that a
        # key planted before the password cannot ride along.
        self.request.session.cycle_key()
        self.request.session[PENDING] = {
            "user": user.pk,
            "backend": user.backend,
            "at": time.time(),
            "next": self.get_success_url(),
        }
        if services.device_of(user) is None:
            return redirect("login-enrol")
        return redirect("login-code")


def _pending(request) -> tuple[User | None, dict]:
    data = request.session.get(PENDING) or {}
    if not data or time.time() - data.get("at", 0) > PENDING_TTL:
        request.session.pop(PENDING, None)
        return None, {}
    user = User.objects.filter(pk=data.get("user"), is_active=True).first()
    return user, data


def _second_step(request, template: str, extra):
    """The code step of login and of enrolment: the same checks, the same counting."""
    user, data = _pending(request)
    if user is None:
        return redirect("login")
    context = {"form": CodeForm(request.POST or None), "pending_user": user, **extra(user)}
    if request.method != "POST":
        return render(request, template, context)
    address = lockout.client_address(request)
    attempt = lockout.Attempt(
        username=user.username, address=address, stage=LoginFailure.Stage.CODE
    )
    if attempt.locked_until is not None:
        request.session.pop(PENDING, None)
        return _locked_response(
            request, template, context, attempt.locked_until, user.username, "code"
        )
    form = context["form"]
    device = context["device"]
    if form.is_valid() and services.verify_code(device, form.cleaned_data["code"]):
        attempt.succeeded()
        if not device.confirmed:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            with transaction.atomic():
                tell(Event.TOTP_ENROLLED, actor=user.username, subject=user.username)
        request.session.pop(PENDING, None)
        _complete(request, user, data["backend"], "totp")
        return redirect(_safe_next(request, data.get("next", "")))
    with transaction.atomic():
        until = attempt.failed()
        tell(Event.LOGIN_FAILED, actor=user.username, detail={"address": address, "stage": "code"})
    if until is not None:
        request.session.pop(PENDING, None)
        context["locked"] = lockout.message(until)
        return render(request, template, context, status=429)
    form.add_error(
        "code" if form.is_valid() else None,
        _("The code is wrong or has already been used. Enter the current code."),
    )
    return render(request, template, context, status=422)


@sensitive_post_parameters()
@csrf_protect
@never_cache
def login_code(request):
    """Step two for an officer with an authenticator."""

    def extra(user):
        device = services.device_of(user)
        return {"device": device}

    user, _data = _pending(request)
    if user is not None and services.device_of(user) is None:
        return redirect("login-enrol")
    return _second_step(request, "accounts/login_code.html", extra)


@sensitive_post_parameters()
@csrf_protect
@never_cache
def login_enrol(request):
    """Step two for an officer without an authenticator: show the secret (text and QR code,
    made here, no network), confirm with the first code."""

    def extra(user):
        device = services.start_enrolment(user)
        uri = totp.provisioning_uri(
            device.secret, account=user.username, issuer=f"migrex {settings.MIGREX_NODE_ID}"
        )
        qr = segno.make(uri, error="m").svg_inline(scale=4, title=_("QR code of the secret"))
        grouped = " ".join(device.secret[i : i + 4] for i in range(0, len(device.secret), 4))
        return {"device": device, "secret": grouped, "qr": mark_safe(qr), "uri": uri}  # noqa: S308 - segno's own SVG

    user, _data = _pending(request)
    if user is not None and services.device_of(user) is not None:
        return redirect("login-code")
    return _second_step(request, "accounts/login_enrol.html", extra)


@require_POST
@csrf_protect
@never_cache
def logout(request):
    if request.user.is_authenticated:
        with transaction.atomic():
            tell(
                Event.LOGOUT,
                actor=request.user.username,
                detail={"address": lockout.client_address(request)},
            )
    auth_logout(request)
    return redirect("login")
