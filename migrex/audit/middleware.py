"""Every 403 the node answers — the officers' pages, the JSON API, the admin, a failed CSRF
check — leaves an `access.denied` entry: who (the session's or the API token's user), which
path, method and status (Art. 11.4: protection against unauthorised access)."""

from __future__ import annotations

import logging

from migrex.audit.actions import Action
from migrex.audit.services import record
from migrex.core.logsafe import summary

log = logging.getLogger("migrex.audit")


class AccessDeniedAuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 403:
            self._record(request, response)
        return response

    @staticmethod
    def _record(request, response) -> None:
        user = getattr(request, "user", None)
        actor = user.get_username() if user is not None and user.is_authenticated else ""
        path = request.path
        try:
            record(
                Action.ACCESS_DENIED,
                actor=actor,
                subject=path[:300],
                detail={
                    "path": path,
                    "method": request.method,
                    "status": response.status_code,
                    "via": "api" if path.startswith("/api/") else "ui",
                    "query": request.META.get("QUERY_STRING", "")[:500],
                    "ip": request.META.get("REMOTE_ADDR", ""),
                },
            )
        except Exception as exc:  # the refusal stands even if the log cannot be written
            # Named, not quoted: the failed INSERT's message may quote the entry (the query).
            log.error(
                "could not record the denial of %s %s: %s", request.method, path, summary(exc)
            )
