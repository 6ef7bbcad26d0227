"""`Idempotency-Key` on the API's POSTs, through the real API: the same request again gets the
first answer and is not done twice; the key with another body is refused; keys are the user's
own and kept a day."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from migrex.accounts.models import IdempotentRequest
from migrex.cases.models import Case
from migrex.cases.tests.conftest import errors_of
from migrex.conftest import API, DRAFT, Api


def _post(api: Api, path: str, body: dict, key: str):
    return api.client.post(
        API + path, body, content_type="application/json", headers={"Idempotency-Key": key}
    )


@pytest.mark.django_db
def test_the_same_post_with_the_same_key_creates_one_draft(officers):
    api = Api(officers["kz_operator"])
    first = _post(api, "/cases", DRAFT, "draft-1")
    again = _post(api, "/cases", DRAFT, "draft-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.json()["id"] == first.json()["id"]
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert Case.objects.count() == 1
    other = _post(api, "/cases", DRAFT, "draft-2")  # another key: another request
    assert other.status_code == 201 and other.json()["id"] != first.json()["id"]
    assert api.post("/cases", DRAFT).status_code == 201  # no key: done each time
    assert Case.objects.count() == 3


@pytest.mark.django_db
def test_the_same_key_with_another_body_is_refused(officers):
    api = Api(officers["kz_operator"])
    assert _post(api, "/cases", DRAFT, "k").status_code == 201
    changed = _post(api, "/cases", {**DRAFT, "summary": "Другое"}, "k")
    assert changed.status_code == 422
    (error,) = errors_of(changed)
    assert (error["code"], error["field"]) == ("idempotency_key_reused", "Idempotency-Key")
    cid = Case.objects.get().pk
    elsewhere = _post(api, f"/cases/{cid}/actions/submit", DRAFT, "k")
    assert errors_of(elsewhere)[0]["code"] == "idempotency_key_reused"
    assert Case.objects.get().status == "draft"


@pytest.mark.django_db
def test_an_error_answer_is_replayed_too_and_a_move_is_made_once(officers):
    api = Api(officers["kz_operator"])
    cid = api.post("/cases", DRAFT).json()["id"]
    first = _post(api, f"/cases/{cid}/actions/submit", {}, "submit-1")
    assert first.status_code == 200 and first.json()["status"] == "awaiting_signature"
    events = Case.objects.get().events.count()
    again = _post(api, f"/cases/{cid}/actions/submit", {}, "submit-1")
    assert again.status_code == 200 and again.json() == first.json()
    assert Case.objects.get().events.count() == events
    illegal = _post(api, f"/cases/{cid}/actions/submit", {}, "submit-2")  # not in that state
    assert illegal.status_code == 409
    assert _post(api, f"/cases/{cid}/actions/submit", {}, "submit-2").json() == illegal.json()


@pytest.mark.django_db
def test_keys_are_each_users_own_and_kept_a_day(officers):
    operator, other = Api(officers["kz_operator"]), Api(officers["kz_labour"])
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        mine = _post(operator, "/cases", DRAFT, "shared")
        theirs = _post(other, "/cases", DRAFT, "shared")
    assert theirs.status_code == 201 and theirs.json()["id"] != mine.json()["id"]
    with time_machine.travel(start + dt.timedelta(hours=23), tick=False):
        assert _post(operator, "/cases", DRAFT, "shared").json()["id"] == mine.json()["id"]
    with time_machine.travel(start + dt.timedelta(hours=24, seconds=1), tick=False):
        later = _post(operator, "/cases", DRAFT, "shared")
    assert later.status_code == 201 and later.json()["id"] != mine.json()["id"]
    assert IdempotentRequest.objects.filter(created_at__lt=timezone.now()).count() == 1


@pytest.mark.django_db
def test_invalid_input_and_bad_keys_are_not_kept(officers):
    api = Api(officers["kz_operator"])
    refused = _post(api, "/cases", {**DRAFT, "agreement": 5}, "k")
    assert refused.status_code == 422
    assert not IdempotentRequest.objects.exists()
    assert _post(api, "/cases", DRAFT, "k").status_code == 201
    for bad in (" ", "x" * 256):
        response = _post(api, "/cases", DRAFT, bad)
        assert response.status_code == 422, bad
        assert errors_of(response)[0]["code"] == "idempotency_key_invalid"
