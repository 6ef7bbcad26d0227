"""`migrex officers add|list|disable`: an officer with an authority and roles, the password printed
once or read from stdin (never an argument), a signatory onto a new list of this party that they
sign from once it is sent (Art. 9.3, 9.4), one-line errors that make nothing, and an officer
disabled, not deleted, their sessions and API tokens ended; every change audited."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from migrex.accounts import tokens
from migrex.accounts.models import User
from migrex.agreements.models import Signatory, SignatoryList
from migrex.agreements.tests.conftest import PASSWORD
from migrex.audit.models import AuditEntry
from migrex.core.errors import Forbidden
from migrex.registers.tests.conftest import sign, submitted

pytestmark = pytest.mark.django_db


def officers_cmd(*args: str, stdin: str | None = None) -> tuple[str, str]:
    """`migrex officers …` with `stdin`: (stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        if stdin is not None:
            patch.setattr("sys.stdin", io.StringIO(stdin))
        call_command("officers", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def signs_in(username: str, password: str) -> bool:
    response = Client().post("/login/", {"username": username, "password": password})
    return response.status_code == 302


def test_an_officer_is_added_with_a_generated_password_printed_once(officers):
    out, err = officers_cmd(
        "add", "kz-ivanov", "--name", "Иванов Иван Иванович", "--authority", "kz-mvd",
        "--role", "operator", "--role", "supervisor",
    )  # fmt: skip
    password = out.strip()
    assert len(password) >= 16 and "\n" not in password and password not in err
    assert "first sign-in" in err  # no forced change of password: said so
    user = User.objects.get(username="kz-ivanov")
    assert (user.last_name, user.first_name, user.patronymic) == ("Иванов", "Иван", "Иванович")
    assert user.authority.code == "kz-mvd" and user.roles() == {"operator", "supervisor"}
    assert not user.is_staff and signs_in("kz-ivanov", password)
    audit = AuditEntry.objects.get(action="officer.created")
    assert (audit.actor, audit.subject) == ("command line", "kz-ivanov")
    assert audit.detail["roles"] == ["operator", "supervisor"] and password not in str(audit.detail)


def test_the_password_is_read_from_stdin_and_an_administrator_gets_the_admin_pages(officers):
    out, _err = officers_cmd(
        "add", "kz-root", "--name", "Ахметов Ержан", "--authority", "kz-mvd",
        "--role", "administrator", "--password-stdin",
        stdin="a long and new passphrase\n",
    )  # fmt: skip
    assert out == ""
    user = User.objects.get(username="kz-root")
    assert user.check_password("a long and new passphrase") and user.is_staff
    assert AuditEntry.objects.get(action="officer.created").detail["password"] == "given"


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--authority", "kz-nowhere", "--role", "operator"], "authority: No competent authority"),
        (["--authority", "by-mvd", "--role", "operator"], "[unknown_authority]"),
        (["--authority", "kz-mvd", "--role", "chief"], "roles: Unknown role: chief"),
        (["--authority", "kz-mvd", "--role", "signatory"], "position: A signatory needs"),
        (
            ["--authority", "kz-mvd", "--role", "signatory", "--position", "Министр"],
            "user: A signatory is put on the list by the node's administrator",
        ),
    ],
)
def test_a_bad_officer_is_refused_in_one_line_and_nothing_is_made(officers, args, said):
    with pytest.raises(CommandError) as raised:
        officers_cmd("add", "kz-new", "--name", "Новиков Н", *args)
    assert said in str(raised.value) and "\n" not in str(raised.value)
    assert not User.objects.filter(username="kz-new").exists()
    assert not AuditEntry.objects.filter(action="officer.created").exists()


def test_a_username_taken_and_a_weak_password_are_refused(officers):
    with pytest.raises(CommandError, match=r"username: The username 'kz-operator' is taken"):
        officers_cmd(
            "add", "kz-operator", "--name", "Х", "--authority", "kz-mvd", "--role", "auditor"
        )
    with pytest.raises(CommandError, match=r"password: .*\[password_invalid\]"):
        officers_cmd(
            "add", "kz-new", "--name", "Новиков Н", "--authority", "kz-mvd",
            "--role", "auditor", "--password-stdin", stdin="short\n",
        )  # fmt: skip
    assert not User.objects.filter(username="kz-new").exists()


def test_a_signatory_goes_on_a_new_list_and_signs_once_it_is_sent_art_9_4(officers, admin):
    old = SignatoryList.objects.get(party_id="KZ")
    _out, err = officers_cmd(
        "add", "kz-deputy", "--name", "Серіков Серік", "--authority", "kz-mvd",
        "--role", "signatory", "--position", "Вице-министр", "--valid-to", "2030-12-31",
        "--user", "kz-admin", "--password-stdin", stdin=f"{PASSWORD}\n",
    )  # fmt: skip
    listing = SignatoryList.objects.get(party_id="KZ", pk__gt=old.pk)
    assert f"migrex signatories send {listing.pk} --user kz-admin" in err
    entries = {e.user.username: e for e in listing.signatories.select_related("user")}
    assert entries.keys() == {"kz-signatory", "kz-deputy"}  # the old entry carried over
    deputy = entries["kz-deputy"]
    assert (deputy.full_name, deputy.position, str(deputy.valid_to)) == (
        "Серіков Серік",
        "Вице-министр",
        "2030-12-31",
    )
    assert deputy.jwk is not None  # the signing key, sealed under the password
    table, _ = officers_cmd("list")
    (row,) = [line for line in table.splitlines() if line.startswith("kz-deputy ")]
    assert "Серіков Серік" in row and "signatory" in row and "yes" in row
    assert f"kz-by-2019 list {listing.pk}, Вице-министр" in row
    case = submitted(officers)
    with pytest.raises(Forbidden) as refused:
        sign(case, User.objects.get(username="kz-deputy"))
    assert refused.value.code == "signatory_list_not_sent"
    call_command("signatories", "send", str(listing.pk), "--user", "kz-admin", stdout=io.StringIO())
    signed = sign(case, User.objects.get(username="kz-deputy"))
    assert signed.status == "sent"
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"officer.created", "admin.change", "registers.signing_key_enrolled"} <= actions


def test_signatories_added_the_same_day_all_sign_once_the_last_list_is_sent_art_9_4(
    officers, admin
):
    # Each `officers add` enters a new list, effective today like the one before it: the
    # signatory's entry on the newest of them is the one in force (found by load testing,
    # where only the last of eight signatories added in a row could sign).
    for username in ("kz-deputy", "kz-second", "kz-third"):
        officers_cmd(
            "add", username, "--name", "Серіков Серік", "--authority", "kz-mvd",
            "--role", "signatory", "--position", "Вице-министр",
            "--user", "kz-admin", "--password-stdin", stdin=f"{PASSWORD}\n",
        )  # fmt: skip
    newest = SignatoryList.objects.filter(party_id="KZ").latest("pk")
    call_command("signatories", "send", str(newest.pk), "--user", "kz-admin", stdout=io.StringIO())
    for username in ("kz-deputy", "kz-second", "kz-third", "kz-signatory"):
        assert sign(submitted(officers), User.objects.get(username=username)).status == "sent"


def test_disable_keeps_the_officer_and_ends_their_sessions_and_tokens(officers):
    user = officers["kz_operator"]
    browser = Client()
    browser.post("/login/", {"username": "kz-operator", "password": PASSWORD})
    assert browser.get("/incoming/").status_code == 200
    _record, token = tokens.issue(user=user, name="national system")
    out, _err = officers_cmd("disable", "kz-operator")
    assert "kz-operator disabled; sessions ended: 1, API tokens revoked: 1" in out
    user.refresh_from_db()
    assert not user.is_active  # kept: the audit log and the cases name them
    assert browser.get("/incoming/").status_code == 302
    assert tokens.authenticate(token) is None
    assert not signs_in("kz-operator", PASSWORD)
    audit = AuditEntry.objects.get(action="officer.disabled")
    assert (audit.subject, audit.detail["tokens"], audit.detail["sessions"]) == (
        "kz-operator",
        1,
        1,
    )
    assert AuditEntry.objects.filter(action="token.revoked").count() == 1
    again, _ = officers_cmd("disable", "kz-operator")
    assert "was disabled already; sessions ended: 0" in again
    table, _ = officers_cmd("list", "--disabled")
    assert [line.split()[0] for line in table.splitlines()] == ["USERNAME", "kz-operator"]
    with pytest.raises(CommandError, match="no user 'kz-nobody'"):
        officers_cmd("disable", "kz-nobody")


def test_a_disabled_signatory_stays_listed_until_a_new_list_is_sent(officers):
    out, _ = officers_cmd("disable", "kz-signatory")
    assert "still on a list of signatories" in out
    assert Signatory.objects.filter(user__username="kz-signatory").exists()


def test_the_password_typed_at_the_prompt_twice(officers, monkeypatch):
    typed = iter(["a long and new passphrase", "a long and new passphrase", "one", "another"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(typed))
    out, _ = officers_cmd(
        "add", "kz-typed", "--name", "Петров П", "--authority", "kz-labour",
        "--role", "auditor", "--password-prompt",
    )  # fmt: skip
    assert out == "" and signs_in("kz-typed", "a long and new passphrase")
    with pytest.raises(CommandError, match="the passwords differ"):
        officers_cmd(
            "add", "kz-typo", "--name", "Петров П", "--authority", "kz-mvd",
            "--role", "auditor", "--password-prompt",
        )  # fmt: skip
    assert not User.objects.filter(username="kz-typo").exists()


def test_only_the_administrator_enters_a_signatory_on_the_list(officers):
    with pytest.raises(CommandError, match=r"\[forbidden\]"):
        officers_cmd(
            "add", "kz-deputy", "--name", "Серіков Серік", "--authority", "kz-mvd",
            "--role", "signatory", "--position", "Вице-министр", "--user", "kz-operator",
        )  # fmt: skip
    assert not User.objects.filter(username="kz-deputy").exists()
    assert SignatoryList.objects.filter(party_id="KZ").count() == 1
