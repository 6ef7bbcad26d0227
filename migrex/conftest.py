"""Fixtures shared by the apps' tests: the KZ–BY agreement loaded with both nodes as peers,
officers of both parties with their roles, signatory lists, the two nodes in one database and
delivery of outbox messages through the receiving node's real inbox."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import os
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.test import override_settings

from migrex.accounts.models import User
from migrex.agreements.models import Agreement, Authority, Signatory, SignatoryList
from migrex.agreements.selectors import directory
from migrex.agreements.services import load
from migrex.exchange import inbox, kinds, outbox, streams
from migrex.exchange.crypto import b64e, export_private, generate_node_keys, public_jwks
from migrex.exchange.delivery import seal_message
from migrex.exchange.models import NodeKey, OutboxMessage, Peer
from migrex.exchange.receipts import parse_jws
from migrex.persons.models import Dataset, PersonRecord

PASSWORD = "correct horse battery staple"


@pytest.fixture
def agreement(db, node_material) -> Agreement:
    """The KZ-BY agreement, and each node known to the other as its peer for it (so messages
    can be queued: exchange.outbox checks the route)."""
    load("kz-by-2019")
    found = Agreement.objects.get(code="kz-by-2019")
    for party, (keys, _blob) in node_material.items():
        peer = Peer.objects.create(
            node_id=party,
            party_id=party,
            url=f"http://{party.lower()}.invalid",
            jwks=public_jwks(keys),
        )
        peer.agreements.add(found)
    return found


@pytest.fixture
def make_user(agreement):
    def make(username: str, authority: str, *roles: str) -> User:
        user = User.objects.create_user(
            username=username,
            password=PASSWORD,
            last_name=username.title(),
            authority=Authority.objects.get(code=authority),
        )
        user.groups.set(Group.objects.filter(name__in=roles))
        return user

    return make


def put_on_list(agreement: Agreement, user: User, *, valid_to: dt.date | None = None) -> Signatory:
    """Add `user` to their party's current signatory list (Art. 9.3), creating it if needed."""
    lst, _ = SignatoryList.objects.get_or_create(
        agreement=agreement,
        party=user.authority.party,
        defaults={"exchanged_on": dt.date(2021, 1, 10), "effective_from": dt.date(2021, 1, 10)},
    )
    return Signatory.objects.create(
        signatory_list=lst,
        full_name=f"{user.last_name} {user.first_name}".strip(),
        authority=user.authority,
        position="Заместитель министра",
        user=user,
        valid_from=dt.date(2021, 1, 10),
        valid_to=valid_to,
    )


@pytest.fixture
def officers(agreement, make_user):
    """Officers of the KZ and BY ministries of internal affairs."""
    o = {
        "kz_operator": make_user("kz-operator", "kz-mvd", "operator"),
        "kz_signatory": make_user("kz-signatory", "kz-mvd", "signatory", "supervisor"),
        "kz_auditor": make_user("kz-auditor", "kz-mvd", "auditor"),
        "by_operator": make_user("by-operator", "by-mvd", "operator"),
        "by_supervisor": make_user("by-supervisor", "by-mvd", "supervisor", "signatory"),
        "kz_labour": make_user("kz-labour-operator", "kz-labour", "operator"),
    }
    put_on_list(agreement, o["kz_signatory"])
    put_on_list(agreement, o["by_supervisor"])
    return o


class TwoNodes:
    """The Kazakh and the Belarusian node in one test database: a message is sealed as its
    sender's node would seal it and opened by the receiver's real inbox, with the settings of
    that node (its id and party) while it does."""

    def __init__(self, keys: dict):
        self.keys = keys  # party → NodeKeys

    def seal(self, message) -> bytes:
        sender = directory().authority(message.sender_authority).party_id
        receiver = Peer.objects.get(node_id=message.receiver_party)
        with override_settings(MIGREX_NODE_ID=sender, MIGREX_PARTY=sender):
            return seal_message(message, receiver, signer=self.keys[sender])

    def stream(self, message) -> io.BytesIO:
        """A streamed message (a dataset) as its sender's worker posts it: the envelope, a
        newline, its body in encrypted frames."""
        key = streams.new_key()
        sealed = copy.copy(message)
        sealed.payload = {**message.payload, "body": {**message.payload["body"], "key": b64e(key)}}
        head = self.seal(sealed)
        with open(outbox.body_path(message.id), "rb") as body:
            frames = b"".join(
                streams.encrypt(key, str(message.id).encode(), streams.chunks_of(body))
            )
        return io.BytesIO(head + b"\n" + frames)

    def receive(self, message):
        """The receiving node's inbox's reply to `message` (accepted, duplicate or refused)."""
        party = message.receiver_party
        streamed = kinds.get(message.kind).streamed
        raw = self.stream(message) if streamed else self.seal(message)
        with override_settings(MIGREX_NODE_ID=party, MIGREX_PARTY=party):
            return inbox.accept_stream(raw) if streamed else inbox.accept(raw)

    @staticmethod
    def refusal(reply) -> dict:
        """What a signed refusal says: {message_id, digest, received_at, code, detail}."""
        return json.loads(parse_jws(reply.body.decode())[1])

    def deliver(self) -> int:
        """Every pending outbox message to its receiver, in order, until none is left (a move
        received may answer with another); a refusal fails the test, naming it."""
        count = 0
        while batch := list(OutboxMessage.objects.filter(status="pending").order_by("created_at")):
            for message in batch:
                reply = self.receive(message)
                if reply.code not in ("accepted", "duplicate"):
                    refusal = self.refusal(reply)
                    pytest.fail(f"{message.kind} refused: {refusal['code']}: {refusal['detail']}")
                message.status = "delivered"
                message.save(update_fields=["status"])
                count += 1
        return count


@pytest.fixture(scope="session")
def node_material():
    """The keys of a Kazakh and a Belarusian node, made once for the session, with their
    encrypted form as a NodeKey row stores it (PBKDF2 makes that slow to redo per test)."""
    made = {}
    for party in ("KZ", "BY"):
        keys = generate_node_keys(not_before=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
        made[party] = (keys, export_private(keys, settings.MIGREX_KEY_PASSPHRASE))
    return made


@pytest.fixture
def both_nodes(agreement, node_material) -> TwoNodes:
    """This one database as both nodes, each with its keys: messages go through the real inbox
    of their receiver (envelope, route, schema, handler), as between two nodes."""
    for keys, blob in node_material.values():
        NodeKey.objects.create(
            suite=keys.suite,
            signing_kid=keys.signing_kid,
            private=blob,
            public_jwks=public_jwks(keys),
            not_before=keys.not_before,
        )
    return TwoNodes({party: keys for party, (keys, _blob) in node_material.items()})


@pytest.fixture
def deliver(both_nodes):
    """Deliver every pending outbox message through the receiving node's real inbox; a refusal
    fails the test with its code and detail."""
    return both_nodes.deliver


@pytest.fixture
def received_dataset(agreement) -> Dataset:
    """A dataset of 60 persons KZ sent (its outbox row) and BY received (its Dataset), in the
    one test database."""
    person = {
        "surname": {"cyrillic": "Оганесян", "latin": "Hovhannisyan"},
        "birth_date": "1990-01-05",
    }
    message_id = uuid.uuid4()
    OutboxMessage.objects.create(
        id=message_id,
        agreement="kz-by-2019",
        conversation_id=uuid.uuid4(),
        kind="dataset",
        sender_authority="kz-mvd",
        receiver_authority="by-mvd",
        receiver_party="BY",
        payload={},
        status="delivered",
    )
    found = Dataset.objects.create(
        message_id=message_id,
        conversation_id=uuid.uuid4(),
        agreement=agreement,
        provider=Authority.objects.get(code="kz-mvd"),
        recipient=Authority.objects.get(code="by-mvd"),
        title="Получившие разрешение на проживание",
        purpose="Проверка законности пребывания",
        category="residence_permit",
        records=60,
        size=0,
        sha256="0" * 64,
        received_at=dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC),
    )
    PersonRecord.objects.bulk_create(
        PersonRecord(dataset=found, position=i, data={**person, "given_name": {"latin": f"N{i}"}})
        for i in range(1, 61)
    )
    return found


@pytest.fixture(scope="module")
def node_databases():
    """Databases for two node processes: throwaway PostgreSQL ones when the suite runs on
    PostgreSQL, so that the nodes run on it too; each node's own SQLite file otherwise."""
    from migrex.shell.nodes import databases

    with databases(2) as urls:
        yield urls


CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"


@pytest.fixture(scope="session")
def chromium():
    """The machine's Chromium (Debian's package, installed by `make browser`), driven by
    Playwright. Missing Chromium is a failure, not a skip: `make test` installs it."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # around it are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server):
    """A fresh browser context on the live server, Russian locale; `page.shot(name)` saves a
    screenshot under test-artifacts/screenshots/."""
    context = chromium.new_context(
        locale="ru-RU", viewport={"width": 1280, "height": 900}, base_url=live_server.url
    )
    pg = context.new_page()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pg.shot = lambda name: pg.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    yield pg
    context.close()
