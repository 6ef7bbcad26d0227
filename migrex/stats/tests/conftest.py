"""Statistical datasets of both parties in one test database: Kazakhstan's own figures from the
news of September 2025 (citizens of Armenia working in Kazakhstan: 2,623 a year earlier, 2,134
now), and mirror figures of citizens of Belarus working in Kazakhstan as each party counts them,
Belarus's sent to Kazakhstan's ministry as a `statistics` message; files in each format the
node reads, and malformed ones with where their faults are."""

from __future__ import annotations

import pytest

from migrex.agreements.models import Authority
from migrex.stats import services
from migrex.stats.models import StatDataset

ARMENIANS = "граждане Армении, работающие в Казахстане"
BELARUSIANS = "граждане Беларуси, работающие в Казахстане"

SEEDS_CSV = "period,citizenship,value\n2024,AM,2623\n2025,AM,2134\n"
# SDMX-CSV as SDMX 2.1 writes it: dataflow, dimensions, TIME_PERIOD, OBS_VALUE, attributes.
KZ_SDMX = (
    "DATAFLOW,FREQ,CITIZENSHIP,TIME_PERIOD,OBS_VALUE,UNIT_MEASURE\n"
    "KZ_MVD:MIGR_WORK(1.0),A,BY,2023,1480,PS\n"
    "KZ_MVD:MIGR_WORK(1.0),A,BY,2024,1512,PS\n"
)
BY_CSV = "год;страна_пребывания;значение\n2023;KZ;1420\n2024;KZ;1530\n"
# SDMX-CSV as SDMX 3.0 writes it: STRUCTURE, STRUCTURE_ID and ACTION before the dimensions.
SDMX_30 = (
    "STRUCTURE,STRUCTURE_ID,ACTION,FREQ,CITIZENSHIP,SEX,TIME_PERIOD,OBS_VALUE,UNIT_MEASURE,"
    "OBS_STATUS\n"
    "dataflow,BY_MVD:MIGR_STAY(2.0.0),I,Q,KZ,F,2024-Q1,310,PS,A\n"
    "dataflow,BY_MVD:MIGR_STAY(2.0.0),I,Q,KZ,M,2024-Q1,402.5,PS,\n"
    "dataflow,BY_MVD:MIGR_STAY(2.0.0),I,Q,KZ,F,2024-Q2,298,PS,A\n"
)

# Each malformed file: the fault's code, line and column.
BAD = {
    "not a number": (
        "period,citizenship,value\n2024,AM,2623\n2025,AM,много\n",
        "not_a_number",
        3,
        "value",
    ),
    "missing value": ("period,citizenship,value\n2024,AM,\n", "value_missing", 2, "value"),
    "no value column": ("period,citizenship\n2024,AM\n", "missing_column", 1, "value"),
    "no period column": ("citizenship,value\nAM,2623\n", "missing_column", 1, "period"),
    "sdmx without OBS_VALUE": (
        "DATAFLOW,CITIZENSHIP,TIME_PERIOD\nX:Y(1.0),AM,2024\n",
        "missing_column",
        1,
        "OBS_VALUE",
    ),
    "sdmx without TIME_PERIOD": (
        "DATAFLOW,CITIZENSHIP,OBS_VALUE\nX:Y(1.0),AM,1\n",
        "missing_column",
        1,
        "TIME_PERIOD",
    ),
    "sdmx 3.0 without STRUCTURE_ID": (
        "STRUCTURE,TIME_PERIOD,OBS_VALUE\ndataflow,2024,1\n",
        "missing_column",
        1,
        "STRUCTURE_ID",
    ),
    "short row": ("period,citizenship,value\n2024,AM,2623\n2025,AM\n", "ragged_row", 3, "value"),
    "long row": ("period,citizenship,value\n2024,AM,2623,17\n", "ragged_row", 2, "№4"),
    "month 13": ("period,citizenship,value\n2024-13,AM,1\n", "bad_period", 2, "period"),
    "quarter 5": (
        "DATAFLOW,TIME_PERIOD,OBS_VALUE\nX:Y(1.0),2024-Q5,1\n",
        "bad_period",
        2,
        "TIME_PERIOD",
    ),
    "a word for a period": (
        "period,citizenship,value\nпрошлый год,AM,1\n",
        "bad_period",
        2,
        "period",
    ),
    "30 February": ("period,value\n2024-02-30,1\n", "bad_period", 2, "period"),
    "empty dimension": ("period,citizenship,value\n2024,,1\n", "empty_dimension", 2, "citizenship"),
    "the same observation twice": (
        "period,citizenship,value\n2024,AM,1\n2024,AM,2\n",
        "duplicate_observation",
        3,
        "value",
    ),
    "two dataflows": (
        "DATAFLOW,TIME_PERIOD,OBS_VALUE\nX:Y(1.0),2024,1\nX:Z(1.0),2025,1\n",
        "mixed_structures",
        3,
        "DATAFLOW",
    ),
    "bad structure kind": (
        "STRUCTURE,STRUCTURE_ID,TIME_PERIOD,OBS_VALUE\ntable,X:Y(1.0),2024,1\n",
        "bad_structure",
        2,
        "STRUCTURE",
    ),
    "two columns of one name": (
        "period,region,region,value\n2024,a,b,1\n",
        "duplicate_column",
        1,
        "region",
    ),
    "NaN": ("period,value\n2024,NaN\n", "not_a_number", 2, "value"),
}


def import_text(text: str, authority: str, **meta) -> StatDataset:
    return services.import_dataset(
        content=text.encode(),
        authority=Authority.objects.get(code=authority),
        actor="test",
        **meta,
    )


@pytest.fixture
def armenians(agreement) -> StatDataset:
    return import_text(
        SEEDS_CSV,
        "kz-mvd",
        title="Трудящиеся-мигранты из Армении",
        indicator=ARMENIANS,
        unit="человек",
        source="МВД Республики Казахстан",
    )


@pytest.fixture
def mirror_pair(agreement, officers, deliver):
    """(KZ's own dataset, the same indicator as Belarus reported it, received by KZ's ministry)."""
    ours = import_text(
        KZ_SDMX, "kz-mvd", title="Граждане Беларуси (учёт МВД РК)", indicator=BELARUSIANS
    )
    by_own = import_text(
        BY_CSV,
        "by-mvd",
        title="Граждане Беларуси в Казахстане (учёт МВД РБ)",
        indicator=BELARUSIANS,
        unit="человек",
    )
    services.send_dataset(
        dataset=by_own,
        agreement=agreement,
        receiver=ours.authority,
        actor=officers["by_supervisor"],
    )
    deliver()
    theirs = StatDataset.objects.get(origin="received", authority=ours.authority)
    return ours, theirs
