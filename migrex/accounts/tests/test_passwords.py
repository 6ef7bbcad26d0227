"""Password storage: Argon2id with the production settings (the test settings use MD5 for speed
only)."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.test import Client, override_settings

from config import settings as production
from migrex.accounts.models import User
from migrex.conftest import PASSWORD


def test_production_settings_store_passwords_as_argon2id(db):
    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    with override_settings(PASSWORD_HASHERS=production.PASSWORD_HASHERS):
        user = User.objects.create_user(username="kz-officer", password=PASSWORD)
        stored = User.objects.values_list("password", flat=True).get(pk=user.pk)
        assert stored.startswith("argon2$argon2id$")
        assert PASSWORD not in stored
        assert User.objects.get(pk=user.pk).check_password(PASSWORD)


def test_an_older_pbkdf2_hash_is_upgraded_to_argon2_at_login(db):
    with override_settings(PASSWORD_HASHERS=production.PASSWORD_HASHERS):
        user = User.objects.create(
            username="kz-old", password=make_password(PASSWORD, hasher="pbkdf2_sha256")
        )
        response = Client().post("/login/", {"username": "kz-old", "password": PASSWORD})
        assert response.status_code == 302
        user.refresh_from_db()
        assert user.password.startswith("argon2$argon2id$")
