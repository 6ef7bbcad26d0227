"""Files attached to an answer travel between two real node processes (KZ and BY, each with its
database, keys, web server and delivery worker) and arrive with it, as a request's do; a file on
an answer or a question that is not what its digest says, empty, or too large is refused by the
receiving node with a signed refusal naming the code, the article and `payload.attachments`
(Art. 11.4; docs/protocol.md §7.1), and nothing of it is kept."""

from __future__ import annotations

import base64
import hashlib

import pytest

from migrex.cases.tests.node_steps import by_request, find, wait_for
from migrex.cases.validation import MAX_MESSAGE_FILES
from migrex.exchange.receipts import Refusal
from migrex.exchange.tests.conftest import (  # noqa: F401 - fixtures
    SEAL,
    pair,
    parallel,
    post,
    reply_to,
    script,
)
from migrex.shell.nodes import Api

pytestmark = pytest.mark.nodes

SCAN = b"%PDF-1.4 the answer's scan"

REPLY = """
from migrex.accounts.models import User
from migrex.cases.models import Case
from migrex.cases.services import transition
case = Case.objects.get(conversation_id=DATA["conversation"], side="requested")
case = transition(
    case=case,
    action="reply",
    actor=User.objects.get(username="kz-operator"),
    data={
        "text": "Лицо проживает по месту регистрации.",
        "attachments": [{
            "name": "справка о проживании.pdf",
            "kind": "document",
            "content_type": "application/pdf",
            "content": DATA["content"].encode("latin-1"),
        }],
    },
)
print(json.dumps({"status": case.status}))
"""

STORED = """
from migrex.cases.models import Attachment
from migrex.core import vault
found = Attachment.objects.filter(
    case__conversation_id=DATA["conversation"], event__isnull=False
).select_related("event")
print(json.dumps([
    {
        "name": a.name,
        "action": a.event.action,
        "direction": a.event.direction,
        "content": vault.read(a).decode("latin-1"),
    }
    for a in found
]))
"""


def file(content: bytes, *, digest_of: bytes | None = None, name: str = "скан.pdf") -> dict:
    return {
        "name": name,
        "kind": "document",
        "content_type": "application/pdf",
        "sha256": hashlib.sha256(content if digest_of is None else digest_of).hexdigest(),
        "content": base64.b64encode(content).decode(),
    }


@pytest.fixture(scope="module")
def registered(pair):  # noqa: F811 - the fixture imported above
    """BY's request, delivered to KZ and registered there; BY has the notice."""
    kz, by = pair
    parallel(kz.start, by.start)
    own = by_request(by)
    kz_operator = Api(kz, "kz-operator")
    theirs = wait_for(lambda: find(kz_operator, own["conversation_id"]), "the request at KZ")
    kz_operator.ok("POST", f"/cases/{theirs['id']}/actions/register", {})
    by_operator = Api(by, "by-operator")
    wait_for(
        lambda: by_operator.ok("GET", f"/cases/{own['id']}")["status"] == "registered",
        "the notice of registration at BY",
    )
    return own


def refused(by, sealed: dict) -> Refusal:
    status, body = post(by, sealed["sealed"].encode())
    answer = reply_to(by, sealed["sealed"].encode(), body, sealed["message_id"])
    assert status == 422 and isinstance(answer, Refusal), (status, answer)
    return answer


def test_hostile_files_on_an_answer_or_a_question_are_refused_with_a_signed_refusal(
    pair,  # noqa: F811
    registered,
):
    kz, by = pair
    own = registered["conversation_id"]
    too_large = b"%PDF" + b"0" * (MAX_MESSAGE_FILES + 1024)
    specs = [
        {  # not what its digest says (Art. 11.4)
            "kind": "answer",
            "payload": {"text": "Ответ", "attachments": [file(SCAN, digest_of=b"other")]},
            "conversation_id": own,
        },
        {  # an empty file on a question
            "kind": "information_requested",
            "payload": {"text": "Нужны сведения", "attachments": [file(b"")]},
            "conversation_id": own,
        },
        {  # more than a message may carry, though its envelope is within its own limit
            "kind": "answer",
            "payload": {"text": "Ответ", "attachments": [file(too_large)]},
            "conversation_id": own,
        },
    ]
    sealed = script(kz, SEAL, specs)
    answers = [refused(by, s) for s in sealed]
    assert [(a.code, a.article, a.field) for a in answers] == [
        ("attachment_digest", "11.4", "payload.attachments"),
        ("empty_file", None, "payload.attachments"),
        ("file_too_large", None, "payload.attachments"),
    ]
    case = Api(by, "by-operator").ok("GET", f"/cases/{registered['id']}")
    assert case["status"] == "registered"
    assert [e["action"] for e in case["history"] if e["direction"] == "in"] == ["registered"]
    assert by.python(STORED, {"conversation": own}) == []


def test_an_answer_arrives_at_the_other_node_with_its_file(
    pair,  # noqa: F811
    registered,
):
    kz, by = pair
    own = registered["conversation_id"]
    done = kz.python(REPLY, {"conversation": own, "content": SCAN.decode("latin-1")})
    assert done == {"status": "answered"}
    by_operator = Api(by, "by-operator")
    case = wait_for(
        lambda: (
            (c := by_operator.ok("GET", f"/cases/{registered['id']}"))["status"] == "answered" and c
        ),
        "the answer at BY",
    )
    [answer] = [e for e in case["history"] if e["action"] == "answer"]
    [listed] = [a for a in case["attachments"] if a["event_id"] == answer["id"]]
    assert listed["name"] == "справка о проживании.pdf"
    assert listed["sha256"] == hashlib.sha256(SCAN).hexdigest()
    stored = by.python(STORED, {"conversation": own})
    assert stored == [
        {
            "name": "справка о проживании.pdf",
            "action": "answer",
            "direction": "in",
            "content": SCAN.decode("latin-1"),
        }
    ]
