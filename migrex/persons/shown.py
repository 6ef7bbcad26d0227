"""The candidates of a person search as the officer gets them: each record with the reason the
officer may see it (search.py's docstring: the case or dataset it came for, the authority's own
entry, or a consent to another use), for the page in words and for the API as data; each one
shown is an audited read that names its reason."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from migrex.audit.services import record_many
from migrex.persons import access
from migrex.persons.models import Consent, Dataset, SearchEntry
from migrex.persons.search import Candidate, Found, Scope

OWN, CASE, DATASET, CONSENT = "own", "case", "dataset", "consent"


def _day(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, dt.datetime):
        value = timezone.localdate(value)
    return value.strftime("%d.%m.%Y")


def _number(case) -> str:
    return case.number or case.their_number or "—"


@dataclass(frozen=True)
class Because:
    """Why an officer may see one record: `kind` is own, case, dataset or consent."""

    kind: str
    case: object | None = None  # cases.Case: the case the person belongs to
    dataset: Dataset | None = None  # the dataset the record belongs to
    consent: Consent | None = None  # for `consent`: the consent in force that opens it

    def as_json(self) -> dict:
        consent = self.consent
        return {
            "kind": self.kind,
            "case_id": self.case.pk if self.case else None,
            "dataset_id": self.dataset.pk if self.dataset else None,
            "consent_id": consent.pk if consent else None,
            "consent_ref": consent.ref if consent else None,
            "consent_expires_on": consent.expires_on if consent else None,
        }

    def text(self) -> str:
        """In words, for the page (dates as dd.mm.yyyy)."""
        case, dataset, consent = self.case, self.dataset, self.consent
        if self.kind == OWN:
            if not (case.number or case.their_number):
                return _("entered by your authority in a draft request")
            return _("entered by your authority in case No. %(number)s") % {"number": _number(case)}
        if self.kind == CASE:
            return _("by case No. %(number)s of your authority") % {"number": _number(case)}
        if self.kind == DATASET:
            return _("by dataset No. %(id)s «%(title)s» received by your authority") % {
                "id": dataset.pk,
                "title": dataset.title,
            }
        terms = {
            "date": _day(consent.decided_at),
            "provider": consent.provider.name_ru,
            "until": _day(consent.expires_on),
        }
        if dataset is not None:
            return _(
                "by the consent of %(date)s (%(provider)s) to another use of dataset No. "
                "%(id)s «%(title)s», in force until %(until)s"
            ) % {**terms, "id": dataset.pk, "title": dataset.title}
        return _(
            "by the consent of %(date)s (%(provider)s) to another use of the persons of case "
            "No. %(number)s, in force until %(until)s"
        ) % {**terms, "number": _number(case)}

    def link(self) -> str:
        """The page the officer can open: the case, the dataset, or (a consent) the consents."""
        if self.kind == CONSENT:
            return reverse("persons:consents")
        if self.case is not None:
            return reverse("cases:detail", args=[self.case.pk])
        return reverse("persons:dataset", args=[self.dataset.pk])

    def audit(self) -> dict:
        """What the read's audit entry keeps of the reason."""
        if self.consent is None:
            return {"kind": self.kind}
        return {
            "kind": self.kind,
            "consent_id": self.consent.pk,
            "consent_ref": str(self.consent.ref),
        }


@dataclass(frozen=True)
class Shown:
    candidate: Candidate
    item: object  # cases.CasePerson or PersonRecord: the Art. 6 record in `item.data`
    because: Because


def _because(entry: SearchEntry, scope: Scope) -> Because:
    person, record = entry.case_person, entry.record
    case = person.case if person is not None else None
    dataset = record.dataset if record is not None else None
    if entry.authority_id == scope.authority_id:
        if dataset is not None:
            return Because(DATASET, dataset=dataset)
        if person.event_id is not None:
            received = person.event.direction == "in"
        else:
            received = case.side == "requested"
        return Because(CASE if received else OWN, case=case)
    if dataset is not None:
        consent = scope.consent_for("dataset", dataset.message_id)
    else:
        consent = scope.consent_for("case", case.conversation_id)
    if consent is None:
        raise LookupError(f"search entry {entry.pk} is outside the authority's scope")
    return Because(CONSENT, case=case, dataset=dataset, consent=consent)


def shown(found: Found) -> list[Shown]:
    """The candidates, best first, each with its record and the reason it may be seen."""
    linked = SearchEntry.objects.select_related(
        "case_person__case", "case_person__event", "record__dataset"
    )
    entries = linked.in_bulk([c.entry.pk for c in found.candidates])
    out = []
    for candidate in found.candidates:
        entry = entries[candidate.entry.pk]
        item = entry.case_person or entry.record
        out.append(Shown(candidate, item, _because(entry, found.scope)))
    return out


def record_reads(user, rows: list[Shown], *, via: str) -> None:
    """One `personal_data.read` per record shown, with the case or dataset it belongs to and
    the reason it could be seen (access.record_reads's entries, with `because`)."""
    record_many(
        access.READ,
        actor=user.username,
        entries=[
            (
                access.subject_of(row.item),
                {
                    "case": row.because.case.pk if row.because.case else None,
                    "dataset": row.because.dataset.pk if row.because.dataset else None,
                    "via": via,
                    "because": row.because.audit(),
                },
            )
            for row in rows
        ],
    )
