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
