"""A batch of envelopes through the receiver's real inbox (docs/protocol.md §8.1): each message
is answered as if it had come alone, while the batch's audit entries and person index rows are
written once, at its end (core/deferred.py), for the messages accepted and refused in it, in
order, with nothing of what a refused message had deferred. Both nodes in one database
(`both_nodes`)."""

from __future__ import annotations

import json
import uuid

from django.db import DataError, connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from migrex.audit.models import AuditEntry
from migrex.audit.verify import verify
from migrex.cases.models import Case, CasePerson
from migrex.cases.services import transition
from migrex.cases.workflow import Side, State
from migrex.conftest import signed
from migrex.exchange import inbox
from migrex.exchange.envelope import uuid7
from migrex.exchange.models import InboxMessage, OutboxMessage
from migrex.exchange.receipts import parse_jws
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
    asked = [q for q in queries.captured_queries if q["sql"].startswith("SELECT i.digest")]
    assert asked == [], "what the inbox knows of the messages is asked once, for the batch"
    for table in ("exchange_inboxmessage", "cases_case", "cases_caseevent", "cases_caseperson"):
        inserts = [q for q in queries.captured_queries if f'INSERT INTO "{table}"' in q["sql"]]
        assert len(inserts) == 1, f"the batch's rows of {table} are written by one insert"


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


def test_a_move_on_a_case_its_batch_opened_finds_the_case(officers, both_nodes):
    """A request and its withdrawal (Art. 8) in one batch: the cases the batch opened are
    written before a message that may act on one of them is taken in."""
    request = signed_request(officers)
    ours = Case.objects.get(conversation_id=request.conversation_id, side=Side.REQUESTER)
    transition(
        case=ours, action="withdraw", actor=officers["kz_signatory"], data={"text": "Отпала"}
    )
    withdrawal = OutboxMessage.objects.get(conversation_id=ours.conversation_id, kind="withdrawal")
    batch = [both_nodes.seal(request), both_nodes.seal(withdrawal)]
    withdrawal.delete()  # sealed; gone from the database the two nodes share
    with override_settings(MIGREX_NODE_ID="BY", MIGREX_PARTY="BY"):
        replies = inbox.accept_batch(batch)
    assert [r.code for r in replies] == ["accepted", "accepted"]
    theirs = Case.objects.get(conversation_id=request.conversation_id, side="requested")
    assert theirs.status == State.WITHDRAWN
    assert list(theirs.events.values_list("action", flat=True)) == ["request", "withdrawal"]


def test_rows_that_break_a_constraint_at_the_batch_end_refuse_their_message_alone(
    officers, both_nodes, caplog
):
    """A request whose case cannot be stored (here: a case of its conversation id is there
    already, with no message of it) fails the batch's one insert of cases; the batch is taken
    again message by message, and only that request is refused, leaving nothing behind."""
    first, second = signed_request(officers), signed_request(officers)
    second.conversation_id = uuid.uuid4()
    second.save(update_fields=["conversation_id"])
    ours = Case.objects.get(conversation_id=first.conversation_id, side=Side.REQUESTER)
    Case.objects.create(
        conversation_id=second.conversation_id,
        side="requested",
        kind="request",
        status=State.RECEIVED,
        agreement=ours.agreement,
        requesting_authority=ours.requesting_authority,
        requested_authority=ours.requested_authority,
        owner=ours.requested_authority,
    )
    batch = [both_nodes.seal(first), both_nodes.seal(second)]
    with override_settings(MIGREX_NODE_ID="BY", MIGREX_PARTY="BY"):
        replies = inbox.accept_batch(batch)
    assert [r.code for r in replies] == ["accepted", "payload_invalid"]
    _, refusal = parse_jws(replies[1].body.decode())
    assert json.loads(refusal)["detail"].startswith("not stored: IntegrityError")
    assert "taken again message by message" in caplog.text
    assert InboxMessage.objects.filter(message_id=first.id).exists()
    assert not InboxMessage.objects.filter(message_id=second.id).exists()
    assert Case.objects.filter(conversation_id=first.conversation_id, side="requested").exists()
    entries = AuditEntry.objects.filter(action__startswith="message.").order_by("seq")
    assert [(e.action, e.subject) for e in entries] == [
        ("message.received", str(first.id)),
        ("message.refused", str(second.id)),
    ]
    assert verify().ok


def test_requests_that_only_open_cases_take_no_savepoint_each(officers, both_nodes):
    """Their rows wait for the batch's end: a savepoint of their own would guard nothing
    (core/savepoints.py). The one savepoint seen is the batch's: the test runs in a
    transaction."""
    batch = [both_nodes.seal(signed_request(officers)) for _ in range(3)]
    with (
        override_settings(MIGREX_NODE_ID="BY", MIGREX_PARTY="BY"),
        CaptureQueriesContext(connection) as queries,
    ):
        replies = inbox.accept_batch(batch)
    assert [r.code for r in replies] == ["accepted"] * 3
    taken = [q for q in queries.captured_queries if q["sql"].startswith("SAVEPOINT")]
    assert len(taken) == 1


def test_a_read_that_fails_before_any_savepoint_has_the_batch_taken_again(
    officers, both_nodes, caplog
):
    """On PostgreSQL a failed statement leaves the transaction unusable until a rollback, and
    a message that had not written yet has no savepoint to roll back to: the batch is taken
    again message by message, each in a savepoint of its own. The database's failure is made
    here, once, on a read the first message makes in its part."""
    batch = [both_nodes.seal(signed_request(officers)) for _ in range(2)]
    failed = []

    def once(execute, sql, params, many, context):
        if not failed and sql.startswith('SELECT "agreements_signatory"'):
            failed.append(sql)
            raise DataError("made to fail")
        return execute(sql, params, many, context)

    with (
        override_settings(MIGREX_NODE_ID="BY", MIGREX_PARTY="BY"),
        connection.execute_wrapper(once),
    ):
        replies = inbox.accept_batch(batch)
    assert failed
    assert [r.code for r in replies] == ["accepted", "accepted"]
    assert "taken again message by message: Unprotected" in caplog.text
    assert Case.objects.filter(side="requested").count() == 2
    assert verify().ok
