"""Received channel reports as retention destroys them (Art. 4, 11.5): the report's content
(the channel, its entities and individuals) gives way to a note naming the act; the row stays
as the record that a report came (message id, conversation, parties, time)."""

from __future__ import annotations

import hashlib
import json

from django.utils import timezone

from migrex.channels.models import ReceivedReport
from migrex.persons.holdings import Held

KIND = "channel_report"


def held() -> list[Held]:
    reports = ReceivedReport.objects.exclude(payload__has_key="destroyed")
    return [
        Held(
            kind=KIND,
            pk=r.pk,
            agreement=r.agreement,
            recipient=r.receiver_authority,
            received_on=timezone.localdate(r.received_at),
            label=f"сведения о канале, сообщение {r.message_id}",
            conversation_id=r.conversation_id,
        )
        for r in reports.order_by("received_at", "pk")
    ]


def destroy(item: Held, note: str) -> str:
    report = ReceivedReport.objects.select_for_update().get(pk=item.pk)
    content = json.dumps(report.payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    # The shape the pages read stays: a channel named by the note, nobody in it.
    report.payload = {
        "destroyed": note,
        "channel": {"name": note, "route": []},
        "individuals": [],
        "entities": [],
    }
    report.save(update_fields=["payload"])
    return hashlib.sha256(content.encode()).hexdigest()
