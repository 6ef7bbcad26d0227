"""Which retention rule applies to what, and when each holding of personal data falls due.

Art. 11.5: information is kept no longer than its purpose requires and destroyed under each
state's law. The agreement states no period (the profile says `unknown` per party), so a period
comes from the profile if it ever states one, else from the rule the node's administrators set
under their national law. Data with no rule is never destroyed: it is listed for them.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from migrex.agreements.models import Agreement
from migrex.agreements.schema_errors import RuleUnknownError
from migrex.agreements.selectors import profile_of
from migrex.cases import workflow
from migrex.cases.models import Attachment, Case, CasePerson
from migrex.persons.models import Dataset, PersonRecord
from migrex.retention.models import CASE_CLOSED, PurposeEnd, Rule

ARTICLE = "11.5"


@dataclass(frozen=True)
class Effective:
    """The rule in force for one agreement and party: from the profile or the node."""

    agreement: str
    party: str
    counted_from: str
    basis: str
    days: int | None = None
    months: int | None = None
    source: str = "node"  # "profile" or "node"
    rule: Rule | None = None

    def due(self, start: dt.date) -> dt.date:
        if self.months is not None:
            return add_months(start, self.months)
        return start + dt.timedelta(days=self.days or 0)

    @property
    def period_ru(self) -> str:
        if self.months is not None:
            return f"{self.months} мес."
        return f"{self.days} дн."

    def snapshot(self) -> dict:
        return {
            "agreement": self.agreement,
            "party": self.party,
            "days": self.days,
            "months": self.months,
            "counted_from": self.counted_from,
            "basis": self.basis,
            "source": self.source,
            "article": ARTICLE,
        }


def add_months(start: dt.date, months: int) -> dt.date:
    """The same day `months` later, or the last day of a shorter month."""
    total = start.month - 1 + months
    year, month = start.year + total // 12, total % 12 + 1
    return start.replace(
        year=year, month=month, day=min(start.day, calendar.monthrange(year, month)[1])
    )


def effective(agreement: Agreement, party: str, node_rules: dict | None = None) -> Effective | None:
    """The profile's period for `party` if it states one, else the node's rule, else None."""
    return effective_for(profile_of(agreement), agreement, party, node_rules)


def effective_for(profile, agreement: Agreement, party: str, node_rules: dict | None = None):
    try:
        period = profile.rule("rules.retention").periods.get(party)
    except RuleUnknownError:
        period = None
    if period is not None and hasattr(period, "months"):
        return Effective(
            agreement=agreement.code,
            party=party,
            counted_from=CASE_CLOSED,
            basis=period.law.ru,
            months=period.months,
            source="profile",
        )
    if node_rules is not None:
        rule = node_rules.get((agreement.pk, party))
    else:
        rule = Rule.objects.filter(agreement=agreement, party=party).first()
    if rule is None:
        return None
    return Effective(
        agreement=agreement.code,
        party=party,
        counted_from=rule.counted_from,
        basis=rule.basis,
        days=rule.days,
        rule=rule,
    )


@dataclass
class Holding:
    """Personal data of one case or one dataset, with its rule and due date (None: not known
    yet, the case still open or the end of its purpose not recorded)."""

    case: Case | None
    dataset: Dataset | None
    rule: Effective | None
    start: dt.date | None = None
    due_on: dt.date | None = None
    persons: int = 0
    attachments: int = 0
    records: int = 0
    waiting_for: str = ""
    items: list = field(default_factory=list)

    @property
    def subject(self) -> str:
        if self.case is not None:
            return str(self.case)
        return f"{self.dataset.title} ({self.dataset.message_id})"

    @property
    def agreement(self) -> Agreement:
        return (self.case or self.dataset).agreement

    def is_due(self, today: dt.date) -> bool:
        return self.due_on is not None and self.due_on <= today


def _local(moment: dt.datetime | None) -> dt.date | None:
    return timezone.localdate(moment) if moment is not None else None


def holdings(*, authority_id: int | None = None) -> list[Holding]:
    """Every case and dataset that still holds personal data, with its rule and due date;
    `authority_id` limits them to one authority's (a supervisor's view)."""
    node_rules = {(r.agreement_id, r.party): r for r in Rule.objects.all()}
    ends = {
        (p.case_id, p.dataset_id): p.ended_on
        for p in PurposeEnd.objects.all().only("case_id", "dataset_id", "ended_on")
    }
    cases = Case.objects.filter(
        Exists(CasePerson.objects.filter(case=OuterRef("pk")))
        | Exists(Attachment.objects.filter(case=OuterRef("pk")))
    ).select_related("agreement__current_version", "owner")
    datasets = Dataset.objects.filter(
        Exists(PersonRecord.objects.filter(dataset=OuterRef("pk")))
    ).select_related("agreement__current_version", "recipient")
    if authority_id is not None:
        cases = cases.filter(owner_id=authority_id)
        datasets = datasets.filter(recipient_id=authority_id)
    found = []
    for case in cases.order_by("closed_at", "pk"):
        rule = effective(case.agreement, case.owner.party_id, node_rules)
        h = Holding(case=case, dataset=None, rule=rule)
        closed = case.status in workflow.CLOSED
        if rule is not None:
            if not closed:
                h.waiting_for = _("the case to close")
            elif rule.counted_from == CASE_CLOSED:
                h.start = _local(case.closed_at)
            elif (case.pk, None) in ends:
                h.start = ends[(case.pk, None)]
            else:
                h.waiting_for = _("the end of the purpose to be recorded")
        found.append(h)
    for ds in datasets.order_by("received_at", "pk"):
        rule = effective(ds.agreement, ds.recipient.party_id, node_rules)
        h = Holding(case=None, dataset=ds, rule=rule)
        if rule is not None:
            # A dataset belongs to no case: its period runs from the end of its purpose.
            if (None, ds.pk) in ends:
                h.start = ends[(None, ds.pk)]
            else:
                h.waiting_for = _("the end of the purpose to be recorded")
        found.append(h)
    for h in found:
        if h.start is not None and h.rule is not None:
            h.due_on = h.rule.due(h.start)
    _count(found)
    return found


def _count(found: list[Holding]) -> None:
    case_ids = [h.case.pk for h in found if h.case is not None]
    persons = dict(
        CasePerson.objects.filter(case_id__in=case_ids)
        .values_list("case_id")
        .annotate(n=Count("id"))
    )
    attachments = dict(
        Attachment.objects.filter(case_id__in=case_ids)
        .values_list("case_id")
        .annotate(n=Count("id"))
    )
    ds_ids = [h.dataset.pk for h in found if h.dataset is not None]
    records = dict(
        PersonRecord.objects.filter(dataset_id__in=ds_ids)
        .values_list("dataset_id")
        .annotate(n=Count("id"))
    )
    for h in found:
        if h.case is not None:
            h.persons = persons.get(h.case.pk, 0)
            h.attachments = attachments.get(h.case.pk, 0)
        else:
            h.records = records.get(h.dataset.pk, 0)
