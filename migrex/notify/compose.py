"""What a notification says: the case's number, what happened, and a link to the case on this
node; never anything of a person (no name, no date of birth, no text of the request or of the
message: Art. 11.1, 11.4), since mail leaves the node's protection. Russian first (Art. 14), the
English below it; both from the same msgids, rendered once in each language."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from migrex.cases import actions
from migrex.cases.models import Case
from migrex.cases.workflow import Kind
from migrex.notify.models import Notice

LANGUAGES = ("ru", "en")
RULE = "—" * 24


@dataclass(frozen=True)
class Mail:
    subject: str
    body: str


def link(path: str) -> str:
    """`path` on this node as its officers reach it (MIGREX_PUBLIC_URL: the nginx site that
    peers and officers share)."""
    return settings.MIGREX_PUBLIC_URL.rstrip("/") + path


def case_label(case: Case) -> str:
    """The case as the officer knows it: by this authority's number, the other party's beside."""
    kind = _("Request") if case.kind == Kind.REQUEST else _("Information without a request")
    known = {"kind": kind, "number": case.number, "theirs": case.their_number}
    if case.number and case.their_number:
        return _("%(kind)s No. %(number)s (the other party's No. %(theirs)s)") % known
    if case.number:
        return _("%(kind)s No. %(number)s") % known
    return _("%(kind)s, the other party's No. %(theirs)s") % known


def _date(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


def what(notice: Notice) -> str:
    """What happened, in one sentence of the active language."""
    if notice.what == "reminder":
        days, due = notice.days_left, _date(notice.due_date)
        if days < 0:
            return _("The answer was due on %(date)s: the period of Art. 10.3 has passed.") % {
                "date": due
            }
        if days == 0:
            return _("The answer is due today, %(date)s (Art. 10.3).") % {"date": due}
        return ngettext(
            "The answer is due in %(days)d day, on %(date)s (Art. 10.3).",
            "The answer is due in %(days)d days, on %(date)s (Art. 10.3).",
            days,
        ) % {"days": days, "date": due}
    special = {
        "request": _("A request from the other party was received: register it."),
        "spontaneous": _("Information without a request was received from the other party."),
        "forward": _("A request was forwarded to your authority (Art. 2)."),
        "proceed": _(
            "The requesting party decided that the request is executed without "
            "confidentiality (Art. 11.1)."
        ),
    }
    if notice.what in special:
        return special[notice.what]
    action = actions.get(notice.what)
    return f"{action.label}." if action is not None else notice.what


def _subject(notice: Notice) -> str:
    if notice.what == "reminder":
        title = _("Answer overdue") if notice.days_left < 0 else _("Answer due soon")
    elif notice.what in ("request", "spontaneous", "forward"):
        title = _("New request") if notice.case.kind == Kind.REQUEST else _("New information")
    else:
        title = _("News on a request")
    return f"{title}: {case_label(notice.case)}"


def _footer() -> str:
    return _(
        "This message is sent by the node automatically and names no person (Art. 11.1). "
        "Choose how you are notified: %(url)s"
    ) % {"url": link(reverse("notify:preferences"))}


def _both(render) -> tuple[str, str]:
    parts = []
    for language in LANGUAGES:
        with translation.override(language):
            parts.append(render())
    return parts[0], parts[1]


def single(notice: Notice) -> Mail:
    """The mail of one notice, for an officer who is told at once."""
    url = link(reverse("cases:detail", args=[notice.case_id]))

    def body() -> str:
        opened = _("Open the case: %(url)s") % {"url": url}
        return "\n".join([case_label(notice.case), "", what(notice), "", opened, "", _footer()])

    ru_subject, en_subject = _both(lambda: _subject(notice))
    ru, en = _both(body)
    return Mail(f"migrex: {ru_subject} / {en_subject}", f"{ru}\n\n{RULE}\n\n{en}\n")


def digest(notices: list[Notice], day: dt.date) -> Mail:
    """One mail with every notice of an officer's daily digest, oldest first."""

    def body() -> str:
        lines = [_("What happened on your cases since the last digest:"), ""]
        for n in notices:
            lines += [
                f"• {case_label(n.case)}",
                f"  {what(n)}",
                f"  {link(reverse('cases:detail', args=[n.case_id]))}",
                "",
            ]
        return "\n".join([*lines, _footer()])

    def subject() -> str:
        title = _("Daily digest of %(date)s (%(count)s)")
        return title % {"date": _date(day), "count": len(notices)}

    ru_subject, en_subject = _both(subject)
    ru, en = _both(body)
    return Mail(f"migrex: {ru_subject} / {en_subject}", f"{ru}\n\n{RULE}\n\n{en}\n")
