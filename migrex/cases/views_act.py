"""The action panel of a case: the small form of one move, which repeats what the move answers,
and, for a move that leaves the country with a decision (an answer, a partial answer, a
refusal: Form.review), the page that shows exactly what will be sent before the officer ticks
that it was checked and sends it, or goes back to the form with everything as it was typed."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from migrex.accounts import access as table
from migrex.accounts.access import Channel, Data
from migrex.accounts.lockout import client_address
from migrex.accounts.roles import sees_personal_data
from migrex.accounts.services import confirm_identity
from migrex.agreements.profile import rule_or_empty
from migrex.agreements.selectors import profile_of
from migrex.cases import actions, labels, pending, selectors, services, workflow
from migrex.cases.errors import IllegalMove
from migrex.cases.forms_actions import ActionForm
from migrex.cases.models import Case
from migrex.core import vault
from migrex.core.errors import Forbidden, Invalid, MigrexError
from migrex.core.forms import bi, new_key
from migrex.core.problems import Problem, local_problems, place_errors
from migrex.core.web import go_to, is_htmx, officer_view
from migrex.persons.forms import PersonForm, person_forms, stored_person_forms

# The question a move answers: the latest message of these kinds on the case (Art. 9.5, 10.1,
# 10.2, 11.1). The moves of REQUEST_ANSWERS answer the request itself (Art. 9.2, 10).
ANSWERS = {
    "provide_information": ("information_requested",),
    "confirm": ("confirmation_request",),
    "accept_conditions": ("conditions",),
    "decline_conditions": ("conditions",),
    "proceed": ("confidentiality_impossible",),
}
REQUEST_ANSWERS = {"reply", "reply_partially", "refuse", "request_information", "ask_confirmation"}
TICK = "reviewed"  # the review page's checkbox (and the discard form's), checked by the server
CONFIRMED = {"discard"}  # irreversible at once: the form's own box is ticked to make it


def _move(case, user, action: str) -> workflow.Transition | None:
    return next((m for m in selectors.moves_for(user, case) if m.action == action), None)


def asked(case: Case, action: str, user) -> dict | None:
    """What the form of `action` answers, to repeat above it: the other party's question (its
    text, date and attachments) or the request's subject and purpose; None if nothing."""
    texts = table.allows(user, Data.TEXT, Channel.PAGE)
    if action in ANSWERS:
        event = (
            case.events.filter(action__in=ANSWERS[action])
            .prefetch_related("attachments")
            .order_by("-at", "-id")
            .first()
        )
        if event is None:
            return None
        return {"event": event, "texts": texts, "files": sees_personal_data(user)}
    if action in REQUEST_ANSWERS:
        names = {
            i.code: i for i in rule_or_empty(profile_of(case.agreement), "rules.request_content")
        }
        rows = [
            (bi(names[code].name) if code in names else code, getattr(case, code))
            for code in ("summary", "purpose")
        ]
        return {"request": rows, "texts": texts}
    return None


@officer_view
def act(request, pk: int, action: str):
    """GET: the form of one move; POST: make it through services.transition(), after the review
    page for a move that is reviewed."""
    user = request.user
    case = selectors.case_for(user, pk)
    declared = actions.get(action)
    if declared is None or declared.by_peer:
        raise Http404
    profile = profile_of(case.agreement)
    move = _move(case, user, action)
    article = move.article if move else declared.article
    page = {
        "case": case,
        "action": action,
        "move": move,
        "article": article,
        "personal": sees_personal_data(user),
        "danger": declared.tone == actions.DANGER,
        "review": declared.form.review,
        "asked": asked(case, action, user),
    }
    if request.method != "POST":
        form = ActionForm(action=action, case=case, profile=profile, article=article)
        persons = []
        if form.takes_persons:  # start the answer from the persons the request asked about
            requested = [p for p in case.persons.all() if p.event_id is None]
            persons = stored_person_forms(requested, profile) or [
                PersonForm(profile=profile, key=new_key())
            ]
        problems, status = [], 200
        if move is None:
            problems = [Problem("", _("This action is not available to you now."), article)]
            status = 403
        return _form(request, page, form, persons, problems, status)

    form = ActionForm(
        request.POST, request.FILES, action=action, case=case, profile=profile, article=article
    )
    persons = person_forms(request.POST, profile) if form.takes_persons else []
    step = request.POST.get("step", "")
    held = request.POST.get("held", "")
    page["held"] = pending.described(held, user=user, case=case)
    page["held_token"] = held
    if step == "edit":  # back from the review page: the form as it was filled in
        return _form(request, page, form, persons, [], 200)
    if not all([form.is_valid()] + [p.is_valid() for p in persons]):
        return _form(request, page, form, persons, local_problems(form, persons), 422)
    if action in CONFIRMED and request.POST.get(TICK) != "on":
        problem = Problem("", _("Tick the box to confirm that the draft is discarded."), article)
        return _form(request, page, form, persons, [problem], 422)
    data = form.service_data([p.record() for p in persons])
    if declared.form.review and not (step == "send" and request.POST.get(TICK) == "on"):
        return _review(request, page, form, persons, data, step == "send")
    try:
        files = pending.release(held, user=user, case=case) if declared.form.review else []
    except vault.Unreadable:
        return _form(request, page, form, persons, [_files_lost(article)], 409)
    files += form.uploads()
    if files:
        data["attachments"] = files
    done, problems, status = _make_move(request, case, form, persons, data)
    if not done:
        return _form(request, page, form, persons, problems, status)
    pending.drop(held, user=user, case=case)
    messages.success(request, f"{labels.event_label(action, case.kind)}.")
    if not selectors.visible_cases(user).filter(pk=case.pk).exists():
        return go_to(request, reverse("cases:box", args=["incoming"]))  # forwarded
    return go_to(request, reverse("cases:detail", args=[case.pk]))


def _form(request, page: dict, form, persons, problems, status: int):
    context = {**page, "form": form, "persons": persons, "problems": problems}
    template = "cases/_action_form.html" if is_htmx(request) else "cases/action.html"
    return render(request, template, context, status=status)


def _review(request, page: dict, form, persons, data: dict, unticked: bool):
    """The move as it will leave, or the form again with what the move would refuse."""
    user, case = request.user, page["case"]
    new = form.uploads()
    try:
        held = pending.release(page["held_token"], user=user, case=case)
    except vault.Unreadable:
        page = {**page, "held_token": "", "held": []}
        return _form(request, page, form, persons, [_files_lost(page["article"])], 409)
    try:
        services.precheck(
            case=case, action=page["action"], actor=user, data={**data, "attachments": held + new}
        )
    except (Invalid, Forbidden, IllegalMove) as exc:
        errors = exc.errors if isinstance(exc, Invalid) else [exc]
        token = pending.hold(new, user=user, case=case, token=page["held_token"])
        page = {**page, "held_token": token, "held": pending.described(token, user=user, case=case)}
        return _form(request, page, form, persons, place_errors(errors, form, persons), 422)
    token = pending.hold(new, user=user, case=case, token=page["held_token"])
    profile = profile_of(case.agreement)
    grounds = {g.code: g for g in getattr(rule_or_empty(profile, "rules.refusal"), "grounds", ())}
    context = {
        **page,
        "form": form,
        "persons": persons,
        "held_token": token,
        "held": pending.described(token, user=user, case=case),
        "text": data.get("text", ""),
        "grounds": [grounds.get(code) or code for code in data.get("grounds", [])],
        "records": data.get("persons") or [],
        "categories": {c.code: c for c in rule_or_empty(profile, "rules.person_categories")},
        "unticked": unticked,
        "tick": TICK,
    }
    return render(request, "cases/review.html", context, status=422 if unticked else 200)


def _files_lost(article: str) -> Problem:
    return Problem(
        _("Attach files"),
        _("The files attached before cannot be read any more: attach them again."),
        article,
    )


def _make_move(request, case, form: ActionForm, persons, data) -> tuple[bool, list[Problem], int]:
    action = form.action
    try:
        confirmed = form.spec.password and confirm_identity(
            request.user, form.cleaned_data.get("password"), address=client_address(request)
        )
        if confirmed:  # the password opens the signatory's key (Art. 9.3); no history keeps it
            data["password"] = form.cleaned_data["password"]
        services.transition(
            case=case, action=action, actor=request.user, data=data, confirmed=confirmed
        )
    except Invalid as exc:
        return False, place_errors(exc.errors, form, persons), exc.status
    except Forbidden as exc:
        if exc.code == "reauthentication_required":  # Art. 9.3: the signer proves who they are
            what_ru, what_en = (
                ("запрос не подписан", "the request is not signed")
                if action == "sign"
                else ("подтверждение не подписано", "the confirmation is not signed")
            )
            exc = Forbidden(
                code="wrong_password",
                message_ru=f"Пароль неверен: {what_ru}.",
                message_en=f"Wrong password: {what_en}.",
                article="9.3",
                field="password",
            )
        return False, place_errors([exc], form, persons), exc.status
    except IllegalMove as exc:  # the case moved on meanwhile: say so with the labels, not codes
        state = Case.objects.values_list("status", flat=True).get(pk=case.pk)
        message = _("“%(action)s” is not possible while the case is “%(state)s”.") % {
            "action": labels.action_label(action),
            "state": labels.state_label(state),
        }
        problem = Problem("", message, exc.article)
        return False, [problem], exc.status
    except MigrexError as exc:
        return False, place_errors([exc], form, persons), getattr(exc, "status", 422)
    return True, [], 200
