"""The services' errors put back next to the fields they are about, and the summary box lines."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from migrex.cases.forms_base import article_label, english
from migrex.cases.forms_persons import DOCUMENT_PARTS, NAME_PARTS, PersonForm
from migrex.core.errors import MigrexError


@dataclass(frozen=True)
class Problem:
    """One line of the error summary: where, what, and the article it enforces."""

    where: str
    message: str
    article: str | None
    anchor: str = ""


def message_of(error: MigrexError) -> str:
    return error.message_en if english() else error.message_ru


def with_article(message: str, article: str | None) -> str:
    return f"{message} ({article_label(article)})" if article else message


_PERSON_PATH = re.compile(r"^persons\[(\d+)\]\.?(.*)$")


def _person_field(form: PersonForm, rest: str) -> str | None:
    if rest == "category":
        return "category"
    parts = rest.split(".")  # "data", "surname", "latin" | "data", "identity_document", "0", ..
    if parts[:1] != ["data"] or len(parts) < 2:
        return None
    code, tail = parts[1], parts[2:]
    if code in NAME_PARTS:
        script = tail[0] if tail and tail[0] in ("cyrillic", "latin") else "cyrillic"
        name = f"{code}_{script}"
    elif code == "identity_document":
        part = tail[1] if len(tail) > 1 and tail[1] in DOCUMENT_PARTS else "number"
        name = f"document_{part}"
    else:
        name = code
    return name if name in form.fields else None


def place_errors(errors, form: forms.Form | None, persons=()) -> list[Problem]:
    """Attach each service error to its field (inline) and list them all for the summary box."""
    problems = []
    for error in errors:
        message = message_of(error)
        field = error.field or ""
        match = _PERSON_PATH.match(field)
        if match and int(match[1]) < len(persons):
            person = persons[int(match[1])]
            name = _person_field(person, match[2])
            person.add_error(name, with_article(message, error.article))
            label = str(person.fields[name].label) if name else ""
            where = str(_("Person %(n)s")) % {"n": int(match[1]) + 1}
            where = f"{where}: {label}" if label else where
            anchor = f"id_{person.prefix}-{name}" if name else f"row-{person.prefix}"
            problems.append(Problem(where, message, error.article, anchor))
        elif form is not None and field in form.fields:
            form.add_error(field, with_article(message, error.article))
            problems.append(
                Problem(str(form.fields[field].label), message, error.article, f"id_{field}")
            )
        else:
            if form is not None:
                form.add_error(None, with_article(message, error.article))
            problems.append(Problem("", message, error.article))
    return problems


def local_problems(form: forms.Form | None, persons=(), attachments=()) -> list[Problem]:
    """The summary lines of the forms' own errors (wrong dates, codes ...)."""
    problems = []
    groups = [(form, "")] if form is not None else []
    groups += [(p, str(_("Person %(n)s")) % {"n": i + 1}) for i, p in enumerate(persons)]
    groups += [(a, str(_("Attachment %(n)s")) % {"n": i + 1}) for i, a in enumerate(attachments)]
    for f, prefix in groups:
        for name, messages in f.errors.items():
            label = str(f.fields[name].label) if name in f.fields else ""
            where = ": ".join(x for x in (prefix, label) if x)
            anchor = f"id_{f.add_prefix(name)}" if name in f.fields else ""
            problems.extend(Problem(where, m, None, anchor) for m in messages)
    return problems
