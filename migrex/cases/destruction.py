"""What destruction (Art. 11.5) leaves of a case: the record that a request existed and how it
went (numbers, dates, states, authorities, the officers who acted), never what it said about a
person. Every free text of the case and of its history is replaced by a note naming the act;
the persons and attachments themselves are destroyed by the caller (retention), which records a
tombstone for each.

Called inside the caller's transaction, with the case locked."""

from __future__ import annotations

import re

from migrex.cases.models import Case

# The case's own free texts (Art. 9.2 and the terms of a postponement).
TEXT_FIELDS = ("summary", "purpose", "justification", "other_information", "postponement_condition")
# Members of a history entry's data that hold free text or persons whatever their form.
FREE = frozenset({"text", "condition", "persons", "note", "comment"})
# Members that hold the record itself: officers, authorities, codes, dates, message ids.
RECORD = frozenset(
    {
        "signatory",
        "assignee",
        "authority",
        "from",
        "grounds",
        "until",
        "in_reply_to",
        "key_id",
        "list_sent_on",
        "list_effective_from",
    }
)
# A value that is a code, a number, a date or an id, not a text about someone.
_CODE = re.compile(r"[a-z0-9][a-z0-9_.:+\-]*")


NOTE = "Сведения уничтожены, акт № "


def note(act_number: str) -> str:
    return f"{NOTE}{act_number}"


def is_note(value) -> bool:
    """Whether `value` is the note of some act: erased already, by this run or an earlier one."""
    return isinstance(value, str) and value.startswith(NOTE)


def _scrub(value, text: str):
    if isinstance(value, str):
        return value if _CODE.fullmatch(value) or is_note(value) else text
    if isinstance(value, list):
        return [_scrub(v, text) for v in value]
    if isinstance(value, dict):
        return {k: _scrub_member(k, v, text) for k, v in value.items()}
    return value  # numbers, booleans, null


def _scrub_member(key: str, value, text: str):
    if key in RECORD:
        return value
    if key in FREE and value not in (None, "", [], {}) and not is_note(value):
        return text
    return _scrub(value, text)


def erase_texts(case: Case, act_number: str) -> int:
    """Replace the free texts of `case` and of its history by the act's note; returns how many
    texts were replaced (none if the case held none, or was erased already, by any act)."""
    text = note(act_number)
    count = 0
    changed = []
    for name in TEXT_FIELDS:
        if getattr(case, name) != "" and not is_note(getattr(case, name)):
            setattr(case, name, text)
            changed.append(name)
    if changed:
        case.save(update_fields=changed)
        count += len(changed)
    for event in case.events.select_for_update().order_by("pk"):
        new_text = event.text if event.text == "" or is_note(event.text) else text
        new_data = _scrub(event.data, text) if isinstance(event.data, dict) else {}
        if new_text != event.text or new_data != event.data:
            count += (new_text != event.text) + (new_data != event.data)
            event.text, event.data = new_text, new_data
            event.save(update_fields=["text", "data"])
    return count
