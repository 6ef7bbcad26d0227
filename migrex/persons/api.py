"""The persons API: search among the authority's records, its own and those received."""

from __future__ import annotations

from typing import Literal

from ninja import Query, Router, Schema
from pydantic import Field

from migrex.accounts.roles import sees_personal_data
from migrex.core.api import IsoDate, errors
from migrex.core.errors import Forbidden, Invalid, error
from migrex.persons import access, search
from migrex.persons.models import SearchEntry

router = Router(tags=["persons"])

Level = Literal["exact", "close", "differs"]


class SearchIn(Schema):
    surname: str = Field("", max_length=200)
    given_name: str = Field("", max_length=200)
    patronymic: str = Field("", max_length=200)
    birth_date: IsoDate | None = None
    document: str = Field("", max_length=40)


class CandidateOut(Schema):
    score: float = Field(description="0…1: the weighted share of the query's fields that agree")
    fields: dict[str, Level] = Field(description="How each field given in the query agrees")
    source: Literal["case", "dataset"]
    case_id: int | None = None
    dataset_id: int | None = None
    person: dict = Field(description="The Art. 6 record")


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
    linked = SearchEntry.objects.select_related("case_person", "record")
    entries = linked.in_bulk([c.entry.pk for c in found.candidates])
    out, read = [], []
    for candidate in found.candidates:
        entry = entries[candidate.entry.pk]
        item = entry.case_person or entry.record
        read.append(item)
        out.append(
            {
                "score": candidate.score,
                "fields": candidate.fields,
                "source": "case" if entry.case_person_id else "dataset",
                "case_id": entry.case_person.case_id if entry.case_person_id else None,
                "dataset_id": entry.record.dataset_id if entry.record_id else None,
                "person": item.data,
            }
        )
    access.record_reads(user, read, via="api-search")
    return {"candidates": out, "truncated": found.truncated}
