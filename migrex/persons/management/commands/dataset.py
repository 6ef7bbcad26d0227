"""`migrex dataset send|list`: lists of persons sent to the other party in one message.

KZ$ migrex dataset send persons.jsonl --agreement kz-by-2019 --from kz-mvd --to by-mvd \\
      --title "Граждане РБ, получившие разрешение на ПМЖ" --purpose "Ст. 3: обмен сведениями" \\
      --category permanent_residence
BY$ migrex dataset list
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from migrex.core.errors import Invalid
from migrex.persons import datasets
from migrex.persons.models import Dataset


class Command(BaseCommand):
    help = "Send a dataset of persons (JSON Lines, one Art. 6 record per line); list received ones."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        send = sub.add_parser("send", help="validate a JSON Lines file and queue it for a peer")
        send.add_argument("file", type=Path)
        send.add_argument("--agreement", required=True)
        send.add_argument("--from", dest="sender", required=True, help="own authority code")
        send.add_argument("--to", dest="receiver", required=True, help="their authority code")
        send.add_argument("--title", required=True)
        send.add_argument("--purpose", required=True, help="what the data is for (Art. 11.2)")
        send.add_argument("--category", required=True, help="category of persons (Art. 5)")
        sub.add_parser("list", help="the datasets received")

    def handle(self, *args, action: str, **options):
        if action == "list":
            return self._list()
        file: Path = options.pop("file")
        fields = {k: options[k] for k in ("agreement", "sender", "receiver", "title", "purpose")}
        try:
            with open(file, "rb") as source:
                message = datasets.queue(source, category=options["category"], **fields)
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror}") from exc
        except Invalid as exc:
            lines = [f"{file}: {e.field}: {e.message_en} (Art. {e.article})" for e in exc.errors]
            raise CommandError("nothing queued:\n" + "\n".join(lines[:20])) from exc
        payload = message.payload
        self.stdout.write(
            f"dataset {message.id}: {payload['records']} record(s), "
            f"{payload['body']['bytes']} bytes, queued for {message.receiver_authority}"
        )

    def _list(self):
        for d in Dataset.objects.select_related("provider"):
            self.stdout.write(
                f"{d.received_at:%Y-%m-%d %H:%M}  {d.message_id}  {d.provider.code:<12} "
                f"{d.records:>8}  {d.title}"
            )
