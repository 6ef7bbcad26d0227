"""The error body every JSON API answer shares, so the apps' routers can declare it per status.

Kept apart from migrex/api.py (the NinjaAPI instance), which imports the routers: a router that
imported its error schema from there would import it in a cycle.
"""

from __future__ import annotations

from ninja import Schema
from pydantic import Field


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
