"""The treaty's written documents for a case: the request letter (Art. 9) and the refusal notice
(Art. 10.4), as PDF."""

from __future__ import annotations

from django.utils import timezone

from migrex.agreements.schema_errors import RuleUnknownError
from migrex.agreements.selectors import profile_of
from migrex.cases import signatures
from migrex.cases.documents import (
    Bilingual,
    RefusalNotice,
    RequestLetter,
    render_refusal_notice,
    render_request_letter,
)
from migrex.cases.models import Case, CaseEvent


def _authority(a) -> Bilingual:
    return Bilingual(a.name_ru, a.name_en)


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
        parts.append(f"дата рождения {data['birth_date']}")
    parts.append(f"категория: {category_names.get(category, category)}")
    return ", ".join(parts)


def request_letter(case: Case) -> bytes:
    profile = profile_of(case.agreement)
    try:
        categories = {
            c.code: f"{c.name.ru} (ст. {c.article})"
            for c in profile.rule("rules.person_categories")
        }
    except RuleUnknownError:  # an unknown section only loses the label
        categories = {}
    letter = RequestLetter(
        agreement_title=Bilingual(profile.title.ru, profile.title.en),
        number=case.number or case.their_number,
        date=timezone.localdate(case.signed_at or case.created_at),
        requesting_authority=_authority(case.requesting_authority),
        requested_authority=_authority(case.requested_authority),
        summary=case.summary,
        purpose=case.purpose,
        justification=case.justification,
        other_information=case.other_information,
        subject_lines=[
            _person_line(categories, p.category, p.data) for p in case.persons.filter(event=None)
        ],
        attachments=[a.name for a in case.attachments.filter(event=None)],
        signatory_name=case.signatory_name,
        signatory_position=case.signatory_position,
        signed_at=timezone.localtime(case.signed_at) if case.signed_at else None,
        confidential=case.confidential,
        conversation_id=str(case.conversation_id),
        signature_key=signature.key_id if (signature := signatures.record_of(case)) else "",
    )
    return render_request_letter(letter)


def refusal_event(case: Case) -> CaseEvent | None:
    return (
        case.events.filter(action__in=("refuse", "refusal", "reply_partially", "partial_answer"))
        .order_by("-at")
        .first()
    )


def refusal_notice(case: Case, event: CaseEvent) -> bytes:
    profile = profile_of(case.agreement)
    grounds = {g.code: g for g in profile.rule("rules.refusal").grounds}
    request_number = case.their_number if case.side == "requested" else case.number
    notice = RefusalNotice(
        agreement_title=Bilingual(profile.title.ru, profile.title.en),
        number=request_number,
        request_date=case.received_on or timezone.localdate(case.created_at),
        date=timezone.localdate(event.at),
        requesting_authority=_authority(case.requesting_authority),
        requested_authority=_authority(case.requested_authority),
        partial=event.action in ("reply_partially", "partial_answer"),
        grounds=[
            (Bilingual(grounds[c].name.ru, grounds[c].name.en), grounds[c].article)
            for c in event.data.get("grounds", [])
            if c in grounds
        ],
        reasons=event.text,
        officer_name=event.actor_label if event.actor_id else "",
        officer_position=getattr(event.actor, "position", "") if event.actor_id else "",
        conversation_id=str(case.conversation_id),
    )
    return render_refusal_notice(notice)
