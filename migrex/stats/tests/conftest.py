"""Statistical datasets of both parties in one test database: Kazakhstan's own figures from the
news of September 2025 (citizens of Armenia working in Kazakhstan: 2,623 a year earlier, 2,134
now), and mirror figures of citizens of Belarus working in Kazakhstan as each party counts them,
Belarus's sent to Kazakhstan's ministry as a `statistics` message."""

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
