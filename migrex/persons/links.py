"""What the auditors' pages say of a record of a received dataset, without its data."""

from __future__ import annotations

from django.utils.translation import gettext as _

from migrex.persons.models import PersonRecord


def person_record(pk: int) -> str:
    found = PersonRecord.objects.select_related("dataset").filter(pk=pk).first()
    if found is None:
        return _("A person of a received dataset; no longer stored.")
    return _("Line %(line)s of the received dataset “%(title)s”.") % {
        "line": found.position,
        "title": found.dataset.title,
    }
