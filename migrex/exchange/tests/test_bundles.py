"""Offline packages and their reply files (docs/protocol.md §12, bundles.py). No database."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from migrex.exchange.bundles import (
    MANIFEST_TYP,
    read_package,
    read_receipts,
    write_package,
    write_receipts,
)
from migrex.exchange.crypto import EnvelopeError, generate_node_keys, public_jwks
from migrex.exchange.envelope import digest, new_envelope, open_, seal
from migrex.exchange.receipts import Receipt, sign_receipt, verify_receipt

NOW = dt.datetime(2025, 3, 3, 9, 15, tzinfo=dt.UTC)
KZ = generate_node_keys(not_before=NOW - dt.timedelta(days=1))
BY = generate_node_keys(not_before=NOW - dt.timedelta(days=1))
JWKS = {"KZ": public_jwks(KZ), "BY": public_jwks(BY)}


def sender_keys(node: str):
    return JWKS.get(node)


def envelopes(n: int = 3) -> list[bytes]:
    return [
        seal(
            new_envelope(
                agreement="kz-by-2019",
                kind="request",
                sender_node="KZ",
                sender_authority="kz-mvd",
                receiver_node="BY",
                receiver_authority="by-mvd",
                payload={"n": i},
                created=NOW,
            ),
            sender=KZ,
            receiver_public=JWKS["BY"],
        )
        for i in range(n)
    ]


def package(items: list[bytes] | None = None, **over) -> bytes:
    options = {"sender_node": "KZ", "receiver_node": "BY", "sender": KZ, "created": NOW}
    options.update(over)
    data, _ = write_package(
        envelopes() if items is None else items, receiver_public=JWKS["BY"], **options
    )
    return data


def read(data: bytes, **over):
    options = {
        "receiver": BY,
        "node_id": "BY",
        "sender_keys": sender_keys,
        "now": NOW + dt.timedelta(days=3),
    }
    options.update(over)
    return read_package(data, **options)


def test_package_round_trip_keeps_the_envelopes_and_their_order():
    items = envelopes()
    opened = read(package(items))
    assert opened.envelopes == items
    assert opened.sender_node == "KZ" and opened.receiver_node == "BY"
    assert opened.created == NOW
    # Each envelope opens on its own with the inbox's checks, given a tolerance for carrying.
    first = open_(
        opened.envelopes[0],
        receiver=BY,
        node_id="BY",
        sender_keys=sender_keys,
        now=NOW + dt.timedelta(days=3),
        max_skew=dt.timedelta(days=30),
    )
    assert first.envelope["payload"] == {"n": 0}


def test_the_file_has_one_envelope_per_line():
    data = package()
    assert data.endswith(b"\n") and data.isascii()
    assert len(data.splitlines()) >= 3 + 4  # braces, format, manifest, envelopes …


@pytest.mark.parametrize("change", ["drop", "add", "swap", "alter"])
def test_a_changed_envelope_list_refuses_the_whole_package(change):
    items = envelopes()
    data = json.loads(package(items))
    listed = data["envelopes"]
    if change == "drop":
        listed.pop(1)
    elif change == "add":
        listed.append(envelopes(1)[0].decode())
    elif change == "swap":
        listed[0], listed[1] = listed[1], listed[0]
    else:
        middle = len(listed[2]) // 2
        listed[2] = listed[2][:middle] + ("A" if listed[2][middle] != "A" else "B")
        listed[2] += data["envelopes"][2][middle + 1 :]
    with pytest.raises(EnvelopeError) as err:
        read(json.dumps(data).encode())
    assert err.value.code == "package_mismatch"


def test_a_tampered_manifest_does_not_decrypt():
    data = json.loads(package())
    parts = data["manifest"].split(".")
    parts[3] = ("B" if parts[3][5] == "A" else "A").join([parts[3][:5], parts[3][6:]])
    data["manifest"] = ".".join(parts)
    with pytest.raises(EnvelopeError) as err:
        read(json.dumps(data).encode())
    assert err.value.code == "decryption_failed"


def test_refusals_of_the_package_as_a_whole():
    data = package()
    for over, code in [
        ({"node_id": "AM"}, "wrong_receiver"),
        ({"sender_keys": lambda node: None}, "unknown_sender"),
        ({"sender_keys": lambda node: public_jwks(generate_node_keys())}, "unknown_sender"),
        ({"now": NOW + dt.timedelta(days=31)}, "clock_skew"),  # carried too long
        ({"now": NOW - dt.timedelta(minutes=6)}, "clock_skew"),  # from the future
        ({"now": NOW + dt.timedelta(days=3), "max_age": dt.timedelta(days=1)}, "clock_skew"),
        ({"receiver": generate_node_keys()}, "decryption_failed"),
    ]:
        with pytest.raises(EnvelopeError) as err:
            read(data, **over)
        assert err.value.code == code, over


def test_malformed_files():
    for data in [b"", b"[]", b"{}", json.dumps({"format": "x", "manifest": "", "envelopes": []})]:
        with pytest.raises(EnvelopeError) as err:
            read(data if isinstance(data, bytes) else data.encode())
        assert err.value.code == "malformed"


def test_a_sender_key_not_valid_at_the_package_time():
    expired = generate_node_keys(not_before=NOW - dt.timedelta(days=9))
    data, _ = write_package(
        [], sender_node="KZ", receiver_node="BY", sender=expired, receiver_public=JWKS["BY"],
        created=NOW,
    )  # fmt: skip
    jwks = public_jwks(expired)
    for jwk in jwks["keys"]:
        jwk["exp"] = int((NOW - dt.timedelta(days=1)).timestamp())
    with pytest.raises(EnvelopeError) as err:
        read(data, sender_keys=lambda node: jwks)
    assert err.value.code == "key_not_valid"


def test_the_manifest_is_not_taken_for_an_envelope():
    data = json.loads(package())
    with pytest.raises(EnvelopeError) as err:
        open_(data["manifest"], receiver=BY, node_id="BY", sender_keys=sender_keys, now=NOW)
    assert err.value.code == "malformed"
    # Nor is an envelope taken for a manifest: the JWS typ tells them apart.
    data["manifest"] = envelopes(1)[0].decode()
    data["envelopes"] = []
    with pytest.raises(EnvelopeError) as err:
        read(json.dumps(data).encode())
    assert err.value.code == "malformed" and MANIFEST_TYP in err.value.detail


def test_replies_round_trip_and_verify_as_http_replies():
    items = envelopes(2)
    opened = read(package(items))
    later = NOW + dt.timedelta(days=3)
    ids = [
        open_(e, receiver=BY, node_id="BY", sender_keys=sender_keys, now=later,
              max_skew=dt.timedelta(days=30)).envelope["message_id"]
        for e in opened.envelopes
    ]  # fmt: skip
    replies = [
        sign_receipt(signer=BY, message_id=mid, digest=digest(e), received_at=later)
        for mid, e in zip(ids, opened.envelopes, strict=True)
    ]
    data = write_receipts(
        replies, package=opened, node_id="BY", sender=BY, receiver_public=JWKS["KZ"], created=later
    )
    back = read_receipts(
        data, receiver=KZ, node_id="KZ", sender_keys=sender_keys, now=NOW + dt.timedelta(days=90)
    )
    assert back.package_id == opened.package_id and back.package_digest == opened.digest
    assert back.sender_node == "BY"
    for token, mid, sent in zip(back.replies, ids, items, strict=True):
        receipt = verify_receipt(token, peer_keys=JWKS["BY"], message_id=mid, digest=digest(sent))
        assert isinstance(receipt, Receipt) and receipt.status == "accepted"
    with pytest.raises(EnvelopeError) as err:
        read_receipts(data, receiver=KZ, node_id="AM", sender_keys=sender_keys, now=later)
    assert err.value.code == "wrong_receiver"
    with pytest.raises(EnvelopeError) as err:  # a reply file is not a package, nor the reverse
        read(data)
    assert err.value.code == "malformed"
    with pytest.raises(ValueError, match="one reply per envelope"):
        write_receipts(replies[:1], package=opened, node_id="BY", sender=BY, receiver_public={})
