"""`migrex peers add`: a peer file (docs/protocol.md §5.2) that cannot be used is refused with
one line naming every member that is missing or wrong, exit code 2 and no traceback, and
nothing changes; a `kid` is the key's RFC 7638 thumbprint or the key is refused."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from migrex.exchange import keys
from migrex.exchange.crypto import generate_node_keys, public_jwks, thumbprint
from migrex.exchange.models import Peer
from migrex.exchange.peers import FORMAT, check_peer_file
from migrex.shell.nodes import ROOT, LocalNode

AGREEMENT = "kz-by-2019"


def peer_file(**over) -> dict:
    data = {
        "format": FORMAT,
        "node_id": "BY",
        "party": "BY",
        "url": "http://127.0.0.1:9",
        "keys": public_jwks(generate_node_keys()),
    }
    data.update(over)
    return data


def write(tmp_path, data) -> str:
    path = tmp_path / "peer.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return str(path)


def refused(tmp_path, data, *more: str) -> str:
    """The one line `peers add` refuses `data` with; the stored peer is left as it was."""
    before = Peer.objects.get(node_id="BY").jwks
    with pytest.raises(CommandError) as err:
        call_command("peers", "add", write(tmp_path, data), "--agreement", AGREEMENT, *more)
    assert err.value.returncode == 2
    assert Peer.objects.get(node_id="BY").jwks == before
    message = str(err.value)
    assert "\n" not in message
    return message


def test_a_key_without_kid_is_refused_by_the_command_line_in_one_line_without_a_traceback(
    tmp_path,
):
    data = peer_file()
    signing = data["keys"]["keys"][0]
    del signing["kid"]
    node = LocalNode("KZ", tmp_path / "kz")  # a node of its own: database, agreement
    node.migrex("migrate", "--no-input", "-v", "0")
    node.migrex("agreements", "load", AGREEMENT)
    command = ["peers", "add", write(tmp_path, data), "--agreement", AGREEMENT]
    done = subprocess.run(
        [sys.executable, "-m", "migrex.cli", *command],
        env=node.env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert "keys.keys[0].kid: missing" in line
    assert thumbprint(signing) in line  # what it should have been


def test_a_stated_kid_other_than_the_thumbprint_is_refused_naming_both(agreement, tmp_path):
    data = peer_file()
    encryption = data["keys"]["keys"][1]
    computed = encryption["kid"]
    encryption["kid"] = thumbprint(data["keys"]["keys"][0])  # another key's kid
    message = refused(tmp_path, data)
    assert "keys.keys[1].kid" in message
    assert encryption["kid"] in message and computed in message


def test_every_missing_member_is_named(agreement, tmp_path):
    data = peer_file()
    del data["url"], data["node_id"]
    message = refused(tmp_path, data)
    assert "node_id: missing" in message and "url: missing" in message


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda d: d.update(format="migrex-peer/2"), "format: 'migrex-peer/2'"),
        (lambda d: d.update(extra=1), "extra: not a member of migrex-peer/1"),
        (lambda d: d.update(node_id="B Y"), "node_id: 'B Y' is not a node id"),
        (lambda d: d.update(url="ftp://by.example"), "url: 'ftp://by.example'"),
        (lambda d: d.update(keys=[]), "keys: a JWK Set"),
        (lambda d: d["keys"]["keys"].pop(1), "keys.keys: no encryption key"),
        (lambda d: d["keys"]["keys"][0].update(d="secret"), "keys.keys[0].d: a private key"),
        (lambda d: d["keys"]["keys"][0].update(use="both"), "keys.keys[0].use: 'both'"),
        (lambda d: d["keys"]["keys"][0].pop("x"), "keys.keys[0].x: missing"),
        (lambda d: d["keys"]["keys"][0].update(kty="RSA"), "keys.keys[0].e: missing"),
        (lambda d: d["keys"]["keys"][1].update(kty="oct"), "keys.keys[1].kty: 'oct'"),
        (lambda d: d["keys"]["keys"][0].update(nbf="2025"), "keys.keys[0].nbf: '2025'"),
        (lambda d: d["keys"]["keys"][0].update(alg="EdDSA"), "keys.keys[0].alg: 'EdDSA'"),
        (lambda d: d["keys"]["keys"][0].update(x="AAAA"), "keys.keys[0]: not a usable ed25519"),
        (lambda d: d["keys"]["keys"].__setitem__(0, "key"), "keys.keys[0]: a JWK object"),
    ],
)
def test_a_malformed_member_is_named_with_where_it_is(agreement, tmp_path, change, named):
    data = peer_file()
    change(data)
    assert named in refused(tmp_path, data)


def test_a_file_that_is_no_peer_file_at_all_is_refused_in_one_line(agreement, tmp_path):
    assert "not JSON" in refused(tmp_path, "{")
    assert "a JSON object is expected, not a list" in refused(tmp_path, [peer_file()])
    assert "--url: 'by.example'" in refused(tmp_path, peer_file(), "--url", "by.example")
    assert "not a party to kz-am-2024" in refused(
        tmp_path, peer_file(), "--agreement", "kz-am-2024"
    )


def test_a_good_file_is_added_and_the_fingerprints_printed_are_of_its_keys(agreement, tmp_path):
    data = peer_file(url="https://by.example/migrex")
    out = io.StringIO()
    call_command("peers", "add", write(tmp_path, data), "--agreement", AGREEMENT, stdout=out)
    peer = Peer.objects.get(node_id="BY")
    assert peer.url == "https://by.example/migrex" and peer.jwks == data["keys"]
    for key in data["keys"]["keys"]:
        assert f"  {key['use']}  {thumbprint(key)}\n" in out.getvalue()


def test_the_file_a_node_exports_is_one_a_node_adds(db):
    """What `migrex keys export` prints passes the checks `peers add` makes, during a rotation
    (two generations, the old one with its end) too."""
    keys.create_keys()
    keys.rotate()
    exported = json.loads(io_of("keys", "export"))
    assert len(exported["keys"]["keys"]) == 4
    check_peer_file(exported)


def io_of(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()
