"""How the auditors' pages say what an entry holds: its subject and its details in the officer's
language. The stored codes (an action, `caseperson:17`, `locked: false`) stay as recorded and
are shown in a tooltip for the auditor who needs them, never as the text itself."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import get_language, gettext_lazy, pgettext_lazy
from django.utils.translation import gettext as _

from migrex.agreements.models import Agreement, Authority
from migrex.audit import subjects


@dataclass(frozen=True)
class Shown:
    text: str  # what the person reads
    code: str = ""  # what is stored, for the tooltip


# The keys entries' details carry (record(..., detail={...}) across the apps).
KEYS = {
    "act": pgettext_lazy("audit detail", "destruction act"),
    "address": pgettext_lazy("audit detail", "address"),
    "agreement": pgettext_lazy("audit detail", "agreement"),
    "attempts": pgettext_lazy("audit detail", "attempts"),
    "authority": pgettext_lazy("audit detail", "authority"),
    "basis": pgettext_lazy("audit detail", "basis"),
    "case": pgettext_lazy("audit detail", "case"),
    "category": pgettext_lazy("audit detail", "category"),
    "change": pgettext_lazy("audit detail", "change"),
    "client_certificate": pgettext_lazy("audit detail", "client certificate"),
    "code": pgettext_lazy("audit detail", "code"),
    "consent": pgettext_lazy("audit detail", "consent"),
    "counted_from": pgettext_lazy("audit detail", "counted from"),
    "created": pgettext_lazy("audit detail", "created"),
    "dataset": pgettext_lazy("audit detail", "dataset"),
    "days": pgettext_lazy("audit detail", "days"),
    "decision": pgettext_lazy("audit detail", "decision"),
    "detail": pgettext_lazy("audit detail", "details"),
    "digest": pgettext_lazy("audit detail", "digest"),
    "entity": pgettext_lazy("audit detail", "legal entity"),
    "error": pgettext_lazy("audit detail", "error"),
    "expires_on": pgettext_lazy("audit detail", "expires on"),
    "factor": pgettext_lazy("audit detail", "second factor"),
    "flag": pgettext_lazy("audit detail", "mark"),
    "id": pgettext_lazy("audit detail", "number"),
    "individual": pgettext_lazy("audit detail", "individual"),
    "items": pgettext_lazy("audit detail", "items"),
    "kid": pgettext_lazy("audit detail", "key"),
    "kind": pgettext_lazy("audit detail", "kind"),
    "last_error": pgettext_lazy("audit detail", "last error"),
    "locked": pgettext_lazy("audit detail", "locked"),
    "message": pgettext_lazy("audit detail", "message"),
    "method": pgettext_lazy("audit detail", "method"),
    "name": pgettext_lazy("audit detail", "name"),
    "new": pgettext_lazy("audit detail", "new"),
    "nodes": pgettext_lazy("audit detail", "nodes"),
    "note": pgettext_lazy("audit detail", "note"),
    "notices": pgettext_lazy("audit detail", "notices"),
    "observations": pgettext_lazy("audit detail", "observations"),
    "party": pgettext_lazy("audit detail", "party"),
    "path": pgettext_lazy("audit detail", "address on the node"),
    "peer": pgettext_lazy("audit detail", "peer node"),
    "places": pgettext_lazy("audit detail", "places"),
    "reasons": pgettext_lazy("audit detail", "reasons"),
    "recipient": pgettext_lazy("audit detail", "recipient"),
    "records": pgettext_lazy("audit detail", "records"),
    "revision": pgettext_lazy("audit detail", "revision"),
    "role": pgettext_lazy("audit detail", "role"),
    "sessions": pgettext_lazy("audit detail", "sessions"),
    "source": pgettext_lazy("audit detail", "source"),
    "sources": pgettext_lazy("audit detail", "sources"),
    "stage": pgettext_lazy("audit detail", "stage"),
    "starts_on": pgettext_lazy("audit detail", "starts on"),
    "status": pgettext_lazy("audit detail", "status"),
    "suite": pgettext_lazy("audit detail", "algorithms"),
    "title": pgettext_lazy("audit detail", "title"),
    "to": pgettext_lazy("audit detail", "to"),
    "tokens": pgettext_lazy("audit detail", "tokens"),
    "url": pgettext_lazy("audit detail", "address"),
    "use": pgettext_lazy("audit detail", "use"),
    "user": pgettext_lazy("audit detail", "officer"),
    "via": pgettext_lazy("audit detail", "through"),
    "was_active": pgettext_lazy("audit detail", "was active"),
}
# Values that are codes of the project: the second factor, the stage of a sign-in, a channel's
# sources. Any other code is shown as «code» with the value in the tooltip.
VALUES = {
    "password": gettext_lazy("password"),
    "totp": gettext_lazy("one-time code"),
    "channels": gettext_lazy("channels"),
    "reports": gettext_lazy("reports"),
    "code": pgettext_lazy("sign-in stage", "one-time code"),
    "identity": gettext_lazy("password before a signature"),
}
SENTENCES = {
    "locked": (gettext_lazy("sign-in locked"), gettext_lazy("sign-in not locked")),
    "was_active": (
        gettext_lazy("the account was active"),
        gettext_lazy("the account was inactive"),
    ),
}
SUBJECTS = {
    "caseperson": gettext_lazy("person of a case"),
    "personrecord": gettext_lazy("record of a dataset"),
    "channel": gettext_lazy("channel"),
    "stats": gettext_lazy("statistical dataset"),
    "dataset": gettext_lazy("dataset"),
    "case": gettext_lazy("case"),
    "consent": gettext_lazy("consent"),
    "legislation": gettext_lazy("legislation notice"),
    "cooperation": gettext_lazy("cooperation activity"),
}
CODE = re.compile(r"^[a-z][a-z0-9]*(?:[._][a-z0-9]+)+$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def subject(value: str) -> Shown:
    """`caseperson:17` → «person of a case № 17» (what it is, told by its app when it can);
    a login name or a page's address as it is."""
    kind, sep, pk = value.partition(":")
    if sep and pk.isdigit() and kind in SUBJECTS:
        described = subjects.describe(value)
        text = f"{SUBJECTS[kind]} № {pk}" + (f" ({described})" if described else "")
        return Shown(text, value)
    if sep and pk.isdigit():
        return Shown(_("object № %(n)s") % {"n": pk}, value)
    return Shown(value)


def names() -> dict[str, str]:
    """Agreements and authorities by code, in the active language."""
    english = (get_language() or "").startswith("en")
    found = {a.code: str(a) for a in Agreement.objects.all()}
    for a in Authority.objects.all():
        found[a.code] = a.name_en if english else a.name_ru
    return found


def detail(name: str, raw, known: dict[str, str]) -> tuple[Shown, Shown]:
    """One detail as (its label, its value); a yes-or-no one said as a sentence, unlabelled."""
    if isinstance(raw, bool) and name in SENTENCES:
        yes, no = SENTENCES[name]
        return Shown("", name), Shown(str(yes if raw else no), f"{name}: {str(raw).lower()}")
    return Shown(key(name), name), value(raw, known)


def value(raw, names: dict[str, str]) -> Shown:
    if isinstance(raw, bool):
        return Shown(_("yes") if raw else _("no"), str(raw).lower())
    if isinstance(raw, dict):
        return Shown("; ".join(f"{key(k)}: {value(v, names).text}" for k, v in raw.items()))
    if isinstance(raw, list):
        return Shown(", ".join(value(v, names).text for v in raw))
    text = str(raw)
    if text in names:
        return Shown(names[text], text)
    if text in VALUES:
        return Shown(str(VALUES[text]), text)
    if ISO_DATE.match(text):
        return Shown(date_format(dt.date.fromisoformat(text), "SHORT_DATE_FORMAT"), text)
    if CODE.match(text):
        return Shown(pgettext_lazy("audit detail", "code").capitalize(), text)
    return Shown(text)


def key(name: str) -> str:
    return str(KEYS.get(name, pgettext_lazy("audit detail", "other")))
