"""Sessions in the database, as Django keeps them, save for one case: a save that only refreshes
the session's expiry.

The idle timeout (SESSION_COOKIE_AGE, MIGREX_SESSION_IDLE_MINUTES) counts from the last request,
so every request saves its session (SESSION_SAVE_EVERY_REQUEST), page views that change nothing
too. While another held SQLite's write lock — a dataset arriving used to hold it for a minute —
that save waited MIGREX_SQLITE_TIMEOUT (20 s), failed with "database is locked", and Django's
SessionMiddleware turned the failure (UpdateError) into SessionInterrupted: the officer got 400
for a page that had rendered (issue 14). Now such a refresh waits a moment (core/dbwait.py) and,
when the lock stays taken, is skipped: the page is served, and the session keeps the expiry its
last saved request gave it, ending at most that much earlier — never later.

A session whose data changed (signing in, the second factor pending) is saved as Django does,
waiting as any write does: losing that change would be wrong. A session deleted meanwhile (signed
out in another tab) still interrupts the request, as Django intends.

SESSION_ENGINE = "migrex.accounts.sessions".
"""

from __future__ import annotations

import logging

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import UpdateError
from django.db import OperationalError

from migrex.core.dbwait import brief_wait

log = logging.getLogger("migrex.accounts")


class SessionStore(db.SessionStore):
    def save(self, must_create: bool = False) -> None:
        if must_create or self.modified or self.session_key is None:
            return super().save(must_create=must_create)
        try:
            with brief_wait():
                super().save()
        except UpdateError as exc:
            # Django raises UpdateError from the database's error; "database is locked" is an
            # OperationalError, a session deleted meanwhile is not.
            if not isinstance(exc.__context__, OperationalError):
                raise
            log.warning("session expiry not refreshed: %s", exc.__context__)
