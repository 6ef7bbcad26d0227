"""What a process keeps for every thread of it, made once and read again (the SQL of the pages'
queries, core/prepared.py; the navigation's counts, cases/tally.py): a dict with a lock,
emptied whole when it holds `limit` entries, as everything it holds is cheap to make again.
Kept by hand rather than by functools.lru_cache: the keys are built by the caller, and what a
key's value is made from is not the key."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import TypeVar

T = TypeVar("T")


class Bounded:
    def __init__(self, limit: int):
        self.limit = limit
        self._held: dict[Hashable, object] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, make: Callable[[], T]) -> T:
        """The value kept under `key`, or `make()`'s, kept from now on."""
        found = self._held.get(key, self._held)  # the dict itself: nothing kept
        if found is self._held:
            found = make()
            with self._lock:
                if len(self._held) >= self.limit:
                    self._held.clear()
                self._held[key] = found
        return found
