"""Fixtures shared by the apps' tests: the KZ–BY agreement loaded, officers of both parties with
their roles, signatory lists, and delivery of outbox messages to the other side's services."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from migrex.accounts.models import User
from migrex.agreements.models import Agreement, Authority, Signatory, SignatoryList
from migrex.agreements.services import load

PASSWORD = "correct horse battery staple"


@pytest.fixture
def agreement(db) -> Agreement:
    load("kz-by-2019")
    return Agreement.objects.get(code="kz-by-2019")


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


@pytest.fixture
def deliver():
    """Hand every pending outbox message to the receiving side's services, as the exchange does
    between nodes (the case workflow, or the handler registered for its kind); both sides live
    in this one test database."""
    from migrex.cases.services import receive
    from migrex.exchange.inbox import _handlers
    from migrex.exchange.models import OutboxMessage

    def run() -> int:
        count = 0
        while batch := list(OutboxMessage.objects.filter(status="pending").order_by("created_at")):
            for message in batch:
                envelope = {
                    "message_id": str(message.id),
                    "conversation_id": str(message.conversation_id),
                    "agreement": message.agreement,
                    "kind": message.kind,
                    "sender_authority": message.sender_authority,
                    "receiver_authority": message.receiver_authority,
                    "payload": message.payload,
                }
                if message.kind in _handlers:
                    _handlers[message.kind](envelope)
                else:
                    receive(message={**envelope, "id": envelope.pop("message_id")})
                message.status = "delivered"
                message.save(update_fields=["status"])
                count += 1
        return count

    return run


@pytest.fixture(scope="module")
def node_databases():
    """Databases for two node processes: throwaway PostgreSQL ones when the suite runs on
    PostgreSQL, so that the nodes run on it too; each node's own SQLite file otherwise."""
    from migrex.core.nodes import databases

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


@pytest.fixture
def by_node(settings, agreement):
    """This database as Belarus's node, trusting an in-memory Kazakh node; returns a function
    that seals an outbox message as the Kazakh node would (a received kind's test sends it
    through the real inbox)."""
    from migrex.exchange import keys, peers
    from migrex.exchange.crypto import generate_node_keys, public_jwks
    from migrex.exchange.delivery import seal_message
    from migrex.exchange.models import OutboxMessage, Peer

    kz = generate_node_keys(not_before=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    settings.MIGREX_NODE_ID, settings.MIGREX_PARTY = "BY", "BY"
    keys.create_keys(not_before=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    peers.import_peer(
        {
            "format": peers.FORMAT,
            "node_id": "KZ",
            "party": "KZ",
            "url": "http://kz.invalid",
            "keys": public_jwks(kz),
        },
        agreements=["kz-by-2019"],
    )
    by_as_peer = Peer(node_id="BY", jwks=keys.published())

    def seal(message: OutboxMessage) -> bytes:
        settings.MIGREX_NODE_ID = "KZ"
        try:
            return seal_message(message, by_as_peer, signer=kz)
        finally:
            settings.MIGREX_NODE_ID = "BY"

    return seal
