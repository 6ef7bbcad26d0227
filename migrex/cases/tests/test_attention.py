"""What needs each officer (cases/attention.py): the request to sign for a signatory who did not
write it (Art. 9.3), the request to register (Art. 10.1) and to answer (Art. 10.3) for the
requested side's officers, the other party's question for the requester (Art. 10.1), consents for
the supervisor (Art. 11.2, 11.3), the periods ending (Art. 10.3), and the news of a case since the
officer last opened it: set by what comes in, cleared by opening the case page."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from migrex.cases import attention
from migrex.cases.models import Case
from migrex.cases.services import transition
from migrex.cases.tests.conftest import login
from migrex.cases.workflow import State
from migrex.conftest import draft, send
from migrex.persons.models import Consent

pytestmark = pytest.mark.django_db


def listed(user, today=None) -> dict[str, list[int]]:
    """Each section that concerns `user`: the cases it lists (consents: their ids)."""
    found = attention.sections(user, today or timezone.localdate())
    return {
        s.name: [c.pk for c in (s.consents if s.consents is not None else s.cases)] for s in found
    }


def news(user, case) -> bool:
    return attention.with_news(user, Case.objects.filter(pk=case.pk)).get().news


def submitted(officers) -> Case:
    case = draft(officers)
    transition(case=case, action="submit", actor=officers["kz_operator"])
    return case


def test_a_signatory_has_the_request_to_sign_and_its_author_has_not(officers, make_user):
    """Art. 9.3: signed by a person on the signatory list, never by the request's author."""
    case = submitted(officers)
    signatory, operator = officers["kz_signatory"], officers["kz_operator"]
    assert listed(signatory)["sign"] == [case.pk]
    assert "sign" not in listed(operator)  # an operator signs nothing
    assert attention.total(signatory, timezone.localdate()) == 1
    both = make_user("kz-both", "kz-mvd", "operator", "signatory")
    own = draft({**officers, "kz_operator": both})
    transition(case=own, action="submit", actor=both)
    assert listed(both)["sign"] == [case.pk]  # another's, not the one they wrote
    assert listed(officers["by_supervisor"])["sign"] == []  # another authority's copy
    assert listed(officers["kz_auditor"]) == {}
    assert attention.total(officers["kz_auditor"], timezone.localdate()) == 0


def test_the_requested_side_registers_then_the_assignee_answers(officers, make_user, deliver):
    """Art. 10.1: registered, and executed by the officer named; Art. 10.3: answered."""
    _ours, theirs = send(officers, deliver)
    by_operator, by_supervisor = officers["by_operator"], officers["by_supervisor"]
    other = make_user("by-operator-2", "by-mvd", "operator")
    for user in (by_operator, by_supervisor, other):
        assert listed(user)["register"] == [theirs.pk]
        assert listed(user)["answer"] == []
    assert listed(officers["kz_signatory"])["register"] == []  # another authority's copy

    transition(case=theirs, action="register", actor=by_operator, data={"assignee": other.pk})
    assert listed(by_operator)["register"] == []
    assert listed(other)["answer"] == [theirs.pk]
    assert listed(by_operator)["answer"] == []  # assigned to another operator
    assert listed(by_supervisor)["answer"] == [theirs.pk]  # who assigns sees them all


def test_the_requester_is_asked_for_information_and_told_of_it(client, officers, deliver):
    """Art. 10.1: the requested side asks for additional information; the requester's operator
    has it to provide, and the case is news to the request's author and signatory."""
    ours, theirs = send(officers, deliver)
    operator, signatory = officers["kz_operator"], officers["kz_signatory"]
    login(client, operator).get(f"/cases/{ours.pk}/")
    assert not news(operator, ours)
    transition(case=theirs, action="register", actor=officers["by_operator"])
    deliver()
    assert news(operator, ours)  # registered by the other party: news
    login(client, operator).get(f"/cases/{ours.pk}/")
    assert not news(operator, ours)

    transition(
        case=theirs,
        action="request_information",
        actor=officers["by_operator"],
        data={"text": "Уточните дату въезда."},
    )
    deliver()
    sections = listed(operator)
    assert sections["asked"] == [ours.pk] and sections["news"] == [ours.pk]
    assert listed(signatory)["asked"] == []  # providing information is the operator's move
    assert listed(signatory)["news"] == [ours.pk]  # they signed it
    body = client.get("/").content.decode()
    assert "Другая Сторона ждёт ответа" in body and "Запрошены дополнительные сведения" in body
    assert 'class="news-mark"' in body
    assert 'class="news-mark"' in client.get("/outgoing/").content.decode()

    assert client.get(f"/cases/{ours.pk}/").status_code == 200  # opening clears the mark
    assert not news(operator, ours) and listed(operator)["news"] == []
    assert 'class="news-mark"' not in client.get("/outgoing/").content.decode()
    assert news(signatory, ours)  # still news to the one who has not opened it

    transition(
        case=ours,
        action="provide_information",
        actor=operator,
        data={"text": "Въезд 05.01.2026."},
    )
    assert not news(operator, ours)  # their own move is not news to them
    assert listed(operator)["asked"] == []


def test_a_colleagues_change_of_state_is_news_but_ones_own_is_not(client, officers):
    case = draft(officers)
    operator, signatory = officers["kz_operator"], officers["kz_signatory"]
    login(client, operator).get(f"/cases/{case.pk}/")
    transition(case=case, action="submit", actor=operator)
    assert not news(operator, case)
    transition(case=case, action="return", actor=signatory, data={"text": "Уточните цель."})
    assert news(operator, case)  # returned for revision by the signatory
    assert listed(operator)["news"] == [case.pk]


def test_the_supervisor_decides_the_consents_asked_of_the_authority(officers, deliver):
    """Art. 11.2, 11.3: the provider's consent awaits its supervisor."""
    ours, _theirs = send(officers, deliver)
    consent = Consent.objects.create(
        ref=uuid.uuid4(),
        side=Consent.Side.PROVIDER,
        agreement=ours.agreement,
        requester=ours.requested_authority,
        provider=ours.requesting_authority,
        source_kind="case",
        source=ours.conversation_id,
        use=Consent.Use.THIRD_PARTY,
        purpose="Передача в органы прокуратуры",
        recipient="Прокуратура",
        asked_by="by-operator",
    )
    assert listed(officers["kz_signatory"])["consents"] == [consent.pk]  # a supervisor
    assert "consents" not in listed(officers["kz_operator"])
    assert listed(officers["by_supervisor"])["consents"] == []  # not asked of them


def test_periods_ending_and_past_unless_postponed(officers, deliver):
    """Art. 10.3: the 30-day period ends within DUE_SOON_DAYS or has passed; Art. 10.2: a
    postponement that holds is not pressed. A case in two sections is counted once."""
    _ours, theirs = send(officers, deliver)
    by_operator = officers["by_operator"]
    transition(case=theirs, action="register", actor=by_operator)
    today = timezone.localdate()
    assert listed(by_operator, today)["deadline"] == []
    Case.objects.filter(pk=theirs.pk).update(due_date=today + dt.timedelta(days=2))
    assert listed(by_operator, today)["deadline"] == [theirs.pk]
    Case.objects.filter(pk=theirs.pk).update(due_date=today - dt.timedelta(days=3))
    sections = listed(by_operator, today)
    assert sections["deadline"] == sections["answer"] == [theirs.pk]
    assert attention.total(by_operator, today) == 1  # answer and deadline: one case
    assert "deadline" not in listed(officers["kz_auditor"], today)

    transition(
        case=theirs,
        action="postpone",
        actor=officers["by_supervisor"],
        data={"text": "Помешает следствию.", "until": str(today + dt.timedelta(days=20))},
    )
    assert listed(by_operator, today)["deadline"] == []


def test_the_start_page_of_each_role(client, officers, deliver):
    case = submitted(officers)
    body = login(client, officers["kz_signatory"]).get("/").content.decode()
    assert "Требуют действия" in body and "На подпись" in body
    assert f"№ {case.number}" in body and f'href="/cases/{case.pk}/"' in body
    body = login(client, officers["kz_operator"]).get("/").content.decode()
    assert "На подпись" not in body and "Другая Сторона ничего не ждёт" in body
    body = login(client, officers["kz_auditor"]).get("/").content.decode()
    assert "Для вашей роли здесь нет дел, требующих действия" in body
    body = login(client, officers["by_operator"]).get("/").content.decode()
    assert "Всё поступившее зарегистрировано." in body
    assert State.AWAITING_SIGNATURE not in body  # no raw state code


def test_start_page_queries_do_not_grow_with_cases(
    client, officers, deliver, django_assert_max_num_queries
):
    for _ in range(12):
        submitted(officers)
    send(officers, deliver)
    login(client, officers["kz_signatory"])  # a signatory and supervisor: every section
    # 21: the sections' counts in one query, the first cases of each section (six here) and
    # one query that reads them, the consents (list and count), the navigation (its count of
    # what needs the officer, and the boxes' in two); up to 3 for the session's refreshed
    # expiry.
    with django_assert_max_num_queries(24):
        body = client.get("/").content.decode()
    assert body.count('class="attention-item"') == attention.SHOWN + 1  # to sign; and news
    assert "и ещё 2" in body


def test_a_colleagues_change_stays_news_after_ones_own_later_move(client, officers):
    """The case keeps its latest news (models.record_news); when that is the officer's own move,
    an earlier one of a colleague's since they last looked is still news to them."""
    case = draft(officers)
    operator, signatory = officers["kz_operator"], officers["kz_signatory"]
    login(client, operator).get(f"/cases/{case.pk}/")
    transition(case=case, action="submit", actor=operator)
    transition(case=case, action="return", actor=signatory, data={"text": "Уточните цель."})
    transition(case=case, action="submit", actor=operator)
    stored = Case.objects.get(pk=case.pk)
    assert stored.news_by == operator and stored.news_at is not None
    assert news(operator, case)  # the signatory's return came after they last looked
    assert news(signatory, case)  # the operator's submission, to the signatory
    login(client, operator).get(f"/cases/{case.pk}/")
    assert not news(operator, case)


def test_the_count_is_each_case_once_across_sections(officers, deliver):
    """The navigation's count (three counts on indexes) is the union of the start page's
    sections: a request both to answer and due soon, and news, counted once."""
    _ours, theirs = send(officers, deliver)
    operator = officers["by_operator"]
    transition(case=theirs, action="register", actor=operator)
    Case.objects.filter(pk=theirs.pk).update(due_date=timezone.localdate())
    for _ in range(2):
        send(officers, deliver)
    today = timezone.localdate()
    sections = listed(operator, today)
    assert theirs.pk in sections["answer"] and theirs.pk in sections["deadline"]
    union = {pk for name, pks in sections.items() if name != "consents" for pk in pks}
    assert attention.total(operator, today) == len(union) == 3
