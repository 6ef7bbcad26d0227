"""Retention rules and the destruction run (Art. 11.5)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from migrex.agreements.models import Authority
from migrex.audit.models import AuditEntry
from migrex.cases.models import Attachment, CasePerson
from migrex.core.errors import Invalid
from migrex.core.tests.pdftext import pdf_text
from migrex.exchange.models import OutboxMessage
from migrex.persons import search, similar
from migrex.persons.models import Dataset, PersonRecord, SearchName
from migrex.retention import notices, rules, services
from migrex.retention.models import Act, PurposeEnd, Rule, Run, Tombstone
from migrex.retention.tests.conftest import BASIS_KZ, CLOSED_AT, PERSON, dataset, kz_rule

pytestmark = pytest.mark.django_db
BASIS_BY = "Закон Республики Беларусь «О защите персональных данных», ст. 17"
PERSONAL = 4  # two persons and two files; then its texts and six copies of messages
CLOSED_ON = CLOSED_AT.date()


def test_without_a_rule_nothing_is_destroyed_and_the_data_is_listed(answered):
    """Art. 11.5 sets no period (the profile says unknown for KZ and BY): no silent destruction."""
    ours, theirs = answered
    result = services.run(today=CLOSED_ON + dt.timedelta(days=3650))
    assert result.destroyed == 0 and result.act is None
    assert CasePerson.objects.filter(case=ours).exists()
    listed = {h.case.pk: h for h in rules.holdings() if h.rule is None}
    assert set(listed) == {ours.pk, theirs.pk}
    assert listed[ours.pk].persons == 2 and listed[ours.pk].attachments == 2


def test_the_rule_of_the_holders_party_applies_from_the_closing_of_the_case(answered):
    ours, theirs = answered
    kz_rule(ours.agreement, days=30)
    found = {h.case.pk: h for h in rules.holdings()}
    assert found[ours.pk].due_on == CLOSED_ON + dt.timedelta(days=30)
    assert found[ours.pk].rule.basis == BASIS_KZ
    assert found[theirs.pk].rule is None  # BY's copy is held under Belarusian law: no rule yet

    early = services.run(today=CLOSED_ON + dt.timedelta(days=29))
    assert early.destroyed == 0 and CasePerson.objects.filter(case=ours).count() == 2


def test_a_run_destroys_what_is_due_leaving_tombstones_and_an_act(answered):
    ours, theirs = answered
    kz_rule(ours.agreement, days=30)
    persons = {
        p.pk: hashlib.sha256(
            json.dumps(
                {"category": p.category, "data": p.data},
                ensure_ascii=False,
                sort_keys=True,
                separators=(",", ":"),
            ).encode()
        ).hexdigest()
        for p in ours.persons.all()
    }
    attachments = {a.pk: (a.kind, a.sha256) for a in ours.attachments.all()}
    result = services.run(today=CLOSED_ON + dt.timedelta(days=30))

    kinds = Counter(Tombstone.objects.filter(case=ours).values_list("kind", flat=True))
    # Its persons and files, its texts, and the copies of the messages of its conversation.
    assert {k: kinds[k] for k in ("case_person", "attachment", "case_texts")} == {
        "case_person": 2,
        "attachment": 2,
        "case_texts": 1,
    }
    assert kinds["message"] >= 2 and result.destroyed == sum(kinds.values())
    assert not CasePerson.objects.filter(case=ours).exists()
    assert not Attachment.objects.filter(case=ours).exists()
    assert CasePerson.objects.filter(case=theirs).count() == 2  # BY's copy: no rule, kept
    stones = {(s.kind, s.item_id): s for s in Tombstone.objects.filter(case=ours)}
    for pk, digest in persons.items():
        assert stones[("case_person", pk)].sha256 == digest
    for pk, (kind, digest) in attachments.items():
        stone = stones[("attachment", pk)]
        assert (stone.item_kind, stone.sha256) == (kind, digest)
    stone = next(iter(stones.values()))
    assert stone.rule_text["basis"] == BASIS_KZ and stone.rule_text["days"] == 30
    assert stone.due_on == CLOSED_ON + dt.timedelta(days=30)
    assert "migrex" in stone.destroyed_by

    act = result.act
    assert act.items == result.destroyed and bytes(act.pdf).startswith(b"%PDF")
    assert hashlib.sha256(bytes(act.pdf)).hexdigest() == act.sha256
    assert {s.pk for s in act.tombstones.all()} == {s.pk for s in stones.values()}
    actions = list(
        AuditEntry.objects.filter(action__startswith="retention.").values_list("action", flat=True)
    )
    assert (
        actions.count("retention.destroyed") == result.destroyed
        and actions.count("retention.act") == 1
    )
    # No personal data in the audit entries of the destruction.
    for entry in AuditEntry.objects.filter(action="retention.destroyed"):
        assert "Оганесян" not in json.dumps(entry.detail, ensure_ascii=False)


def test_the_act_is_a_russian_pdf_naming_the_items_rule_and_basis(answered):

    ours, _ = answered
    kz_rule(ours.agreement, days=30)
    act = services.run(today=CLOSED_ON + dt.timedelta(days=31)).act
    text = pdf_text(bytes(act.pdf))
    for expected in (
        f"АКТ № {act.number}",
        "об уничтожении персональных данных",
        "Республики Казахстан «О персональных данных",
        "30 дн.",
        "с даты закрытия дела",
        "фотография",
        "дактилоскопическая карта",
        ours.number,
        f"Всего уничтожено элементов: {act.items}",
        "Тексты дела и его истории",
        "Копия сообщения",
        "пункт 5 статьи 11",
    ):
        assert expected in text, expected


def test_running_again_destroys_nothing_more_and_makes_no_act(answered):
    ours, _ = answered
    kz_rule(ours.agreement, days=30)
    day = CLOSED_ON + dt.timedelta(days=40)
    first = services.run(today=day)
    again = services.run(today=day)
    assert first.destroyed > 4 and again.destroyed == 0 and again.act is None
    assert Act.objects.count() == 1 and Tombstone.objects.count() == first.destroyed


def test_a_scheduled_run_runs_once_a_day(answered):
    ours, _ = answered
    kz_rule(ours.agreement, days=1)
    day = CLOSED_ON + dt.timedelta(days=2)
    assert services.run(today=day, scheduled=True).destroyed == PERSONAL + 7
    assert services.run(today=day, scheduled=True).skipped
    assert Run.objects.filter(day=day).count() == 1
    assert not services.run(today=day + dt.timedelta(days=1), scheduled=True).skipped


def test_dry_run_lists_and_changes_nothing(answered):
    ours, _ = answered
    kz_rule(ours.agreement, days=30)
    result = services.run(today=CLOSED_ON + dt.timedelta(days=30), dry_run=True)
    assert [h.case.pk for h in result.due] == [ours.pk]
    assert CasePerson.objects.filter(case=ours).count() == 2
    assert not Tombstone.objects.exists() and not Act.objects.exists()


def test_purpose_ended_counts_from_the_date_an_officer_records(answered, officers):
    ours, _ = answered
    kz_rule(ours.agreement, days=10, counted_from="purpose-ended")
    waiting = next(h for h in rules.holdings() if h.case and h.case.pk == ours.pk)
    assert waiting.due_on is None and "цели" in waiting.waiting_for
    assert services.run(today=CLOSED_ON + dt.timedelta(days=999)).destroyed == 0
    services.record_purpose_end(
        case=ours, ended_on=CLOSED_ON + dt.timedelta(days=5), actor=officers["kz_signatory"]
    )
    assert AuditEntry.objects.filter(action="retention.purpose_ended").exists()
    due = next(h for h in rules.holdings() if h.case and h.case.pk == ours.pk)
    assert due.due_on == CLOSED_ON + dt.timedelta(days=15)
    assert services.run(today=due.due_on).destroyed == PERSONAL + 7


def test_dataset_records_are_destroyed_after_the_end_of_their_purpose(agreement, officers):
    ds = dataset(agreement, n=5)
    kz_rule(agreement, days=7, counted_from="purpose-ended")
    assert services.run(today=dt.date(2030, 1, 1)).destroyed == 0  # no end of purpose recorded
    digest = hashlib.sha256()
    for data in (
        PersonRecord.objects.filter(dataset=ds).order_by("position").values_list("data", flat=True)
    ):
        digest.update(
            json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
            + b"\n"
        )
    services.record_purpose_end(
        dataset=ds, ended_on=dt.date(2026, 4, 1), actor=officers["kz_signatory"]
    )
    result = services.run(today=dt.date(2026, 4, 8))
    assert result.destroyed == 2  # its records and its purpose
    stone = Tombstone.objects.get(dataset=ds, kind="dataset_records")
    assert (stone.kind, stone.count, stone.sha256) == ("dataset_records", 5, digest.hexdigest())
    assert not PersonRecord.objects.filter(dataset=ds).exists()
    assert Dataset.objects.filter(pk=ds.pk).exists()  # what it was stays; the persons do not


def test_the_surnames_of_destroyed_records_are_searched_no_more(agreement, officers):
    """The trigram search's names (persons/similar.py) go with the last entry holding them."""
    ds = dataset(agreement, n=2)
    search.index_records(PersonRecord.objects.filter(dataset=ds), ds.recipient_id)
    held = SearchName.objects.filter(authority_id=ds.recipient_id)
    assert held.count() == 1
    surname = held.get().surname
    kz_rule(agreement, days=7, counted_from="purpose-ended")
    services.record_purpose_end(
        dataset=ds, ended_on=dt.date(2026, 4, 1), actor=officers["kz_signatory"]
    )
    assert services.run(today=dt.date(2026, 4, 8)).destroyed == 2
    assert not held.exists()
    assert similar.near([ds.recipient_id], surname + "a") == []


def test_a_failure_in_the_middle_leaves_nothing_half_destroyed(answered, agreement):
    """One transaction per run: a tombstone that cannot be written rolls back every item."""
    ours, _ = answered
    ds = dataset(agreement, n=2)
    kz_rule(agreement, days=1, counted_from="case-closed")
    PurposeEnd.objects.create(dataset=ds, ended_on=CLOSED_ON, recorded_by="x")
    blocker = Act.objects.create(
        number="X-1", made_at=CLOSED_AT, made_by="x", items=0, pdf=b"", sha256=""
    )
    Tombstone.objects.create(
        kind="dataset_records",
        item_id=ds.pk,
        sha256="0" * 64,
        rule_text={},
        due_on=CLOSED_ON,
        destroyed_at=CLOSED_AT,
        destroyed_by="x",
        act=blocker,
    )
    with pytest.raises(Exception):  # noqa: B017 - the database's own integrity error
        services.run(today=CLOSED_ON + dt.timedelta(days=5))
    assert CasePerson.objects.filter(case=ours).count() == 2
    assert Attachment.objects.filter(case=ours).count() == 2
    assert PersonRecord.objects.filter(dataset=ds).count() == 2
    assert Act.objects.count() == 1 and Tombstone.objects.count() == 1


def test_a_period_stated_in_the_profile_takes_precedence(answered):
    from migrex.agreements.schema_rules import RetentionPeriod, Text

    ours, _ = answered
    kz_rule(ours.agreement, days=9999)
    profile_period = RetentionPeriod(months=6, law=Text(ru="Закон о сроках", en="Law on periods"))
    profile = rules.profile_of(ours.agreement)
    periods = dict(profile.rules.retention.periods, KZ=profile_period)
    retention = profile.rules.retention.model_copy(update={"periods": periods})
    patched = profile.model_copy(
        update={"rules": profile.rules.model_copy(update={"retention": retention})}
    )
    rule = rules.effective_for(patched, ours.agreement, "KZ")
    assert (rule.source, rule.months, rule.basis) == ("profile", 6, "Закон о сроках")
    assert rule.due(dt.date(2026, 8, 31)) == dt.date(2027, 2, 28)
    assert rules.effective(ours.agreement, "KZ").source == "node"  # the shipped profile: unknown


def test_rules_are_checked_and_name_the_article(agreement):
    with pytest.raises(Invalid) as bad_party:
        services.set_rule(
            agreement=agreement,
            party="AM",
            days=5,
            counted_from="case-closed",
            basis=BASIS_KZ,
            actor="admin",
        )
    with pytest.raises(Invalid) as no_basis:
        services.set_rule(
            agreement=agreement,
            party="KZ",
            days=5,
            counted_from="case-closed",
            basis=" ",
            actor="admin",
        )
    assert bad_party.value.errors[0].article == no_basis.value.errors[0].article == "11.5"
    assert no_basis.value.errors[0].field == "basis"


def test_the_command_sets_a_rule_and_runs(answered, capsys):
    ours, theirs = answered
    call_command(
        "retention",
        "rule",
        "set",
        "--agreement",
        "kz-by-2019",
        "--party",
        "BY",
        "--days",
        "3",
        "--counted-from",
        "case-closed",
        "--basis",
        BASIS_BY,
    )
    rule = Rule.objects.get(party="BY")
    assert (rule.days, rule.counted_from, rule.basis) == (3, "case-closed", BASIS_BY)
    assert AuditEntry.objects.filter(action="retention.rule_set").exists()
    call_command("retention", "status")
    out = capsys.readouterr().out
    assert "NO RETENTION RULE" in out and f"due {CLOSED_ON + dt.timedelta(days=3)}" in out
    with pytest.raises(CommandError, match=r"11\.5"):
        call_command(
            "retention",
            "rule",
            "set",
            "--agreement",
            "kz-by-2019",
            "--party",
            "XX",
            "--days",
            "3",
            "--counted-from",
            "case-closed",
            "--basis",
            "x",
        )
    call_command("retention", "run", "--dry-run")
    assert CasePerson.objects.filter(case=theirs).exists()
    call_command("retention", "run")
    assert f"{PERSONAL + 7} item(s) destroyed" in capsys.readouterr().out
    assert not CasePerson.objects.filter(case=theirs).exists()
    assert CasePerson.objects.filter(case=ours).exists()


def test_the_provider_is_notified_when_the_node_is_so_configured(answered, settings):
    ours, _ = answered
    kz_rule(ours.agreement, days=1)
    day = CLOSED_ON + dt.timedelta(days=1)
    settings.MIGREX_RETENTION_NOTIFY_PROVIDER = True
    result = services.run(today=day)
    notice = OutboxMessage.objects.get(kind="destruction_notice")
    assert (notice.sender_authority, notice.receiver_authority) == ("kz-mvd", "by-mvd")
    assert notice.conversation_id == ours.conversation_id
    body = notice.payload
    assert body["act"] == result.act.number and body["basis"] == BASIS_KZ
    assert body["article"] == "11.5" and len(body["items"]) == 4
    assert "Оганесян" not in json.dumps(body, ensure_ascii=False)
    assert all(s.notified for s in Tombstone.objects.filter(kind__in=notices.ITEM_KINDS))


def test_the_worker_runs_the_job_once_a_day(answered):
    from migrex.retention.schedule import Daily

    ours, _ = answered
    kz_rule(ours.agreement, days=1)
    now = [0.0]
    daily = Daily(every=3600, clock=lambda: now[0])
    daily.tick()  # the first look runs today's job: the case closed long ago
    assert Run.objects.filter(day__isnull=False).count() == 1
    assert not CasePerson.objects.filter(case=ours).exists()
    now[0] = 10.0
    daily.tick()  # within the hour: does not even look
    assert Run.objects.count() == 1
    now[0] = 4000.0
    daily.tick()  # looks again, the day already ran
    assert Run.objects.count() == 1


def test_no_notice_for_a_draft_that_never_left(agreement, officers, settings, media):
    from migrex.cases.services import create_draft, transition

    draft = create_draft(
        actor=officers["kz_operator"],
        agreement=agreement,
        requested_authority=Authority.objects.get(code="by-mvd"),
        summary="Черновик",
        persons=[PERSON],
    )
    transition(case=draft, action="discard", actor=officers["kz_operator"])
    kz_rule(agreement, days=1)
    settings.MIGREX_RETENTION_NOTIFY_PROVIDER = True
    result = services.run(today=timezone.localdate() + dt.timedelta(days=2))
    assert result.destroyed == 2 and result.notices == 0
    assert not OutboxMessage.objects.filter(kind="destruction_notice").exists()
