"""The case page's further documents (cases/_documents.html): the requested side's clarification
requests (Art. 10.1) and answer (Art. 10.3) as PDF, each only once it exists and only for a role
that may have its text and persons (Art. 11.4), and the case file for everyone who sees the
case."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from migrex.cases import casefile, letters

register = template.Library()


@register.simple_tag
def case_documents(case, user, history=None) -> list[dict]:
    """`history`: the case page's entries ({"event": …}), in order, when it has them at hand
    (no query then); else the case's letters are read."""
    found = []
    if casefile.full(user):
        if not history:  # absent from the context: ""
            events = letters.letter_events(case)
        else:
            events = [h["event"] for h in history if h["event"].action in letters.LETTERS]
        answers = [e for e in events if e.action in letters.ANSWERS + letters.PARTIAL_ANSWERS]
        for event in (e for e in events if e.action in letters.CLARIFICATIONS):
            found.append(
                {
                    "url": reverse("cases:clarification", args=[case.pk, event.pk]),
                    "label": _("Request for additional information (PDF)"),
                    "date": timezone.localtime(event.at),
                    "article": "10.1",
                }
            )
        if answers:
            answer = answers[-1]
            partial = answer.action in letters.PARTIAL_ANSWERS
            found.append(
                {
                    "url": reverse("cases:answer", args=[case.pk]),
                    "label": _("Answer on partial execution (PDF)")
                    if partial
                    else _("Answer to the request (PDF)"),
                    "date": timezone.localtime(answer.at),
                    "article": "10.4" if partial else "10.3",
                }
            )
    found.append(
        {
            "url": reverse("cases:case-file", args=[case.pk]),
            "label": _("Case file for printing (PDF)"),
            "date": None,
            "article": "",
        }
    )
    return found
