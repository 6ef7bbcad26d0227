"""`migrex backup FILE`: the whole node in one encrypted archive (shell/archive.py), made while it
runs.

The archive holds, after its manifest:

- the database, as one consistent snapshot: SQLite's online backup API (one step, under a read
  transaction, which in WAL mode blocks no writer), or `pg_dump` in its custom format (one
  REPEATABLE READ snapshot) for PostgreSQL;
- the stored files (MEDIA_ROOT: attachments sealed by the vault, dataset bodies waiting in the
  outbox), each as it is on disk, i.e. still encrypted under its item key;
- the wrapped keys: the node's key pairs as stored (encrypted with MIGREX_KEY_PASSPHRASE, also
  inside the database) and a check value of the data key (MIGREX_DATA_KEY), so that a restore
  can tell, before it writes anything, whether the node it restores into can open them.

Neither the passphrase of the keys nor the data key is in the archive: they stay in the node's
environment (or its secret store), as they do for the running node. An archive alone, with its
own passphrase, does not give away the node's private keys or its attachments.

The manifest names the format, the software version, the migrations applied per app, the
database vendor, and every member with its size and SHA-256. The database is snapshotted before
the files are listed: a file written for a row of the snapshot is there already. A file removed
between the two (an item destroyed, a dataset body delivered) is missing from the archive, and
restores as its row without its file (destroyed, or to be sent again from its case).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import importlib.metadata
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from migrex.audit.actions import Action
from migrex.audit.services import record
from migrex.core import vault
from migrex.exchange.models import NodeKey
from migrex.shell import archive
from migrex.shell.archive import ArchiveError

MANIFEST = "manifest.json"
CHECK_INFO = b"migrex backup: data key check"


def software_version() -> str:
    try:
        return importlib.metadata.version("migrex")
    except importlib.metadata.PackageNotFoundError:
        return "0"


def vendor() -> str:
    return connection.vendor  # "sqlite" or "postgresql"


def data_key_check() -> str:
    """A value that tells whether two nodes have the same data key, and nothing about it."""
    return hmac.new(vault.master(), CHECK_INFO, hashlib.sha256).hexdigest()


def applied_migrations() -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


@contextlib.contextmanager
def staging_dir(purpose: str) -> Iterator[Path]:
    """A private directory beside the data (same disk, same protection), removed afterwards."""
    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix=f".{purpose}-", dir=settings.DATA_DIR))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


# --- PostgreSQL tools ------------------------------------------------------------------------


def pg_tool(name: str) -> str:
    """The server's own pg_dump or pg_restore: on PATH, else the newest under
    /usr/lib/postgresql (where Debian puts them)."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if not candidates:
        raise ArchiveError(
            f"{name} is not installed: install the PostgreSQL client of the server's version "
            "(Debian: postgresql-client)"
        )
    return str(candidates[-1])


def pg_env() -> dict[str, str]:
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    for var, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        if db.get(key):
            env[var] = str(db[key])
    if db.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = db["OPTIONS"]["sslmode"]
    return env


def pg_run(args: list[str], what: str) -> None:
    done = subprocess.run(args, env=pg_env(), capture_output=True, text=True)
    if done.returncode:
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        raise ArchiveError(f"{what} failed: {lines[-1] if lines else done.returncode}")


# --- the snapshot and the files --------------------------------------------------------------


def snapshot(staging: Path) -> tuple[Path, str]:
    """The database as of one moment, in a file: (its path, its member name in the archive)."""
    if vendor() == "sqlite":
        target = staging / "migrex.sqlite3"
        source = sqlite3.connect(settings.DATABASES["default"]["NAME"], timeout=60)
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)  # all pages in one step: one consistent read transaction
        finally:
            copy.close()
            source.close()
        return target, "database/migrex.sqlite3"
    if vendor() == "postgresql":
        target = staging / "migrex.pgdump"
        pg_run(
            [pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
             "--file", str(target)],
            "pg_dump",
        )  # fmt: skip
        return target, "database/migrex.pgdump"
    raise ArchiveError(f"migrex backs up SQLite and PostgreSQL, not {vendor()}")


def stored_files() -> list[tuple[str, Path]]:
    """(archive name, path) of every file under MEDIA_ROOT, in a stable order."""
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return []
    found = [p for p in root.rglob("*") if p.is_file() and not p.is_symlink()]
    return [("media/" + p.relative_to(root).as_posix(), p) for p in sorted(found)]


def digest(path: Path) -> tuple[int, str]:
    sha, size = hashlib.sha256(), 0
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            sha.update(block)
            size += len(block)
    return size, sha.hexdigest()


def wrapped_keys() -> list[dict]:
    return [
        {
            "suite": row.suite,
            "signing_kid": row.signing_kid,
            "not_before": row.not_before.isoformat(),
            "not_after": row.not_after.isoformat() if row.not_after else None,
            "private": bytes(row.private).decode("ascii"),
        }
        for row in NodeKey.objects.order_by("-not_before")
    ]


# --- the archive -----------------------------------------------------------------------------


def backup(target: Path, passphrase: str) -> dict:
    """Write the node's archive to `target` (through a temporary file beside it, so that a
    failed backup leaves no half archive under the name); a summary of what it holds."""
    started = time.monotonic()
    target = Path(target)
    with staging_dir("backup") as staging:
        database, member = snapshot(staging)
        size, sha = digest(database)
        files = []
        for name, path in stored_files():
            try:
                fsize, fsha = digest(path)
            except FileNotFoundError:  # removed since the listing (see the module's docstring)
                continue
            files.append({"path": name, "size": fsize, "sha256": fsha, "source": path})
        manifest = {
            "format": archive.FORMAT,
            "created": timezone.now().isoformat(),
            "software": {"name": "migrex", "version": software_version()},
            "node": {"id": settings.MIGREX_NODE_ID, "party": settings.MIGREX_PARTY},
            "database": {"vendor": vendor(), "path": member, "size": size, "sha256": sha},
            "migrations": applied_migrations(),
            "keys": {"node": wrapped_keys(), "data_key_check": data_key_check()},
            "files": [{k: f[k] for k in ("path", "size", "sha256")} for f in files],
        }
        partial = target.with_name(f".{target.name}.partial")
        try:
            with open(partial, "wb") as out:
                os.chmod(partial, 0o600)
                hashed = Hashing(out)
                writer = archive.Writer(hashed, passphrase)
                with archive.open_tar_writer(writer) as tar:
                    archive.add_bytes(tar, MANIFEST, _json(manifest))
                    archive.add_file(tar, member, database, size)
                    for f in files:
                        archive.add_file(tar, f["path"], f["source"], f["size"])
                writer.close()
                out.flush()
                os.fsync(out.fileno())
            os.replace(partial, target)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    # After the snapshot, so not in the archive it describes: which archive, when, how big.
    record(
        Action.NODE_BACKED_UP,
        subject=target.name,
        detail={
            "sha256": hashed.sha256.hexdigest(),
            "bytes": hashed.size,
            "database": manifest["database"]["vendor"],
            "files": len(files),
        },
    )
    return {
        "path": str(target),
        "bytes": target.stat().st_size,
        "database_bytes": size,
        "files": len(files),
        "files_bytes": sum(f["size"] for f in files),
        "vendor": manifest["database"]["vendor"],
        "seconds": round(time.monotonic() - started, 2),
    }


class Hashing:
    """A file's bytes hashed on their way through (for reading or for writing)."""

    def __init__(self, file):
        self.file, self.sha256, self.size = file, hashlib.sha256(), 0

    def write(self, data: bytes) -> int:
        self.sha256.update(data)
        self.size += len(data)
        return self.file.write(data)

    def read(self, n: int = -1) -> bytes:
        data = self.file.read(n)
        self.sha256.update(data)
        self.size += len(data)
        return data


def _json(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True).encode()
