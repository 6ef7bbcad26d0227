"""TOTP (RFC 6238) against the RFC's own test vectors, and replay protection in the database."""

from __future__ import annotations

import base64

import pytest

from migrex.accounts import services, totp

# RFC 6238 Appendix B: the seeds are ASCII "12345678901234567890" repeated to the digest's size.
SEEDS = {
    "sha1": b"12345678901234567890",
    "sha256": b"12345678901234567890123456789012",
    "sha512": b"1234567890123456789012345678901234567890123456789012345678901234",
}
VECTORS = [
    (59, "94287082", "46119246", "90693936"),
    (1111111109, "07081804", "68084774", "25091201"),
    (1111111111, "14050471", "67062674", "99943326"),
    (1234567890, "89005924", "91819424", "93441116"),
    (2000000000, "69279037", "90698825", "38618901"),
    (20000000000, "65353130", "77737706", "47863826"),
]


@pytest.mark.parametrize(("unix_time", "sha1", "sha256", "sha512"), VECTORS)
def test_rfc6238_test_vectors(unix_time, sha1, sha256, sha512):
    for digest, expected in (("sha1", sha1), ("sha256", sha256), ("sha512", sha512)):
        assert totp.totp(SEEDS[digest], unix_time, digits=8, digest=digest) == expected


def test_rfc4226_hotp_vectors():
    """RFC 4226 Appendix D: the first ten 6-digit HOTP values of the same SHA-1 seed."""
    expected = [
        "755224",
        "287082",
        "359152",
        "969429",
        "338314",
        "254676",
        "287922",
        "162583",
        "399871",
        "520489",
    ]
    assert [totp.hotp(SEEDS["sha1"], c) for c in range(10)] == expected


def test_codes_within_one_step_either_side_match_and_others_do_not():
    secret = base64.b32encode(SEEDS["sha1"]).decode()
    now = 1111111111.0
    step = totp.step_at(now)
    key = totp.key_of(secret)
    for offset in (-1, 0, 1):
        assert totp.matching_step(secret, totp.hotp(key, step + offset), now) == step + offset
    for offset in (-3, -2, 2, 3):
        code = totp.hotp(key, step + offset)
        if code not in {totp.hotp(key, step + o) for o in (-1, 0, 1)}:
            assert totp.matching_step(secret, code, now) is None
    assert totp.matching_step(secret, "12345", now) is None
    assert totp.matching_step(secret, "abcdef", now) is None


def test_provisioning_uri_names_the_account_and_the_parameters():
    uri = totp.provisioning_uri("JBSWY3DPEHPK3PXP", account="kz-signatory", issuer="migrex KZ")
    assert uri.startswith("otpauth://totp/migrex%20KZ%3Akz-signatory?")
    assert "secret=JBSWY3DPEHPK3PXP" in uri and "digits=6" in uri and "period=30" in uri


def test_a_code_is_accepted_once_and_never_an_earlier_one(officers):
    device = services.enrol(officers["kz_signatory"])
    key, now = totp.key_of(device.secret), 1_800_000_000.0
    step = totp.step_at(now)
    assert services.verify_code(device, totp.hotp(key, step), at=now)
    assert not services.verify_code(device, totp.hotp(key, step), at=now)  # replayed
    assert not services.verify_code(device, totp.hotp(key, step - 1), at=now)  # earlier step
    device.refresh_from_db()
    assert device.last_step == step
    assert services.verify_code(device, totp.hotp(key, step + 1), at=now)
