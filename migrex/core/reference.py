"""Reference data — agreements and their profiles, competent authorities, parties, peers, this
node's keys — changes a few times a year and is read on every message received or sent. Each
process keeps what it loaded, keyed by one generation token that any change to those tables
replaces in the same transaction, so a reader pays one tiny query instead of a dozen.

The token is random rather than a counter: a change rolled back leaves a token no later change
can take, so nothing loaded inside that transaction is ever mistaken for committed data."""

from __future__ import annotations

import contextlib
import functools
import threading
import uuid
from collections.abc import Callable, Iterator
from typing import TypeVar

from django.apps import apps
from django.db import connection
from django.db.models.signals import m2m_changed, post_delete, post_save

T = TypeVar("T")

_pinned = threading.local()


_UNREAD = object()  # pinned, not read yet


def generation() -> str:
    token = getattr(_pinned, "token", None)
    if token is not None and token is not _UNREAD:
        return token
    with connection.cursor() as cursor:
        cursor.execute("SELECT token FROM core_generation WHERE id = 1")
        row = cursor.fetchone()
    read = row[0] if row else ""
    if token is _UNREAD:
        _pinned.token = read
    return read


@contextlib.contextmanager
def pinned() -> Iterator[None]:
    """Read the generation once for a whole unit of work (a received message, a batch sent)
    that looks up reference data many times, at its first lookup (a unit that makes none reads
    nothing); a change committed meanwhile applies to the next unit. A unit inside another is
    part of it: the outer one's generation holds."""
    if getattr(_pinned, "token", None) is not None:
        yield
        return
    _pinned.token = _UNREAD
    try:
        yield
    finally:
        _pinned.token = None


def bump(**_ignored) -> None:
    """A new generation (a signal receiver, or called after a bulk change signals miss). A
    unit of work pinned to the old one reads its own change from then on."""
    Generation = apps.get_model("core", "Generation")
    token = uuid.uuid4().hex
    Generation.objects.update_or_create(pk=1, defaults={"token": token})
    if getattr(_pinned, "token", None) is not None:
        _pinned.token = token


class PinnedMiddleware:
    """A page or an API call is one unit of work: it reads the generation once, however many
    of its parts look up reference data (the case page: three times otherwise)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with pinned():
            return self.get_response(request)


def cached(load: Callable[[], T]) -> Callable[[], T]:
    """`load()` once per generation and process. What it returns is shared between threads:
    treat it as read-only."""
    lock = threading.Lock()
    held: list = [None, None]  # [token, value]

    @functools.wraps(load)
    def get() -> T:
        token = generation()
        if held[0] == token and token:
            return held[1]
        with lock:
            if held[0] != token or not token:
                held[1], held[0] = load(), token
            return held[1]

    return get


def watch(model, *m2m_fields: str) -> None:
    """Start a new generation whenever a row of `model` (or of its many-to-many `m2m_fields`) is
    saved or deleted: each app names, in its ready(), the models its cached loaders read."""
    label = model._meta.label
    post_save.connect(bump, sender=model, dispatch_uid=f"reference-save-{label}")
    post_delete.connect(bump, sender=model, dispatch_uid=f"reference-delete-{label}")
    for name in m2m_fields:
        through = getattr(model, name).through
        m2m_changed.connect(bump, sender=through, dispatch_uid=f"reference-m2m-{label}-{name}")
