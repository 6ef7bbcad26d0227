"""The retention page: rules, what is due and when, what has no rule, the acts (Art. 11.5)."""

from __future__ import annotations

import datetime as dt

import pytest

from migrex.cases.models import CasePerson
from migrex.retention import services
from migrex.retention.models import Act, PurposeEnd, Rule, Tombstone
from migrex.retention.tests.conftest import CLOSED_AT

pytestmark = pytest.mark.django_db
URL = "/retention/"
BASIS = "Закон Республики Казахстан «О персональных данных и их защите», ст. 12"


def test_only_supervisors_and_administrators_see_the_page(client, officers, make_user):
    for name in ("kz_operator", "kz_auditor"):
        client.force_login(officers[name])
        assert client.get(URL).status_code == 403
    client.force_login(officers["kz_signatory"])  # also a supervisor
    assert client.get(URL).status_code == 200
    client.force_login(make_user("kz-admin", "kz-mvd", "administrator"))
    assert client.get(URL).status_code == 200


def test_the_page_lists_rules_due_items_items_without_a_rule_and_acts(answered, client, officers):
    ours, theirs = answered
    services.set_rule(
        agreement=ours.agreement,
        party="KZ",
        days=3650,
        counted_from="case-closed",
        basis=BASIS,
        actor="admin",
    )
    client.force_login(officers["kz_signatory"])
    page = client.get(URL).content.decode()
    assert "Хранение и уничтожение персональных данных" in page
    assert BASIS in page and "нет правила хранения" in page  # KZ's rule; BY has none
    due = (CLOSED_AT.date() + dt.timedelta(days=3650)).strftime("%d.%m.%Y")
    assert ours.number in page and due in page
    assert "Оганесян" not in page  # counts, never the persons themselves
    # A supervisor sees their own authority's holdings: BY's copy is not on KZ's page.
    client.force_login(officers["by_supervisor"])
    by_page = client.get(URL).content.decode()
    assert ours.number not in by_page
    assert f'href="/cases/{theirs.pk}/"' in by_page and "нет правила хранения" in by_page


def test_an_administrator_sets_a_rule_on_the_page(agreement, client, make_user):
    client.force_login(make_user("kz-admin", "kz-mvd", "administrator"))
    response = client.post(
        URL,
        {
            "form": "rule",
            "agreement": "kz-by-2019",
            "party": "KZ",
            "days": "365",
            "counted_from": "purpose-ended",
            "basis": BASIS,
        },
    )
    assert response.status_code == 302
    rule = Rule.objects.get(party="KZ")
    assert (rule.days, rule.counted_from, rule.updated_by) == (365, "purpose-ended", "Kz-Admin")
    bad = client.post(
        URL,
        {
            "form": "rule",
            "agreement": "kz-by-2019",
            "party": "AM",
            "days": "1",
            "counted_from": "case-closed",
            "basis": BASIS,
        },
    )
    assert "не является Стороной" in bad.content.decode() and "ст. 11.5" in bad.content.decode()


def test_a_supervisor_may_not_set_rules_but_records_the_end_of_a_purpose(
    answered, client, officers
):
    ours, _ = answered
    client.force_login(officers["kz_signatory"])
    forbidden = client.post(
        URL,
        {
            "form": "rule",
            "agreement": "kz-by-2019",
            "party": "KZ",
            "days": "1",
            "counted_from": "case-closed",
            "basis": BASIS,
        },
    )
    assert forbidden.status_code == 403 and not Rule.objects.exists()
    services.set_rule(
        agreement=ours.agreement,
        party="KZ",
        days=10,
        counted_from="purpose-ended",
        basis=BASIS,
        actor="admin",
    )
    assert "Записать" in client.get(URL).content.decode()
    response = client.post(
        URL, {"form": "purpose", "subject": f"case:{ours.pk}", "ended_on": "2026-03-20"}
    )
    assert response.status_code == 302
    assert PurposeEnd.objects.get(case=ours).ended_on == dt.date(2026, 3, 20)
    client.force_login(officers["by_supervisor"])  # another authority's case: not found
    assert (
        client.post(
            URL, {"form": "purpose", "subject": f"case:{ours.pk}", "ended_on": "2026-03-21"}
        ).status_code
        == 404
    )


def test_a_destroyed_item_is_unreadable_and_its_tombstone_and_act_exist(answered, client, officers):
    ours, _ = answered
    photo = ours.attachments.get(kind="photo")
    url = f"/cases/{ours.pk}/attachments/{photo.pk}/"
    client.force_login(officers["kz_operator"])
    assert client.get(url).status_code == 200
    services.set_rule(
        agreement=ours.agreement,
        party="KZ",
        days=1,
        counted_from="case-closed",
        basis=BASIS,
        actor="admin",
    )
    act = services.run(today=CLOSED_AT.date() + dt.timedelta(days=1)).act

    assert client.get(url).status_code == 404
    assert not CasePerson.objects.filter(case=ours).exists()
    stone = Tombstone.objects.get(kind="attachment", item_id=photo.pk)
    assert stone.act == act and stone.sha256 == photo.sha256 and stone.item_kind == "photo"
    client.force_login(officers["kz_signatory"])
    page = client.get(URL).content.decode()
    assert act.number in page
    pdf = client.get(f"/retention/acts/{act.pk}.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content == bytes(Act.objects.get(pk=act.pk).pdf)
    client.force_login(officers["by_supervisor"])  # another authority's act
    assert client.get(f"/retention/acts/{act.pk}.pdf").status_code == 404


def test_an_administrator_destroys_what_is_due_from_the_page(answered, client, officers, make_user):
    ours, _ = answered
    services.set_rule(
        agreement=ours.agreement,
        party="KZ",
        days=1,
        counted_from="case-closed",
        basis=BASIS,
        actor="admin",
    )
    client.force_login(officers["kz_signatory"])  # a supervisor may look, not destroy
    assert client.post(URL, {"form": "run"}).status_code == 403
    assert CasePerson.objects.filter(case=ours).exists()
    admin = make_user("kz-admin", "kz-mvd", "administrator")
    client.force_login(admin)
    unconfirmed = client.post(URL, {"form": "run"}, follow=True).content.decode()
    assert "ничего не уничтожено" in unconfirmed.lower() and not Act.objects.exists()
    assert CasePerson.objects.filter(case=ours).exists()
    page = client.post(URL, {"form": "run", "confirm": "yes"}, follow=True).content.decode()
    act = Act.objects.get()
    assert (
        act.made_by == str(admin)
        and act.number in page
        and f"Уничтожено элементов: {act.items}" in page
    )
    assert not CasePerson.objects.filter(case=ours).exists()
    again = client.post(URL, {"form": "run", "confirm": "yes"}, follow=True).content.decode()
    assert "Сегодня уничтожать нечего." in again and Act.objects.count() == 1
