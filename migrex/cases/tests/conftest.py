"""Helpers of the cases' tests: what the draft form posts."""

from __future__ import annotations


def draft_post(agreement, requested, **overrides) -> dict:
    """What the draft form posts: the Art. 9.2 content and one person row (key "a1")."""
    data = {
        "agreement": str(agreement.pk),
        "requested_authority": str(requested.pk) if requested else "",
        "summary": "Проверка сведений о временном пребывании",
        "purpose": "Установление законности пребывания",
        "justification": "Материалы проверки № 17/2026",
        "other_information": "",
        "topics": ["citizens_in_other_state"],
        "confidential": "on",
        "persons-a1-category": "temporary_stay",
        "persons-a1-surname_cyrillic": "Оганесян",
        "persons-a1-surname_latin": "Hovhannisyan",
        "persons-a1-given_name_cyrillic": "Арам",
        "persons-a1-given_name_latin": "Aram",
        "persons-a1-sex": "M",
        "persons-a1-birth_date": "1990-01-05",
        "persons-a1-birth_place": "г. Ереван",
        "persons-a1-citizenship": "AM",
        "persons-a1-document_series": "AR",
        "persons-a1-document_number": "1234567",
        "persons-a1-document_issue_date": "2020-02-03",
        "persons-a1-document_issuer": "Полиция РА",
    }
    data.update(overrides)
    return data
