"""Settings for a migrex node, driven by the environment.

Every variable is read through migrex/core/env.py, which refuses a value it cannot use and names
the variable; the README's table ("Running a node") lists each with its meaning and default.
"""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from migrex.core import env

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = env.directory("MIGREX_DATA_DIR", "var")

DEBUG = env.flag("MIGREX_DEBUG", False)
SECRET_KEY = env.text("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment, or MIGREX_DEBUG=1 for development."
        )
    SECRET_KEY = "development-only-not-secret"  # noqa: S105 - only ever used with DEBUG

ALLOWED_HOSTS = env.items("MIGREX_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])

MIGREX_PARTY = env.text("MIGREX_PARTY", "KZ").upper()
# The node's id in envelopes and peers files; one node serves all authorities of its party.
MIGREX_NODE_ID = env.text("MIGREX_NODE_ID", MIGREX_PARTY)
# Where peers reach this node (written into the peers file this node hands out).
MIGREX_PUBLIC_URL = env.text("MIGREX_PUBLIC_URL", "http://127.0.0.1:8000")
# Delivery to peers: tries before a message is undeliverable, backoff base and cap (seconds),
# and how long a worker holds a claimed message before another may take it over.
MIGREX_DELIVERY = {
    "attempts": env.integer("MIGREX_DELIVERY_ATTEMPTS", 20, minimum=1),
    "backoff": env.decimal("MIGREX_DELIVERY_BACKOFF", 2.0),
    "backoff_cap": env.decimal("MIGREX_DELIVERY_BACKOFF_CAP", 900.0),
    "lease": env.decimal("MIGREX_DELIVERY_LEASE", 60.0, minimum=1.0),
    # An idle worker looks at the outbox at least this often (seconds; on PostgreSQL it is
    # also woken by each new message), and waits at most this long for a database that is
    # locked, restarting or unreachable before trying again.
    "idle_max": env.decimal("MIGREX_WORKER_IDLE_MAX", 2.0, minimum=0.01),
    "database_backoff_cap": env.decimal("MIGREX_WORKER_DATABASE_BACKOFF_CAP", 30.0, minimum=0.1),
}
# TLS towards the peers (exchange/tls.py): the CA file that their servers' certificates chain
# to (none: the system's store), and this node's client certificate and key for the peers that
# pin it (mutual TLS, docs/protocol.md §8.4).
MIGREX_TLS = {
    "ca_file": env.readable_file("MIGREX_TLS_CA_FILE"),
    "client_cert": env.readable_file("MIGREX_TLS_CLIENT_CERT"),
    "client_key": env.readable_file("MIGREX_TLS_CLIENT_KEY"),
}
# Readiness (/readyz and `migrex doctor`, exchange/readiness.py): the node's keys must stay
# valid at least this many days more, a worker must have beaten within this many seconds, the
# oldest undelivered message be younger than this many seconds; a peer has this many seconds to
# answer a ping, and its answer is reused for this many seconds.
MIGREX_READY = {
    "key_days": env.integer("MIGREX_READY_KEY_DAYS", 14, minimum=0),
    "worker_seconds": env.decimal("MIGREX_READY_WORKER_SECONDS", 60.0, minimum=1.0),
    "outbox_seconds": env.decimal("MIGREX_READY_OUTBOX_SECONDS", 3600.0, minimum=1.0),
    "ping_timeout": env.decimal("MIGREX_READY_PING_TIMEOUT", 3.0, minimum=0.1),
    "ping_cache": env.decimal("MIGREX_READY_PING_CACHE", 10.0),
}
# Encrypts the node's private keys at rest; falls back to SECRET_KEY.
MIGREX_KEY_PASSPHRASE = env.text("MIGREX_KEY_PASSPHRASE") or SECRET_KEY
# Wraps the per-item keys of attachments at rest (base64 of 32 bytes); derived from the key
# passphrase when unset. Losing it makes every stored attachment unreadable.
MIGREX_DATA_KEY = env.text("MIGREX_DATA_KEY")
# Art. 11.5 retention: tell the provider when its data is destroyed (a `destruction_notice`
# message); the agreement does not require it, a node may.
MIGREX_RETENTION_NOTIFY_PROVIDER = env.flag("MIGREX_RETENTION_NOTIFY_PROVIDER", False)
# The audit log signs a checkpoint of its chain every this many entries (0: never).
MIGREX_AUDIT_CHECKPOINT_EVERY = env.integer("MIGREX_AUDIT_CHECKPOINT_EVERY", 1000, minimum=0)
# Unauthenticated refusals and attempts on a locked account: one audit entry per source and
# window (seconds), the count of the others in the next one (audit/repeats.py).
MIGREX_AUDIT_REPEAT_WINDOW = env.integer("MIGREX_AUDIT_REPEAT_WINDOW", 600, minimum=1)
# An API token works this many days after it is issued (and until its user's password changes).
MIGREX_TOKEN_DAYS = env.integer("MIGREX_TOKEN_DAYS", 90, minimum=1)

# E-mail notifications to officers (migrex/notify, `migrex notify`): Django's SMTP backend. No
# host: no mail. TLS: `starttls` (submission, port 587), `ssl` (port 465) or `none` (a relay on
# this host). Links in the mail point at MIGREX_PUBLIC_URL.
EMAIL_HOST = env.text("MIGREX_SMTP_HOST")
EMAIL_PORT = env.integer("MIGREX_SMTP_PORT", 587, minimum=1)
EMAIL_HOST_USER = env.text("MIGREX_SMTP_USER")
EMAIL_HOST_PASSWORD = env.text("MIGREX_SMTP_PASSWORD")
_SMTP_TLS = env.choice("MIGREX_SMTP_TLS", "starttls", ("starttls", "ssl", "none"))
EMAIL_USE_TLS, EMAIL_USE_SSL = _SMTP_TLS == "starttls", _SMTP_TLS == "ssl"
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = SERVER_EMAIL = env.text("MIGREX_MAIL_FROM", "migrex@localhost")

# The bearer token Prometheus sends to GET /metrics; empty: /metrics answers 404.
MIGREX_METRICS_TOKEN = env.text("MIGREX_METRICS_TOKEN")

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
    "migrex.notify",
    "migrex.shell",
]

MIDDLEWARE = [
    "migrex.core.logcontext.RequestIdMiddleware",  # X-Request-ID; the log lines' context
    "migrex.core.reference.PinnedMiddleware",  # one generation of the reference data a request
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
                "migrex.shell.navigation.navigation",
            ],
        },
    },
]

# A connection is kept for a minute between a thread's requests: opening one (SQLite's PRAGMAs,
# PostgreSQL's handshake) cost more than a page's simpler queries.
DATABASES = {
    "default": dj_database_url.parse(
        env.text("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'migrex.sqlite3'}",
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    # WAL lets the web server and the worker read while the other writes. SQLite's own page
    # cache is 2 MiB by default; with 64 MiB the inbox's queries over 10,000 cases took 4.6 ms
    # instead of 6.2 (a box reads the covering index and the cases table, more than 2 MiB).
    # 64 MiB is a ceiling per connection, filled only by pages actually read.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        "PRAGMA cache_size=-65536;",
        "transaction_mode": "IMMEDIATE",
        # Seconds a write waits for another's lock before "database is locked" (the worker
        # then tries again later: exchange/delivery.run).
        "timeout": env.decimal("MIGREX_SQLITE_TIMEOUT", 20.0, minimum=0.1),
    }
else:
    # Values sent apart from the SQL, and a statement run five times on a connection prepared
    # once: PostgreSQL then neither parses nor plans again the inserts of each message received.
    # Its CPU for a message received went from 1.0 to 0.7 ms, and the exchange from 209-218 to
    # 238-246 messages/s (bench/exchange_throughput.py). Django leaves preparing off for the
    # poolers that cannot hold prepared statements: docs/operations.md says which can.
    DATABASES["default"]["OPTIONS"] = {"server_side_binding": True, "prepare_threshold": 5}
    # Django's backend, inserting a few rows as VALUES rather than UNNEST (its compiler module).
    DATABASES["default"]["ENGINE"] = "migrex.core.postgresql"

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
TIME_ZONE = env.text("MIGREX_TIME_ZONE", "Asia/Almaty")

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
    "username": env.integer("MIGREX_LOCKOUT_USERNAME", 5, minimum=1),
    "address": env.integer("MIGREX_LOCKOUT_ADDRESS", 20, minimum=1),
    "window": env.integer("MIGREX_LOCKOUT_WINDOW", 900, minimum=1),
    "cooloff": env.integer("MIGREX_LOCKOUT_COOLOFF", 900, minimum=1),
}

# A session ends after this long without a request (ASVS 3.3.2), and when the browser closes.
# Django also ends every session of a user whose password changes (the session carries a hash
# of the password).
SESSION_COOKIE_AGE = env.integer("MIGREX_SESSION_IDLE_MINUTES", 30, minimum=1) * 60
SESSION_SAVE_EVERY_REQUEST = True
# Django's database sessions, but a save that only refreshes the expiry never fails the page it
# comes with (skipped while the database stays locked: migrex/accounts/sessions.py).
SESSION_ENGINE = "migrex.accounts.sessions"
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

# HTTPS, on unless MIGREX_HTTPS=0: the node sits behind a reverse proxy that terminates TLS
# (contrib/nginx/migrex.conf). Its X-Forwarded-Proto, X-Forwarded-For and X-Client-Cert headers
# are believed from MIGREX_TRUSTED_PROXY only, and removed from anyone else (core/proxy.py).
MIGREX_HTTPS = env.flag("MIGREX_HTTPS", True)
MIGREX_TRUSTED_PROXY = env.address("MIGREX_TRUSTED_PROXY", "127.0.0.1")
if MIGREX_HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]  # the proxy's checks, on the plain socket
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_HSTS_SECONDS = env.integer("MIGREX_HSTS_SECONDS", 365 * 24 * 3600, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# MIGREX_LOG_FORMAT=json: one JSON object a line (python-json-logger) with time, level, logger,
# message, request id, officer and case number (migrex/core/logcontext.py); text otherwise.
MIGREX_LOG_FORMAT = env.choice("MIGREX_LOG_FORMAT", "text", ("text", "json"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "migrex.core.logcontext.ContextFilter"}},
    # Both write an exception as its class and frames, never its message (migrex.core.logsafe).
    "formatters": {
        "plain": {"()": "migrex.core.logsafe.Formatter"},
        "json": {
            "()": "migrex.core.logsafe.JsonFormatter",
            "fmt": "{levelname}{name}{message}{request_id}{officer}{case}",
            "style": "{",
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": "time",
            "json_ensure_ascii": False,
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["context"],
            "formatter": "json" if MIGREX_LOG_FORMAT == "json" else "plain",
        }
    },
    "root": {
        "handlers": ["console"],
        "level": env.choice(
            "MIGREX_LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
        ),
    },
}
