"""A signatory's own key (Art. 9.3): made here or imported from a certification authority's
PKCS#12 file, sealed under the signatory's password, and the detached signature it makes."""

from __future__ import annotations

import base64
import datetime as dt
import unicodedata

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from migrex.agreements import signer_keys, signers
from migrex.agreements.models import SigningKey
from migrex.agreements.signer_keys import Listed, SignerKeyError
from migrex.agreements.tests.conftest import LIGHT_KDF, PASSWORD, pkcs12_file
from migrex.core.errors import Forbidden, Invalid

CONTENT = '{"number":"KZ-MVD-2026-000001","summary":"Проверка"}'.encode()


def test_a_key_made_here_is_ed25519_and_its_kid_is_the_rfc_7638_thumbprint():
    key = signer_keys.generate()
    jwk = signer_keys.public_jwk(key)
    assert (jwk["kty"], jwk["crv"], jwk["alg"], jwk["use"]) == ("OKP", "Ed25519", "Ed25519", "sig")
    assert "d" not in jwk and "x5c" not in jwk
    assert jwk["kid"] == signer_keys.thumbprint(jwk) and len(jwk["kid"]) == 43


def test_the_sealed_key_opens_with_the_right_password_only():
    key = signer_keys.generate()
    kid = signer_keys.public_jwk(key)["kid"]
    sealed, kdf = signer_keys.seal(key, "мой пароль", kid, LIGHT_KDF)
    assert kdf["name"] == "argon2id" and len(base64.b64decode(kdf["salt"])) == 16
    opened = signer_keys.unseal(sealed, kdf, "мой пароль", kid)
    assert signer_keys.public_jwk(opened)["kid"] == kid
    # "й" typed decomposed (и + combining breve) opens it too (NFC, RFC 8265)
    assert signer_keys.unseal(sealed, kdf, unicodedata.normalize("NFD", "мой пароль"), kid)
    for wrong_password, wrong_kid in (("мой", kid), ("мой пароль", "another-kid")):
        with pytest.raises(SignerKeyError) as caught:
            signer_keys.unseal(sealed, kdf, wrong_password, wrong_kid)
        assert caught.value.code == "wrong_password"


def test_the_default_derivation_is_argon2id_as_rfc_9106_recommends():
    assert signer_keys.ARGON2ID == {
        "name": "argon2id",
        "time_cost": 3,
        "memory_cost": 65536,
        "parallelism": 4,
    }


@pytest.mark.parametrize(
    ("make", "kty", "alg"),
    [
        (lambda: ec.generate_private_key(ec.SECP256R1()), "EC", "ES256"),
        (ed25519.Ed25519PrivateKey.generate, "OKP", "Ed25519"),
    ],
)
def test_a_pkcs12_file_of_a_certification_authority_is_imported_with_its_chain(make, kty, alg):
    key = make()
    data = pkcs12_file("секрет УЦ", key)
    imported, chain = signer_keys.from_pkcs12(data, "секрет УЦ")
    jwk = signer_keys.public_jwk(imported, chain)
    assert (jwk["kty"], jwk["alg"]) == (kty, alg)
    assert jwk["kid"] == signer_keys.public_jwk(key)["kid"]
    assert len(jwk["x5c"]) == 2  # the signatory's certificate, then the CA's
    assert signer_keys.check_public_jwk(jwk) == jwk  # as the other party will check it


@pytest.mark.parametrize(
    ("data", "password", "code"),
    [
        (pkcs12_file("секрет УЦ"), "не тот пароль", "pkcs12_unreadable"),
        (b"not a PKCS#12 file", "секрет УЦ", "pkcs12_unreadable"),
        (
            pkcs12_file(
                "секрет УЦ", rsa.generate_private_key(public_exponent=65537, key_size=2048)
            ),
            "секрет УЦ",
            "key_unsupported",
        ),
        (
            pkcs12_file("секрет УЦ", ec.generate_private_key(ec.SECP384R1())),
            "секрет УЦ",
            "key_unsupported",
        ),
    ],
    ids=["wrong-password", "not-pkcs12", "rsa", "p384"],
)
def test_a_pkcs12_file_that_does_not_open_or_holds_another_key_is_refused(data, password, code):
    with pytest.raises(SignerKeyError) as caught:
        signer_keys.from_pkcs12(data, password)
    assert caught.value.code == code


@pytest.mark.parametrize(
    "make", [signer_keys.generate, lambda: ec.generate_private_key(ec.SECP256R1())]
)
def test_a_detached_signature_verifies_over_the_signed_content_only(make):
    key = make()
    jwk = signer_keys.public_jwk(key)
    token = signer_keys.sign(key, CONTENT)
    header, payload, signature = token.split(".")
    assert payload == "" and header and signature  # RFC 7515 appendix F
    assert signer_keys.verify(token, CONTENT, jwk)
    assert not signer_keys.verify(token, CONTENT.replace(b"000001", b"000002"), jwk)
    assert not signer_keys.verify(token, CONTENT, signer_keys.public_jwk(make()))
    assert not signer_keys.verify(header + ".e30." + signature, CONTENT, jwk)  # not detached
    assert not signer_keys.verify("garbage", CONTENT, jwk)
    assert not signer_keys.verify("", CONTENT, jwk)


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"d": "AAAA"}, "key_invalid"),
        ({"crv": "P-384"}, "key_unsupported"),
        ({"x": 5}, "key_invalid"),
        ({"kid": "not-its-thumbprint"}, "key_invalid"),
        ({"x5c": ["bm90IGEgY2VydGlmaWNhdGU="]}, "key_invalid"),
    ],
)
def test_a_public_key_received_with_a_list_is_checked(change, code):
    jwk = signer_keys.public_jwk(signer_keys.generate())
    with pytest.raises(SignerKeyError) as caught:
        signer_keys.check_public_jwk({**jwk, **change})
    assert caught.value.code == code


def test_a_certificate_of_another_key_is_refused():
    other = signer_keys.public_jwk(*signer_keys.from_pkcs12(pkcs12_file("x"), "x"))
    jwk = signer_keys.public_jwk(ec.generate_private_key(ec.SECP256R1()))
    with pytest.raises(SignerKeyError, match="not that of the key"):
        signer_keys.check_public_jwk({**jwk, "x5c": other["x5c"]})


def test_an_entry_signs_with_its_key_while_valid_and_under_its_name_and_position():
    jwk = signer_keys.public_jwk(signer_keys.generate())
    entry = Listed("Иванов И.", "Заместитель министра", dt.date(2026, 1, 1), None, jwk)
    named = signer_keys.named([entry], "Иванов И.", "Заместитель министра", dt.date(2026, 3, 1))
    assert signer_keys.with_key(named, jwk["kid"]) == entry
    assert signer_keys.with_key(named, "another") is None
    assert not signer_keys.named([entry], "Иванов И.", "Министр", dt.date(2026, 3, 1))
    assert not signer_keys.named([entry], "Иванов И.", entry.position, dt.date(2025, 12, 31))


# --- enrolment and unlocking on a node ------------------------------------------------------------


@pytest.mark.django_db
def test_enrolment_checks_the_signatorys_password_and_seals_the_key_under_it(make_user):
    user = make_user("kz-signatory", "kz-mvd", "signatory")
    with pytest.raises(Invalid) as caught:
        signers.enrol(user, "not the password", kdf=LIGHT_KDF)
    assert caught.value.errors[0].code == "wrong_password"
    stored = signers.enrol(user, PASSWORD, kdf=LIGHT_KDF)
    assert stored.source == SigningKey.Source.GENERATED and stored.kdf["name"] == "argon2id"
    assert signer_keys.public_jwk(signers.unlock(stored, PASSWORD))["kid"] == stored.kid
    with pytest.raises(Forbidden) as locked:
        signers.unlock(stored, "the password before it was changed")
    assert (locked.value.code, locked.value.article) == ("signing_key_locked", "9.3")
    again = signers.enrol(user, PASSWORD, kdf=LIGHT_KDF)  # a new key replaces the old one
    assert SigningKey.objects.get(user=user).kid == again.kid != stored.kid


@pytest.mark.django_db
def test_a_pkcs12_file_that_does_not_open_is_one_clear_error(make_user):
    user = make_user("kz-signatory", "kz-mvd", "signatory")
    with pytest.raises(Invalid) as caught:
        signers.enrol(user, PASSWORD, pkcs12=pkcs12_file("секрет"), pkcs12_password="другой")
    (error,) = caught.value.errors
    assert (error.code, error.field, error.article) == ("pkcs12_unreadable", "pkcs12", "9.3")
    assert "неверный пароль" in error.message_ru and not SigningKey.objects.exists()


@pytest.mark.django_db
def test_without_a_key_there_is_nothing_to_sign_with(make_user):
    with pytest.raises(Forbidden) as caught:
        signers.key_of(make_user("kz-signatory", "kz-mvd", "signatory"))
    assert caught.value.code == "signing_key_missing"
