"""A batch of envelopes through the receiver's real inbox (docs/protocol.md §8.1): each message
is answered as if it had come alone, while the batch's audit entries and person index rows are
written once, at its end (core/deferred.py), for the messages accepted and refused in it, in
order, with nothing of what a refused message had deferred. Both nodes in one database
(`both_nodes`)."""

from __future__ import annotations

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from migrex.audit.models import AuditEntry
from migrex.audit.verify import verify
from migrex.cases.models import Case, CasePerson
from migrex.conftest import signed
from migrex.exchange import inbox
from migrex.exchange.envelope import uuid7
from migrex.exchange.models import OutboxMessage
from migrex.persons.models import SearchEntry

pytestmark = __import__("pytest").mark.django_db


def signed_request(officers) -> OutboxMessage:
    """A request KZ's signatory signed, queued to BY."""
    case = signed(officers)
    return OutboxMessage.objects.get(conversation_id=case.conversation_id, kind="request")


def test_a_batch_audits_and_indexes_once_at_its_end_what_it_accepted(officers, both_nodes):
    first, second = signed_request(officers), signed_request(officers)
    # A request in the first one's conversation: refused after its inbox row was stored.
    conflicting = OutboxMessage(
        id=uuid7(),
        agreement=first.agreement,
        conversation_id=first.conversation_id,
        kind="request",
        sender_authority="kz-mvd",
        receiver_authority="by-mvd",
        receiver_party="BY",
        payload=second.payload,
    )
    sealed = [both_nodes.seal(m) for m in (first, conflicting)]
    batch = [*sealed, sealed[0], both_nodes.seal(second)]  # the first again: a duplicate
    last = AuditEntry.objects.order_by("seq").last().seq
    indexed = SearchEntry.objects.count()
    with (
        override_settings(MIGREX_NODE_ID="BY", MIGREX_PARTY="BY"),
        CaptureQueriesContext(connection) as queries,
    ):
        replies = inbox.accept_batch(batch)

    assert [r.code for r in replies] == [
        "accepted",
        "conversation_conflict",
        "duplicate",
        "accepted",
    ]
    entries = AuditEntry.objects.filter(seq__gt=last, action__startswith="message.")
    assert [(e.action, e.subject) for e in entries] == [
        ("message.received", str(first.id)),
        ("message.refused", str(conflicting.id)),
        ("message.duplicate", str(first.id)),
        ("message.received", str(second.id)),
    ]
    assert verify().ok
    taken = [q["sql"] for q in queries.captured_queries if "SET seq = seq +" in q["sql"]]
    assert len(taken) == 1, "the chain's head is taken once for the batch"
    # The persons of the two cases opened, indexed by one insert; none of the refused request.
    opened = Case.objects.filter(
        side="requested", conversation_id__in=[first.conversation_id, second.conversation_id]
    )
    persons = CasePerson.objects.filter(case__in=opened)
    assert persons.count() == 2
    assert SearchEntry.objects.count() == indexed + 2
    assert set(
        SearchEntry.objects.values_list("case_person_id", flat=True).filter(
            case_person__isnull=False, case_person__case__side="requested"
        )
    ) == set(persons.values_list("pk", flat=True))
    inserts = [
        q for q in queries.captured_queries if 'INSERT INTO "persons_searchentry"' in q["sql"]
    ]
    assert len(inserts) == 1, "the batch's persons are indexed by one insert"


def test_a_received_request_opens_its_case_with_its_news_in_one_write(officers, both_nodes):
    """The case's news (attention.py) is its opening entry, written with the case rather than
    by a second update of it."""
    request = signed_request(officers)
    with (
        override_settings(MIGREX_NODE_ID="BY", MIGREX_PARTY="BY"),
        CaptureQueriesContext(connection) as queries,
    ):
        [reply] = inbox.accept_batch([both_nodes.seal(request)])
    assert reply.code == "accepted"
    case = Case.objects.get(conversation_id=request.conversation_id, side="requested")
    opening = case.events.get()
    assert (case.news_at, case.news_by) == (opening.at, None)
    updates = [q for q in queries.captured_queries if q["sql"].startswith('UPDATE "cases_case"')]
    assert updates == []
