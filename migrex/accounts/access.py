"""Who sees what: the one table of role × data kind × channel (Art. 11.1, 11.4).

The case pages, the JSON API, the PDF letters, the attachment downloads and the CSV export each
ask `allows()` before they show or hand out a kind of data; the README's access table is
generated from `TABLE` (and a test checks that they agree), and a test per cell requests the real
page or endpoint as a user of that role.

- metadata: numbers, dates, states, authorities, articles, kinds, counts of a case;
- text: the free texts of a case (summary, purpose, justification, other information, the texts
  of its history: answers, refusal reasons, conditions), where names and addresses are written;
- persons: the Art. 6 records of the persons of a case or a received dataset;
- document, photo, fingerprint_card: the kinds of a case's attachments (Art. 6: photographs and
  fingerprint cards are personal data).

Every cell marked `audited` writes a `personal_data.read` entry when it is used. Passing data
received from the other party to a third party (a download that names a `recipient`) needs,
besides the cell, a consent of the provider in force (Art. 11.3): persons/consents.py.

Pure module (no Django).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from migrex.accounts.roles import (
    ADMINISTRATOR,
    AUDITOR,
    OPERATOR,
    SIGNATORY,
    SUPERVISOR,
    WORKING,
    Role,
    holds,
)


class Data(StrEnum):
    METADATA = "metadata"
    TEXT = "text"
    PERSONS = "persons"
    DOCUMENT = "document"
    PHOTO = "photo"
    FINGERPRINT_CARD = "fingerprint_card"


class Channel(StrEnum):
    PAGE = "page"  # the case page (and the boxes) in the browser
    API = "api"  # GET /api/v1/cases, /api/v1/cases/{id}
    PDF = "pdf"  # the request letter and the refusal notice, through the UI and the API
    ATTACHMENT = "attachment"  # a case's file, through the UI and the API
    EXPORT = "export"  # the CSV of received persons


ROLES: tuple[Role, ...] = (OPERATOR, SIGNATORY, SUPERVISOR, AUDITOR, ADMINISTRATOR)
EVERYONE = frozenset(ROLES)


@dataclass(frozen=True)
class Row:
    data: Data
    channel: Channel
    roles: frozenset[Role]  # who may; everyone else is denied
    audited: bool  # each use writes `personal_data.read`
    note: str  # what the README says about the row


TABLE: tuple[Row, ...] = (
    Row(Data.METADATA, Channel.PAGE, EVERYONE, False, "case page and boxes"),
    Row(Data.METADATA, Channel.API, EVERYONE, False, "`GET /api/v1/cases/{id}`"),
    Row(Data.TEXT, Channel.PAGE, WORKING, False, "others see a note instead"),
    Row(Data.TEXT, Channel.API, WORKING, False, "others get `null`"),
    Row(Data.TEXT, Channel.PDF, WORKING, True, "request letter, refusal notice"),
    Row(Data.PERSONS, Channel.PAGE, WORKING, True, "one entry per person shown"),
    Row(Data.PERSONS, Channel.API, WORKING, True, "others get `null`"),
    Row(Data.PERSONS, Channel.PDF, WORKING, True, "the request letter lists them"),
    Row(Data.PERSONS, Channel.EXPORT, WORKING, True, "CSV; needs the provider's consent"),
    Row(Data.DOCUMENT, Channel.ATTACHMENT, WORKING, True, "UI and API download"),
    Row(Data.PHOTO, Channel.ATTACHMENT, WORKING, True, "UI and API download"),
    Row(Data.FINGERPRINT_CARD, Channel.ATTACHMENT, WORKING, True, "UI and API download"),
)

_BY_CELL = {(row.data, row.channel): row for row in TABLE}


def row(data: Data | str, channel: Channel | str) -> Row | None:
    return _BY_CELL.get((Data(data), Channel(channel)))


def role_allowed(role: Role | str, data: Data | str, channel: Channel | str) -> bool:
    """The cell of the table: may a holder of `role` have `data` through `channel`?"""
    found = row(data, channel)
    return found is not None and Role(role) in found.roles


def allows(user, data: Data | str, channel: Channel | str) -> bool:
    """`user` holds a role the table lets have `data` through `channel`. Deny by default: a
    kind or channel not in the table, or a user without such a role, is refused."""
    found = row(data, channel)
    return found is not None and holds(user, *found.roles)


def markdown() -> str:
    """The README's access table: one line per data kind and channel, one column per role."""
    head = ["data", "channel", *ROLES, "note"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in TABLE:
        mark = "read, audited" if r.audited else "yes"
        cells = [mark if role in r.roles else "no" for role in ROLES]
        lines.append(f"| {r.data} | {r.channel} | " + " | ".join(cells) + f" | {r.note} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # the README's table: python -m migrex.accounts.access
    print(markdown(), end="")
