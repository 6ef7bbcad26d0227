"""The requested side's letters about a request: the request for additional information
(Art. 10.1, second paragraph), the answer with the results of the execution (Art. 10.3), in full
or in part, and the notice of a full or partial refusal with its reasons (Art. 10.4).

Each is an official letter of the requested authority to the requesting one: its outgoing
number, its date and the request it answers (№ and date), the addressee, the body, the signature
block, the confidentiality mark (Art. 11.1).  A copy received from the other party names no
officer (the message carries none): its signature block names the sending authority and the
date of receipt through the protected channel (Art. 9.1).  Russian first, then an English
translation for information only, in which free texts are reproduced as given.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from migrex.cases.documents.base import (
    AS_GIVEN,
    CONFIDENTIAL,
    Bilingual,
    _clean,
    _d,
    _dt,
    _Letter,
    _tr,
    ru_date,
)

CLARIFICATION, ANSWER, PARTIAL_ANSWER = "clarification", "answer", "partial_answer"


@dataclass(frozen=True)
class Reply:
    """A clarification request or an answer (`kind`)."""

    kind: str
    agreement_title: Bilingual
    outgoing_number: str
    date: dt.date
    request_number: str
    request_date: dt.date
    requesting_authority: Bilingual  # the addressee
    requested_authority: Bilingual  # the sender
    text: str
    conversation_id: str
    confidential: bool = True
    grounds: list[tuple[Bilingual, str]] = field(default_factory=list)  # a partial answer's
    persons: list[str] = field(default_factory=list)  # the persons an answer provides (Art. 6)
    attachments: list[str] = field(default_factory=list)
    officer_name: str = ""
    officer_position: str = ""
    received_at: dt.datetime | None = None  # a copy received from the other party

    def __post_init__(self) -> None:
        if self.kind not in (CLARIFICATION, ANSWER, PARTIAL_ANSWER):
            raise ValueError(f"unknown kind of reply: {self.kind}")


@dataclass(frozen=True)
class RefusalNotice:
    agreement_title: Bilingual
    number: str  # of the request refused
    request_date: dt.date
    date: dt.date
    requesting_authority: Bilingual
    requested_authority: Bilingual
    partial: bool
    grounds: list[tuple[Bilingual, str]]
    reasons: str
    officer_name: str
    officer_position: str
    conversation_id: str
    outgoing_number: str = ""
    confidential: bool = True
    received_at: dt.datetime | None = None  # a copy received from the other party

    def __post_init__(self) -> None:
        if not self.reasons.strip():
            raise ValueError("Art. 10.4: a refusal notice must state the reasons for refusal")


def marks(doc: Reply | RefusalNotice) -> list[str]:
    return [CONFIDENTIAL] if doc.confidential else []


def _requisites(pdf: _Letter, doc: Reply | RefusalNotice, date: dt.date, req: str, en: bool):
    t, out, day, req_day = _tr(en), _clean(doc.outgoing_number), _d(date), _d(doc.request_date)
    if doc.received_at:
        first = t(f"№ {out}\nполучено {day}", f"No. {out}\nreceived {day}")
    else:
        first = t(f"Исх. № {out}\nот {day}", f"Ref. No. {out}\nof {day}")
    if not out:
        first = t(f"от {day}", f"Date: {day}")
    pdf.requisites(
        first + "\n" + t(f"На № {req}  от {req_day}", f"Re: No. {req} of {req_day}"),
        t("Запрашивающий орган:", "Requesting authority:"),
        t(doc.requesting_authority),
    )
    pdf.field(t("Соглашение:", "Agreement:"), t(doc.agreement_title))


def _sign(pdf: _Letter, doc: Reply | RefusalNotice, date: dt.date, en: bool) -> None:
    t = _tr(en)
    if doc.received_at:
        at = _dt(doc.received_at)
        dated = t(
            f"Получено по защищённому каналу связи {at} (ст. 9.1)",
            f"Received through the protected channel {at} (Art. 9.1)",
        )
        pdf.signature(t(doc.requested_authority), "", dated)
        return
    dated = t(f"Дата: {ru_date(date)}", f"Date: {_d(date)}")
    pdf.signature(doc.officer_position + t("", AS_GIVEN), doc.officer_name, dated)


def _grounds(doc: Reply | RefusalNotice, en: bool) -> list[str]:
    t = _tr(en)
    return [f"{t(g)} ({t('ст.', 'Art.')} {_clean(a)})" for g, a in doc.grounds]


def draw_reply(pdf: _Letter, doc: Reply, en: bool) -> None:
    """One language version of a clarification request or an answer, from a new page on."""
    t, req = _tr(en), _clean(doc.request_number)
    of = t(f"от {ru_date(doc.request_date)} № {req}", f"No. {req} of {_d(doc.request_date)}")
    pdf.opening(doc.requested_authority, en)  # the requested authority writes
    _requisites(pdf, doc, doc.date, req, en)
    if doc.kind == CLARIFICATION:
        pdf.heading(
            t("ЗАПРОС", "REQUEST"),
            t(
                "о представлении дополнительных сведений (ст. 10.1)",
                "for additional information (Art. 10.1)",
            ),
        )
        pdf.para(
            t(
                "В соответствии с абзацем вторым пункта 1 статьи 10 Соглашения для надлежащего "
                f"исполнения Вашего запроса {of} просим представить следующие дополнительные "
                "сведения.",
                "Pursuant to Art. 10(1), second paragraph, of the Agreement, for the proper "
                f"execution of your request {of}, please provide the following additional "
                "information.",
            )
        )
        pdf.ln(2.5)
        pdf.field(t("Необходимые сведения:", "Information needed" + AS_GIVEN + ":"), doc.text)
    else:
        partial = doc.kind == PARTIAL_ANSWER
        pdf.heading(
            t("ОТВЕТ", "ANSWER"),
            t(
                "о частичном исполнении запроса (ст. 10.3, 10.4)",
                "on the partial execution of the request (Art. 10.3, 10.4)",
            )
            if partial
            else t(
                "о результатах исполнения запроса (ст. 10.3)",
                "on the results of the execution of the request (Art. 10.3)",
            ),
        )
        body = t(
            "В соответствии с пунктом 3 статьи 10 Соглашения сообщаем о результатах исполнения "
            f"Вашего запроса {of}.",
            f"Pursuant to Art. 10(3) of the Agreement, we inform you of the results of the "
            f"execution of your request {of}.",
        )
        if partial:
            body += t(
                " Запрос исполнен частично; в остальной части в исполнении отказано "
                "(пункт 4 статьи 10 Соглашения).",
                " The request was executed in part; its execution is refused for the rest "
                "(Art. 10(4) of the Agreement).",
            )
        pdf.para(body)
        pdf.ln(2.5)
        pdf.field(
            t("1. Результаты исполнения запроса:", "1. Results of the execution" + AS_GIVEN + ":"),
            doc.text,
        )
        label = t("2. Сведения о лицах (ст. 6):", "2. Persons (Art. 6)" + AS_GIVEN + ":")
        pdf.items(label, doc.persons, t("не представлялись", "none provided"))
        pdf.items(t("3. Приложения:", "3. Attachments:"), doc.attachments, t("нет", "none"))
        if partial:
            label = t("4. Основания частичного отказа (ст. 10.4):", "4. Grounds (Art. 10.4):")
            pdf.items(label, _grounds(doc, en), t("не указаны", "not given"))
        with pdf.local_context(text_color=(110, 110, 110)):
            pdf.para(
                t(
                    "Результаты исполнения запроса без согласия представившей их Стороны не могут "
                    "быть использованы в иных целях, чем те, в которых они запрашивались (ст. "
                    "11.2), и передаются третьей стороне только с её предварительного согласия "
                    "(ст. 11.3).",
                    "Without the consent of the party that provided them, the results may not be "
                    "used for purposes other than those requested (Art. 11.2) and go to a third "
                    "party only with its prior consent (Art. 11.3).",
                ),
                size=9,
            )
    _sign(pdf, doc, doc.date, en)


def draw_refusal_notice(pdf: _Letter, notice: RefusalNotice, en: bool) -> None:
    """One language version of a refusal notice, from a new page on."""
    t, num = _tr(en), _clean(notice.number)
    req_date = ru_date(notice.request_date) if not en else _d(notice.request_date)
    full, part = t("об отказе", "refusal"), t("о частичном отказе", "partial refusal")
    kind = part if notice.partial else full
    pdf.opening(notice.requested_authority, en)  # the requested authority is the sender
    _requisites(pdf, notice, notice.date, num, en)
    pdf.heading(
        t("УВЕДОМЛЕНИЕ", "NOTICE"),
        t(f"{kind} в исполнении запроса (ст. 10.4)", f"of {kind} to execute a request (Art. 10.4)"),
    )
    ru = f"В соответствии с пунктом 4 статьи 10 Соглашения уведомляем {kind} в исполнении запроса"
    eng = f"Pursuant to Art. 10(4) of the Agreement, we notify you of the {kind} to execute"
    pdf.para(t(f"{ru} от {req_date} № {num}.", f"{eng} request No. {num} of {req_date}."))
    pdf.ln(2.5)
    label = t("1. Основания отказа (ст. 10.4):", "1. Grounds for refusal (Art. 10.4):")
    pdf.items(label, _grounds(notice, en), t("не указаны", "not given"))
    reasons_label = t("2. Причины отказа:", "2. Reasons for refusal" + AS_GIVEN + ":")
    pdf.field(reasons_label, notice.reasons)
    _sign(pdf, notice, notice.date, en)


REFUSAL = "refusal"
TITLES = {
    CLARIFICATION: "Запрос дополнительных сведений",
    ANSWER: "Ответ на запрос",
    PARTIAL_ANSWER: "Ответ о частичном исполнении запроса",
    REFUSAL: "Уведомление об отказе в исполнении запроса",
}


def reply_name(doc: Reply) -> str:
    return TITLES[doc.kind]


def refusal_name(notice: RefusalNotice) -> str:
    kind = "о частичном отказе" if notice.partial else "об отказе"
    return f"Уведомление {kind} в исполнении запроса"


def reply_title(doc: Reply) -> str:
    return f"{reply_name(doc)} № {_clean(doc.request_number)}"


def refusal_title(notice: RefusalNotice) -> str:
    return f"{refusal_name(notice)} № {_clean(notice.number)}"


def _running(title: str, outgoing: str, date: dt.date) -> str:
    return f"{title}, исх. № {_clean(outgoing)} от {_d(date)}" if outgoing else title


def render_reply(doc: Reply) -> bytes:
    """Render a clarification request (Art. 10.1) or an answer (Art. 10.3) as an A4 PDF."""
    title = reply_title(doc)
    pdf = _Letter(
        doc.conversation_id, _running(title, doc.outgoing_number, doc.date), marks(doc), False
    )
    for en in (False, True):
        draw_reply(pdf, doc, en)
    return pdf.finish(title, doc.requested_authority.ru, doc.agreement_title.ru, doc.date)


def render_refusal_notice(notice: RefusalNotice) -> bytes:
    """Render a notice of (partial) refusal to execute a request (Art. 10.4) as an A4 PDF."""
    title = refusal_title(notice)
    running = _running(title, notice.outgoing_number, notice.date)
    pdf = _Letter(notice.conversation_id, running, marks(notice), draft=False)
    for en in (False, True):
        draw_refusal_notice(pdf, notice, en)
    return pdf.finish(title, notice.requested_authority.ru, notice.agreement_title.ru, notice.date)
