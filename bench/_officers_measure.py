"""The officers' load test (officers_load.py):
latencies, memory and CPU as measured."""

from __future__ import annotations

import collections
import os
import threading
import time
from pathlib import Path

from bench.worker_idle import cpu_seconds

# --- what is measured ----------------------------------------------------------------------------


class Stats:
    """Every request: kind, milliseconds, time; errors with their first descriptions."""

    def __init__(self):
        self.lock = threading.Lock()
        self.samples: list[tuple[float, str, float]] = []
        self.errors: collections.Counter[str] = collections.Counter()
        self.first_errors: list[str] = []
        self.retries = 0

    def add(self, kind: str, ms: float) -> None:
        self.samples.append((time.monotonic(), kind, ms))

    def error(self, kind: str, what: str) -> None:
        with self.lock:
            self.errors[kind] += 1
            if len(self.first_errors) < 8:
                self.first_errors.append(f"{kind}: {what}")

    def by_kind(self, since: float = 0.0) -> dict[str, list[float]]:
        out: dict[str, list[float]] = collections.defaultdict(list)
        for t, kind, ms in self.samples:
            if t >= since:
                out[kind].append(ms)
        return dict(sorted(out.items()))

    def all(self, since: float = 0.0) -> list[float]:
        return [ms for t, _, ms in self.samples if t >= since]


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def machine_ticks() -> tuple[int, int]:
    """(busy, all) clock ticks of the machine's cores since boot (/proc/stat)."""
    ticks = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    return sum(ticks) - ticks[3] - ticks[4], sum(ticks)  # less idle and iowait


class Sampler(threading.Thread):
    """RSS of each process every `every` seconds; and the CPU time of the PostgreSQL backends
    serving `databases` and of the nginx processes under `nginx` (their master processes),
    which come and go."""

    def __init__(self, pids: dict[str, int], databases: list[str], nginx: list[int], every=2.0):
        super().__init__(daemon=True)
        self.pids, self.databases, self.nginx, self.every = pids, databases, nginx, every
        self.samples: list[tuple[float, dict[str, float]]] = []
        self.seen: dict[tuple[str, int], list[float]] = {}  # (group, pid): [first, last] CPU s
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            self.samples.append((time.monotonic(), {n: rss_mb(p) for n, p in self.pids.items()}))
            self._helpers()
            self.stopping.wait(self.every)

    def _helpers(self) -> None:
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            pid = int(entry.name)
            try:
                stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                if pid in self.nginx or int(stat[1]) in self.nginx:
                    group = "nginx"
                elif any(d in Path(f"/proc/{pid}/cmdline").read_text() for d in self.databases):
                    group = "PostgreSQL"
                else:
                    continue
            except OSError:
                continue
            used = (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")
            self.seen.setdefault((group, pid), [used, used])[1] = used

    def cpu(self, group: str) -> float:
        """CPU seconds the group's processes used while sampled."""
        return sum(last - first for (g, _), (first, last) in self.seen.items() if g == group)

    def floor(self, name: str, start: float, end: float) -> float:
        """The lowest RSS of `name` over [start, end]: what the process holds, without the
        64-100 MB Argon2 buffers of a sign-in or a signature, which come and go between two
        samples."""
        values = [s[name] for t, s in self.samples if start <= t <= end]
        return min(values) if values else float("nan")

    def peak(self, name: str) -> float:
        return max(s[name] for _, s in self.samples)

    def timeline(self, name: str, start: float, step: float = 30) -> list[float]:
        """The lowest RSS of each `step` seconds from `start` on."""
        out, t = [], start
        while any(u >= t for u, _ in self.samples):
            out.append(self.floor(name, t, t + step))
            t += step
        return out


def idle_cpu(pids: dict[str, int], window: float) -> dict[str, float]:
    """Share of one core (%) each process used over `window` seconds."""
    before, t0 = {n: cpu_seconds(p) for n, p in pids.items()}, time.monotonic()
    time.sleep(window)
    wall = time.monotonic() - t0
    return {n: (cpu_seconds(p) - before[n]) / wall * 100 for n, p in pids.items()}


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])
