"""The error body every JSON API answer shares, so the apps' routers can declare it per status.

Kept apart from migrex/api.py (the NinjaAPI instance), which imports the routers: a router that
imported its error schema from there would import it in a cycle.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

from ninja import Schema
from pydantic import BeforeValidator, Field

# Ids are bounded like the database's integers: a larger number is a 422 naming the parameter,
# not an overflow in the database driver (a 500).
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date(value):
    # Lax parsing would take 0 for 1970-01-01: a date here is YYYY-MM-DD and nothing else.
    if not (isinstance(value, dt.date) or (isinstance(value, str) and ISO_DATE.fullmatch(value))):
        raise ValueError("a date is YYYY-MM-DD")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]


class ErrorOut(Schema):
    code: str = Field(description="Stable machine-readable code, e.g. `purpose_required`.")
    message_ru: str = Field(description="The message in Russian, the working language (Art. 14).")
    message_en: str
    article: str | None = Field(
        None, description="The article of the agreement the rule comes from, e.g. `10.4`."
    )
    field: str | None = Field(
        None, description="Where in the input, dotted, list items indexed: `persons[0].data.sex`."
    )


class ErrorsOut(Schema):
    errors: list[ErrorOut]


def errors(*statuses: int) -> dict[int, type[ErrorsOut]]:
    """Response declarations for the error statuses an operation can answer with."""
    return dict.fromkeys(statuses, ErrorsOut)
