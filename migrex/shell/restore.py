"""`migrex restore FILE`: a node brought back from its archive (shell/backup.py).

Nothing of the node is touched until the whole archive has been read and found sound. In order:

1. the passphrase (the header's check), then the manifest, the first member;
2. refusals on the manifest alone: an archive of a newer format, software or migration state
   (this code could not run its database), of another database vendor or another node, or keys
   this node cannot open (its MIGREX_KEY_PASSPHRASE or MIGREX_DATA_KEY differ from the backed-up
   node's);
3. refusal of a node that is not empty: any row in a table that `migrate` does not fill by
   itself, or any stored file;
4. every member written to a private staging directory beside the data and checked against the
   manifest's size and SHA-256, and the archive read to its last frame (whose tag vouches that
   nothing was cut, moved or added); a member the manifest does not list, or one it lists that
   is missing, refuses the archive;
5. only then: the database put in place (the SQLite file replaced; `pg_restore` into the emptied
   PostgreSQL database, in one transaction), the files moved under MEDIA_ROOT, and `migrate` run
   if this code has migrations the archive's database had not applied yet.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import shutil
import time
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections
from django.db.migrations.loader import MigrationLoader

from migrex.audit.actions import Action
from migrex.audit.services import record
from migrex.exchange.crypto import EnvelopeError, import_private
from migrex.shell import archive
from migrex.shell.archive import ArchiveError
from migrex.shell.backup import (
    MANIFEST,
    Hashing,
    data_key_check,
    pg_run,
    pg_tool,
    software_version,
    staging_dir,
    vendor,
)

# Tables that hold none of a node's data, so that rows there do not make it "not empty": what
# `migrate` fills by itself, and the heartbeat of a worker that was started before the restore.
MIGRATE_ONLY = {
    "exchange_workerbeat",
    "django_migrations",
    "django_content_type",
    "auth_permission",
    "auth_group",
    "auth_group_permissions",
    "core_generation",
    "sqlite_sequence",
}


class Refused(ArchiveError):
    """The archive is sound but cannot be restored here; the message says why."""


# --- what the manifest alone decides ---------------------------------------------------------


def _release(version: str) -> tuple[int, ...]:
    """The release numbers of a version ("0.2.0rc1" → (0, 2, 0)), for comparing."""
    head = re.match(r"[0-9]+(?:\.[0-9]+)*", version)
    return tuple(int(n) for n in head.group().split(".")) if head else (0,)


def check_manifest(manifest: dict) -> list[tuple[str, str]]:
    """Refuse what this node cannot take; the migrations this code has and the archive lacks."""
    made_by = manifest["software"]["version"]
    if _release(made_by) > _release(software_version()):
        raise Refused(
            f"the archive was made by migrex {made_by}, newer than this one "
            f"({software_version()}): restore it with migrex {made_by} or later"
        )
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    applied = {(app, name) for app, names in manifest["migrations"].items() for name in names}
    unknown = sorted(applied - known)
    if unknown:
        named = ", ".join(f"{app}.{name}" for app, name in unknown[:3])
        raise Refused(
            f"the archive's database has migrations this migrex does not know ({named}"
            f"{', …' if len(unknown) > 3 else ''}): restore it with the version that made it "
            f"({made_by}) or later"
        )
    if manifest["database"]["vendor"] != vendor():
        raise Refused(
            f"the archive holds a {manifest['database']['vendor']} database and this node uses "
            f"{vendor()}: restore it on a node configured with the same kind of database "
            "(DATABASE_URL)"
        )
    if manifest["node"]["id"] != settings.MIGREX_NODE_ID:
        raise Refused(
            f"the archive is of node {manifest['node']['id']} and this node is "
            f"{settings.MIGREX_NODE_ID}: set MIGREX_NODE_ID and MIGREX_PARTY as on that node"
        )
    check_keys(manifest["keys"])
    return sorted(known - applied)


def check_keys(keys: dict) -> None:
    if not hmac.compare_digest(keys["data_key_check"], data_key_check()):
        raise Refused(
            "this node's data key is not the backed-up node's, so its attachments would not "
            "open: set MIGREX_DATA_KEY (or, if it was unset, MIGREX_KEY_PASSPHRASE or "
            "SECRET_KEY) as on that node"
        )
    if keys["node"]:
        try:
            import_private(keys["node"][0]["private"], settings.MIGREX_KEY_PASSPHRASE)
        except EnvelopeError:
            raise Refused(
                "the node's keys in the archive do not open with this node's key passphrase: "
                "set MIGREX_KEY_PASSPHRASE (or SECRET_KEY, if it was unset) as on that node"
            ) from None


def occupied() -> list[str]:
    """What makes this node not empty: the tables holding rows, and the stored files."""
    found = []
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            if table in MIGRATE_ONLY:
                continue
            cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")  # noqa: S608
            if cursor.fetchone():
                found.append(table)
    media = Path(settings.MEDIA_ROOT)
    if media.is_dir() and any(p.is_file() for p in media.rglob("*")):
        found.append(f"files in {media}")
    return found


def check_empty() -> None:
    found = occupied()
    if found:
        named = ", ".join(found[:4]) + (", …" if len(found) > 4 else "")
        raise Refused(
            f"this node is not empty (data in {named}): restore only into a new node, with an "
            "empty database and an empty MEDIA_ROOT"
        )


# --- reading the archive ---------------------------------------------------------------------


def _safe(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and name == path.as_posix()


def read_manifest(tar) -> dict:
    first = tar.next()
    if first is None or first.name != MANIFEST:
        raise ArchiveError("the archive has no manifest first: it was not made by migrex backup")
    raw = bytearray()
    archive.copy_member(tar, first, raw.extend)
    try:
        manifest = json.loads(bytes(raw))
        places = [("database/", manifest["database"])] + [("media/", f) for f in manifest["files"]]
        if not all(_safe(m["path"]) and m["path"].startswith(p) for p, m in places):
            raise ValueError("a member's path is not where backup puts it")
    except (ValueError, KeyError, TypeError) as exc:
        raise ArchiveError(f"the archive's manifest is unusable ({exc})") from None
    if manifest.get("format") != archive.FORMAT:
        raise Refused(f"the archive's manifest is of format {manifest.get('format')}")
    return manifest


def _write(tar, member, path: Path) -> tuple[int, str]:
    sha, sizes = hashlib.sha256(), []
    with open(path, "wb") as out:
        os.chmod(path, 0o600)

        def sink(block: bytes) -> None:
            sha.update(block)
            sizes.append(len(block))
            out.write(block)

        archive.copy_member(tar, member, sink)
    return sum(sizes), sha.hexdigest()


def stage(tar, manifest: dict, staging: Path) -> None:
    """Every member into `staging`, each checked against the manifest."""
    expected = {m["path"]: m for m in [manifest["database"], *manifest["files"]]}
    seen = set()
    while (member := tar.next()) is not None:
        listed = expected.get(member.name)
        if listed is None or member.name in seen:
            raise ArchiveError(f"the archive holds {member.name}, which its manifest does not list")
        seen.add(member.name)
        path = staging / member.name
        path.parent.mkdir(parents=True, exist_ok=True)
        size, sha = _write(tar, member, path)
        if (size, sha) != (listed["size"], listed["sha256"]):
            raise ArchiveError(f"{member.name} in the archive does not match its SHA-256")
    missing = sorted(set(expected) - seen)
    if missing:
        raise ArchiveError(f"the archive lacks {missing[0]}, which its manifest lists")


# --- writing the node ------------------------------------------------------------------------


def load_database(staged: Path) -> None:
    connections.close_all()
    if vendor() == "sqlite":
        name = Path(settings.DATABASES["default"]["NAME"])
        for suffix in ("-wal", "-shm", "-journal"):
            Path(f"{name}{suffix}").unlink(missing_ok=True)
        shutil.move(staged, name)  # a rename on the same disk
        return
    with connection.cursor() as cursor:  # empty (checked): the tables `migrate` made go
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(table)} CASCADE")
    connections.close_all()
    pg_run(
        [pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error",
         "--single-transaction", "--clean", "--if-exists",
         "--dbname", settings.DATABASES["default"]["NAME"], str(staged)],
        "pg_restore",
    )  # fmt: skip


def place_files(staging: Path, manifest: dict) -> None:
    media = Path(settings.MEDIA_ROOT)
    for item in manifest["files"]:
        target = media / PurePosixPath(item["path"]).relative_to("media")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(staging / item["path"], target)


def restore(source: Path, passphrase: str) -> dict:
    started = time.monotonic()
    with open(source, "rb") as f:
        hashed = Hashing(f)
        reader = archive.Reader(hashed, passphrase)
        with archive.open_tar_reader(reader) as tar:
            manifest = read_manifest(tar)
            pending = check_manifest(manifest)
            check_empty()
            with staging_dir("restore") as staging:
                stage(tar, manifest, staging)
                reader.finish()
                load_database(staging / manifest["database"]["path"])
                place_files(staging, manifest)
    if pending:
        call_command("migrate", interactive=False, verbosity=0)
    record(
        Action.NODE_RESTORED,
        subject=Path(source).name,
        detail={
            "sha256": hashed.sha256.hexdigest(),
            "made": manifest["created"],
            "made_by": manifest["software"]["version"],
            "restored_by": software_version(),
            "migrated": [f"{app}.{name}" for app, name in pending],
        },
    )
    return {
        "node": manifest["node"]["id"],
        "created": manifest["created"],
        "software": manifest["software"]["version"],
        "vendor": manifest["database"]["vendor"],
        "files": len(manifest["files"]),
        "migrated": len(pending),
        "seconds": round(time.monotonic() - started, 2),
    }
