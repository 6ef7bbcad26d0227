"""`migrex serve`: the node's web server (waitress, a pure-Python production WSGI server)."""

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
        serve(application, host=host, port=port, threads=threads, ident="migrex")
