"""Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP), without Django.

Written on the standard library: the algorithm is a dozen lines, and owning it lets the caller
learn which time step matched, which is what replay protection needs (a code is accepted once,
and never a code of an earlier step than the last one accepted).

Why not django-otp (its TOTPDevice, checked against its code and tracker):
- Its replay protection is not atomic across processes: verify_token compares with `last_t` of
  the device as loaded and then save()s the whole row, so two processes given the same code at
  once both accept it. accounts.services.verify_code claims the step with one conditional UPDATE
  instead (exactly one wins); with django-otp every caller would need a transaction and
  select_for_update around it. Its maintainers leave such locking to the caller
  (django-otp/django-otp#85, on the same read-modify-write in its throttle counter).
- Its throttling (ThrottlingMixin: a growing delay per device, counted after the check, by the
  same read-modify-write) would be a second lockout beside accounts.lockout, where the failures
  of every proof of identity count once, before the check, per username and per address; it
  would have to be switched off (OTP_TOTP_THROTTLE_FACTOR = 0).
- verify_token takes int(token): «١٢٣٤٥٦» (Arabic-Indic digits) would pass as 123456, which
  `normalise` refuses; and its hex keys would need a data migration of every enrolled device.
What it would replace is this module's algorithm (RFC vectors in tests/test_totp.py) and one
model; enrolment, the QR code and the login's code step would stay ours.
"""

from __future__ import annotations

import base64
import hmac
import secrets
import struct
import unicodedata
import urllib.parse

STEP = 30  # seconds (RFC 6238 default)
DIGITS = 6
DRIFT = 1  # steps either side accepted: a clock off by up to 30 s, or a code typed at the edge


def new_secret() -> str:
    """A random 160-bit key (RFC 4226 recommends at least 128, 160 for SHA-1), base32."""
    return base64.b32encode(secrets.token_bytes(20)).decode("ascii")


def key_of(secret: str) -> bytes:
    cleaned = secret.replace(" ", "").upper()
    return base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))


def hotp(key: bytes, counter: int, *, digits: int = DIGITS, digest: str = "sha1") -> str:
    mac = hmac.new(key, struct.pack(">Q", counter), digest).digest()
    offset = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)


def step_at(unix_time: float, *, step: int = STEP) -> int:
    return int(unix_time // step)


def totp(
    key: bytes, unix_time: float, *, step: int = STEP, digits: int = DIGITS, digest: str = "sha1"
) -> str:
    return hotp(key, step_at(unix_time, step=step), digits=digits, digest=digest)


def normalise(code: str | None) -> str | None:
    """The code as ASCII digits, or None if it is not DIGITS of them.

    NFKC first: full-width digits (an East Asian keyboard) become ASCII ones; other scripts'
    digits (Arabic-Indic «١٢٣») stay what they are and are refused, since `str.isdigit` would
    take them and `hmac.compare_digest` cannot compare non-ASCII text.
    """
    code = unicodedata.normalize("NFKC", code or "").strip().replace(" ", "")
    if len(code) != DIGITS or not all("0" <= c <= "9" for c in code):
        return None
    return code


def matching_step(secret: str, code: str, unix_time: float, *, drift: int = DRIFT) -> int | None:
    """The time step whose code `code` is (within ±drift steps of `unix_time`), or None."""
    code = normalise(code)
    if code is None:
        return None
    key = key_of(secret)
    now = step_at(unix_time)
    for candidate in range(now - drift, now + drift + 1):
        if hmac.compare_digest(hotp(key, candidate), code):
            return candidate
    return None


def provisioning_uri(secret: str, *, account: str, issuer: str) -> str:
    """The otpauth:// URI authenticator apps read from a QR code."""
    label = urllib.parse.quote(f"{issuer}:{account}")
    query = urllib.parse.urlencode(
        {"secret": secret, "issuer": issuer, "algorithm": "SHA1", "digits": DIGITS, "period": STEP}
    )
    return f"otpauth://totp/{label}?{query}"


if __name__ == "__main__":  # `python -m migrex.accounts.totp SECRET`: the current code (demo)
    import sys
    import time

    print(totp(key_of(sys.argv[1]), time.time()))
