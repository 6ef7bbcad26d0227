"""Reading and writing CSV and SDMX-CSV (Art. 3.1.1): what a good file gives, where each fault
of a bad one is (line and column, Russian and English), and that writing gives back what was
read."""

from __future__ import annotations

from decimal import Decimal

import pytest

from migrex.stats import analysis, charts, formats, periods, writer
from migrex.stats.tests.conftest import BAD, KZ_SDMX, SDMX_30, SEEDS_CSV


def test_a_plain_csv_gives_its_dimensions_periods_and_values():
    table = formats.parse(SEEDS_CSV.encode())
    assert table.format == formats.CSV
    assert (table.dimensions, table.period_column, table.value_column) == (
        ["citizenship"],
        "period",
        "value",
    )
    assert [(o.period, o.key, o.value, o.line) for o in table.observations] == [
        ("2024", {"citizenship": "AM"}, Decimal("2623"), 2),
        ("2025", {"citizenship": "AM"}, Decimal("2134"), 3),
    ]


def test_a_russian_spreadsheet_export_is_read_semicolons_bom_and_decimal_commas():
    data = "\ufeffгод;регион;пол;значение\n2024;Алматы;ж;1 204,5\n".encode()
    table = formats.parse(data)
    assert table.named(formats.PERIOD) == ["год"] and table.dimensions == ["регион", "пол"]
    assert table.observations[0].value == Decimal("1204.5")


def test_sdmx_21_csv_names_its_dataflow_and_keeps_attributes_apart():
    table = formats.parse(KZ_SDMX.encode())
    assert (table.format, table.dataflow) == (formats.SDMX_21, "KZ_MVD:MIGR_WORK(1.0)")
    assert table.dimensions == ["FREQ", "CITIZENSHIP"] and table.attributes == ["UNIT_MEASURE"]
    first = table.observations[0]
    assert (first.period, first.key, first.value, first.attributes) == (
        "2023",
        {"FREQ": "A", "CITIZENSHIP": "BY"},
        Decimal("1480"),
        {"UNIT_MEASURE": "PS"},
    )


def test_sdmx_30_csv_with_structure_and_action_columns():
    table = formats.parse(SDMX_30.encode())
    assert (table.format, table.structure, table.dataflow) == (
        formats.SDMX_30,
        "dataflow",
        "BY_MVD:MIGR_STAY(2.0.0)",
    )
    assert table.dimensions == ["FREQ", "CITIZENSHIP", "SEX"]
    assert table.attributes == ["ACTION", "UNIT_MEASURE", "OBS_STATUS"]
    assert [o.value for o in table.observations] == [
        Decimal("310"),
        Decimal("402.5"),
        Decimal("298"),
    ]


def test_sdmx_labels_in_the_header_are_read_by_their_ids():
    data = (
        "DATAFLOW,CITIZENSHIP: Гражданство,TIME_PERIOD: Период,OBS_VALUE: Значение\n"
        "KZ:W(1.0),AM,2025,2134\n"
    )
    table = formats.parse(data.encode())
    assert table.dimensions == ["CITIZENSHIP"] and table.observations[0].value == 2134


@pytest.mark.parametrize("name", BAD)
def test_a_malformed_file_is_refused_naming_the_line_and_the_column(name):
    text, code, line, column = BAD[name]
    with pytest.raises(formats.Malformed) as caught:
        formats.parse(text.encode())
    fault = caught.value.errors[0]
    assert (fault.code, fault.line, fault.column) == (code, line, column)
    assert fault.message_ru.startswith(f"Строка {line}, столбец «{column}»: ")
    assert fault.message_en.startswith(f"Line {line}, column “{column}”: ")
    assert fault.article == "3.1.1"


def test_bad_encoding_is_named_by_line_and_column():
    data = b"period,citizenship,value\n2024,AM,2623\n" + "2025,Армения,2134\n".encode("cp1251")
    with pytest.raises(formats.Malformed) as caught:
        formats.parse(data)
    fault = caught.value.errors[0]
    assert (fault.code, fault.line, fault.column) == ("bad_encoding", 3, "citizenship")
    assert "UTF-8" in fault.message_ru and "UTF-8" in fault.message_en


def test_an_empty_file_and_a_header_alone_are_refused():
    for data, code in ((b"", "empty_file"), (b"period,value\n", "no_observations")):
        with pytest.raises(formats.Malformed) as caught:
            formats.parse(data)
        assert caught.value.errors[0].code == code and caught.value.errors[0].line


def test_every_fault_of_a_file_is_reported_at_once():
    text = "period,value\n2024,x\n2025-Q9,1\n2026,3\n2027\n"
    with pytest.raises(formats.Malformed) as caught:
        formats.parse(text.encode())
    assert [(e.line, e.column) for e in caught.value.errors] == [
        (2, "value"),
        (3, "period"),
        (5, "value"),
    ]


@pytest.mark.parametrize("source", [SEEDS_CSV, KZ_SDMX, SDMX_30], ids=["csv", "sdmx21", "sdmx30"])
def test_writing_gives_back_what_was_read(source):
    table = formats.parse(source.encode())
    written = writer.write(table, table.format)
    again = formats.parse(written)
    assert again.columns == table.columns and again.dataflow == table.dataflow
    assert [(o.period, o.key, o.value, o.attributes) for o in again.observations] == [
        (o.period, o.key, o.value, o.attributes) for o in table.observations
    ]
    assert written == source.replace("\n", "\r\n").encode()  # the same bytes, CRLF as RFC 4180
    assert writer.write(again, again.format) == written


def test_a_plain_csv_written_as_sdmx_and_back_keeps_its_observations():
    table = formats.parse(SEEDS_CSV.encode())
    table.dataflow = "MIGREX:STATS_1(1.0)"
    sdmx = formats.parse(writer.write(table, formats.SDMX_21))
    assert sdmx.format == formats.SDMX_21 and sdmx.dimensions == ["citizenship"]
    back = formats.parse(writer.write(sdmx, formats.CSV))
    assert [(o.period, o.key, o.value) for o in back.observations] == [
        (o.period, o.key, o.value) for o in table.observations
    ]


def test_periods_of_every_sdmx_form():
    assert periods.parse("2024").key == ("A", 2024, 0)
    assert periods.parse("2024-03").key == periods.parse("2024-M03").key == ("M", 2024, 3)
    assert periods.parse("2024-Q2").previous_year() == ("Q", 2023, 2)
    assert periods.parse("2024-W53") and periods.parse("2024-S2") and periods.parse("2024-A1")
    for bad in ("24", "2024-00", "2024-Q0", "2024-W54", "2023-02-29", "2024-1", "1800", "2024x"):
        assert periods.parse(bad) is None, bad


def test_the_seeds_news_item_is_a_fall_of_18_6_per_cent():
    """2,623 citizens of Armenia working in Kazakhstan a year earlier, 2,134 now (ArmInfo,
    5 September 2025): −18.6 %."""
    points = analysis.series([("2024", {}, Decimal(2623)), ("2025", {}, Decimal(2134))])[()]
    (change,) = analysis.year_on_year(points)
    assert (change.delta, change.percent) == (Decimal(-489), Decimal("-18.6"))
    assert charts.percent(change.percent, "en") == "\u221218.6\u00a0%"
    assert charts.percent(change.percent, "ru") == "\u221218,6\u00a0%"
    assert charts.number(Decimal(2623), "ru") == "2\u00a0623"
    assert charts.number(Decimal(2623), "en") == "2,623"


def test_mirror_rows_pair_the_parties_figures_by_period():
    ours = analysis.series([("2023", {"CITIZENSHIP": "BY"}, Decimal(1480))])
    theirs = analysis.series(
        [("2023", {"страна": "KZ"}, Decimal(1420)), ("2024", {"страна": "KZ"}, Decimal(1530))]
    )
    rows = analysis.mirror(ours, theirs)
    assert [(r.period, r.ours, r.theirs, r.gap, r.gap_percent) for r in rows] == [
        ("2023", Decimal(1480), Decimal(1420), Decimal(60), Decimal("4.2")),
        ("2024", None, Decimal(1530), None, None),
    ]


def test_a_chart_is_an_accessible_image_with_its_exact_numbers():
    svg = charts.bar_chart(
        chart_id="c",
        title="Заголовок <&>",
        desc="Описание",
        groups=["2024", "2025"],
        series=[("AM", [Decimal(2623), Decimal(2134)])],
        fmt=lambda v: charts.number(v, "ru"),
    )
    assert 'role="img"' in svg and 'aria-labelledby="c-title c-desc"' in svg
    assert '<title id="c-title">Заголовок &lt;&amp;&gt;</title>' in svg
    assert 'data-group="2025" data-series="AM" data-value="2134"' in svg
    assert ">2\u00a0134</text>" in svg
