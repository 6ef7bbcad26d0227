"""What the exchange's tests share: envelopes sealed and opened between a Kazakh and a Belarusian
node's keys in memory (no database), and a pair of real node processes (KZ and BY under
kz-by-2019), each with its own database, keys, web server and delivery worker, with the calls
that drive them over HTTP and the command line.

A module asking for `pair` gets one pair of nodes for all its tests (setting a node up takes
seconds); `running` starts whatever of the pair is not running."""

from __future__ import annotations

import datetime as dt
import json
import sys
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from migrex.exchange.crypto import (
    EnvelopeError,
    b64d,
    b64e,
    generate_node_keys,
    get_suite,
    public_jwks,
)
from migrex.exchange.envelope import digest, new_envelope, open_, seal
from migrex.exchange.receipts import (
    load_public,
    verify_receipt,
)
from migrex.shell.nodes import ROOT, Api, LocalNode
from migrex.shell.scenario import PERSON

NOW = dt.datetime(2025, 3, 3, 9, 15, tzinfo=dt.UTC)
SUITES = ["ed25519", "p256"]
B64URL = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


@pytest.fixture(scope="module", params=SUITES)
def nodes(request):
    """KZ sends, BY receives, in one suite."""
    return request.param, generate_node_keys(request.param), generate_node_keys(request.param)


def envelope(**over):
    fields = {
        "agreement": "kz-by-2019",
        "kind": "request",
        "sender_node": "KZ",
        "sender_authority": "kz-mvd",
        "receiver_node": "BY",
        "receiver_authority": "by-mvd",
        "created": NOW,
        "payload": {"summary": "Запрос сведений", "persons": [{"surname": {"ru": "Иванов"}}]},
    }
    fields.update(over)
    return new_envelope(**fields)


def open_at(data, kz, by, *, now=NOW, node_id="BY", **kw):
    peers = {"KZ": public_jwks(kz)}
    return open_(data, receiver=by, node_id=node_id, sender_keys=peers.__getitem__, now=now, **kw)


def refused(code, fn, *args, **kw):
    with pytest.raises(EnvelopeError) as err:
        fn(*args, **kw)
    assert err.value.code == code, err.value
    return err.value


def rewrite_header(data: bytes, **changes) -> bytes:
    head, rest = data.split(b".", 1)
    header = json.loads(b64d(head))
    header.update(changes)
    return b64e(json.dumps(header).encode()).encode() + b"." + rest


def seal_fresh(env):
    return seal(env, sender=generate_node_keys(), receiver_public=public_jwks(generate_node_keys()))


def sign_raw(suite_name, payload: bytes, signer, *, kid=None, typ="migrex-envelope+jws") -> str:
    """A JWS built by hand, to get past the checks ``seal`` makes on the sender's side."""
    suite = get_suite(suite_name)
    header = {"alg": suite.jws_alg, "kid": kid or signer.signing_kid, "typ": typ}
    return suite.sign(header, payload, signer.signing_key)


def encrypt_raw(plaintext: str | bytes, receiver, suite_name="ed25519") -> bytes:
    """A JWE of ``plaintext`` to ``receiver``, built by hand."""
    suite = get_suite(suite_name)
    header = {"alg": suite.jwe_alg, "enc": suite.jwe_enc, "kid": receiver.encryption_kid}
    header["migrex-suite"] = suite_name
    _, key = load_public(receiver.public()[1], suite)
    raw = plaintext.encode() if isinstance(plaintext, str) else plaintext
    return suite.encrypt(header, raw, key).encode()


USERS = {"KZ": ["kz-operator", "kz-signatory"], "BY": ["by-operator", "by-signatory"]}


# --- running things on the nodes ------------------------------------------------------------------


def parallel(*calls):
    """Run independent calls (each mostly waiting for a node's subprocess) side by side."""
    with ThreadPoolExecutor(len(calls)) as pool:
        return [f.result() for f in [pool.submit(c) for c in calls]]


def script(node: LocalNode, code: str, data: Any = None) -> Any:
    return node.python(code, data)


def post(
    node: LocalNode, body: bytes, path: str = "/exchange/inbox", kind: str = "application/jose"
) -> tuple[int, bytes]:
    request = urllib.request.Request(  # noqa: S310 - our own node's http URL
        node.url + path, data=body, method="POST", headers={"Content-Type": kind}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def audit(node: LocalNode, n: int = 500) -> list[dict]:
    """The node's last `n` audit entries, through `migrex audit tail --json`."""
    out = node.migrex("audit", "tail", "--json", str(n))
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def published_keys(node: LocalNode) -> dict:
    """The JWK Set in the peer file `node` handed out (what the other side trusts)."""
    return json.loads((node.data_dir / "peer.json").read_text())["keys"]


def reply_to(node: LocalNode, sent: bytes, body: bytes, message_id: str | None):
    """The verified receipt or refusal `node` answered to the bytes `sent`."""
    return verify_receipt(
        body, peer_keys=published_keys(node), message_id=message_id or "", digest=digest(sent)
    )


def case_count(api: Api) -> int:
    return api.ok("GET", "/cases?limit=1")["count"]


# A node set up in one process (what LocalNode.prepare does in four, less the static files,
# which no test here needs): its database, the agreements, its keys and demo officers; the keys
# as if made a day ago at set-up (so that an envelope "created ten minutes ago" is inside their
# validity, as on any node in service); API tokens for the officers the tests act as; its peer
# file for the other node.
SET_UP = """
import datetime as dt
from io import StringIO
from django.conf import settings
from django.core.management import call_command
from migrex.accounts import tokens
from migrex.accounts.models import User
from migrex.exchange.crypto import NodeKeys, export_private, public_jwks
from migrex.exchange.keys import _decrypt
from migrex.exchange.models import NodeKey
from migrex.exchange.peers import own_peer_file

call_command("migrate", "--no-input", verbosity=0, stdout=StringIO())
call_command("demo_setup", stdout=StringIO())
for row in NodeKey.objects.all():
    k = _decrypt(bytes(row.private))
    k = NodeKeys(k.suite, k.signing, k.encryption, k.not_before - dt.timedelta(days=1))
    row.not_before = k.not_before
    row.private = export_private(k, settings.MIGREX_KEY_PASSPHRASE)
    row.public_jwks = public_jwks(k)
    row.save()
issued = {u: tokens.issue(user=User.objects.get(username=u))[1] for u in DATA}
print(json.dumps({"peer": own_peer_file(), "tokens": issued}))
"""


def set_up(node: LocalNode) -> None:
    done = script(node, SET_UP, USERS[node.party])
    (node.data_dir / "peer.json").write_text(json.dumps(done["peer"], indent=2))
    logins = (node.data_dir / "demo-logins.txt").read_text().splitlines()
    node.logins = dict(line.split(" ", 1) for line in logins)
    node.tokens.update(done["tokens"])


@pytest.fixture(scope="module")
def pair(tmp_path_factory, node_databases):
    base = tmp_path_factory.mktemp("nodes")
    kz = LocalNode("KZ", base / "kz", time_zone="Asia/Almaty", database_url=node_databases[0])
    by = LocalNode("BY", base / "by", time_zone="Europe/Minsk", database_url=node_databases[1])
    try:
        parallel(lambda: set_up(kz), lambda: set_up(by))
        parallel(lambda: kz.trust(by), lambda: by.trust(kz))
        exchange_lists(kz, by)
        yield kz, by
    finally:
        kz.stop()
        by.stop()
        for node in (kz, by):  # what the processes said, should a test have failed
            log = node.data_dir / "node.log"
            if log.exists():
                sys.stderr.write(f"--- {node.party} node.log (tail) ---\n")
                sys.stderr.write(log.read_text(errors="replace")[-4000:])


def exchange_lists(kz: LocalNode, by: LocalNode) -> None:
    """Each node's list of signatories sent to the other and delivered (Art. 9.4), so that the
    requests its signatory signs are checked against it there (Art. 9.3)."""
    parallel(*(lambda n=n: n.migrex("demo_setup", "--send-lists") for n in (kz, by)))
    parallel(*(lambda n=n: n.start(worker=False) for n in (kz, by)))  # each delivers once, here
    try:
        parallel(*(lambda n=n: n.migrex("worker", "--once", "--idle", "0") for n in (kz, by)))
    finally:
        parallel(kz.stop, by.stop)


@pytest.fixture
def running(pair):
    kz, by = pair
    parallel(kz.start, by.start)
    return kz, by


# Seals envelopes on KZ, with KZ's keys and BY's published keys, as KZ's worker would; each spec
# says what to seal. signer: "current" (the generation valid at `created`), "fresh" (new keys BY
# never saw), "forged" (new keys under the kid of KZ's real key), "old" (the generation being
# rotated out, its validity ignored so that it can sign after the overlap too). A request's
# payload that fits its schema is signed by KZ's demo signatory first (Art. 9.3).
SEAL_ALL = """
import datetime as dt
from pydantic import ValidationError
from migrex.shell import demo_signatory
from migrex.exchange import keys
from migrex.exchange.crypto import NodeKeys, generate_node_keys
from migrex.exchange.envelope import new_envelope, seal
from migrex.exchange.models import Peer
from migrex.exchange.receipts import format_time

def seal_all(specs):
    peer = Peer.objects.get(node_id="BY")
    gens = keys.node_keys()
    out, made = [], []
    sign = demo_signatory.signer("kz-signatory")
    for spec in specs:
        if spec.get("kind") in ("request", "spontaneous"):
            try:
                spec = dict(spec, payload=sign(spec["payload"]))
            except ValidationError:
                pass
        created = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=spec.get("created_offset", 0))
        if "reseal_of" in spec:  # the same message sealed again, as a retry would
            envelope = dict(made[spec["reseal_of"]], created=format_time(created))
        else:
            envelope = new_envelope(
                agreement="kz-by-2019", kind=spec["kind"], sender_node="KZ",
                sender_authority="kz-mvd", receiver_node="BY", receiver_authority="by-mvd",
                payload=spec["payload"], created=created,
                conversation_id=spec.get("conversation_id") or (
                    made[spec["reseal_conversation_of"]]["conversation_id"]
                    if "reseal_conversation_of" in spec else None),
            )
        made.append(envelope)
        when = dt.datetime.fromisoformat(envelope["created"])
        signer = spec.get("signer", "current")
        if signer == "current":
            keys_ = next(k for k in gens if k.valid_at(when))
        elif signer == "old":
            old = next(k for k in gens if k.not_after is not None)
            keys_ = NodeKeys(old.suite, old.signing, old.encryption)
        else:
            keys_ = generate_node_keys()
            if signer == "forged":
                keys_.__dict__["signing_kid"] = keys.signing_keys().signing_kid
        sealed = seal(envelope, sender=keys_, receiver_public=peer.jwks).decode()
        out.append({"sealed": sealed, "message_id": envelope["message_id"],
                    "conversation_id": envelope["conversation_id"], "kid": keys_.signing_kid})
    return out
"""
SEAL = SEAL_ALL + "print(json.dumps(seal_all(DATA)))"


def request_payload(**overrides) -> dict:
    """What KZ's case services put in a request (cases/messages.py)."""
    body = {
        "number": "KZ-MVD-2026-009999",
        "kind": "request",
        "requesting_authority": "kz-mvd",
        "requested_authority": "by-mvd",
        "summary": "Сведения о временном пребывании",
        "purpose": "Проверка законности пребывания",
        "justification": "Материалы проверки № 17/2026",
        "other_information": "",
        "topics": ["citizens_in_other_state"],
        "confidential": True,
        "persons": [PERSON],
        "attachments": [],
        "signatory": {
            "name": "Подписант KZ",
            "position": "Подписант",
            "signed_at": "2026-03-01T09:00:00Z",
        },
    }
    body.update(overrides)
    return body


def tamper(sealed: bytes) -> bytes:
    """One character of the JWE ciphertext changed (still canonical base64url)."""
    parts = sealed.split(b".")
    middle = len(parts[3]) // 2
    flipped = b"B" if parts[3][middle : middle + 1] == b"A" else b"A"
    parts[3] = parts[3][:middle] + flipped + parts[3][middle + 1 :]
    return b".".join(parts)


def terminated_profile(tmp: Path) -> Path:
    """kz-by-2019 as a new profile version recording a termination notice received on
    15 January 2024: terminated since 16 July 2024 (Art. 17), so not in force today."""
    shipped = ROOT / "migrex" / "agreements" / "profiles" / "kz-by-2019.yaml"
    text = shipped.read_text(encoding="utf-8")
    notice = (
        "  - kind: termination-notice\n    party: KZ\n    date: 2024-01-15\n"
        '    article: "17"\n\nrules:\n'
    )
    assert text.count("\nrules:\n") == 1
    path = tmp / "kz-by-2019-terminated.yaml"
    path.write_text(text.replace("\nrules:\n", "\n" + notice), encoding="utf-8")
    return path
