"""How other floors name and link to cases without knowing the app: the supervisors' exchange
page (conversations of outgoing messages) and the auditors' pages (cases of personal-data reads,
the persons of cases, told without their data)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from migrex.cases.models import Case, CasePerson
from migrex.core.web import Link


def _label(case: Case) -> str:
    return case.number or case.their_number or f"#{case.pk}"


def conversations(ids: set, authority_id: int) -> dict:
    found = Case.objects.filter(conversation_id__in=ids, owner_id=authority_id)
    return {c.conversation_id: Link(_label(c), reverse("cases:detail", args=[c.pk])) for c in found}


def cases(pks: set[int]) -> dict[int, Link]:
    found = Case.objects.filter(pk__in=pks).only("pk", "number", "their_number")
    return {c.pk: Link(_label(c), reverse("cases:detail", args=[c.pk])) for c in found}


def case_person(pk: int) -> str:
    person = CasePerson.objects.select_related("case").filter(pk=pk).first()
    if person is None:
        return _("A person of a case; no longer stored.")
    return _("A person in case %(number)s.") % {"number": _label(person.case)}
