"""One case: its page, which leads with what happened last and what to do next, and its
documents. The form of each move is views_act's."""

from __future__ import annotations

import datetime as dt
import io
import logging
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from migrex.accounts import access as table
from migrex.accounts.access import Channel, Data
from migrex.agreements.profile import rule_or_empty
from migrex.agreements.selectors import directory, profile_of
from migrex.cases import (
    actions,
    attention,
    downloads,
    letters,
    received,
    selectors,
)
from migrex.core import vault
from migrex.core.errors import Forbidden, Invalid
from migrex.core.forms import bi
from migrex.core.web import officer_view
from migrex.persons import access
from migrex.persons.views import received_panel

log = logging.getLogger("migrex.cases")

REFUSALS = ("refuse", "refusal", "reply_partially", "partial_answer")


def _refusal_of(events) -> object | None:
    """The latest refusal (full or partial) among the case's events, as letters.refusal_event."""
    found = [e for e in events if e.action in REFUSALS]
    return max(found, key=lambda e: (e.at, e.pk)) if found else None


@officer_view
def detail(request, pk: int):
    user = request.user
    case = selectors.case_for(user, pk)
    if not table.allows(user, Data.METADATA, Channel.PAGE):  # deny by default: no role
        raise Http404
    today = timezone.localdate()
    profile = profile_of(case.agreement)
    events = list(case.events.select_related("actor").order_by("at", "id"))
    personal = table.allows(user, Data.PERSONS, Channel.PAGE)
    texts = table.allows(user, Data.TEXT, Channel.PAGE)  # auditors: metadata only
    persons_by_event: dict[int | None, list] = defaultdict(list)
    attachments_by_event: dict[int | None, list] = defaultdict(list)
    shown = list(case.persons.select_related("event")) if personal else []
    # One commit for both: what happened before now is no longer news to the officer, and the
    # persons they read now are on the audit log (Art. 11.4).
    with transaction.atomic():
        attention.opened(user, case)
        if shown:
            access.record_reads(user, shown, case=case)
    if personal:
        for person in shown:
            persons_by_event[person.event_id].append(person)
        for attachment in case.attachments.all():
            attachments_by_event[attachment.event_id].append(attachment)
    assignee_ids = {e.data.get("assignee") for e in events if e.data.get("assignee")}
    officers = {
        u.pk: u for u in get_user_model().objects.filter(pk__in=assignee_ids)
    }  # one query for every assignment in the history
    grounds = {g.code: g for g in getattr(rule_or_empty(profile, "rules.refusal"), "grounds", ())}
    categories = {c.code: c for c in rule_or_empty(profile, "rules.person_categories")}
    topics = {t.code: t for t in rule_or_empty(profile, "rules.topics")}
    known = directory().authorities
    by_message = {str(e.message_id): e for e in events if e.message_id}
    history = [
        {
            "event": e,
            "grounds": [grounds.get(code) or code for code in e.data.get("grounds", [])],
            "assignee": officers.get(e.data.get("assignee")),
            "persons": persons_by_event.get(e.pk, []),
            "attachments": attachments_by_event.get(e.pk, []),
            # Art. 2: forwarded from one competent authority to another
            "forwarded": [known.get(e.data[k]) or e.data[k] for k in ("from", "authority")]
            if e.data.get("authority")
            else None,
            # Art. 10.2: until when execution is postponed (and on what condition: data)
            "until": dt.date.fromisoformat(e.data["until"]) if e.data.get("until") else None,
            # Art. 9.5: the question a confirmation answers
            "reply_to": by_message.get(str(e.data.get("in_reply_to"))),
        }
        for e in events
    ]
    tone = {m.action: actions.BY_NAME[m.action].tone for m in selectors.moves_for(user, case)}
    moves = sorted(
        selectors.moves_for(user, case),
        key=lambda m: (tone[m.action] != actions.PRIMARY, tone[m.action] == actions.DANGER),
    )
    # What ends the case against the other's wish, or throws the draft away, waits at the end of
    # the page, away from the usual moves and from any form's «Отмена».
    danger = [m for m in moves if tone[m.action] == actions.DANGER]
    moves = [m for m in moves if tone[m.action] != actions.DANGER]
    return render(
        request,
        "cases/detail.html",
        {
            "case": case,
            "profile": profile,
            "clock": selectors.clock(case, today),
            "personal": personal,
            "texts": texts,
            "persons": persons_by_event.get(None, []),
            "attachments": attachments_by_event.get(None, []),
            "all_attachments": [a for group in attachments_by_event.values() for a in group],
            "history": history,
            "latest": _latest(history),
            "moves": moves,
            "danger_moves": danger,
            "tones": tone,
            "refusal": _refusal_of(events),
            "categories": categories,
            "topics": [topics.get(code) or code for code in case.topics],
            "content": _content(case, profile, texts=texts),
            "received": received_panel(received.of_case(case))
            if personal and any(received.came_in(case, p) for p in shown)
            else None,
        },
    )


def _latest(history: list[dict]) -> dict | None:
    """What happened last: the latest message between the parties (a question, an answer, a
    refusal…), or, before any, the latest entry of the history."""
    sent = [h for h in history if h["event"].direction]
    return (sent or history or [None])[-1]


def _content(case, profile, *, texts: bool) -> list[tuple[str, str | None, str]]:
    """The Art. 9.2 items of the request with the agreement's own labels; without `texts`, the
    items are None (the page says they are hidden)."""
    names = {i.code: i for i in rule_or_empty(profile, "rules.request_content")}
    rows = []
    for code in ("summary", "purpose", "justification", "other_information"):
        item = names.get(code)
        label = bi(item.name) if item else code
        value = getattr(case, code) if texts else None
        rows.append((label, value, item.article if item else "9.2"))
    return rows


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _personal_data_hidden(request):
    return HttpResponseForbidden(_("Personal data is hidden for the auditor role."))


def _refused(request, case, **gate) -> HttpResponse | None:
    """None when the download may go ahead (downloads.release, which records the read); else
    the answer: 403 for a role that may not have it; back to the case with the reason when a
    third party named in `recipient` lacks the provider's consent (Art. 11.3)."""
    recipient = request.GET.get("recipient", "")
    try:
        downloads.release(request.user, case, door="ui", recipient=recipient, **gate)
    except Forbidden as exc:
        if exc.code == "personal_data_withheld":
            return _personal_data_hidden(request)
        messages.error(request, exc.message_ru)
    except Invalid as exc:
        for e in exc.errors:
            messages.error(request, e.message_ru)
    else:
        return None
    return redirect("cases:detail", case.pk)


@officer_view
def request_letter(request, pk: int):
    case = selectors.case_for(request.user, pk)
    refused = _refused(
        request,
        case,
        data=(Data.TEXT, Data.PERSONS),  # the letter's texts and the persons it lists
        channel=Channel.PDF,
        document="request_letter",
        subject=f"case:{case.pk}",
        persons=case.persons.filter(event=None),
        came_in=downloads.letter_received(case),
    )
    if refused:
        return refused
    return _pdf(letters.request_letter(case), f"{case.number or case.pk}-request.pdf")


@officer_view
def refusal_notice(request, pk: int):
    case = selectors.case_for(request.user, pk)
    event = letters.refusal_event(case)
    if event is None:
        raise Http404
    refused = _refused(
        request,
        case,
        data=(Data.TEXT,),  # the reasons
        channel=Channel.PDF,
        document="refusal_notice",
        subject=f"case:{case.pk}",
        came_in=downloads.refusal_received(event),
    )
    if refused:
        return refused
    return _pdf(letters.refusal_notice(case, event), f"{case.number or case.pk}-refusal.pdf")


@officer_view
def attachment(request, pk: int, attachment_id: int):
    case = selectors.case_for(request.user, pk)
    item = case.attachments.select_related("event").filter(pk=attachment_id).first()
    if item is None:
        raise Http404
    refused = _refused(
        request,
        case,
        data=(Data(item.kind),),
        channel=Channel.ATTACHMENT,
        document=item.kind,
        subject=f"attachment:{item.pk}",
        came_in=downloads.attachment_received(case, item),
    )
    if refused:
        return refused
    try:
        content = vault.read(item)  # decrypted only here, for those who may see the case
    except vault.Unreadable as exc:
        log.error("attachment %s of case %s unreadable: %s", item.pk, case.pk, exc)
        message = _(
            "The file “%(name)s” of case %(case)s cannot be decrypted: %(reason)s. "
            "It was altered or damaged in storage (Art. 11.4); tell the node administrator."
        ) % {"name": item.name, "case": case, "reason": exc}
        return HttpResponse(message, status=409, content_type="text/plain; charset=utf-8")
    return FileResponse(
        io.BytesIO(content),
        as_attachment=True,
        filename=item.name,
        content_type=item.content_type or "application/octet-stream",
    )
