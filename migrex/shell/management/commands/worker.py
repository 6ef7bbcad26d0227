"""`migrex worker`: deliver the outbox to the peers until stopped, and run the daily retention
job (Art. 11.5) in the same loop, so a node needs no cron or timer of its own."""

import os
import signal
import socket

from django.core.management.base import BaseCommand

from migrex.core import walcheckpoint
from migrex.exchange.delivery import run
from migrex.retention.schedule import Daily
from migrex.shell.warm import warm


class Command(BaseCommand):
    help = "Deliver outgoing messages to peer nodes (retries with backoff; Ctrl-C stops)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="stop when nothing is due")
        parser.add_argument("--idle", type=float, default=0.2, help="seconds between polls")

    def handle(self, *args, once: bool, idle: float, **options):
        stopping = []
        signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
        signal.signal(signal.SIGINT, lambda *_: stopping.append(True))
        name = f"{socket.gethostname()}:{os.getpid()}"
        if not once:
            warm()
            walcheckpoint.start()  # a process that lives: its commits leave the log to it
        daily = None if once else Daily()
        handled = run(
            name,
            once=once,
            idle=idle,
            stop=lambda: bool(stopping),
            each_round=daily.tick if daily else None,
        )
        self.stdout.write(f"migrex worker {name}: {handled} message(s) handled")
