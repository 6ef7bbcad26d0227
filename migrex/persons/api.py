"""The persons API: search among the records the officer's authority may use (its own, those
received for its cases and datasets, those a consent to another use opens: persons/search.py),
each candidate with the reason it is visible."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from ninja import Query, Router, Schema
from pydantic import Field

from migrex.accounts.roles import sees_personal_data
from migrex.core.api import IsoDate, errors
from migrex.core.errors import Forbidden, Invalid, error
from migrex.persons import search, shown

router = Router(tags=["persons"])

Level = Literal["exact", "close", "differs"]


class SearchIn(Schema):
    surname: str = Field("", max_length=200)
    given_name: str = Field("", max_length=200)
    patronymic: str = Field("", max_length=200)
    birth_date: IsoDate | None = None
    document: str = Field("", max_length=40)


class VisibleBecauseOut(Schema):
    kind: Literal["own", "case", "dataset", "consent"] = Field(
        description="`own`: your authority entered the person in its case; `case`: a case of "
        "your authority received the person; `dataset`: a dataset your authority received holds "
        "the record; `consent`: another authority of this node holds it, and the provider's "
        "consent in force lets yours use it for another purpose (Art. 11.2)."
    )
    case_id: int | None = Field(None, description="The case the person belongs to.")
    dataset_id: int | None = Field(None, description="The dataset the record belongs to.")
    consent_id: int | None = Field(None, description="`consent`: the consent, on this node.")
    consent_ref: uuid.UUID | None = Field(None, description="`consent`: the id both nodes know.")
    consent_expires_on: dt.date | None = Field(None, description="`consent`: its last day.")


class CandidateOut(Schema):
    score: float = Field(
        description="0…1: how strongly the record agrees with the query, from every field asked "
        "differing (0) to every one exact (1)"
    )
    fields: dict[str, Level] = Field(description="How each field given in the query agrees")
    names_swapped: bool = Field(
        False,
        description="The record holds the surname asked as its given name and the given name "
        "as its surname; `fields` tells how each agrees so",
    )
    source: Literal["case", "dataset"]
    case_id: int | None = None
    dataset_id: int | None = None
    person: dict = Field(description="The Art. 6 record")
    visible_because: VisibleBecauseOut = Field(description="Why you may see the record")


class SearchOut(Schema):
    candidates: list[CandidateOut]
    truncated: bool = Field(description="More records matched than were compared: narrow it")


@router.get(
    "/search",
    response={200: SearchOut, **errors(400, 401, 403, 422)},
    summary="Find a person by any spelling, date of birth or document",
)
def search_persons(request, query: Query[SearchIn]):
    user = request.auth
    if user.authority_id is None or not sees_personal_data(user):
        raise Forbidden(
            code="personal_data_withheld",
            message_ru="Персональные данные доступны только сотрудникам, исполняющим запросы.",
            message_en="Personal data is shown only to officers who work on requests.",
            article="11.4",
        )
    if not any(query.dict().values()):
        raise Invalid(
            [
                error(
                    "query_empty",
                    "Укажите фамилию, имя, дату рождения или номер документа.",
                    "Give a name, a date of birth or a document number.",
                    None,
                    "query",
                )
            ]
        )
    found = search.search(user.authority_id, search.Query(**query.dict()))
    results = shown.shown(found)
    out = []
    for result in results:
        because = result.because.as_json()
        out.append(
            {
                "score": result.candidate.score,
                "fields": result.candidate.fields,
                "names_swapped": result.candidate.swapped,
                "source": "dataset" if because["dataset_id"] else "case",
                "case_id": because["case_id"],
                "dataset_id": because["dataset_id"],
                "person": result.item.data,
                "visible_because": because,
            }
        )
    shown.record_reads(user, results, via="api-search")
    return {"candidates": out, "truncated": found.truncated}
