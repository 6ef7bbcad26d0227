"""The treaty's written documents for a case, from its records: the request letter (Art. 9), the
requested side's clarification requests (Art. 10.1), answer (Art. 10.3) and refusal notice
(Art. 10.4), as PDF.

Outgoing numbers. The requested side's letters on a case are numbered by the case's registration
number there and the letter's place among them: «BY-MVD-2026-000001/2» is its second letter
on the request it registered as BY-MVD-2026-000001. Both nodes derive the same number from the
same history (the requester knows that registration number from `registered`, Art. 10.1): no
message carries it. A partial answer is one letter: its answer and its notice of partial
refusal bear the same number.
"""

from __future__ import annotations

from django.utils import timezone

from migrex.agreements.profile import rule_or_empty
from migrex.agreements.schema_errors import RuleUnknownError
from migrex.agreements.selectors import profile_of
from migrex.cases import signatures
from migrex.cases.documents import (
    ANSWER,
    CLARIFICATION,
    PARTIAL_ANSWER,
    Bilingual,
    RefusalNotice,
    Reply,
    RequestLetter,
    render_refusal_notice,
    render_reply,
    render_request_letter,
    ru_iso,
)
from migrex.cases.models import Case, CaseEvent
from migrex.cases.workflow import Side

# The requested side's letters, by the move that sends it and the notice that receives it.
CLARIFICATIONS = ("request_information", "information_requested")
ANSWERS = ("reply", "answer")
PARTIAL_ANSWERS = ("reply_partially", "partial_answer")
REFUSALS = ("refuse", "refusal")
LETTERS = CLARIFICATIONS + ANSWERS + PARTIAL_ANSWERS + REFUSALS


def authority(a) -> Bilingual:
    return Bilingual(a.name_ru, a.name_en)


def agreement_title(case: Case) -> Bilingual:
    profile = profile_of(case.agreement)
    return Bilingual(profile.title.ru, profile.title.en)


def _categories(case: Case) -> dict[str, str]:
    try:
        return {
            c.code: f"{c.name.ru} (ст. {c.article})"
            for c in profile_of(case.agreement).rule("rules.person_categories")
        }
    except RuleUnknownError:  # an unknown section only loses the label
        return {}


def _person_line(category_names: dict[str, str], category: str, data: dict) -> str:
    names = []
    for key in ("surname", "given_name", "patronymic"):
        value = data.get(key) or {}
        spelled = value.get("cyrillic") or value.get("latin")
        if spelled:
            names.append(spelled)
    latin = " ".join(
        (data.get(k) or {}).get("latin", "") for k in ("surname", "given_name")
    ).strip()
    parts = [" ".join(names) + (f" ({latin})" if latin and latin not in names else "")]
    if data.get("birth_date"):
        parts.append(f"дата рождения {ru_iso(data['birth_date'])}")
    parts.append(f"категория: {category_names.get(category, category)}")
    return ", ".join(parts)


def request_document(case: Case) -> RequestLetter:
    return RequestLetter(
        agreement_title=agreement_title(case),
        number=request_number(case) or case.number or case.their_number,
        date=request_date(case),
        requesting_authority=authority(case.requesting_authority),
        requested_authority=authority(case.requested_authority),
        summary=case.summary,
        purpose=case.purpose,
        justification=case.justification,
        other_information=case.other_information,
        subject_lines=[
            _person_line(_categories(case), p.category, p.data)
            for p in case.persons.filter(event=None)
        ],
        attachments=[a.name for a in case.attachments.filter(event=None)],
        signatory_name=case.signatory_name,
        signatory_position=case.signatory_position,
        signed_at=timezone.localtime(case.signed_at) if case.signed_at else None,
        confidential=case.confidential,
        conversation_id=str(case.conversation_id),
        signature_key=signature.key_id if (signature := signatures.record_of(case)) else "",
    )


def request_letter(case: Case) -> bytes:
    return render_request_letter(request_document(case))


def request_date(case: Case):
    """The request letter's date: its signing (on both sides), else its draft's."""
    return timezone.localdate(case.signed_at or case.created_at)


def request_number(case: Case) -> str:
    return case.their_number if case.side == Side.REQUESTED else case.number


def letter_events(case: Case, actions: tuple[str, ...] = LETTERS) -> list[CaseEvent]:
    return list(case.events.filter(action__in=actions).select_related("actor").order_by("at", "id"))


def outgoing_number(case: Case, event: CaseEvent) -> str:
    """The requested side's number of its letter `event` (the module's docstring)."""
    registered = case.number if case.side == Side.REQUESTED else case.their_number
    if not registered:
        return ""
    ids = [e.pk for e in letter_events(case)]
    return f"{registered}/{ids.index(event.pk) + 1}" if event.pk in ids else ""


def _signer(event: CaseEvent) -> tuple[str, str]:
    """The officer who made the move, as the signature block names them: their name and the
    position they hold (as on the signatory list, Art. 9.3, where they are on it)."""
    if event.actor is None:
        return "", ""
    entry = event.actor.signatory_entries.order_by("-pk").first()
    return str(event.actor), event.actor.position or (entry.position if entry else "")


def _grounds(case: Case, event: CaseEvent) -> list[tuple[Bilingual, str]]:
    known = {
        g.code: g
        for g in getattr(rule_or_empty(profile_of(case.agreement), "rules.refusal"), "grounds", ())
    }
    return [
        (Bilingual(known[c].name.ru, known[c].name.en), known[c].article)
        for c in event.data.get("grounds", [])
        if c in known
    ]


def _common(case: Case, event: CaseEvent) -> dict:
    name, position = _signer(event)
    return {
        "agreement_title": agreement_title(case),
        "outgoing_number": outgoing_number(case, event),
        "requesting_authority": authority(case.requesting_authority),
        "requested_authority": authority(case.requested_authority),
        "request_date": request_date(case),
        "officer_name": name,
        "officer_position": position,
        "confidential": case.confidential,
        "conversation_id": str(case.conversation_id),
        "received_at": timezone.localtime(event.at) if event.direction == "in" else None,
    }


def reply_document(case: Case, event: CaseEvent) -> Reply:
    """A clarification request or an answer (full or partial) of `event`."""
    kind = (
        CLARIFICATION
        if event.action in CLARIFICATIONS
        else PARTIAL_ANSWER
        if event.action in PARTIAL_ANSWERS
        else ANSWER
    )
    categories = _categories(case)
    return Reply(
        kind=kind,
        date=timezone.localdate(event.at),
        request_number=request_number(case),
        text=event.text,
        grounds=_grounds(case, event),
        persons=[
            _person_line(categories, p.category, p.data) for p in case.persons.filter(event=event)
        ],
        attachments=[a.name for a in case.attachments.filter(event=event)],
        **_common(case, event),
    )


def reply(case: Case, event: CaseEvent) -> bytes:
    return render_reply(reply_document(case, event))


def answer_event(case: Case) -> CaseEvent | None:
    found = letter_events(case, ANSWERS + PARTIAL_ANSWERS)
    return found[-1] if found else None


def refusal_event(case: Case) -> CaseEvent | None:
    found = letter_events(case, REFUSALS + PARTIAL_ANSWERS)
    return found[-1] if found else None


def refusal_document(case: Case, event: CaseEvent) -> RefusalNotice:
    return RefusalNotice(
        number=request_number(case),
        date=timezone.localdate(event.at),
        partial=event.action in PARTIAL_ANSWERS,
        grounds=_grounds(case, event),
        reasons=event.text,
        **_common(case, event),
    )


def refusal_notice(case: Case, event: CaseEvent) -> bytes:
    return render_refusal_notice(refusal_document(case, event))
