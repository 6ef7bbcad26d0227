"""The daily destruction run, driven by the delivery worker's loop (`migrex worker`): the node
already keeps that process running, so retention needs no cron or timer of its own. Each worker
looks at most once an hour; the first look of a day runs the job, and the run's unique day keeps
several workers from running it twice. A failure is logged and retried at the next look; it
never stops delivery."""

from __future__ import annotations

import logging
import time

from migrex.core.logsafe import summary
from migrex.retention import services

log = logging.getLogger("migrex.retention")
EVERY = 3600.0  # seconds between looks


class Daily:
    def __init__(self, every: float = EVERY, clock=time.monotonic):
        self.every, self.clock, self.last = every, clock, None

    def tick(self) -> None:
        now = self.clock()
        if self.last is not None and now - self.last < self.every:
            return
        self.last = now
        try:
            result = services.run(scheduled=True)
        except Exception as exc:  # named, not quoted: its message may hold a person's data
            log.error("the daily retention run failed (%s); tried again in an hour", summary(exc))
            return
        if result.act is not None:
            log.info("retention: %s item(s) destroyed, act %s", result.destroyed, result.act.number)
