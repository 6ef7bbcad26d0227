"""`migrex serve`: the node's web server (waitress, a pure-Python production WSGI server).

waitress is told to leave the proxy headers alone (`clear_untrusted_proxy_headers=False`, no
`trusted_proxy`): config/wsgi.py applies waitress's own proxy middleware itself, with
MIGREX_TRUSTED_PROXY, so that the client-certificate header is judged by the same socket address
(core/proxy.py). Nothing proxy-related is believed from anyone but that address either way."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the node's web UI and API."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args, host: str, port: int, threads: int, **options):
        from waitress import serve

        from config.wsgi import application

        self.stdout.write(f"migrex: serving on http://{host}:{port}/")
        serve(
            application,
            host=host,
            port=port,
            threads=threads,
            ident="migrex",
            clear_untrusted_proxy_headers=False,
        )
