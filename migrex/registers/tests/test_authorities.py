"""Changes of competent authorities (Art. 2) and of signatory lists and form samples (Art. 9.3,
9.4): sent, received and applied; the 45-day duty (Art. 9.3) on the dashboard."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib

import pytest

from migrex.agreements.models import Authority, AuthorityName, SignatoryList
from migrex.audit.models import AuditEntry
from migrex.core.errors import Invalid
from migrex.exchange.models import OutboxMessage
from migrex.registers import authority_notices, duties
from migrex.registers.models import AuthorityNotice

pytestmark = pytest.mark.django_db
FORM = b"%PDF-1.4 form sample of a request"
TODAY = dt.date(2026, 3, 2)


def _list(**over) -> dict:
    body = {
        "change": "signatories",
        "effective_from": "2026-03-01",
        "sent_on": "2026-02-27",
        "note": "Новый перечень",
        "signatories": [
            {
                "full_name": "Сидоров С. С.",
                "position": "Заместитель министра",
                "authority": "by-mvd",
                "valid_from": "2026-03-01",
                "valid_to": None,
            },
            {
                "full_name": "Козлов К. К.",
                "position": "Начальник управления",
                "authority": "by-border",
                "valid_from": "2026-03-01",
                "valid_to": "2027-03-01",
            },
        ],
        "form_sample": {
            "name": "blank.pdf",
            "content_type": "application/pdf",
            "sha256": hashlib.sha256(FORM).hexdigest(),
            "content": base64.b64encode(FORM).decode(),
        },
    }
    return body | over


def test_a_renaming_from_the_other_party_changes_its_authority_and_keeps_the_history_art_2(
    from_by,
):
    body = {
        "change": "rename",
        "authority": "by-border",
        "valid_from": "2026-04-01",
        "name_ru": "Государственный комитет пограничной службы",
        "name_en": "State Border Service Committee",
    }
    assert from_by("authority_notice", body).code == "accepted"
    border = Authority.objects.get(code="by-border")
    assert border.name_ru == "Государственный комитет пограничной службы"
    names = list(AuthorityName.objects.filter(authority=border))
    assert names[-1].valid_from == dt.date(2026, 4, 1)
    assert names[-2].valid_until == dt.date(2026, 3, 31)
    entry = AuditEntry.objects.get(action="registers.authority_notice_applied")
    assert entry.detail["authority"] == "by-border"


def test_a_party_cannot_rename_the_other_partys_authority_art_2(from_by):
    body = {
        "change": "rename",
        "authority": "kz-mvd",
        "valid_from": "2026-04-01",
        "name_ru": "x",
        "name_en": "x",
    }
    refused = from_by("authority_notice", body)
    assert refused.code == "authority_notice_invalid"
    assert "at payload.authority:" in refused.detail and "(Art. 2)" in refused.detail
    assert Authority.objects.get(code="kz-mvd").name_ru != "x"
    assert not AuthorityNotice.objects.exists()


def test_a_replaced_authority_is_no_longer_competent_art_2(agreement, from_by):
    body = {
        "change": "replace",
        "replaced": "by-border",
        "valid_from": "2026-04-01",
        "by": {
            "code": "by-border-service",
            "kind": "border",
            "name_ru": "Пограничная служба",
            "name_en": "Border Service",
        },
    }
    assert from_by("authority_notice", body).code == "accepted"
    codes = set(agreement.authorities.values_list("code", flat=True))
    assert "by-border-service" in codes and "by-border" not in codes
    assert Authority.objects.get(code="by-border-service").party_id == "BY"


def test_a_received_list_of_signatories_replaces_theirs_with_its_form_sample_art_9_4(from_by):
    assert from_by("authority_notice", _list()).code == "accepted"
    listing = SignatoryList.objects.get(party_id="BY")
    assert listing.exchanged_on == dt.date(2026, 2, 27)
    assert listing.effective_from == dt.date(2026, 3, 1)
    assert listing.form_sample.read() == FORM
    people = {(s.full_name, s.authority.code) for s in listing.signatories.all()}
    assert people == {("Сидоров С. С.", "by-mvd"), ("Козлов К. К.", "by-border")}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (_list(signatories=[]), "at payload.signatories:"),
        (_list(effective_from="01.03.2026"), "payload.effective_from"),
        (
            _list(
                signatories=[
                    {
                        "full_name": "А",
                        "position": "Б",
                        "authority": "kz-mvd",
                        "valid_from": "2026-03-01",
                    }
                ]
            ),
            "at payload.signatories[0].authority:",
        ),
        (
            _list(
                signatories=[
                    {
                        "full_name": "А",
                        "position": "Б",
                        "authority": "by-mvd",
                        "valid_from": "2026-03-01",
                        "valid_to": "2026-01-01",
                    }
                ]
            ),
            "at payload.signatories[0].valid_to:",
        ),
        (_list(form_sample={"content": "QQ==", "sha256": "x"}), "payload.form_sample"),
        ({"change": "merge"}, "payload.change"),
    ],
)
def test_a_malformed_authority_notice_changes_nothing(from_by, body, field):
    refused = from_by("authority_notice", body)
    # What the schema says is `payload_invalid`; what the agreement says, the notice's own code.
    expected = "payload_invalid" if field.startswith("payload.") else "authority_notice_invalid"
    assert refused.code == expected and field in refused.detail
    assert not SignatoryList.objects.exists() and not AuthorityNotice.objects.exists()


def test_our_renaming_is_applied_here_and_sent_to_the_other_party(agreement, make_user):
    admin = make_user("kz-admin", "kz-mvd", "administrator")
    authority_notices.notify(
        actor=admin,
        agreement=agreement,
        change="rename",
        today=TODAY,
        body={
            "authority": "kz-labour",
            "valid_from": "2026-03-01",
            "name_ru": "Министерство труда",
            "name_en": "Ministry of Labour",
        },
    )
    assert Authority.objects.get(code="kz-labour").name_ru == "Министерство труда"
    sent = OutboxMessage.objects.filter(kind="authority_notice")
    assert {m.receiver_authority for m in sent} == {"by-mvd", "by-border"}
    assert sent[0].payload["change"] == "rename" and sent[0].payload["article"] == "2"


def test_our_list_is_sent_and_arrives_as_a_signed_envelope_art_9_3(officers, both_nodes):
    admin = officers["kz_signatory"]
    listing = SignatoryList.objects.get(party_id="KZ")
    notice = authority_notices.send_signatory_list(actor=admin, listing=listing)
    assert notice.payload["signatories"][0]["authority"] == "kz-mvd"
    SignatoryList.objects.filter(party_id="KZ").delete()  # as the BY node, which has none yet
    message = OutboxMessage.objects.get(kind="authority_notice", receiver_authority="by-mvd")
    reply = both_nodes.receive(message)
    assert (reply.status, reply.code) == (200, "accepted")
    received = SignatoryList.objects.get(party_id="KZ")
    assert received.signatories.get().full_name == listing_name(admin)


def listing_name(user) -> str:
    return f"{user.last_name} {user.first_name}".strip()


def test_only_our_own_nonempty_list_is_sent(officers, agreement):
    theirs = SignatoryList.objects.get(party_id="BY")
    with pytest.raises(Invalid) as caught:
        authority_notices.send_signatory_list(actor=officers["kz_signatory"], listing=theirs)
    assert caught.value.errors[0].article == "9.4"
    assert not OutboxMessage.objects.exists()


def test_the_dashboard_counts_the_45_days_from_entry_into_force_art_9_3(agreement):
    # In force on 3 December 2020: the lists are due by 17 January 2021.
    (row,) = duties.dashboard(dt.date(2020, 12, 20))
    assert row.entry_into_force == dt.date(2020, 12, 3) and row.due == dt.date(2021, 1, 17)
    assert (row.ours.party, row.ours.exchanged_on, row.days_left) == ("KZ", None, 28)
    assert [s.party for s in row.theirs] == ["BY"] and row.open
    (late,) = duties.dashboard(dt.date(2021, 1, 20))
    assert late.overdue_days == 3 and late.ours.state == "overdue"
    assert duties.dashboard(dt.date(2020, 1, 1)) == []  # not in force: no duty


def test_the_dashboard_shows_lists_sent_and_received(officers, from_by):
    assert from_by("authority_notice", _list(sent_on="2021-01-20")).code == "accepted"
    (row,) = duties.dashboard(dt.date(2026, 3, 2))
    assert row.ours.exchanged_on == dt.date(2021, 1, 10) and row.ours.state == "met"
    assert row.theirs[0].exchanged_on == dt.date(2021, 1, 10)  # the fixture's list came first
    assert row.theirs[0].via_exchange is not None and not row.open
