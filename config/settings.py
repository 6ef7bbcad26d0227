"""Settings for a migrex node, driven by the environment.

DATABASE_URL      database (default: SQLite file in the data directory)
MIGREX_DATA_DIR   where the node keeps its files (default: ./var)
MIGREX_PARTY      ISO 3166 code of the party this node serves (default: KZ)
MIGREX_NODE_ID    this node's id in the exchange (default: the party code)
MIGREX_PUBLIC_URL where peers reach this node (default: http://127.0.0.1:8000)
MIGREX_KEY_PASSPHRASE  encrypts the node's private keys at rest (default: SECRET_KEY)
MIGREX_DATA_KEY   wraps the per-item keys of stored attachments (default: from the passphrase)
MIGREX_RETENTION_NOTIFY_PROVIDER  1: send the provider a notice of each destruction
SECRET_KEY        required unless MIGREX_DEBUG=1
MIGREX_DEBUG      1 for development
MIGREX_HTTPS      0 to serve plain HTTP (the demo, local node processes); default 1: behind an
                  HTTPS reverse proxy that sets X-Forwarded-Proto and X-Forwarded-For
MIGREX_SESSION_IDLE_MINUTES  a session ends after this long without a request (default 30)
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("MIGREX_DATA_DIR", "var")).resolve()

DEBUG = os.environ.get("MIGREX_DEBUG", "") == "1"
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment, or MIGREX_DEBUG=1 for development."
        )
    SECRET_KEY = "development-only-not-secret"  # noqa: S105 - only ever used with DEBUG

ALLOWED_HOSTS = [h for h in os.environ.get("MIGREX_ALLOWED_HOSTS", "").split(",") if h] or (
    ["127.0.0.1", "localhost", "[::1]"]
)

MIGREX_PARTY = os.environ.get("MIGREX_PARTY", "KZ").upper()
# The node's id in envelopes and peers files; one node serves all authorities of its party.
MIGREX_NODE_ID = os.environ.get("MIGREX_NODE_ID", MIGREX_PARTY)
# Where peers reach this node (written into the peers file this node hands out).
MIGREX_PUBLIC_URL = os.environ.get("MIGREX_PUBLIC_URL", "http://127.0.0.1:8000")
# Delivery to peers: tries before a message is undeliverable, backoff base and cap (seconds),
# and how long a worker holds a claimed message before another may take it over.
MIGREX_DELIVERY = {
    "attempts": int(os.environ.get("MIGREX_DELIVERY_ATTEMPTS", "20")),
    "backoff": float(os.environ.get("MIGREX_DELIVERY_BACKOFF", "2")),
    "backoff_cap": float(os.environ.get("MIGREX_DELIVERY_BACKOFF_CAP", "900")),
    "lease": float(os.environ.get("MIGREX_DELIVERY_LEASE", "60")),
}
# Encrypts the node's private keys at rest; falls back to SECRET_KEY.
MIGREX_KEY_PASSPHRASE = os.environ.get("MIGREX_KEY_PASSPHRASE", "") or SECRET_KEY
# Wraps the per-item keys of attachments at rest (base64 of 32 bytes); derived from the key
# passphrase when unset. Losing it makes every stored attachment unreadable.
MIGREX_DATA_KEY = os.environ.get("MIGREX_DATA_KEY", "")
# Art. 11.5 retention: tell the provider when its data is destroyed (a `destruction_notice`
# message); the agreement does not require it, a node may.
MIGREX_RETENTION_NOTIFY_PROVIDER = os.environ.get("MIGREX_RETENTION_NOTIFY_PROVIDER", "") == "1"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "migrex.core",
    "migrex.accounts",
    "migrex.agreements",
    "migrex.cases",
    "migrex.persons",
    "migrex.exchange",
    "migrex.audit",
    "migrex.retention",
    "migrex.stats",
    "migrex.registers",
    "migrex.channels",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "migrex.core.middleware.SecurityHeadersMiddleware",
    "migrex.core.middleware.WorkingLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "migrex.audit.middleware.AccessDeniedAuditMiddleware",  # every 403 → access.denied
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "migrex.cases.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'migrex.sqlite3'}",
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    # WAL lets the web server and the worker read while the other writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# Argon2id (OWASP ASVS 2.4); PBKDF2 only to verify, and upgrade, hashes made before it.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Art. 14: Russian is the working language; English is a translation.
LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "migrex" / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = os.environ.get("MIGREX_TIME_ZONE", "Asia/Almaty")

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
# Every asset is served by the node itself: government networks are often air-gapped.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = DATA_DIR / "media"

LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"

# --- account security (OWASP ASVS level 2) -------------------------------------------------------

# Lockout (accounts.lockout): failures per username and per address within the window lock
# further attempts until the cool-off has passed since the failure that reached the limit.
MIGREX_LOCKOUT = {
    "username": int(os.environ.get("MIGREX_LOCKOUT_USERNAME", "5")),
    "address": int(os.environ.get("MIGREX_LOCKOUT_ADDRESS", "20")),
    "window": int(os.environ.get("MIGREX_LOCKOUT_WINDOW", "900")),
    "cooloff": int(os.environ.get("MIGREX_LOCKOUT_COOLOFF", "900")),
}

# A session ends after this long without a request (ASVS 3.3.2), and when the browser closes.
# Django also ends every session of a user whose password changes (the session carries a hash
# of the password).
SESSION_COOKIE_AGE = int(os.environ.get("MIGREX_SESSION_IDLE_MINUTES", "30")) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # forms carry the token; no script reads the cookie
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"

# Headers (SecurityHeadersMiddleware adds the Content-Security-Policy and Cache-Control).
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
MIGREX_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'"
)

# HTTPS, on unless MIGREX_HTTPS=0: the node sits behind a reverse proxy that terminates TLS and
# sets X-Forwarded-Proto (trusted here) and X-Forwarded-For (the lockout's client address).
MIGREX_HTTPS = os.environ.get("MIGREX_HTTPS", "1") != "0"
if MIGREX_HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the proxy's health check, on the plain socket
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_HSTS_SECONDS = int(os.environ.get("MIGREX_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("MIGREX_LOG_LEVEL", "INFO")},
}
