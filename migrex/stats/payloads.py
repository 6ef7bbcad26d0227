"""The payload of the `statistics` message (docs/protocol.md §13.8): a statistical dataset as
the sender imported it, in SDMX's terms (Art. 3.1.1). The receiver checks what a schema cannot
say (periods, numbers, keys that match the columns) as strictly as an imported file
(messages.py)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from migrex.exchange.kinds import Payload
from migrex.stats import formats

MAX_SEND = 50_000  # observations in one message: well within the envelope's size limit
Format = Literal[formats.FORMATS]  # type: ignore[valid-type]


class ObservationPayload(Payload):
    period: str = Field(description="SDMX TIME_PERIOD: 2024, 2024-03, 2024-Q1 …")
    key: dict[str, str] = Field(description="the value of every dimension column")
    value: str = Field(description="a decimal number as a string, e.g. 2134 or 12.5")
    attributes: dict[str, str] = Field(default_factory=dict)


class StatisticsPayload(Payload):
    article: Literal["3.1.1"] = "3.1.1"
    title: str
    indicator: str
    unit: str = ""
    source: str = ""
    format: Format
    dataflow: str = ""
    structure: str = ""
    columns: list[tuple[str, str]] = Field(description="[[name, role], …] in the file's order")
    observations: list[ObservationPayload] = Field(min_length=1, max_length=MAX_SEND)
