"""Waking the delivery worker when a message is queued, instead of polling an idle outbox.

On PostgreSQL, queuing a message sends `NOTIFY migrex_outbox` (delivered when its transaction
commits, never for one that rolls back), and an idle worker waits on `LISTEN` over a connection
of its own: a new message leaves at once, and an idle worker costs next to nothing. Elsewhere
(SQLite) there is no such signal: the worker sleeps, longer and longer while nothing is due
(delivery.run). Either way it still looks at least every `MIGREX_WORKER_IDLE_MAX` seconds, for
retries that come due and for the daily jobs.
"""

from __future__ import annotations

import logging
import time

from django.db import connection
from django.db.models.signals import post_save

from migrex.exchange.models import OutboxMessage

CHANNEL = "migrex_outbox"
log = logging.getLogger("migrex.delivery")


def _queued(sender, instance: OutboxMessage, created: bool, **kwargs) -> None:
    if created and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"NOTIFY {CHANNEL}")


def connect() -> None:
    """Called once by the app's ready()."""
    post_save.connect(_queued, sender=OutboxMessage, dispatch_uid="migrex.exchange.wakeup")


class Waiter:
    """Waits up to a number of seconds, or until a message is queued (PostgreSQL)."""

    def __init__(self) -> None:
        self._listening = None  # psycopg connection, autocommit, LISTENing

    def wait(self, seconds: float) -> bool:
        """Whether a message was queued while waiting (always False on SQLite)."""
        if connection.vendor != "postgresql":
            time.sleep(seconds)
            return False
        import psycopg

        try:
            if self._listening is None:
                params = connection.get_connection_params()
                self._listening = psycopg.connect(**params, autocommit=True)
                self._listening.execute(f"LISTEN {CHANNEL}")
            woken = False
            for _ in self._listening.notifies(timeout=seconds, stop_after=1):
                woken = True
            return woken
        except psycopg.Error as exc:  # the server went away: poll until it is back
            log.warning("waiting for new messages: %s; polling instead", exc)
            self.close()
            time.sleep(seconds)
            return False

    def close(self) -> None:
        if self._listening is not None:
            try:
                self._listening.close()
            finally:
                self._listening = None
