"""The navigation's count of each box is the number of cases the box lists: an unfiltered box's
pager takes its size from that count (views_boxes._list), so the two may never differ."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import uuid

import pytest
from django.utils import timezone

from migrex.agreements.models import Authority
from migrex.cases import selectors
from migrex.cases.models import Case
from migrex.cases.tests.conftest import login
from migrex.cases.workflow import Kind, Side, State


def _cases(agreement) -> int:
    """Every side, kind and state, each with deadlines past, near and far and with none, and
    the postponed ones until a day passed or to come, on a condition or not (Art. 10.2)."""
    ours, theirs = Authority.objects.get(code="kz-mvd"), Authority.objects.get(code="by-mvd")
    today = timezone.localdate()
    rows = []
    shapes = itertools.product(Side, Kind, State, (None, -3, 0, 2, 5, 6, 20))
    for i, (side, kind, state, due) in enumerate(shapes):
        incoming = side == Side.REQUESTED
        rows.append(
            Case(
                conversation_id=uuid.uuid4(),
                side=side,
                kind=kind,
                status=state,
                agreement=agreement,
                number=f"KZ-MVD-2026-{i:06d}",
                requesting_authority=theirs if incoming else ours,
                requested_authority=ours if incoming else theirs,
                owner=ours,
                summary="Сведения",
                due_date=None if due is None else today + dt.timedelta(days=due),
                postponed_until=today + dt.timedelta(days=(-1, 1)[i % 2]) if i % 3 else None,
                postponement_condition="до окончания проверки" if i % 5 == 0 else "",
            )
        )
    Case.objects.bulk_create(rows)
    return len(rows)


@pytest.mark.django_db
def test_each_box_counts_what_it_lists(client, agreement, officers):
    made = _cases(agreement)
    user, today = officers["kz_operator"], timezone.localdate()
    counts = selectors.counts(user, today)
    for name in selectors.BOXES:
        assert counts[name] == selectors.box(user, name, today).count(), name
    assert (
        counts["incoming"]
        + counts["outgoing"]
        + counts["closed-incoming"]
        + counts["closed-outgoing"]
        == made
    )
    assert counts["overdue"] and counts["due-soon"]
    # The pager says the same as the navigation, on the box's last page too.
    login(client, user)
    for name in ("incoming", "due-soon", "closed-outgoing"):
        body = client.get(f"/{name}/").content.decode()
        total = re.search(r"\(всего: (\d+)\)", body)  # the pager, shown past 50 cases
        shown = int(total.group(1)) if total else body.count('class="case-link"')
        assert shown == counts[name], name
        pages = max(1, -(-counts[name] // 50))
        last = client.get(f"/{name}/?page={pages}").content.decode()
        assert last.count('class="case-link"') == counts[name] - 50 * (pages - 1), name
