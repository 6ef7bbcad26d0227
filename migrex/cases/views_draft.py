"""Writing a request or information without a request (Art. 8, 9.2): new draft, edit, and the
rows (persons, attachments) that htmx adds to the form."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from migrex.agreements.models import Agreement
from migrex.agreements.selectors import profile_of
from migrex.cases import selectors, services
from migrex.cases.forms import AttachmentForm, DraftForm, attachment_forms
from migrex.cases.selectors import can_draft
from migrex.cases.workflow import Kind, State
from migrex.core.errors import Invalid, MigrexError
from migrex.core.forms import new_key
from migrex.core.problems import (
    Problem,
    local_problems,
    message_of,
    place_errors,
    with_article,
)
from migrex.core.web import is_htmx, officer_view
from migrex.persons.forms import PersonForm, person_forms, stored_person_forms


class _Rollback(Exception):
    """Raised inside the transaction so that nothing of a rejected draft is kept."""


def _forbidden(request):
    return HttpResponseForbidden(
        _("Only operators of a competent authority draft requests (Art. 9.3).")
    )


def _save(request, form: DraftForm, persons, attachments, kind: Kind, case=None):
    """Create or update the draft and its attachments in one transaction; return the case, or
    None and the problems (then nothing was written)."""
    problems: list[Problem] = []
    try:
        with transaction.atomic():
            records = [p.record() for p in persons]
            if case is None:
                case = services.create_draft(
                    actor=request.user,
                    agreement=form.cleaned_data["agreement"],
                    requested_authority=form.cleaned_data["requested_authority"],
                    kind=kind,
                    persons=records,
                    **form.draft_fields(),
                )
            else:
                case = services.update_draft(
                    case=case, actor=request.user, persons=records, **form.draft_fields()
                )
            for i, attachment in enumerate(attachments):
                upload = attachment.cleaned_data.get("file")
                if upload is None:
                    continue
                try:
                    services.add_attachment(
                        case=case,
                        actor=request.user,
                        name=upload.name,
                        content=upload.read(),
                        content_type=upload.content_type or "application/octet-stream",
                        kind=attachment.cleaned_data["kind"],
                    )
                except Invalid as exc:
                    where = _("Attachment %(n)s") % {"n": i + 1}
                    for error in exc.errors:
                        field = error.field if error.field in attachment.fields else None
                        attachment.add_error(field, with_article(message_of(error), error.article))
                        anchor = f"id_{attachment.add_prefix('file')}"
                        problems.append(Problem(where, message_of(error), error.article, anchor))
            if problems:
                raise _Rollback
    except Invalid as exc:
        problems += place_errors(exc.errors, form, persons)
    except MigrexError as exc:
        problems += place_errors([exc], form, persons)
    except _Rollback:
        pass
    return (None, problems) if problems else (case, [])


def _draft_page(request, *, kind: Kind, case=None):
    if not can_draft(request.user):
        return _forbidden(request)
    refresh = request.method == "POST" and "refresh" in request.GET
    if request.method == "POST":
        form = DraftForm(request.POST, user=request.user, case=case, kind=kind)
        persons = person_forms(request.POST, form.profile)
        attachments = attachment_forms(request.POST, request.FILES, form.profile)
    else:
        initial = {}
        if case is not None:
            initial = {f: getattr(case, f) for f in ("summary", "purpose", "justification")}
            initial.update(
                other_information=case.other_information,
                topics=case.topics,
                confidential=case.confidential,
            )
        form = DraftForm(initial=initial, user=request.user, case=case, kind=kind)
        if case is not None:
            persons = stored_person_forms(case.persons.filter(event=None), form.profile)
        else:
            persons = [PersonForm(profile=form.profile, key=new_key())]
        attachments = [AttachmentForm(profile=form.profile, key=new_key())]
    problems: list[Problem] = []
    status = 200
    if request.method == "POST" and not refresh:
        valid = [f.is_valid() for f in (form, *persons, *attachments)]
        if all(valid):
            saved, problems = _save(request, form, persons, attachments, kind, case)
            if saved is not None:
                messages.success(request, _("The draft is saved."))
                return redirect("cases:detail", pk=saved.pk)
        else:
            problems = local_problems(form, persons, attachments)
        status = 422
    elif refresh:  # the agreement changed: offer its authorities, subjects and categories
        form = _unbound_copy(request, kind)
        persons = [_unbound_person(p, form.profile) for p in persons]
    context = {
        "form": form,
        "persons": persons,
        "attachments": attachments,
        "problems": problems,
        "kind": kind,
        "case": case,
        "existing_attachments": case.attachments.filter(event=None) if case else [],
    }
    template = "cases/draft_form.html"
    if refresh and is_htmx(request):
        template = "cases/_draft_body.html"
    return render(request, template, context, status=status)


def _unbound_copy(request, kind: Kind) -> DraftForm:
    data = request.POST
    initial = {
        name: data.getlist(name) if name == "topics" else data.get(name, "")
        for name in ("summary", "purpose", "justification", "other_information", "topics")
    }
    initial["confidential"] = data.get("confidential") == "on"
    initial["agreement"] = data.get("agreement")
    initial["requested_authority"] = data.get("requested_authority")
    return DraftForm(initial=initial, user=request.user, kind=kind)


def _unbound_person(person: PersonForm, profile) -> PersonForm:
    values = {name: person.data.get(person.add_prefix(name), "") for name in person.fields}
    return PersonForm(initial=values, profile=profile, key=person.key)


@officer_view
def new_request(request):
    return _draft_page(request, kind=Kind.REQUEST)


@officer_view
def new_information(request):
    return _draft_page(request, kind=Kind.SPONTANEOUS)


@officer_view
def edit_draft(request, pk: int):
    case = selectors.case_for(request.user, pk)
    if case.status != State.DRAFT or case.author_id != request.user.pk:
        messages.error(request, _("Only its author edits a draft (Art. 9.3)."))
        return redirect("cases:detail", pk=case.pk)
    return _draft_page(request, kind=Kind(case.kind), case=case)


def _profile_from(request):
    """The profile of the agreement the form is about, among the user's own agreements."""
    pk = request.GET.get("agreement") or ""
    agreement = (
        Agreement.objects.filter(authorities=request.user.authority_id, pk=pk)
        .select_related("current_version")
        .first()
        if pk.isdigit()
        else None
    )
    if agreement is None:
        raise Http404
    return profile_of(agreement)


@officer_view
def person_row(request):
    """One more person row for the draft or the answer form (htmx)."""
    base = request.GET.get("base", "persons")
    if base not in ("persons",):
        raise Http404
    form = PersonForm(profile=_profile_from(request), key=new_key(), base=base)
    return render(request, "cases/_person_row.html", {"p": form, "number": ""})


@officer_view
def attachment_row(request):
    form = AttachmentForm(profile=_profile_from(request), key=new_key())
    return render(request, "cases/_attachment_row.html", {"a": form})
