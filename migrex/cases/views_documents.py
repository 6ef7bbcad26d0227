"""The requested side's letters of a case as PDF — its clarification requests (Art. 10.1) and its
answer (Art. 10.3) — and the whole case file. Each passes the download gate of the request
letter (downloads.release: the access table, the read recorded, Art. 11.3 for a third party);
the case file of a role that may not see personal data (Art. 11.4) is its metadata only."""

from __future__ import annotations

from django.http import Http404

from migrex.accounts import access as table
from migrex.accounts.access import Channel, Data
from migrex.cases import casefile, letters, selectors
from migrex.cases.views_case import _pdf, _refused
from migrex.core.web import officer_view


def _filename(case, what: str) -> str:
    return f"{case.number or case.their_number or case.pk}-{what}.pdf"


def _letter(request, case, event, document: str):
    """A letter of `event`: its text and the persons it provides, to roles that may have them."""
    refused = _refused(
        request,
        case,
        data=(Data.TEXT, Data.PERSONS),
        channel=Channel.PDF,
        document=document,
        subject=f"case:{case.pk}",
        persons=case.persons.filter(event=event),
        came_in=event.direction == "in",
    )
    return refused or _pdf(letters.reply(case, event), _filename(case, document))


@officer_view
def answer(request, pk: int):
    case = selectors.case_for(request.user, pk)
    event = letters.answer_event(case)
    if event is None:
        raise Http404
    return _letter(request, case, event, "answer")


@officer_view
def clarification(request, pk: int, event_id: int):
    case = selectors.case_for(request.user, pk)
    event = next(
        (e for e in letters.letter_events(case, letters.CLARIFICATIONS) if e.pk == event_id), None
    )
    if event is None:
        raise Http404
    return _letter(request, case, event, f"clarification-{event.pk}")


@officer_view
def case_file(request, pk: int):
    """Any officer who sees the case (as its page, Art. 11.1) gets its file; letters, texts and
    persons only where the access table lets them have those in a PDF (Art. 11.4)."""
    user = request.user
    case = selectors.case_for(user, pk)
    if not table.allows(user, Data.METADATA, Channel.PAGE):
        raise Http404
    if casefile.full(user):
        refused = _refused(
            request,
            case,
            data=(Data.TEXT, Data.PERSONS),
            channel=Channel.PDF,
            document="case_file",
            subject=f"case:{case.pk}",
            persons=case.persons.all(),
            came_in=True,  # it holds what the other party sent (Art. 11.3)
        )
        if refused:
            return refused
    return _pdf(casefile.case_file(case, user), _filename(case, "case-file"))
