"""`migrex audit tail` and `migrex audit verify`."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from migrex.audit.models import AuditEntry
from migrex.audit.services import record
from migrex.audit.tests.conftest import tampering


def run(*args: str) -> str:
    out = StringIO()
    call_command("audit", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_tail_prints_the_last_entries_as_json_lines_oldest_first():
    for i in range(5):
        record("message.refused" if i % 2 else "message.received", subject=f"m{i}", detail={"i": i})
    lines = [json.loads(line) for line in run("tail", "--json", "3").splitlines()]
    assert [e["subject"] for e in lines] == ["m2", "m3", "m4"]
    assert lines[1]["action"] == "message.refused" and lines[1]["detail"] == {"i": 3}
    only = [
        json.loads(x)
        for x in run("tail", "--json", "9", "--action", "message.refused").splitlines()
    ]
    assert [e["subject"] for e in only] == ["m1", "m3"]
    assert "message.received m4" in run("tail", "1")


@pytest.mark.django_db
def test_verify_finds_an_edited_entry():
    for i in range(3):
        record("access.denied", subject=str(i), detail={"note": "ü"})
    assert "3 entries, chain intact" in run("verify")
    with tampering():
        AuditEntry.objects.filter(seq=2).update(detail={"note": "edited"})
        with pytest.raises(CommandError, match="#2"):
            run("verify")
