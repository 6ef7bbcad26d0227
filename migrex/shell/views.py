"""The pages that belong to no one app: the start page, «Требуют действия» (what needs the
officer now, by what their roles do: cases/attention.py)."""

from __future__ import annotations

from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from migrex.accounts import access
from migrex.accounts.access import Channel, Data
from migrex.cases import attention, labels, selectors
from migrex.cases.templatetags.cases_ui import clock_short, clock_text
from migrex.core.lines import clipped, html
from migrex.core.templatetags.migrex_ui import authority
from migrex.core.web import officer_view

# Each section: its title, what it holds (with the article), what it says when empty, and the
# box where the rest of its cases are.
SECTIONS = {
    "sign": (
        _("To sign"),
        _(
            "Requests and confirmations of your authority that wait for the signature of a "
            "person on the signatory list (Art. 9.3, 9.5)."
        ),
        _("No request waits for your signature."),
        "outgoing",
    ),
    "register": (
        _("To register"),
        _(
            "Requests received from the other party, not yet registered, and information "
            "whose receipt is not yet acknowledged (Art. 10.1, 8)."
        ),
        _("Everything received has been registered."),
        "incoming",
    ),
    "answer": (
        _("To answer"),
        _("Registered requests in execution that are yours to answer (Art. 10.3)."),
        _("No request in execution waits for your answer."),
        "incoming",
    ),
    "asked": (
        _("The other party awaits your reply"),
        _(
            "Additional information, conditions of execution or a decision on confidentiality "
            "that the requested party awaits from your authority (Art. 10.1, 10.2, 11.1)."
        ),
        _("The other party awaits nothing from you."),
        "outgoing",
    ),
    "news": (
        _("New since you last looked"),
        _(
            "Answers, requests for additional information and other changes on your cases "
            "that you have not opened since."
        ),
        _("You have seen everything that happened on your cases."),
        None,
    ),
    "consents": (
        _("Consents to decide"),
        _(
            "Consents the other party asks of your authority to use the data your authority "
            "provided (Art. 11.2, 11.3)."
        ),
        _("No consent waits for your decision."),
        None,
    ),
    "deadline": (
        _("Due soon or overdue"),
        _(
            "Requests your authority answers whose 30-day period ends within %(days)s days or "
            "has passed (Art. 10.3)."
        ),
        _("No period of execution ends in the coming days."),
        "due-soon",
    ),
}


@officer_view
def home(request):
    user = request.user
    today = timezone.localdate()
    texts = access.allows(user, Data.TEXT, Channel.PAGE)
    shown, items = [], _Items(today, texts)
    for section in attention.sections(user, today):
        title, hint, empty, box = SECTIONS[section.name]
        rows = [items.render(case) for case in section.cases]
        if section.consents is not None:
            rows = [_consent_row(consent) for consent in section.consents]
        more = section.count - len(rows)
        shown.append(
            {
                "name": section.name,
                "title": title,
                "hint": str(hint) % {"days": selectors.DUE_SOON_DAYS},
                "empty": empty,
                "count": section.count,
                "rows": rows,
                "more": more,
                "more_url": _more_url(section.name, box) if more > 0 else None,
            }
        )
    return render(request, "shell/home.html", {"sections": shown, "texts": texts, "start": True})


def _more_url(name: str, box: str | None) -> str:
    if name == "consents":
        return reverse("persons:consents")
    return reverse("cases:box", args=[box]) if box else ""


class _Items:
    """The entries of the start page's sections, as HTML: written here, not in the template, for
    the reason cases/box_rows.py gives (a start page of 70 entries spent half its time in them),
    each value escaped as the template did (core/lines.py)."""

    SUMMARY = 120  # characters of a request's text shown

    def __init__(self, today, texts: bool):
        self.today, self.texts = today, texts
        self.detail = reverse("cases:detail", args=[0]).removesuffix("0/")
        self.news = render_to_string("cases/_news_mark.html")  # as every list marks it
        self.theirs, self.due = gettext("theirs"), gettext("due")

    def render(self, case) -> SafeString:
        url = f"{self.detail}{case.pk}/"
        if case.number:
            head = html('<a class="case-link" href="{}">№ {}</a>', url, case.number)
            if case.their_number:
                head += html(' <span class="sub">{} {}</span>', self.theirs, case.their_number)
        else:
            number = case.their_number or gettext("no number")
            head = html('<a class="case-link" href="{}">{}</a>', url, number)
        if case.news:
            head += self.news
        return html(
            '<div class="attention-head">{}</div>\n<div class="sub">{} · {}</div>\n{}'
            '<div class="attention-meta">{}</div>',
            head,
            labels.KINDS.get(case.kind, ""),
            authority(case.other_authority),
            self._summary(case),
            self._meta(case),
        )

    def _summary(self, case) -> SafeString | str:
        if not self.texts:
            return ""
        text = case.summary or "—"
        return html('<div class="attention-summary">{}</div>', clipped(text, self.SUMMARY))

    def _meta(self, case) -> SafeString:
        meta = html(
            '<span class="badge badge-{}">{}</span>',
            labels.STATE_TONES.get(case.status, "neutral"),
            labels.state_label(case.status),
        )
        latest = getattr(case, "latest", None)
        if case.news and latest:
            meta += html(' <span class="sub">{}</span>', labels.event_label(latest, case.kind))
        clock = selectors.clock(case, self.today)
        if clock.state not in ("none", "stopped"):
            meta += html(
                ' <span class="clock clock-{}" title="{}">{}</span> <span class="sub">{} {}</span>',
                clock.state,
                clock_text(clock),
                clock_short(clock),
                self.due,
                date_format(case.due_date, "SHORT_DATE_FORMAT"),
            )
        return meta


def _consent_row(consent) -> dict:
    return {
        "url": reverse("persons:consents"),
        "use": consent.get_use_display(),
        "authority": authority(consent.requester),
        "asked": date_format(timezone.localtime(consent.created_at).date(), "SHORT_DATE_FORMAT"),
    }
