"""The navigation's counts are kept per process until the database's triggers give the
authority a new token (tally.py): every write that changes a count, whichever way it is made,
must show at once, and nothing counted inside a transaction may outlive it."""

from __future__ import annotations

import datetime as dt
import uuid
from types import SimpleNamespace

import pytest
from django.db import connection, transaction
from django.utils import timezone

from migrex.agreements.models import Authority
from migrex.cases import attention, tally
from migrex.cases.models import BoxToken, Case, CaseEvent, CaseSeen
from migrex.cases.workflow import Kind, Side, State

# Committed for real: the counts are kept only outside a transaction.
pytestmark = pytest.mark.django_db(transaction=True)


def _counted(user) -> tuple[dict[str, int], int]:
    """The counts as a new page asks for them."""
    return attention.counts(SimpleNamespace(user=user), timezone.localdate())


def _incoming(agreement, **fields) -> Case:
    ours, theirs = Authority.objects.get(code="kz-mvd"), Authority.objects.get(code="by-mvd")
    received = timezone.localdate() - dt.timedelta(days=27)  # due in 3 days: due soon
    return Case.objects.create(
        conversation_id=uuid.uuid4(),
        side=Side.REQUESTED,
        kind=Kind.REQUEST,
        status=State.RECEIVED,
        agreement=agreement,
        their_number=f"BY-MVD-2026-{uuid.uuid4().hex[:6]}",
        requesting_authority=theirs,
        requested_authority=ours,
        owner=ours,
        received_on=received,
        due_date=received + dt.timedelta(days=30),
        **fields,
    )


def _tokens() -> tuple[int, int] | None:
    """The authority's tokens: (cases, news)."""
    found = BoxToken.objects.filter(authority=Authority.objects.get(code="kz-mvd").pk).first()
    return (found.token, found.news) if found else None


def test_kept_until_a_case_changes_however_it_is_written(
    agreement, officers, django_assert_num_queries
):
    user = officers["kz_operator"]
    boxes, needs = _counted(user)
    with django_assert_num_queries(1):  # the token, nothing counted
        assert _counted(user) == (boxes, needs)
    case = _incoming(agreement)  # one to register (Art. 10.1), due soon
    after = _counted(user)
    assert after[0]["incoming"] == boxes["incoming"] + 1
    assert after[0]["due-soon"] == boxes["due-soon"] + 1
    assert after[1] == needs + 1
    # A bulk update the ORM sends no signal for, and raw SQL, change the counts just the same.
    Case.objects.filter(pk=case.pk).update(status=State.ANSWERED)
    assert _counted(user)[0]["closed-incoming"] == boxes["closed-incoming"] + 1
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM cases_case WHERE id = %s", [case.pk])
    assert _counted(user) == (boxes, needs)


def test_an_opening_changes_the_news_token_only_when_it_reads_news(
    agreement, officers, django_assert_num_queries
):
    user = officers["kz_operator"]
    quiet = _incoming(agreement)
    before = _tokens()
    CaseSeen.objects.create(case=quiet, user=user, at=timezone.now())
    assert _tokens() == before  # nothing to read on it: no count can change
    news = _incoming(agreement, news_at=timezone.now())
    _counted(user)
    before = _tokens()
    CaseSeen.objects.create(case=news, user=user, at=timezone.now())
    after = _tokens()
    assert after[0] == before[0] and after[1] != before[1]  # its news is read now
    with django_assert_num_queries(2):  # the tokens, and the news alone counted again
        _counted(user)
    CaseSeen.objects.filter(case=news, user=user).update(at=timezone.now())
    assert _tokens() == after  # read already
    CaseEvent.objects.create(
        case=news, action="register", from_state="received", to_state="registered"
    )
    assert _tokens()[0] == after[0] and _tokens()[1] != after[1]  # news to someone, maybe


def test_nothing_counted_inside_a_transaction_outlives_it(agreement, officers):
    """Bites on PostgreSQL, where the token is written at the commit: kept inside the
    transaction, the counts would outlive it under the token of before. SQLite writes the token
    at once, so there the test passes either way."""
    user = officers["kz_operator"]
    boxes, _needs = _counted(user)
    with transaction.atomic():
        _incoming(agreement)
        assert _counted(user)[0]["incoming"] == boxes["incoming"] + 1  # seen at once inside
        transaction.set_rollback(True)
    assert _counted(user)[0] == boxes


def test_every_authority_gets_a_fresh_token_after_migrate(agreement):
    before = {t.authority: (t.token, t.news) for t in BoxToken.objects.all()}
    tally.install()  # again, as every migrate does: idempotent
    after = {t.authority: (t.token, t.news) for t in BoxToken.objects.all()}
    assert set(after) == set(Authority.objects.values_list("pk", flat=True))
    assert all(after[pk] != tokens for pk, tokens in before.items())


def test_the_start_page_follows_a_new_case(agreement, officers):
    user, today = officers["kz_operator"], timezone.localdate()
    before = {s.name: s.count for s in attention.sections(user, today)}
    case = _incoming(agreement)  # to register (Art. 10.1)
    after = {s.name: s for s in attention.sections(user, today)}
    assert after["register"].count == before.get("register", 0) + 1
    assert case in after["register"].cases
