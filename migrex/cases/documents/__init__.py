"""PDF rendering of the written documents of a migration-cooperation agreement.

Art. 9.1: requests and answers are made in writing; Art. 9.2: mandatory content of a request;
Art. 10.1: the requested side may ask for additional information; Art. 10.3: it informs of the
results; Art. 10.4: a full or partial refusal is notified in writing with its reasons; Art. 11.1:
confidentiality; Art. 14: the working language is Russian.  Each letter is rendered in Russian
first, then as an English translation for information only, in which free texts are reproduced
as given; the case file puts the Russian letters of a case together behind a cover, with its
history.  Pure package (no Django); the same input always yields byte-identical output.

- base: the page (letterhead, requisites, signature block, marks, page numbers), dates;
- request: the request for assistance (Art. 8, 9);
- replies: the requested side's letters: clarification, answer, refusal notice (Art. 10);
- casefile: the whole case file.
"""

from migrex.cases.documents.base import FONT, FONT_DIR, Bilingual, _clean, ru_date, ru_iso
from migrex.cases.documents.casefile import CaseFile, Entry, Listed, render_case_file, title_of
from migrex.cases.documents.replies import (
    ANSWER,
    CLARIFICATION,
    PARTIAL_ANSWER,
    REFUSAL,
    TITLES,
    RefusalNotice,
    Reply,
    render_refusal_notice,
    render_reply,
)
from migrex.cases.documents.request import RequestLetter, render_request_letter

__all__ = [
    "ANSWER",
    "CLARIFICATION",
    "FONT",
    "FONT_DIR",
    "PARTIAL_ANSWER",
    "REFUSAL",
    "TITLES",
    "Bilingual",
    "CaseFile",
    "Entry",
    "Listed",
    "RefusalNotice",
    "Reply",
    "RequestLetter",
    "_clean",
    "render_case_file",
    "render_refusal_notice",
    "render_reply",
    "render_request_letter",
    "ru_date",
    "ru_iso",
    "title_of",
]
