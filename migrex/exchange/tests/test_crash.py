"""Crashes lose nothing and duplicate nothing: 1,000 deliveries from KZ to BY while the BY web
server and the KZ delivery worker are killed with SIGKILL at random moments and restarted."""

from __future__ import annotations

import random
import time

import pytest

from migrex.core.nodes import pair

pytestmark = pytest.mark.nodes

MESSAGES = 1000
FAST_RETRIES = {
    "MIGREX_DELIVERY_BACKOFF": "0.05",
    "MIGREX_DELIVERY_BACKOFF_CAP": "0.5",
    "MIGREX_DELIVERY_ATTEMPTS": "100000",
    "MIGREX_DELIVERY_LEASE": "1",
}

QUEUE = """
from django.utils import timezone
from migrex.accounts.models import User
from migrex.agreements.models import Agreement, Authority
from migrex.cases.services import create_draft, transition
operator = User.objects.get(username="kz-operator")
signatory = User.objects.get(username="kz-signatory")
agreement = Agreement.objects.get(code="kz-by-2019")
to = Authority.objects.get(code="by-mvd")
conversations = []
for i in range(DATA):
    case = create_draft(actor=operator, agreement=agreement, requested_authority=to,
                        kind="spontaneous", summary=f"Сведения № {i}", purpose="Информирование",
                        justification="Ст. 8")
    transition(case=case, action="submit", actor=operator)
    transition(case=case, action="sign", actor=signatory, confirmed=True)
    conversations.append(str(case.conversation_id))
print(json.dumps(conversations))
"""

OUTBOX = """
from django.db.models import Count
from migrex.exchange.models import OutboxMessage
print(json.dumps(dict(OutboxMessage.objects.values_list("status").annotate(n=Count("pk")))))
"""

RECEIVED = """
from django.db.models import Count
from migrex.cases.models import Case
from migrex.exchange.models import InboxMessage
cases = list(Case.objects.filter(side="requested").values_list("conversation_id", flat=True))
print(json.dumps({"cases": [str(c) for c in cases], "inbox": InboxMessage.objects.count()}))
"""


def test_sigkill_of_receiver_and_sender_loses_and_duplicates_nothing(tmp_path):
    kz, by = pair(tmp_path)
    for node in (kz, by):
        node.extra_env.update(FAST_RETRIES)
    sent = kz.python(QUEUE, MESSAGES)
    assert len(set(sent)) == MESSAGES
    rng = random.Random(20261122)
    kills = {"server": 0, "worker": 0}
    by.start(worker=False)
    kz.start(server=False)
    deadline = time.monotonic() + 240
    try:
        while time.monotonic() < deadline:
            time.sleep(rng.uniform(0.3, 1.5))
            if kz.python(OUTBOX).get("pending", 0) == 0:
                break
            if rng.random() < 0.5:
                by.kill("server")
                kills["server"] += 1
                by.start(worker=False)
            else:
                kz.kill("worker")
                kills["worker"] += 1
                kz.start(server=False)
        outbox = kz.python(OUTBOX)
        received = by.python(RECEIVED)
    finally:
        kz.stop()
        by.stop()
    print(f"kills: {kills}; outbox: {outbox}")
    assert kills["server"] > 3 and kills["worker"] > 3
    assert outbox == {"delivered": MESSAGES}, outbox
    assert sorted(received["cases"]) == sorted(sent)  # every one arrived, exactly once
    assert received["inbox"] == MESSAGES
