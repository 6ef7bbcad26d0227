"""The register of cooperation activities (Art. 7: trainings and internships, working groups
and exchanges of experts, conferences and seminars, study visits, joint projects) and of
consultations on disputes (Art. 15)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import QuerySet

from migrex.agreements.models import Agreement, Authority
from migrex.agreements.selectors import directory
from migrex.audit.actions import Action
from migrex.audit.services import record
from migrex.core.errors import Invalid, error
from migrex.registers.models import CooperationEvent

Kind = CooperationEvent.Kind

# The article (and item) of the agreement each form of cooperation comes from.
ARTICLES: dict[str, str] = {
    Kind.TRAINING: "7.1",
    Kind.WORKING_GROUP: "7.2",
    Kind.EXPERT_EXCHANGE: "7.2",
    Kind.CONFERENCE: "7.3",
    Kind.STUDY_VISIT: "7.4",
    Kind.JOINT_PROJECT: "7.5",
    Kind.CONSULTATION: "15",
}


@transaction.atomic
def record_event(
    *,
    actor,
    agreement: Agreement,
    kind: str,
    title: str,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    place: str = "",
    authorities: list[Authority],
    people: list[str] | None = None,
    outcomes: str = "",
) -> CooperationEvent:
    """Add an activity to the register; `ends_on` defaults to `starts_on` (a one-day event)."""
    ends_on = ends_on or starts_on
    article = ARTICLES.get(kind, "7")
    errors = []
    if kind not in ARTICLES:
        errors.append(
            error(
                "kind_unknown",
                "Неизвестная форма сотрудничества.",
                "Unknown form of cooperation.",
                "7",
                "kind",
            )
        )
    if not title.strip():
        errors.append(
            error(
                "title_required",
                "Укажите название мероприятия.",
                "Give the title.",
                article,
                "title",
            )
        )
    if ends_on < starts_on:
        errors.append(
            error(
                "ends_before_start",
                "Дата окончания раньше даты начала.",
                "The activity ends before it starts.",
                article,
                "ends_on",
            )
        )
    members = directory().terms(agreement.code).authorities
    if not authorities:
        errors.append(
            error(
                "authorities_required",
                "Укажите хотя бы один участвующий компетентный орган.",
                "Name at least one participating competent authority.",
                "2",
                "authorities",
            )
        )
    strangers = [a.code for a in authorities if a.code not in members]
    if strangers:
        errors.append(
            error(
                "not_competent",
                f"Не компетентные органы по этому соглашению: {', '.join(strangers)}.",
                f"Not competent authorities under this agreement: {', '.join(strangers)}.",
                "2",
                "authorities",
            )
        )
    if errors:
        raise Invalid(errors)
    event = CooperationEvent.objects.create(
        agreement=agreement,
        kind=kind,
        title=title.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        place=place.strip(),
        people="\n".join(p.strip() for p in people or [] if p.strip()),
        outcomes=outcomes.strip(),
        created_by=actor,
    )
    event.authorities.set(authorities)
    record(
        Action.COOPERATION_RECORDED,
        actor=actor,
        subject=f"cooperation:{event.pk}",
        detail={"kind": kind, "title": event.title, "starts_on": starts_on.isoformat()},
    )
    return event


def between(first: dt.date, last: dt.date) -> QuerySet[CooperationEvent]:
    """Activities that take place on at least one day of [first, last]."""
    return (
        CooperationEvent.objects.filter(starts_on__lte=last, ends_on__gte=first)
        .select_related("agreement")
        .prefetch_related("authorities")
    )
