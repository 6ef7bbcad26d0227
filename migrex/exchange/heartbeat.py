"""The delivery worker's heartbeat: a row per worker with the time of its last round, written at
most every few seconds (one UPDATE), so that readiness can tell a worker that runs from one that
has stopped, hangs, or cannot reach the database."""

from __future__ import annotations

import datetime as dt
import time

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from migrex.exchange.models import WorkerBeat

FORGET_AFTER = dt.timedelta(days=1)  # a worker gone this long no longer has a row


def interval() -> float:
    """Seconds between two beats: often enough for the readiness limit, never more than 5."""
    return min(5.0, settings.MIGREX_READY["worker_seconds"] / 4)


class Heart:
    """Beats for one worker; `beat()` is called on every round and writes when it is due."""

    def __init__(self, worker: str, every: float | None = None):
        self.worker = worker[: WorkerBeat._meta.get_field("worker").max_length]
        self.every = interval() if every is None else every
        self._last: float | None = None

    def beat(self) -> bool:
        """Write the beat if the last one is `every` seconds old; whether it wrote."""
        clock = time.monotonic()
        if self._last is not None and clock - self._last < self.every:
            return False
        now = timezone.now()
        if not WorkerBeat.objects.filter(pk=self.worker).update(beat_at=now):
            WorkerBeat.objects.create(worker=self.worker, beat_at=now)
            WorkerBeat.objects.filter(beat_at__lt=now - FORGET_AFTER).delete()
        self._last = clock
        return True


def last_beat() -> dt.datetime | None:
    """When any worker last beat."""
    return WorkerBeat.objects.aggregate(last=Max("beat_at"))["last"]
