"""Is this node ready to exchange? Five checks, each with a short reason anyone may read, the
details only its operator should see, and what to do when it fails: `/readyz` answers with the
reasons, `migrex doctor` prints the details and the advice.

- `database`: reachable, and every migration of the code applied;
- `keys`: a key generation valid now that stays valid `MIGREX_READY_KEY_DAYS` more days;
- `peers`: every peer answers a signed ping (ping.py) that verifies with its pinned keys;
- `worker`: a delivery worker beat within `MIGREX_READY_WORKER_SECONDS` (heartbeat.py);
- `outbox`: no undelivered message older than `MIGREX_READY_OUTBOX_SECONDS`.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Min
from django.utils import timezone

from migrex.exchange import heartbeat, keys
from migrex.exchange.crypto import EnvelopeError
from migrex.exchange.models import OutboxMessage
from migrex.exchange.pinging import ping_all

NAMES = ("database", "keys", "peers", "worker", "outbox")
MIGRATED_FOR = 60.0  # seconds a "fully migrated" answer is reused


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    reason: str  # short, safe to show to anyone who asks /readyz
    detail: str = ""  # for the operator: names, ages, errors (`migrex doctor`)
    advice: str = ""  # what to do when it fails

    @property
    def status(self) -> str:
        return "ok" if self.ok else "fail"


def run_all(*, fresh: bool = False) -> list[Check]:
    """Every check, in order; with `fresh`, nothing reused from an earlier call (doctor)."""
    first = database(fresh=fresh)
    if not first.ok:
        return [
            first,
            *(Check(n, False, "not checked: the database is not ready") for n in NAMES[1:]),
        ]
    results = [first]
    for check in (node_keys, lambda: peers(fresh=fresh), worker, outbox):
        try:
            results.append(check())
        except DatabaseError as exc:  # the database went away between two checks
            name = NAMES[len(results)]
            results.append(Check(name, False, "the database did not answer", _first_line(exc)))
    return results


_migrated_at: list[float] = []


def database(*, fresh: bool = False) -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        pending = [] if _recently_migrated(fresh) else _unapplied()
    except DatabaseError as exc:
        return Check(
            "database",
            False,
            "unreachable",
            f"{type(exc).__name__}: {_first_line(exc)}",
            "check DATABASE_URL, that the database server runs and that this machine reaches it",
        )
    if pending:
        return Check(
            "database",
            False,
            f"{len(pending)} migration(s) not applied",
            ", ".join(pending[:3]) + (" …" if len(pending) > 3 else ""),
            "run `migrex migrate`",
        )
    _migrated_at[:] = [time.monotonic()]
    return Check("database", True, "reachable and migrated", f"{connection.vendor}, migrated")


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def _recently_migrated(fresh: bool) -> bool:
    return not fresh and bool(_migrated_at) and time.monotonic() - _migrated_at[0] < MIGRATED_FOR


def _unapplied() -> list[str]:
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _ in plan]


def node_keys() -> Check:
    now = timezone.now()
    margin = dt.timedelta(days=settings.MIGREX_READY["key_days"])
    try:
        generations = keys.node_keys()
        current = keys.signing_keys(now, generations)
    except EnvelopeError as exc:  # bad_passphrase
        return Check(
            "keys",
            False,
            "cannot be decrypted",
            exc.detail,
            "set MIGREX_KEY_PASSPHRASE (or SECRET_KEY) to the value the keys were made with",
        )
    except keys.NoValidKey:
        if not generations:
            return Check("keys", False, "missing", "no key made yet", "run `migrex keys init`")
        return Check(
            "keys",
            False,
            "none valid now",
            f"{len(generations)} generation(s), none valid at {now:%Y-%m-%d %H:%M} UTC",
            "run `migrex keys rotate`, then send the peers `migrex keys export`",
        )
    if current.not_after is None:
        return Check("keys", True, "present, no end date", f"{current.suite}, valid from "
                     f"{current.not_before:%Y-%m-%d}")  # fmt: skip
    left = current.not_after - now
    detail = f"{current.suite}, valid until {current.not_after:%Y-%m-%d %H:%M} UTC"
    if left < margin:
        return Check(
            "keys",
            False,
            f"expire in less than {margin.days} days",
            detail,
            "run `migrex keys rotate`, then send the peers `migrex keys export`",
        )
    return Check("keys", True, f"valid for {left.days} more days", detail)


# The peers' answers, shared by the threads of this process and reused for `ping_cache`
# seconds, so that /readyz asked often never pings a peer more than once in that time.
_peers_lock = threading.Lock()
_peers_cache: list = []  # [monotonic time, Check]


def peers(*, fresh: bool = False) -> Check:
    """The peers' answers; while one thread pings them, the others take the last answers
    rather than wait (a burst of /readyz holds no more than one of the server's threads)."""
    if not fresh and _reusable():
        return _peers_cache[1]
    if not _peers_lock.acquire(blocking=fresh or not _peers_cache):
        return _peers_cache[1]
    try:
        if not fresh and _reusable():
            return _peers_cache[1]
        result = _ping_peers()
        _peers_cache[:] = [time.monotonic(), result]
        return result
    finally:
        _peers_lock.release()


def _reusable() -> bool:
    held = _peers_cache[:]
    return bool(held) and time.monotonic() - held[0] < settings.MIGREX_READY["ping_cache"]


def _ping_peers() -> Check:
    try:
        signer = keys.signing_keys()
    except (keys.NoValidKey, EnvelopeError):
        return Check(
            "peers",
            False,
            "not checked: this node has no valid key",
            "",
            "make the keys first (see keys)",
        )
    answers = ping_all(signer, timeout=settings.MIGREX_READY["ping_timeout"])
    if not answers:
        return Check(
            "peers",
            False,
            "no peer configured",
            "",
            "add the other party's node: `migrex peers add <its peer file> --agreement <code>`",
        )
    failed = [a for a in answers if not a.ok]
    detail = "; ".join(a.line() for a in answers)
    if not failed:
        return Check("peers", True, f"{len(answers)} of {len(answers)} answered", detail)
    causes = ", ".join(sorted({a.cause for a in failed}))
    return Check(
        "peers",
        False,
        f"{len(failed)} of {len(answers)} not answering ({causes})",
        detail,
        " ".join(dict.fromkeys(a.advice for a in failed)),
    )


def worker() -> Check:
    limit = settings.MIGREX_READY["worker_seconds"]
    last = heartbeat.last_beat()
    if last is None:
        return Check("worker", False, "never ran", "no heartbeat", "start `migrex worker`")
    age = (timezone.now() - last).total_seconds()
    detail = f"last beat {age:.0f} s ago (limit {limit:g} s)"
    if age > limit:
        return Check(
            "worker",
            False,
            "heartbeat stale",
            detail,
            "start `migrex worker`, or read its log: it beats between rounds, and while the "
            "database is unreachable it cannot",
        )
    return Check("worker", True, "heartbeat fresh", detail)


def outbox() -> Check:
    limit = settings.MIGREX_READY["outbox_seconds"]
    waiting = OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING)
    oldest = waiting.aggregate(oldest=Min("created_at"))["oldest"]
    if oldest is None:
        return Check("outbox", True, "nothing waiting", "no undelivered message")
    age = (timezone.now() - oldest).total_seconds()
    if age <= limit:
        return Check("outbox", True, "within the limit", f"oldest undelivered {age:.0f} s old")
    stuck = waiting.filter(created_at__lt=timezone.now() - dt.timedelta(seconds=limit))
    first = stuck.order_by("created_at", "id").first()
    return Check(
        "outbox",
        False,
        "undelivered messages over the limit",
        f"{stuck.count()} message(s) older than {limit:g} s, the oldest {age:.0f} s"
        + (f"; its last error: {first.last_error[:200]}" if first and first.last_error else ""),
        "see the peers check and the outbox page (/exchange/): the peer may be down or refuse "
        "the messages",
    )
