"""Benchmark: the longest letters the limits allow, rendered as PDF, beside an everyday one.

The request letter with every text of Art. 9.2 at its limit (validation.MAX_TEXT), the most
persons one request holds (MAX_PERSONS), each with every name at the schema's longest in both
scripts, and the most attachments (MAX_ATTACHMENTS) with names of 255 characters; the
refusal notice with reasons at MAX_MOVE_TEXT. The baseline is the demo's letter: a few lines
each, one person. Texts are Russian prose with names, addresses and document numbers, the
characters an officer types. Medians of the rounds are printed.

    .venv/bin/python bench/letter_render.py [--rounds 5]

Target (issue): any letter renders in under 2 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._harness import node_environment, setup_django

PROSE = (
    "Гражданин Республики Казахстан Иванов Иван Иванович, 14.03.1985 г. р., паспорт N 12345678, "
    "проживал по адресу: г. Минск, ул. Ленина, д. 5, кв. 12; сведения о пребывании — в приложении. "
)


def text(n: int) -> str:
    return (PROSE * (n // len(PROSE) + 1))[:n]


def person_lines(count: int, longest: bool) -> list[str]:
    """Lines of the letter's subject as letters.py writes them, of persons whose names are the
    demo's or as long as the person schema allows (persons/schema.py NAME_MAX)."""
    from migrex.cases.letters import _person_line
    from migrex.persons.schema import NAME_MAX as n

    if longest:
        name = {"cyrillic": ("Оганесян-" * n)[:n], "latin": ("Hovhannisyan-" * n)[:n]}
        data = {"surname": name, "given_name": name, "patronymic": name}
    else:
        data = {"surname": {"cyrillic": "Оганесян", "latin": "Hovhannisyan"}}
    data["birth_date"] = "1990-01-05"
    line = _person_line({"temporary_stay": "временное пребывание (ст. 5)"}, "temporary_stay", data)
    return [line] * count


def letters():
    from migrex.cases.documents import Bilingual, RefusalNotice, RequestLetter
    from migrex.cases.validation import MAX_ATTACHMENTS, MAX_MOVE_TEXT, MAX_PERSONS, MAX_TEXT

    signed = dt.datetime(2026, 12, 1, 10, 30, tzinfo=dt.UTC)

    def request(sizes: dict[str, int], persons: list[str], attachments: int) -> RequestLetter:
        return RequestLetter(
            agreement_title=Bilingual("Соглашение о сотрудничестве", "Cooperation agreement"),
            number="KZ-MVD-2026-000001",
            date=dt.date(2026, 12, 1),
            requesting_authority=Bilingual("МВД Республики Казахстан", "MIA of Kazakhstan"),
            requested_authority=Bilingual("МВД Республики Беларусь", "MIA of Belarus"),
            summary=text(sizes["summary"]),
            purpose=text(sizes["purpose"]),
            justification=text(sizes["justification"]),
            other_information=text(sizes["other_information"]),
            subject_lines=persons,
            attachments=[("Справка " * 40)[:251] + ".pdf"] * attachments,
            signatory_name="Сидоров Пётр Петрович",
            signatory_position="Заместитель министра",
            signed_at=signed,
            confidential=True,
            conversation_id="0190b4e4-6f3a-7c3e-9a57-1c2d3e4f5a6b",
            signature_key="XTuWHPbhPio6BR1Qh7Cd2gwmGNHXedp7SKYhL3sOb6w",
        )

    def notice(reasons: int) -> RefusalNotice:
        return RefusalNotice(
            agreement_title=Bilingual("Соглашение о сотрудничестве", "Cooperation agreement"),
            number="KZ-MVD-2026-000001",
            request_date=dt.date(2026, 12, 1),
            date=dt.date(2026, 12, 20),
            requesting_authority=Bilingual("МВД Республики Казахстан", "MIA of Kazakhstan"),
            requested_authority=Bilingual("МВД Республики Беларусь", "MIA of Belarus"),
            partial=False,
            grounds=[(Bilingual("Угроза безопасности", "Threat to security"), "10.4")] * 3,
            reasons=text(reasons),
            officer_name="Петров Пётр Петрович",
            officer_position="Начальник управления",
            conversation_id="0190b4e4-6f3a-7c3e-9a57-1c2d3e4f5a6b",
        )

    everyday = {k: 200 for k in MAX_TEXT}
    return {
        "request letter, everyday (baseline)": (
            "request",
            request(everyday, person_lines(1, longest=False), 1),
        ),
        "request letter, every limit": (
            "request",
            request(MAX_TEXT, person_lines(MAX_PERSONS, longest=True), MAX_ATTACHMENTS),
        ),
        "refusal notice, everyday": ("refusal", notice(300)),
        "refusal notice, reasons at the limit": ("refusal", notice(MAX_MOVE_TEXT)),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with node_environment("sqlite") as env:
        setup_django(env)
        from migrex.cases.documents import render_refusal_notice, render_request_letter

        render = {"request": render_request_letter, "refusal": render_refusal_notice}
        results = {}
        for name, (kind, letter) in letters().items():
            times, size = [], 0
            for _ in range(args.rounds):
                start = time.perf_counter()
                size = len(render[kind](letter))
                times.append(time.perf_counter() - start)
            results[name] = (statistics.median(times), max(times), size)
    base = results["request letter, everyday (baseline)"][0]
    print(f"{args.rounds} rounds each; seconds")
    print(f"  {'':<40}{'median':>8}{'max':>8}{'KiB':>8}{'x baseline':>12}")
    for name, (median, worst, size) in results.items():
        print(f"  {name:<40}{median:>8.2f}{worst:>8.2f}{size / 1024:>8.0f}{median / base:>12.1f}")
    slowest = max(worst for _, worst, _ in results.values())
    ok = slowest < 2.0
    print(f"  target (every letter < 2 s, the slowest round counted): {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
