"""The services' errors put back next to the fields they are about, and the lines of the summary
box above a form (`core/_problems.html`).

A service names a field by its path in the input (`summary`, `persons[0].data.sex`); a path of a
repeated row (`persons[i]…`) is handed to that row's form, which says which of its fields it
means (`field_for(path)`, e.g. the persons' form of the Art. 6 record).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from migrex.core.errors import MigrexError
from migrex.core.forms import article_label, english


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


_ROW_PATH = re.compile(r"^persons\[(\d+)\]\.?(.*)$")


def place_errors(errors, form: forms.Form | None, persons=()) -> list[Problem]:
    """Attach each service error to its field (inline) and list them all for the summary box.
    `persons`: the forms of the `persons[i]` rows, each with `field_for(rest of the path)`."""
    problems = []
    for error in errors:
        message = message_of(error)
        field = error.field or ""
        match = _ROW_PATH.match(field)
        if match and int(match[1]) < len(persons):
            row = persons[int(match[1])]
            name = row.field_for(match[2])
            row.add_error(name, with_article(message, error.article))
            label = str(row.fields[name].label) if name else ""
            where = str(_("Person %(n)s")) % {"n": int(match[1]) + 1}
            where = f"{where}: {label}" if label else where
            anchor = f"id_{row.prefix}-{name}" if name else f"row-{row.prefix}"
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
