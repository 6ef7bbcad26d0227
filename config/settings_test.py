"""Settings for the test suite: the base settings with a debug key and a fast hasher."""

import os

os.environ.setdefault("MIGREX_DEBUG", "1")

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only; not shipped
