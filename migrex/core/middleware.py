"""Russian first (Art. 14: the working language is Russian): the UI is in Russian unless the
user chose another language with the switch; the browser's Accept-Language is not consulted."""

from django.conf import settings
from django.utils import translation


class WorkingLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


PERMISSIONS = "camera=(), microphone=(), geolocation=()"


class SecurityHeadersMiddleware:
    """Headers Django's SecurityMiddleware does not set (OWASP ASVS 14.4).

    Content-Security-Policy without 'unsafe-inline': the pages load only the node's own scripts
    and styles (htmx is told not to inject its indicator style, see base.html). And
    `Cache-Control: no-store` on every answer that does not say otherwise: pages and API
    answers carry confidential requests and personal data (Art. 11.1, 11.4), so neither the
    browser nor a proxy may keep them. Static files are answered by WhiteNoise before this.

    Why not django-csp (4.0): the policy is one fixed header (settings.MIGREX_CSP) and no page
    has an inline script or style, so there is no nonce or per-view policy for it to manage;
    `json_script` data blocks are not executed and need none. It would replace one line here by
    an app, its middleware and a CONTENT_SECURITY_POLICY dict, while this middleware stays for
    the other two headers. Django 6.0 has the policy built in (SECURE_CSP, with nonces): the
    place to move to when the project leaves Django 5.2, with no third-party step in between.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = settings.MIGREX_CSP

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS)
        if "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = "no-store, private"
        return response
