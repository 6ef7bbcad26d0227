"""The rules of a profile as short bilingual lines, each with its article (for `agreements show`
and the agreement page)."""

from __future__ import annotations

from typing import Any

from migrex.agreements.profile import Profile
from migrex.agreements.schema_base import Unknown

SECTIONS: dict[str, tuple[str, str]] = {
    "authority_changes": ("Изменение компетентных органов", "Changes of competent authorities"),
    "topics": ("Направления и сведения", "Directions and information"),
    "person_categories": ("Категории лиц", "Categories of persons"),
    "personal_data": ("Персональные данные", "Personal data"),
    "cooperation_forms": ("Формы сотрудничества", "Forms of cooperation"),
    "spontaneous_information": ("Информация без запроса", "Information without a request"),
    "requests": ("Форма запроса", "Form of requests"),
    "request_content": ("Содержание запроса", "Content of a request"),
    "signatories": ("Подписание запросов", "Signing of requests"),
    "execution": ("Исполнение запроса", "Execution of a request"),
    "deadlines": ("Сроки", "Deadlines"),
    "refusal": ("Основания отказа", "Grounds of refusal"),
    "confidentiality": ("Конфиденциальность", "Confidentiality"),
    "use_limits": ("Ограничение использования", "Limits on use"),
    "protection": ("Защита информации", "Protection of information"),
    "retention": ("Хранение и уничтожение", "Retention and destruction"),
    "costs": ("Расходы", "Costs"),
    "other_treaties": ("Другие договоры", "Other treaties"),
    "disputes": ("Споры", "Disputes"),
    "amendments": ("Изменения", "Amendments"),
}


def _art(article: Any) -> str:
    return f"ст. {article}" if article and article != "unknown" else "ст. ?"


def _coded(items) -> str:
    return "; ".join(f"{i.code} ({i.article})" for i in items)


def _deadlines(d) -> list[str]:
    out = []
    rex = d.request_execution
    if not isinstance(rex, Unknown):
        pauses = ", ".join(p.code for p in rex.pauses) or "нет / none"
        out.append(
            f"{_art(rex.article):<9} исполнение запроса / execution: {rex.days} календарных дней "
            f"с даты поступления / calendar days from receipt; паузы / pauses: {pauses}"
        )
    lists = d.signatory_lists
    if not isinstance(lists, Unknown):
        out.append(
            f"{_art(lists.article):<9} перечни подписантов / signatory lists: {lists.days} "
            "дней после вступления в силу / days after entry into force"
        )
    end = d.termination
    if not isinstance(end, Unknown):
        out.append(
            f"{_art(end.article):<9} прекращение / termination: {end.months} мес. после "
            "получения уведомления / months after the notice is received"
        )
    return out


def _summary(name: str, rule: Any) -> list[str]:
    ru, en = SECTIONS[name]
    head = f"{ru} / {en}"
    if isinstance(rule, Unknown):
        return [f"{'—':<9} {head}: неизвестно / unknown ({rule.unknown})"]
    if name == "deadlines":
        return _deadlines(rule)
    if name == "personal_data":
        fields = ", ".join(f.field for f in rule.fields)
        consent = "не требуется" if not rule.consent.of_subject_required else "требуется"
        return [
            f"{_art(rule.article):<9} {head}: {fields}; согласие субъекта {consent} "
            f"({rule.consent.article})"
        ]
    if name == "refusal":
        full = "" if rule.complete else " (перечень неполный / list incomplete)"
        return [f"{_art(rule.article):<9} {head}: {_coded(rule.grounds)}{full}"]
    if isinstance(rule, tuple):
        article = rule[0].article if rule else None
        return [f"{_art(article):<9} {head}: {_coded(rule)}"]
    if name == "use_limits":
        return [
            f"{_art(rule.other_purpose.article):<9} {head}: иная цель — согласие Стороны / "
            "other purpose needs the provider's consent",
            f"{_art(rule.third_party.article):<9} {head}: третьей стороне — предварительное "
            "согласие / third party needs prior consent",
        ]
    text = getattr(rule, "text", None)
    return [f"{_art(getattr(rule, 'article', None)):<9} {head}" + (f": {text.ru}" if text else "")]


def rule_lines(profile: Profile) -> list[str]:
    lines: list[str] = []
    for name in SECTIONS:
        lines.extend(_summary(name, getattr(profile.rules, name)))
    return lines
