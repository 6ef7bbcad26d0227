"""Template tags of the case pages for the signatory's own signature (Art. 9.3, 9.4): the key a
case was signed with and the list it was checked against, and why the sign form would refuse."""

from __future__ import annotations

from django import template

from migrex.cases import signatures
from migrex.core.problems import message_of, with_article

register = template.Library()


@register.simple_tag
def signature_of(case) -> signatures.Record | None:
    return signatures.record_of(case)


@register.simple_tag
def signing_refusal(case, user) -> str:
    """Why `user` cannot sign `case` now, in the officer's language with the article; empty
    when nothing stands in the way but the password."""
    refused = signatures.refusal(case, user)
    return with_article(message_of(refused), refused.article) if refused else ""
