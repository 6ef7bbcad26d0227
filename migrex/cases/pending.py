"""Files an officer attached to a move that waits on its review page (views_case): sealed in the
vault as every attachment is (Art. 11.4), their place, wrapped key and digest carried by the
review form in a token the server signed for this officer and this case, so that the files
need not be uploaded again to confirm or to go back and edit. Nothing in the database refers to
them: a move confirmed stores its files anew and removes these; a review abandoned leaves
ciphertext whose key only its token held, which expires after a day."""

from __future__ import annotations

import base64

from django.core import signing

from migrex.cases.models import Attachment, Case
from migrex.core import vault

MAX_AGE = 24 * 3600


def _salt(user, case: Case) -> str:
    return f"migrex.cases.pending:{user.pk}:{case.pk}"


def hold(files: list[dict], *, user, case: Case, token: str = "") -> str:
    """A token for the files already held under `token` and `files` (bytes), sealed now."""
    held = described(token, user=user, case=case)
    for f in files:
        item = Attachment(case=case, kind=f["kind"], name=f["name"], content_type=f["content_type"])
        vault.store(item, f["content"])
        held.append(
            {
                "file": item.file.name,
                "key": base64.b64encode(bytes(item.key)).decode("ascii"),
                "sha256": item.sha256,
                "size": item.size,
                "name": item.name,
                "kind": item.kind,
                "content_type": item.content_type,
            }
        )
    return signing.dumps(held, salt=_salt(user, case), compress=True) if held else ""


def described(token: str, *, user, case: Case) -> list[dict]:
    """What `token` holds (name, size, kind…), without the content; [] for none, a forged or an
    expired one."""
    if not token:
        return []
    try:
        return list(signing.loads(token, salt=_salt(user, case), max_age=MAX_AGE))
    except signing.BadSignature:
        return []


def _item(case: Case, h: dict) -> Attachment:
    item = Attachment(
        case=case,
        kind=h["kind"],
        name=h["name"],
        content_type=h["content_type"],
        sha256=h["sha256"],
        size=h["size"],
        key=base64.b64decode(h["key"]),
    )
    item.file.name = h["file"]
    return item


def release(token: str, *, user, case: Case) -> list[dict]:
    """The held files with their content, as the services take them (vault.Unreadable if one
    no longer opens)."""
    return [
        {
            "name": h["name"],
            "kind": h["kind"],
            "content_type": h["content_type"],
            "content": vault.read(_item(case, h)),
        }
        for h in described(token, user=user, case=case)
    ]


def drop(token: str, *, user, case: Case) -> None:
    """Remove the held files (after the move stored its own copies)."""
    for h in described(token, user=user, case=case):
        item = _item(case, h)
        item.file.storage.delete(item.file.name)
