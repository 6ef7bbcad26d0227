"""Fixtures and helpers shared by the apps' tests: the KZ–BY agreement loaded with both nodes as
peers, officers of both parties with their roles, signatory lists, the two nodes in one database
and delivery of outbox messages through the receiving node's real inbox; a request drafted, signed
and sent between them, the JSON API as a national system uses it, an officer's browser steps."""

from __future__ import annotations

import copy
import datetime as dt
import importlib
import io
import json
import os
import re
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.test import Client, override_settings
from playwright.sync_api import Page, expect

from migrex.accounts import tokens
from migrex.accounts.models import User
from migrex.agreements.models import Agreement, Authority
from migrex.agreements.selectors import directory
from migrex.agreements.services import load
from migrex.agreements.tests.conftest import PASSWORD, put_on_list
from migrex.cases.models import Case
from migrex.cases.services import create_draft, transition
from migrex.cases.workflow import Side
from migrex.exchange import inbox, kinds, outbox, streams
from migrex.exchange.crypto import b64e, export_private, generate_node_keys, public_jwks
from migrex.exchange.delivery import seal_message
from migrex.exchange.models import NodeKey, OutboxMessage, Peer
from migrex.exchange.receipts import parse_jws
from migrex.persons.models import Dataset, PersonRecord


@pytest.fixture
def agreement(db, node_material) -> Agreement:
    """The KZ-BY agreement, each node its peer for the other (exchange.outbox checks routes)."""
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
        # The groups come from a data migration: a transactional test (a browser, a live
        # server) flushes them, and the tests after it in the same process need them back.
        user.groups.set([Group.objects.get_or_create(name=role)[0] for role in roles])
        return user

    return make


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
        known = kinds.get(message.kind)
        streamed = known is not None and known.streamed
        raw = self.stream(message) if streamed else self.seal(message)
        with override_settings(MIGREX_NODE_ID=party, MIGREX_PARTY=party):
            return inbox.accept_stream(raw) if streamed else inbox.accept(raw)

    def send_as_is(
        self, kind: str, payload, *, sender="kz-mvd", receiver="by-mvd", conversation=None
    ):
        """The receiver's reply to a message sent as a peer that breaks the rules would send it:
        `payload` as it is, past the checks exchange.outbox.send makes (and nothing queued)."""
        message = OutboxMessage(
            agreement="kz-by-2019",
            conversation_id=conversation or uuid.uuid4(),
            kind=kind,
            sender_authority=sender,
            receiver_authority=receiver,
            receiver_party=directory().authority(receiver).party_id,
            payload=payload,
        )
        return self.receive(message)

    @staticmethod
    def refusal(reply) -> dict:
        """What a signed refusal says: {message_id, digest, received_at, code, detail}."""
        return json.loads(parse_jws(reply.body.decode())[1])

    def deliver(self) -> int:
        """Every pending outbox message to its receiver in the worker's order (time, then id),
        until none is left (a move received may answer with another); a refusal fails the test."""
        count = 0
        while batch := list(OutboxMessage.objects.filter(status="pending")):  # Meta.ordering
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
    """Each pending outbox message through its receiver's real inbox; a refusal fails the test."""
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


# --- a request from KZ to BY --------------------------------------------------------------------

PERSON = {
    "category": "temporary_stay",
    "data": {
        "surname": {"cyrillic": "Оганесян", "latin": "Hovhannisyan"},
        "given_name": {"cyrillic": "Арам", "latin": "Aram"},
        "birth_date": "1990-01-05",
        "citizenship": ["KZ"],
    },
}


def draft(officers, **overrides):
    fields = {
        "summary": "Проверка сведений о временном пребывании",
        "purpose": "Установление законности пребывания",
        "justification": "Материалы проверки № 17/2026",
        "persons": [PERSON],
    }
    fields.update(overrides)
    return create_draft(
        actor=officers["kz_operator"],
        agreement=officers["kz_operator"].authority.agreements.get(code="kz-by-2019"),
        requested_authority=Authority.objects.get(code="by-mvd"),
        **fields,
    )


def signed(officers, **overrides) -> Case:
    """A request drafted, submitted and signed (the password opens the key, Art. 9.3): queued."""
    case = draft(officers, **overrides)
    transition(case=case, action="submit", actor=officers["kz_operator"])
    key = {"password": PASSWORD}
    transition(case=case, action="sign", actor=officers["kz_signatory"], data=key, confirmed=True)
    return case


def send(officers, deliver, **overrides) -> tuple[Case, Case]:
    case = signed(officers, **overrides)
    deliver()
    theirs = Case.objects.get(conversation_id=case.conversation_id, side=Side.REQUESTED)
    return Case.objects.get(pk=case.pk), theirs


# --- the JSON API, as a national system uses it -----------------------------------------------

API = "/api/v1"
DRAFT = {
    "agreement": "kz-by-2019",
    "requested_authority": "by-mvd",
    "summary": "Проверка сведений о временном пребывании",
    "purpose": "Установление законности пребывания",
    "justification": "Материалы проверки № 17/2026",
    "topics": ["citizens_in_other_state"],
    "persons": [PERSON],
}


class Api:
    """One officer's national system: the test client with the officer's bearer token."""

    def __init__(self, user):
        self.user = user
        self.record, self.token = tokens.issue(user=user, name="test")
        self.client = Client(headers={"Authorization": f"Bearer {self.token}"})

    def get(self, path, **params):
        return self.client.get(API + path, params)

    def post(self, path, body=None):
        return self.client.post(API + path, body or {}, content_type="application/json")

    def patch(self, path, body):
        return self.client.patch(API + path, body, content_type="application/json")

    def act(self, case_id, action, **body):
        """A move; a signature (`password`) carries the officer's one-time code too, unless the
        test gives its own `otp` (Art. 9.3)."""
        if "password" in body and "otp" not in body:
            enrolled(self.user)
            body["otp"] = current_code(self.user.username)
        return self.post(f"/cases/{case_id}/actions/{action}", body)


def create(api: Api, **overrides) -> dict:
    response = api.post("/cases", {**DRAFT, **overrides})
    assert response.status_code == 201, response.json()  # noqa: S101 - pytest rewrites it
    return response.json()


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
                "--lang=ru",  # date inputs follow the interface language (ДД.ММ.ГГГГ)
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


# --- an officer in the browser ------------------------------------------------------------------
# `roles` and `fast_expect` are not autouse here: a browser test module asks for them with
# `pytest.mark.usefixtures("roles", "fast_expect")` in its pytestmark.


@pytest.fixture
def roles(transactional_db):
    """The role groups the officers need, as data migration accounts.0003 writes them. A
    transactional test's flush empties them, and serialized_rollback cannot put them back here:
    once Playwright's sync API runs (the session fixture `chromium`), django.db.connections hands
    out another connection than the one holding the serialized test database."""
    from django.apps import apps

    importlib.import_module("migrex.accounts.migrations.0003_roles").create_roles(apps, None)


@pytest.fixture
def fast_expect():
    """Fail a step in seconds, not after Playwright's default half a minute."""
    expect.set_options(timeout=10_000)


def log_in(page: Page, username: str) -> None:
    if not page.url.endswith("/login/"):  # logging out already lands there
        page.goto("/login/")
    expect(page.get_by_role("heading", name="Вход")).to_be_visible()
    page.get_by_label("Имя пользователя").fill(username)
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Вход").click()
    if re.search(r"/login/(code|enrol)/$", page.url):  # signatories: the second factor
        page.get_by_label("Код из приложения-аутентификатора").fill(current_code(username))
        page.get_by_role("button", name="Подтвердить").click()
    expect(page).to_have_url(re.compile(r"/$"))  # the start page: what needs the officer
    expect(page.get_by_role("heading", name="Требуют действия")).to_be_visible()


def enrolled(user: User):
    """The officer's confirmed authenticator, enrolled now if they have none."""
    from migrex.accounts import services

    return services.device_of(user) or services.enrol(user)


def current_code(username: str) -> str:
    """The code the officer's authenticator shows: the key is the one enrolment shows, the step
    the next not yet used (a code is accepted once)."""
    from migrex.accounts import services, totp

    device = services.start_enrolment(User.objects.get(username=username))
    step = max(totp.step_at(time.time()), (device.last_step or 0) + 1)
    while step > totp.step_at(time.time()) + totp.DRIFT:
        time.sleep(1)
    return totp.hotp(totp.key_of(device.secret), step)


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Выйти").click()
    expect(page.get_by_role("heading", name="Вход")).to_be_visible()


_NODE = (settings.MIGREX_PARTY, settings.MIGREX_NODE_ID)


@pytest.fixture(autouse=True)
def _this_node_unchanged():
    """Every test starts as the node the settings made, not as an earlier test's override."""
    assert (settings.MIGREX_PARTY, settings.MIGREX_NODE_ID) == _NODE  # noqa: S101
