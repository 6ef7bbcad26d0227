"""`migrex serve`: the node's web server (waitress, a pure-Python production WSGI server).

waitress is told to leave the proxy headers alone (`clear_untrusted_proxy_headers=False`, no
`trusted_proxy`): config/wsgi.py applies waitress's own proxy middleware itself, with
MIGREX_TRUSTED_PROXY, so that the client-certificate header is judged by the same socket address
(core/proxy.py). Nothing proxy-related is believed from anyone but that address either way.

Before serving, what the process loaded (Django, the URLs, the templates' libraries: some 200,000
objects) is moved out of the garbage collector's sight (gc.freeze): otherwise each full
collection walks them all again, about 100 ms of one request's time once in every hundred or so
requests on a list page."""

import gc

from django.core.management.base import BaseCommand
from django.db import connection

from migrex.core import walcheckpoint
from migrex.shell.warm import warm


class Command(BaseCommand):
    help = "Serve the node's web UI and API."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args, host: str, port: int, threads: int, **options):
        from django.urls import get_resolver
        from waitress import serve

        from config.wsgi import application

        get_resolver().url_patterns  # noqa: B018 - every view module imported now, not later
        warm()
        connection.close()  # what warm() opened: the server's threads open their own
        walcheckpoint.start()
        gc.collect()
        gc.freeze()

        self.stdout.write(f"migrex: serving on http://{host}:{port}/")
        serve(
            application,
            host=host,
            port=port,
            threads=threads,
            ident="migrex",
            clear_untrusted_proxy_headers=False,
        )
