"""The node test_walk.py walks: the Kazakh ministry's node as `make demo` sets it up (every
shipped agreement, an officer per role) holding cases in every state on both sides, a received
dataset, a statistical dataset and a channel. Built once per module with the services the apps'
tests use (conftest.send, deliver through the receiving node's real inbox, transition)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import Group
from django.utils import timezone

from migrex.accounts.models import User
from migrex.agreements.models import Agreement, Authority
from migrex.agreements.profile import shipped_profile_paths
from migrex.agreements.services import load
from migrex.agreements.tests.conftest import PASSWORD, put_on_list
from migrex.cases.models import Case
from migrex.cases.services import create_draft, transition
from migrex.cases.workflow import Side
from migrex.channels.tests.conftest import IVANOV
from migrex.conftest import PERSON, TwoNodes
from migrex.exchange.crypto import public_jwks
from migrex.exchange.models import NodeKey, Peer
from migrex.stats.tests.conftest import ARMENIANS, import_text

# username → (authority, roles, surname); the KZ officers are the ones the walker signs in as.
OFFICERS = {
    "kz-operator": ("kz-mvd", ("operator",), "Ахметов"),
    "kz-signatory": ("kz-mvd", ("signatory",), "Нуриев"),
    "kz-supervisor": ("kz-mvd", ("supervisor",), "Юсупов"),
    "kz-auditor": ("kz-mvd", ("auditor",), "Жуков"),
    "kz-admin": ("kz-mvd", ("administrator",), "Ковалёв"),
    "by-operator": ("by-mvd", ("operator",), "Петров"),
    "by-supervisor": ("by-mvd", ("supervisor", "signatory"), "Сидоров"),
}
SIGNED = {"password": PASSWORD}
PERSON_FULL = {
    "category": "temporary_stay",
    "data": {
        **PERSON["data"],
        "sex": "M",
        "birth_place": "г. Ереван",
        "identity_document": [
            {"series": "AR", "number": "1234567", "issue_date": "2020-02-03"},
        ],
    },
}


def officers() -> dict[str, User]:
    made = {}
    for username, (authority, roles, surname) in OFFICERS.items():
        user = User.objects.create_user(
            username=username,
            password=PASSWORD,
            last_name=surname,
            first_name="Иван",
            authority=Authority.objects.get(code=authority),
            is_staff="administrator" in roles,
        )
        user.groups.set([Group.objects.get_or_create(name=role)[0] for role in roles])
        made[username] = user
    return made


def nodes(material: dict) -> TwoNodes:
    """Both parties' keys and peers in the one database (conftest's `agreement`, `both_nodes`)."""
    found = Agreement.objects.get(code="kz-by-2019")
    for party, (keys, blob) in material.items():
        peer = Peer.objects.create(
            node_id=party,
            party_id=party,
            url=f"http://{party.lower()}.invalid",
            jwks=public_jwks(keys),
        )
        peer.agreements.add(found)
        NodeKey.objects.create(
            suite=keys.suite,
            signing_kid=keys.signing_kid,
            private=blob,
            public_jwks=public_jwks(keys),
            not_before=keys.not_before,
        )
    return TwoNodes({party: keys for party, (keys, _blob) in material.items()})


class Seed:
    def __init__(self, material: dict):
        for code in sorted(shipped_profile_paths()):
            load(code)
        self.two = nodes(material)
        self.o = officers()
        agreement = Agreement.objects.get(code="kz-by-2019")
        put_on_list(agreement, self.o["kz-signatory"])
        put_on_list(agreement, self.o["by-supervisor"])

    def deliver(self) -> None:
        self.two.deliver()

    def draft(self, sender: str, receiver: str, kind: str = "request", **fields) -> Case:
        base = {
            "summary": f"Проверка сведений о временном пребывании ({sender})",
            "purpose": "Установление законности пребывания",
            "justification": "Материалы проверки № 17/2026",
            "persons": [PERSON_FULL],
        }
        if kind == "spontaneous":
            base.update(purpose="Информирование", justification="Ст. 8 Соглашения", persons=[])
        base.update(fields)
        operator = self.o[f"{sender}-operator"]
        return create_draft(
            actor=operator,
            agreement=Agreement.objects.get(code="kz-by-2019"),
            requested_authority=Authority.objects.get(code=f"{receiver}-mvd"),
            kind=kind,
            **base,
        )

    def send(self, sender: str, kind: str = "request", *, deliver: bool = True, **fields):
        """A request (or information) signed by the sender's signatory: (sender's, receiver's)."""
        receiver = "by" if sender == "kz" else "kz"
        case = self.draft(sender, receiver, kind, **fields)
        transition(case=case, action="submit", actor=self.o[f"{sender}-operator"])
        signatory = self.o["kz-signatory" if sender == "kz" else "by-supervisor"]
        transition(case=case, action="sign", actor=signatory, data=SIGNED, confirmed=True)
        if not deliver:
            return Case.objects.get(pk=case.pk), None
        self.deliver()
        theirs = Case.objects.get(conversation_id=case.conversation_id, side=Side.REQUESTED)
        return Case.objects.get(pk=case.pk), theirs

    def act(self, case: Case, action: str, who: str, **data) -> Case:
        case.refresh_from_db()
        transition(case=case, action=action, actor=self.o[who], data=data or None)
        self.deliver()
        return Case.objects.get(pk=case.pk)

    def registered(self, sender: str):
        ours, theirs = self.send(sender)
        who = "by-operator" if sender == "kz" else "kz-operator"
        return ours, self.act(theirs, "register", who)

    def cases(self) -> None:
        """Every state on both sides of the KZ ministry: requests KZ sent (to BY) and received."""
        # Sent by KZ, acted on by BY.
        self.draft("kz", "by")
        submitted = self.draft("kz", "by", summary="Запрос на подписи")
        transition(case=submitted, action="submit", actor=self.o["kz-operator"])
        discarded = self.draft("kz", "by", summary="Ошибочный проект")
        transition(case=discarded, action="discard", actor=self.o["kz-operator"])
        self.registered("kz")
        _ours, theirs = self.registered("kz")
        self.act(theirs, "request_information", "by-operator", text="Уточните дату въезда.")
        _ours, theirs = self.registered("kz")
        self.act(theirs, "reply", "by-operator", text="Пребывание законно.", persons=[PERSON])
        _ours, theirs = self.registered("kz")
        self.act(theirs, "refuse", "by-supervisor", grounds=["security"], text="Ущерб.")
        _ours, theirs = self.registered("kz")
        self.act(theirs, "set_conditions", "by-supervisor", text="Только для проверки.")
        _ours, theirs = self.registered("kz")
        self.act(theirs, "notify_confidentiality", "by-supervisor", text="Суд открытый.")
        ours, _theirs = self.send("kz")
        self.act(ours, "withdraw", "kz-signatory", text="Лицо установлено.")
        _ours, theirs = self.send("kz")
        self.act(theirs, "ask_confirmation", "by-operator", text="Подпись неразборчива.")
        self.send("kz", "spontaneous", summary="Выявлен канал незаконной миграции")
        ours, theirs = self.send("kz", "spontaneous", summary="Сведения о канале")
        self.act(theirs, "acknowledge", "by-operator")
        # Sent by BY, acted on by KZ.
        self.send("by")
        _ours, theirs = self.registered("by")
        self.act(theirs, "request_information", "kz-operator", text="Уточните место жительства.")
        _ours, theirs = self.registered("by")
        until = (timezone.localdate() + dt.timedelta(days=20)).isoformat()
        self.act(theirs, "postpone", "kz-supervisor", text="Идёт проверка.", until=until)
        _ours, theirs = self.registered("by")
        self.act(theirs, "reply", "kz-operator", text="Сведения прилагаются.", persons=[PERSON])
        _ours, theirs = self.registered("by")
        self.act(theirs, "reply_partially", "kz-supervisor", grounds=["security"], text="Часть.")
        self.send("by", "spontaneous", summary="Информация о нарушении")
        # Last: signed, its message still in the outbox (the peer not reached yet).
        self.send("kz", deliver=False, summary="Запрос в пути")

    def others(self) -> None:
        """A statistical dataset and a channel of KZ (datasets come from the cases' answers)."""
        import_text(
            "год,гражданство,значение\n2024,AM,2623\n2025,AM,2134\n",
            "kz-mvd",
            title="Трудящиеся-мигранты из Армении",
            indicator=ARMENIANS,
            unit="человек",
            source="МВД Республики Казахстан",
        )
        from migrex.channels import services

        channel = services.save_channel(
            actor=self.o["kz-operator"],
            name="Алматы — Минск — Варшава",
            description="Трудовая миграция по туристическим визам",
            route=["Алматы", "Минск", "Брест", "Варшава"],
            methods="Туристические визы по подложным приглашениям",
        )
        services.save_individual(
            channel=channel,
            actor=self.o["kz-operator"],
            role="organiser",
            category="temporary_stay",
            data=IVANOV,
            phone="+7 (701) 123-45-67",
        )


def seed(material: dict) -> None:
    made = Seed(material)
    made.cases()
    made.others()
