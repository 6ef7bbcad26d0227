"""The web surface's headers (OWASP ASVS 14.4, 8.2.1), the HTTPS settings of production, and
`migrex check --deploy` clean with them."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.test import Client, override_settings

from migrex.accounts.tokens import issue
from migrex.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[3]


def _assert_hardened(response) -> None:
    csp = response["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "default-src 'none'" in csp and "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]


def test_pages_and_api_answers_carry_the_headers_and_are_never_stored(officers):
    anonymous = Client()
    _assert_hardened(anonymous.get("/login/"))
    officer = Client()
    officer.post("/login/", {"username": "kz-operator", "password": PASSWORD})
    for url in ("/incoming/", "/cases/new/"):
        response = officer.get(url)
        assert response.status_code == 200
        _assert_hardened(response)
    _, token = issue(user=officers["kz_operator"])
    api = Client(headers={"Authorization": f"Bearer {token}"})
    for url in ("/api/v1/cases", "/api/v1/agreements", "/api/v1/cases/999999"):
        _assert_hardened(api.get(url))
    _assert_hardened(Client().get("/api/v1/cases"))  # 401 too


def test_pages_need_no_inline_script_or_style(officers):
    """What the CSP forbids must not be in the pages: no <script> without src, no style=
    attributes, no on… handlers, and htmx told not to inject its indicator style."""
    client = Client()
    client.post("/login/", {"username": "kz-operator", "password": PASSWORD})
    for url in ("/login/", "/incoming/", "/cases/new/"):
        html = (client if url != "/login/" else Client()).get(url).content.decode()
        assert "<script>" not in html and " style=" not in html and " onclick=" not in html
        assert '"includeIndicatorStyles":false' in html


@override_settings(
    SECURE_SSL_REDIRECT=True,
    SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
    SECURE_HSTS_SECONDS=31536000,
    SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
    SECURE_REDIRECT_EXEMPT=[r"^healthz$"],
)
def test_behind_the_https_proxy_plain_http_is_redirected_and_https_gets_hsts(db):
    plain = Client().get("/login/")
    assert plain.status_code == 301 and plain["Location"] == "https://testserver/login/"
    secure = Client().get("/login/", headers={"X-Forwarded-Proto": "https"})
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert Client().get("/healthz").status_code == 200  # the proxy's health check


def _production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    # Nothing of the test process's own settings: the browser fixture, for one, sets
    # DJANGO_ALLOW_ASYNC_UNSAFE, which a deployment must not.
    prefixes = ("MIGREX_", "DATABASE_URL", "DJANGO_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        SECRET_KEY=secrets.token_urlsafe(50),
        MIGREX_DATA_DIR=str(tmp_path),
        MIGREX_ALLOWED_HOSTS="migrex.mvd.example",
        **extra,
    )
    return env


def _migrex(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "migrex.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_the_production_settings(tmp_path):
    done = _migrex(_production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout


def test_migrex_https_0_turns_the_https_settings_off_and_check_deploy_says_so(tmp_path):
    """The demo and local node processes serve plain HTTP on 127.0.0.1 with MIGREX_HTTPS=0;
    check --deploy then names what is off, so a production node cannot keep it by mistake."""
    done = _migrex(
        _production_env(tmp_path, MIGREX_HTTPS="0"), "check", "--deploy", "--fail-level", "WARNING"
    )
    assert done.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in done.stdout + done.stderr
