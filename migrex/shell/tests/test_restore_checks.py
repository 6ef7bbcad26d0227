"""What `migrex restore` decides from the manifest and the node before it writes anything
(shell/restore.py): an archive of newer software or migrations, of another database vendor or
node, or with keys this node cannot open is refused; so is a node that holds any data."""

from __future__ import annotations

import io
import json

import pytest
from django.conf import settings

from migrex.accounts.models import User
from migrex.exchange.crypto import export_private, generate_node_keys
from migrex.shell import archive
from migrex.shell.archive import ArchiveError
from migrex.shell.backup import applied_migrations, data_key_check, software_version, vendor
from migrex.shell.restore import Refused, check_empty, check_manifest, occupied, read_manifest

pytestmark = pytest.mark.django_db

FAST = {"name": "argon2id", "iterations": 1, "lanes": 1, "memory_kib": 8}


@pytest.fixture
def empty_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def manifest(**over) -> dict:
    made = {
        "format": 1,
        "created": "2026-12-06T12:00:00+00:00",
        "software": {"name": "migrex", "version": software_version()},
        "node": {"id": settings.MIGREX_NODE_ID, "party": settings.MIGREX_PARTY},
        "database": {"vendor": vendor(), "path": "database/db", "size": 0, "sha256": ""},
        "migrations": applied_migrations(),
        "keys": {"node": [], "data_key_check": data_key_check()},
        "files": [],
    }
    made.update(over)
    return made


def test_an_archive_of_this_very_state_needs_no_migration():
    assert check_manifest(manifest()) == []


def test_an_archive_of_an_older_state_is_migrated_after_the_restore():
    older = applied_migrations()
    last = older["cases"].pop()
    assert ("cases", last) in check_manifest(manifest(migrations=older))


def test_an_archive_of_newer_software_is_refused():
    with pytest.raises(Refused, match=r"made by migrex 99\.1\.0, newer than this one"):
        check_manifest(manifest(software={"name": "migrex", "version": "99.1.0"}))


def test_an_archive_with_migrations_unknown_here_is_refused():
    newer = applied_migrations()
    newer["cases"].append("9999_from_the_future")
    with pytest.raises(Refused, match=r"does not know \(cases\.9999_from_the_future\)"):
        check_manifest(manifest(migrations=newer))


def test_an_archive_of_another_database_vendor_is_refused():
    other = "postgresql" if vendor() == "sqlite" else "sqlite"
    database = {"vendor": other, "path": "database/db", "size": 0, "sha256": ""}
    with pytest.raises(Refused, match=f"holds a {other} database"):
        check_manifest(manifest(database=database))


def test_an_archive_of_another_node_is_refused():
    with pytest.raises(Refused, match="set MIGREX_NODE_ID"):
        check_manifest(manifest(node={"id": "XX", "party": "XX"}))


def test_another_data_key_is_refused_before_attachments_become_unreadable():
    keys = {"node": [], "data_key_check": "0" * 64}
    with pytest.raises(Refused, match="MIGREX_DATA_KEY"):
        check_manifest(manifest(keys=keys))


def test_node_keys_that_do_not_open_with_this_passphrase_are_refused():
    generated = generate_node_keys()
    wrapped = export_private(generated, "the passphrase of another node").decode()
    keys = {"node": [{"private": wrapped}], "data_key_check": data_key_check()}
    with pytest.raises(Refused, match="MIGREX_KEY_PASSPHRASE"):
        check_manifest(manifest(keys=keys))
    ours = export_private(generated, settings.MIGREX_KEY_PASSPHRASE).decode()
    keys["node"] = [{"private": ours}]
    assert check_manifest(manifest(keys=keys)) == []


def test_a_node_only_migrated_is_empty(empty_media):
    assert occupied() == []
    check_empty()


def test_a_node_with_an_officer_is_not_empty(empty_media):
    User.objects.create_user(username="officer", password="a long password 1")
    with pytest.raises(Refused, match=r"not empty \(data in accounts_user\)"):
        check_empty()


def test_a_node_with_a_stored_file_is_not_empty(empty_media):
    (settings.MEDIA_ROOT / "cases").mkdir(parents=True)
    (settings.MEDIA_ROOT / "cases" / "0a1b").write_bytes(b"MXA1")
    with pytest.raises(Refused, match="not empty"):
        check_empty()


@pytest.mark.parametrize("path", ["media/../../etc/cron.d/x", "/etc/passwd", "config/settings.py"])
def test_a_manifest_naming_a_path_outside_the_node_is_refused(path):
    out = io.BytesIO()
    writer = archive.Writer(out, "the passphrase", FAST)
    made = manifest(files=[{"path": path, "size": 1, "sha256": "0" * 64}])
    with archive.open_tar_writer(writer) as tar:
        archive.add_bytes(tar, "manifest.json", json.dumps(made).encode())
    writer.close()
    reader = archive.Reader(io.BytesIO(out.getvalue()), "the passphrase")
    with archive.open_tar_reader(reader) as tar, pytest.raises(ArchiveError, match="not where"):
        read_manifest(tar)
