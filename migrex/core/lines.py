"""Lines of HTML written in Python rather than by the template engine, for the long lists of a
page (cases/box_rows.py, the start page): Django's template engine spends about 0.2 ms of CPU
on a line of some twenty variables and conditions.

`html` is format_html without its checks for lazy strings, which cost about a third of a line's
time: each value is escaped as Django's conditional_escape escapes it (HTML stays as it is,
anything else is made a str and escaped), and the lines pass gettext's strings, never lazy ones.
"""

from __future__ import annotations

import html as _stdlib_html

from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator


def html(template: str, *values) -> SafeString:
    """`template` with each of `values` escaped, unless it is HTML already."""
    return mark_safe(  # noqa: S308 - every value escaped
        template.format(
            *(
                v.__html__() if hasattr(v, "__html__") else _stdlib_html.escape(str(v))
                for v in values
            )
        )
    )


def clipped(text: str, limit: int) -> str:
    """`text`, cut to `limit` characters, an ellipsis last, if it is longer."""
    return Truncator(text).chars(limit) if len(text) > limit else text
