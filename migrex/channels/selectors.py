"""Reads for the link analysis: the participants an officer's authority holds (Art. 4)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from migrex.cases.models import CasePerson
from migrex.cases.received import came_in, of_case
from migrex.channels.graph import Participant, normalise_document
from migrex.channels.models import Channel, ReceivedReport, full_name
from migrex.persons import consents
from migrex.persons.access import record_reads
from migrex.persons.models import Consent, Dataset, PersonRecord
from migrex.persons.sources import of_dataset

# The sources beyond the channels themselves; each read of their persons is audited.
EXTRA_SOURCES = ("cases", "datasets")


def _consented(source, today) -> bool:
    """Data received from the other party was given for the purpose of its request (Art.
    11.2): link analysis is another purpose, so it joins the graph only under the provider's
    consent to use it for another purpose."""
    return consents.covering(source, Consent.Use.OTHER_PURPOSE, today) is not None


def channels_of(user):
    return Channel.objects.filter(authority_id=user.authority_id).order_by("pk")


def reports_of(user):
    return ReceivedReport.objects.filter(receiver_authority=user.authority.code)


def channel_nodes(user) -> list[tuple[str, str, str]]:
    own = [
        (f"channel:{c.pk}", c.name, reverse("channels:detail", args=[c.pk]))
        for c in channels_of(user)
    ]
    received = [
        (
            f"channel:r:{r.pk}",
            str(r.payload["channel"]["name"]),
            reverse("channels:report", args=[r.pk]),
        )
        for r in reports_of(user)
    ]
    return own + received


def _person(pid: str, data: dict, source: str, url: str, *, phone: str = "", extra=None):
    docs = [
        normalise_document(d.get("series"), d.get("number"))
        for d in data.get("identity_document", [])
        if isinstance(d, dict)
    ]
    return Participant(
        id=pid,
        kind="person",
        label=full_name(data) or _("person without a name"),
        source=source,
        documents=[d for d in docs if d],
        addresses=[data["residence_address"]] if data.get("residence_address") else [],
        phones=[phone] if phone else [],
        details={"url": url, "birth_date": data.get("birth_date") or "", **(extra or {})},
    )


def _entity(eid: str, e: dict, source: str, url: str, channel) -> Participant:
    number = normalise_document("", e.get("registration_number"))
    return Participant(
        id=eid,
        kind="entity",
        label=str(e.get("name", "")),
        source=source,
        documents=[f"{e.get('country') or '--'}/{number}"] if number else [],
        addresses=[e["address"]] if e.get("address") else [],
        phones=[e["phone"]] if e.get("phone") else [],
        channels=[channel],
        details={"url": url, "role": e.get("role", "")},
    )


def participants(user, *, sources: tuple[str, ...] = ()) -> list[Participant]:
    """Everything the user's authority holds that the link analysis draws on."""
    found: list[Participant] = []
    for ch in channels_of(user).prefetch_related("entities", "individuals"):
        url = reverse("channels:detail", args=[ch.pk])
        source = _("channel “%(name)s”") % {"name": ch.name}
        for i in ch.individuals.all():
            p = _person(f"person:ch:{i.pk}", i.data, source, url, phone=i.phone)
            p.channels.append((f"channel:{ch.pk}", ch.name, i.role))
            p.details["role"] = i.role
            found.append(p)
        for e in ch.entities.all():
            values = {f: getattr(e, f) for f in ("name", "registration_number", "country")}
            values.update(address=e.address, phone=e.phone, role=e.role)
            found.append(
                _entity(
                    f"entity:{e.pk}", values, source, url, (f"channel:{ch.pk}", ch.name, e.role)
                )
            )
    for r in reports_of(user):
        url = reverse("channels:report", args=[r.pk])
        name = str(r.payload["channel"]["name"])
        source = _("report from %(sender)s") % {"sender": r.sender_authority}
        channel = (f"channel:r:{r.pk}", name, "")
        for n, i in enumerate(r.payload.get("individuals", [])):
            p = _person(f"person:r:{r.pk}:{n}", i["data"], source, url, extra={"role": i["role"]})
            p.channels.append((channel[0], name, i["role"]))
            found.append(p)
        for n, e in enumerate(r.payload.get("entities", [])):
            found.append(
                _entity(f"entity:r:{r.pk}:{n}", e, source, url, (channel[0], name, e["role"]))
            )
    today = timezone.localdate()
    if "cases" in sources:
        people = [
            cp
            for cp in CasePerson.objects.filter(case__owner_id=user.authority_id).select_related(
                "case__agreement", "case__owner", "event"
            )
            if not came_in(cp.case, cp) or _consented(of_case(cp.case), today)
        ]
        record_reads(user, people, via="channels-graph")
        for cp in people:
            source = _("request %(number)s") % {"number": cp.case.number or cp.case.pk}
            url = reverse("cases:detail", args=[cp.case_id])
            found.append(_person(f"person:case:{cp.pk}", cp.data, source, url))
    if "datasets" in sources:
        datasets = Dataset.objects.filter(recipient_id=user.authority_id).select_related(
            "agreement", "provider", "recipient"
        )
        allowed = [d.pk for d in datasets if _consented(of_dataset(d), today)]
        records = list(
            PersonRecord.objects.filter(dataset_id__in=allowed).select_related("dataset")
        )
        record_reads(user, records, via="channels-graph")
        for pr in records:
            source = _("dataset “%(title)s”") % {"title": pr.dataset.title}
            url = reverse("persons:dataset", args=[pr.dataset_id])
            found.append(_person(f"person:ds:{pr.pk}", pr.data, source, url))
    return found
