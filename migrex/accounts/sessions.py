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

A refresh is also skipped when this process refreshed the same session less than REFRESH seconds
ago: a page then costs no write at all (on PostgreSQL three statements, on SQLite the write lock),
and the session may end up to that much earlier than the idle timeout says, never later.

A session whose data changed (signing in, the second factor pending) is saved as Django does,
waiting as any write does: losing that change would be wrong. A session deleted meanwhile (signed
out in another tab) still interrupts the request that would refresh it, as Django intends.

SESSION_ENGINE = "migrex.accounts.sessions".
"""

from __future__ import annotations

import logging
import time

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import UpdateError
from django.db import OperationalError

from migrex.core.dbwait import brief_wait

log = logging.getLogger("migrex.accounts")

REFRESH = 30.0  # seconds between two refreshes of a session's expiry by one process
LIMIT = 10_000  # sessions remembered; all are forgotten (refreshed anew) when it is reached
_refreshed: dict[str, float] = {}  # session key -> when this process last saved it


class SessionStore(db.SessionStore):
    def save(self, must_create: bool = False) -> None:
        if must_create or self.modified or self.session_key is None:
            super().save(must_create=must_create)
            self._remember()
            return
        since = time.time() - _refreshed.get(self.session_key, 0.0)
        if 0 <= since < REFRESH:
            return
        try:
            with brief_wait():
                super().save()
        except UpdateError as exc:
            # Django raises UpdateError from the database's error; "database is locked" is an
            # OperationalError, a session deleted meanwhile is not.
            if not isinstance(exc.__context__, OperationalError):
                raise
            log.warning("session expiry not refreshed: %s", exc.__context__)
            return
        self._remember()

    def _remember(self) -> None:
        if len(_refreshed) >= LIMIT:
            _refreshed.clear()
        _refreshed[self.session_key] = time.time()

    def delete(self, session_key: str | None = None) -> None:
        _refreshed.pop(session_key or self.session_key or "", None)
        super().delete(session_key)
