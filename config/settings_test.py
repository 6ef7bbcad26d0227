"""Settings for the test suite: the base settings with a debug key, a fast hasher, and files
written to a temporary directory rather than the node's data directory."""

import os
import tempfile

os.environ.setdefault("MIGREX_DEBUG", "1")
os.environ.setdefault("MIGREX_HTTPS", "0")  # the test client and the live server speak plain HTTP

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only; not shipped
MEDIA_ROOT = tempfile.mkdtemp(prefix="migrex-test-media-")
STATIC_ROOT = None  # static files come from the apps (WHITENOISE_USE_FINDERS)
