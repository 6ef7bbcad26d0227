"""Signatories for the apps' tests (Art. 9.3, 9.4): an officer on their party's list with a
signing key sealed under the one test PASSWORD, the list recorded as sent; and a certification
authority's PKCS#12 file, made here with `cryptography`."""

from __future__ import annotations

import datetime as dt
import uuid

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from migrex.agreements import signers
from migrex.agreements.models import Agreement, Signatory, SignatoryList, SigningKey
from migrex.registers import authority_notices
from migrex.registers.models import AuthorityNotice, Direction

PASSWORD = "correct horse battery staple"  # every test officer's
# Keys are sealed as signers.enrol seals them, with a light Argon2id: speed only.
LIGHT_KDF = {"name": "argon2id", "time_cost": 1, "memory_cost": 8, "parallelism": 1}


def put_on_list(
    agreement: Agreement,
    user,
    *,
    valid_to: dt.date | None = None,
    key: bool = True,
    sent: bool = True,
) -> Signatory:
    """Add `user` to their party's current signatory list (Art. 9.3), creating it if needed;
    with a signing key sealed under PASSWORD (`key`), and the list then recorded as sent to the
    other party (`sent`, Art. 9.4), which in the tests' one database holds it already."""
    lst, _ = SignatoryList.objects.get_or_create(
        agreement=agreement,
        party=user.authority.party,
        defaults={"exchanged_on": dt.date(2021, 1, 10), "effective_from": dt.date(2021, 1, 10)},
    )
    entry = Signatory.objects.create(
        signatory_list=lst,
        full_name=f"{user.last_name} {user.first_name}".strip(),
        authority=user.authority,
        position="Заместитель министра",
        user=user,
        valid_from=dt.date(2021, 1, 10),
        valid_to=valid_to,
    )
    if key and not SigningKey.objects.filter(user=user).exists():
        signers.enrol(user, PASSWORD, kdf=LIGHT_KDF)
    if sent:
        record_sent(lst)
    return entry


def record_sent(listing: SignatoryList) -> AuthorityNotice:
    """`listing` as this node records sending it (authority_notices.send_signatory_list), with
    no message queued."""
    body = authority_notices.signatory_body(listing, sent_on=listing.exchanged_on)
    return AuthorityNotice.objects.create(
        direction=Direction.SENT,
        agreement=listing.agreement,
        party=listing.party,
        change=AuthorityNotice.Change.SIGNATORIES,
        payload={"change": "signatories", "article": "9.3", **body},
        conversation_id=uuid.uuid4(),
    )


def pkcs12_file(password: str, key=None, *, name: str = "Сидоров Сергей") -> bytes:
    """A PKCS#12 file as a national certification authority issues it: `key` (by default a new
    ECDSA P-256 key) with a certificate for `name`, signed by a CA made here."""
    key = key or ec.generate_private_key(ec.SECP256R1())
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Национальный УЦ")])
    start = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=3 * 365))
        .sign(ca_key, hashes.SHA256())
    )
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=10 * 365))
        .sign(ca_key, hashes.SHA256())
    )
    protect = serialization.BestAvailableEncryption(password.encode())
    return pkcs12.serialize_key_and_certificates(b"signatory", key, cert, [ca], protect)
