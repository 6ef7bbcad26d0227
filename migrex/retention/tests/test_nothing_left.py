"""After destruction nothing holds the person (Art. 11.5): a request whose every field names one
person by a unique name, document number and address goes through its history, answer and
attachments on both nodes; after the run no text column of any table and no file under the data
directory holds any of them, in clear, escaped, base64 or as a search key, and the act lists
every item destroyed.

Both nodes' copies live in the one test database (migrex/conftest.py `both_nodes`), so both
parties have a rule here and both copies are due: the scan then covers every row there is."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest
import time_machine
from django.apps import apps
from django.conf import settings
from django.db import connection, models
from django.utils import timezone

from migrex.agreements.models import Agreement, Authority
from migrex.cases.models import Attachment, Case, CaseEvent, CasePerson
from migrex.cases.received import of_case
from migrex.cases.services import add_attachment, create_draft, transition
from migrex.cases.workflow import Side
from migrex.conftest import PASSWORD
from migrex.core import vault
from migrex.core.tests.pdftext import pdf_text
from migrex.exchange.models import InboxMessage, OutboxMessage
from migrex.matching.translit import fold
from migrex.persons import consents, datasets
from migrex.persons.models import Consent, Dataset
from migrex.persons.search import document_key
from migrex.retention import services
from migrex.retention.models import Tombstone

pytestmark = pytest.mark.django_db

NAME, NAME_LATIN = "Щукабергенова", "Shchukabergenova"
DOC = "ZQ7735190"
ADDR = "Небесная Кривая улица, дом 913"
SECRET = (NAME, DOC, ADDR)
SAID = f"{NAME}, паспорт {DOC}, проживает: {ADDR}"
PERSON = {
    "category": "temporary_stay",
    "data": {
        "surname": {"cyrillic": NAME, "latin": NAME_LATIN},
        "given_name": {"cyrillic": "Айгерим", "latin": "Aigerim"},
        "birth_date": "1991-04-17",
        "birth_place": ADDR,
        "citizenship": ["KZ"],
        "identity_document": [{"kind": "passport", "number": DOC, "issuer": ADDR}],
        "residence_address": ADDR,
    },
}
BASIS = "Закон о персональных данных и их защите"
TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField, models.BinaryField)
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def needles() -> list[str]:
    """What must not be left: the three strings, the Latin spelling, their search keys and
    their JSON-escaped forms, compared without case."""
    found = {*SECRET, NAME_LATIN, fold(NAME), document_key(DOC)}
    for text in list(found):
        escaped = json.dumps(text)[1:-1]
        found |= {escaped, escaped.replace("\\u", "\\U")}
    return sorted({n.casefold() for n in found if n})


def _decoded(text: str) -> list[str]:
    """The text and what its base64 runs decode to (a JWS payload, a sealed copy's body)."""
    out = [text]
    for run in re.findall(r"[A-Za-z0-9_\-+/]{24,}={0,2}", text):
        raw = run.rstrip("=")
        for decode in (base64.urlsafe_b64decode, base64.b64decode):
            try:
                out.append(decode(raw + "=" * (-len(raw) % 4)).decode("utf-8", "replace"))
            except (binascii.Error, ValueError):
                continue
    return out


def leftovers_in(value, where: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, memoryview | bytes | bytearray):
        value = bytes(value).decode("utf-8", "replace")
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    hay = "\n".join(_decoded(text)).casefold()
    return [f"{where}: {n!r}" for n in needles() if n in hay]


def scan_database() -> list[str]:
    """Every CharField, TextField, JSONField and BinaryField of every model, read raw."""
    found, quote = [], connection.ops.quote_name
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        columns = [f.column for f in model._meta.concrete_fields if isinstance(f, TEXT_FIELDS)]
        if not columns:
            continue
        table = model._meta.db_table
        sql = f"SELECT {', '.join(map(quote, columns))} FROM {quote(table)}"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(sql)
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    found += leftovers_in(value, f"{table}.{column}")
    return found


def scan_files() -> list[str]:
    """Every file under the data directory (the media within it), as bytes and, for a file a
    row still refers to, through the vault. A stored file no row refers to any more is a
    leftover in itself: its key is gone, but it should be too."""
    found, roots = [], {Path(settings.DATA_DIR), Path(settings.MEDIA_ROOT)}
    living = {Path(a.file.path): a for a in Attachment.objects.all()}
    for root in roots:
        for path in (p for p in root.rglob("*") if p.is_file()):
            found += leftovers_in(path.read_bytes(), str(path))
            if path in living:
                found += leftovers_in(vault.read(living[path]), f"{path} (opened)")
            elif path.is_relative_to(Path(settings.MEDIA_ROOT) / "attachments"):
                found.append(f"{path}: a stored file without its row")
    return found


@pytest.fixture
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    settings.MEDIA_ROOT = settings.DATA_DIR / "media"
    settings.MEDIA_ROOT.mkdir(parents=True)
    return settings.DATA_DIR


@pytest.fixture
def history(officers, deliver, data_dir, django_capture_on_commit_callbacks):
    """(KZ's copy, BY's copy) of a request naming the person everywhere: its texts, its person,
    its photo and scan (names and contents), then registered, asked for more, given more,
    postponed on a condition, resumed and answered with the person; then a consent to pass the
    answer on, asked and granted with reasons that name the person too."""
    kz, by, kz_sig, by_sup = (
        officers["kz_operator"],
        officers["by_operator"],
        officers["kz_signatory"],
        officers["by_supervisor"],
    )

    def step(case, action, actor, confirmed=False, **data):
        with django_capture_on_commit_callbacks(execute=True):
            transition(case=case, action=action, actor=actor, data=data, confirmed=confirmed)
            deliver()

    with time_machine.travel(START, tick=False):
        ours = create_draft(
            actor=kz,
            agreement=Agreement.objects.get(code="kz-by-2019"),
            requested_authority=Authority.objects.get(code="by-mvd"),
            summary=f"Проверка: {SAID}",
            purpose=f"Законность пребывания {NAME}",
            justification=f"Материалы о {NAME}, {DOC}, {ADDR}",
            other_information=SAID,
            persons=[PERSON],
        )
        for kind, name, ctype in (
            ("photo", f"{NAME}.jpg", "image/jpeg"),
            ("document", f"{DOC} {ADDR}.pdf", "application/pdf"),
        ):
            add_attachment(
                case=ours,
                actor=kz,
                name=name,
                content=f"%PDF-1.4 {SAID}".encode() * 20,
                content_type=ctype,
                kind=kind,
            )
        step(ours, "submit", kz, comment=SAID)
        step(ours, "sign", kz_sig, confirmed=True, password=PASSWORD)
        theirs = Case.objects.get(conversation_id=ours.conversation_id, side=Side.REQUESTED)
        step(theirs, "register", by, comment=f"Зарегистрирован: {SAID}")
        step(theirs, "request_information", by, text=f"Уточните адрес {NAME}: {ADDR}?")
        step(ours, "provide_information", kz, text=f"Документ {DOC}, адрес {ADDR}")
        step(theirs, "postpone", by_sup, text=SAID, condition=f"до допроса {NAME} ({DOC})")
        step(theirs, "resume", by_sup, text=f"Допрос {NAME} проведён по адресу {ADDR}")
        step(theirs, "reply", by, text=f"Результат: {SAID}", persons=[PERSON])
        ours = Case.objects.get(pk=ours.pk)
        with django_capture_on_commit_callbacks(execute=True):  # Art. 11.3, asked and granted
            asked = consents.ask(
                kz_sig, of_case(ours), use="third_party", purpose=SAID, recipient="МВД РФ"
            )
            deliver()
            provider = Consent.objects.get(ref=asked.ref, side=Consent.Side.PROVIDER)
            expires = START.date() + dt.timedelta(days=10)
            consents.decide(by_sup, provider, grant=True, expires_on=expires, reason=SAID)
            deliver()
    return ours, Case.objects.get(pk=theirs.pk)


def test_after_destruction_no_table_and_no_file_holds_the_person(
    history, django_capture_on_commit_callbacks
):
    ours, theirs = history
    assert scan_database() and scan_files()  # the scan does see the person before
    for party in ("KZ", "BY"):
        services.set_rule(
            agreement=ours.agreement,
            party=party,
            days=1,
            counted_from="case-closed",
            basis=BASIS,
            actor="admin",
        )
    end = services.record_purpose_end(case=ours, ended_on=START.date(), actor="x", note=SAID)
    cases = [ours, theirs]
    persons = set(CasePerson.objects.filter(case__in=cases).values_list("pk", flat=True))
    files = {a.pk: a.file.name.rsplit("/", 1)[-1] for a in Attachment.objects.all()}
    copies = {str(m) for m in OutboxMessage.objects.values_list("pk", flat=True)}
    copies |= {str(m) for m in InboxMessage.objects.values_list("message_id", flat=True)}
    assert len(persons) == 4 and len(files) == 4 and copies  # each side's person and answer

    with django_capture_on_commit_callbacks(execute=True):
        result = services.run(today=START.date() + dt.timedelta(days=30))

    leftovers = scan_database() + scan_files()
    assert not leftovers, "\n".join(leftovers)
    stones = list(result.act.tombstones.all())
    assert result.destroyed == len(stones) == result.act.items
    listed = {(s.kind, s.item_id) for s in stones}
    assert {("case_person", pk) for pk in persons} <= listed
    assert {("attachment", pk) for pk in files} <= listed
    assert {("case_texts", c.pk) for c in cases} <= listed
    assert {("consent_texts", pk) for pk in Consent.objects.values_list("pk", flat=True)} <= listed
    assert ("purpose_note", end.pk) in listed
    assert {s.ref for s in stones if s.kind == "message"} == copies
    assert {s.ref for s in stones if s.kind == "attachment"} == set(files.values())
    text = re.sub(r"\s+", "", pdf_text(bytes(result.act.pdf)))
    assert f"Всегоуничтоженоэлементов:{len(stones)}." in text
    for case in cases:
        assert case.number.replace(" ", "") in text
    for ref in {s.ref for s in stones if s.ref}:
        assert ref.replace(" ", "") in text, ref
    # What stays is the record: the cases, their history, the act and its tombstones.
    assert Case.objects.filter(pk__in=[c.pk for c in cases]).count() == 2
    assert CaseEvent.objects.filter(case__in=cases).count() > 10
    assert Tombstone.objects.count() == len(stones)


def test_a_received_dataset_and_channel_report_leave_nothing_either(
    both_nodes, deliver, data_dir, settings, django_capture_on_commit_callbacks
):
    """The same scan after a dataset and a channel report naming the person came to BY: its
    records, search keys, purpose and copies go (the report's period runs from its receipt)."""
    settings.MIGREX_PARTY = "KZ"
    record = dict(PERSON["data"], identity_document=[{"number": DOC}])
    lines = io.BytesIO(json.dumps(record, ensure_ascii=False).encode() + b"\n")
    with django_capture_on_commit_callbacks(execute=True):
        datasets.queue(
            lines,
            agreement="kz-by-2019",
            sender="kz-mvd",
            receiver="by-mvd",
            title="Получившие разрешение на проживание",
            purpose=f"Проверка {SAID}",
            category="residence_permit",
        )
        deliver()
        report = {
            "channel": {"name": f"Канал {NAME}", "description": SAID, "route": [ADDR]},
            "entities": [{"role": "employer", "name": f"ТОО {NAME}", "address": ADDR}],
            "individuals": [{"role": "migrant", "category": "expelled", "data": record}],
        }
        assert both_nodes.send_as_is("channel_report", report).code == "accepted"
    assert scan_database()
    received = Dataset.objects.get()
    services.set_rule(
        agreement=received.agreement,
        party="BY",
        days=1,
        counted_from="purpose-ended",
        basis=BASIS,
        actor="admin",
    )
    services.record_purpose_end(
        dataset=received, ended_on=timezone.localdate(), actor="admin", note=SAID
    )

    with django_capture_on_commit_callbacks(execute=True):
        result = services.run(today=timezone.localdate() + dt.timedelta(days=2))

    leftovers = scan_database() + scan_files()
    assert not leftovers, "\n".join(leftovers)
    kinds = {s.kind for s in result.act.tombstones.all()}
    assert kinds == {
        "dataset_records",
        "dataset_texts",
        "purpose_note",
        "channel_report",
        "message",
    }
    assert result.act.items == result.destroyed == result.act.tombstones.count()
