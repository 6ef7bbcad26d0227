"""Importing and exporting datasets through the service and the `migrex stats` command: a good
file is stored with its audit entry; a bad one is refused with its line and column and leaves
nothing; what is exported imports again to the same observations (Art. 3.1.1)."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from migrex.audit.models import AuditEntry
from migrex.core.errors import Invalid
from migrex.stats import formats, services
from migrex.stats.models import Observation, StatDataset
from migrex.stats.tests.conftest import (
    ARMENIANS,
    BAD,
    KZ_SDMX,
    SDMX_30,
    SEEDS_CSV,
    import_text,
)

pytestmark = pytest.mark.django_db


def _nothing_stored():
    assert not StatDataset.objects.exists() and not Observation.objects.exists()
    assert not AuditEntry.objects.filter(action="stats.imported").exists()


def test_an_imported_file_is_stored_for_its_authority_and_audited(armenians):
    assert (armenians.origin, armenians.authority.code, armenians.indicator) == (
        "own",
        "kz-mvd",
        ARMENIANS,
    )
    assert [(o.period, o.key, o.number) for o in armenians.observations.all()] == [
        ("2024", {"citizenship": "AM"}, Decimal(2623)),
        ("2025", {"citizenship": "AM"}, Decimal(2134)),
    ]
    entry = AuditEntry.objects.get(action="stats.imported")
    assert entry.subject == f"stats:{armenians.pk}" and entry.detail["observations"] == 2


def test_an_sdmx_file_gives_its_indicator_and_unit_when_none_is_named(agreement):
    dataset = import_text(KZ_SDMX, "kz-mvd")
    assert (dataset.indicator, dataset.title, dataset.unit) == ("MIGR_WORK", "MIGR_WORK", "PS")
    assert dataset.dataflow == "KZ_MVD:MIGR_WORK(1.0)" and dataset.format == formats.SDMX_21


def test_a_plain_csv_needs_an_indicator(agreement):
    with pytest.raises(Invalid) as caught:
        import_text(SEEDS_CSV, "kz-mvd")
    assert caught.value.errors[0].code == "indicator_missing"
    _nothing_stored()


@pytest.mark.parametrize("name", BAD)
def test_a_malformed_file_stores_nothing(agreement, name):
    text, _code, line, column = BAD[name]
    with pytest.raises(formats.Malformed) as caught:
        import_text(text, "kz-mvd", indicator="x")
    assert (caught.value.errors[0].line, caught.value.errors[0].column) == (line, column)
    _nothing_stored()


@pytest.mark.parametrize("source", [SEEDS_CSV, KZ_SDMX, SDMX_30], ids=["csv", "sdmx21", "sdmx30"])
def test_an_export_imports_again_to_the_same_dataset(agreement, source):
    first = import_text(source, "kz-mvd", indicator="показатель")
    fmt = first.format
    exported = services.export(first, fmt)
    second = import_text(exported.decode(), "kz-mvd", indicator="показатель")
    assert second.columns == first.columns and second.dataflow == first.dataflow
    rows = [(o.period, o.key, o.value, o.attributes) for o in first.observations.all()]
    assert [(o.period, o.key, o.value, o.attributes) for o in second.observations.all()] == rows
    assert services.export(second, fmt) == exported


def test_the_command_imports_and_exports(agreement, tmp_path):
    source = tmp_path / "armenians.csv"
    source.write_text(SEEDS_CSV, encoding="utf-8")
    out = StringIO()
    call_command(
        "stats",
        "import",
        str(source),
        "--authority",
        "kz-mvd",
        "--title",
        "Трудящиеся из Армении",
        "--indicator",
        ARMENIANS,
        "--unit",
        "человек",
        "--source",
        "МВД РК",
        stdout=out,
    )
    dataset = StatDataset.objects.get()
    assert f"{dataset.pk}: Трудящиеся из Армении — 2 observation(s)" in out.getvalue()
    assert (dataset.unit, dataset.source, dataset.created_by) == (
        "человек",
        "МВД РК",
        "command line",
    )
    sdmx = tmp_path / "out.sdmx.csv"
    call_command("stats", "export", str(dataset.pk), "--format", "sdmx", "--out", str(sdmx))
    table = formats.parse(sdmx.read_bytes())
    assert table.dataflow == f"MIGREX:STATS_{dataset.pk}(1.0)"
    assert [(o.period, o.value) for o in table.observations] == [
        ("2024", Decimal(2623)),
        ("2025", Decimal(2134)),
    ]


def test_the_command_refuses_a_malformed_file_naming_line_and_column(agreement, tmp_path):
    source = tmp_path / "bad.csv"
    source.write_text("period,citizenship,value\n2024,AM,2623\n2025,AM,2 1З4\n", encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("stats", "import", str(source), "--authority", "kz-mvd", "--indicator", "x")
    text = str(caught.value)
    assert "Строка 3, столбец «value»" in text and "Line 3, column “value”" in text
    assert "nothing stored" in text
    _nothing_stored()


def test_the_command_asks_which_authority_when_the_party_has_several(agreement, tmp_path):
    source = tmp_path / "a.csv"
    source.write_text(SEEDS_CSV, encoding="utf-8")
    with pytest.raises(CommandError, match="--authority"):
        call_command("stats", "import", str(source), "--indicator", "x")
    _nothing_stored()


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('period,citizenship,value\n2024,AM,1\n2025,"' + "A" * 200_000 + '",2\n', 3),
        ('period,citizenship,value\n2024,AM,1\n2025,"A\rM"x\r\n"' + "B" * 140_000 + "\n", 5),
    ],
    ids=["field over the csv module's limit", "bare CR then an unclosed quote"],
)
def test_what_the_csv_module_cannot_read_is_refused_with_its_line(agreement, text, line):
    with pytest.raises(formats.Malformed) as caught:
        import_text(text, "kz-mvd", indicator="x")
    (fault,) = caught.value.errors
    assert (fault.code, fault.line) == ("unreadable_csv", line)
    assert f"Строка {line}" in fault.message_ru and "field limit" in fault.message_en
    _nothing_stored()
