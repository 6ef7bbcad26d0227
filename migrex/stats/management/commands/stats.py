"""`migrex stats import FILE [--authority CODE --title … --indicator … --unit … --source …]`,
`migrex stats export ID [--format csv|sdmx] [--out FILE]`, `migrex stats list`, and
`migrex stats send ID --agreement CODE --to AUTHORITY`: statistical datasets (Art. 3.1.1)."""

from __future__ import annotations

import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from migrex.agreements.models import Agreement, Authority
from migrex.core.errors import Invalid
from migrex.stats import formats, services
from migrex.stats.models import StatDataset


def _refused(exc: Invalid | formats.Malformed, what: str) -> CommandError:
    lines = [f"{what}:"] + [
        f"  {e.message_ru} / {e.message_en}" + (f" (ст. {e.article})" if e.article else "")
        for e in exc.errors
    ]
    return CommandError("\n".join(lines))


class Command(BaseCommand):
    help = "Statistical datasets: import, export, list, send (Art. 3.1.1)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        p_import = sub.add_parser("import", help="import a CSV or SDMX-CSV file")
        p_import.add_argument("file", type=Path)
        p_import.add_argument(
            "--authority", help="the competent authority that holds it (default: the node's one)"
        )
        for name in ("title", "indicator", "unit", "source"):
            p_import.add_argument(f"--{name}", default="")
        p_export = sub.add_parser("export", help="write a dataset as CSV or SDMX-CSV")
        p_export.add_argument("id", type=int)
        p_export.add_argument("--format", choices=["csv", "sdmx"], default="csv")
        p_export.add_argument("--out", type=Path, help="the file (default: standard output)")
        sub.add_parser("list", help="the datasets this node holds")
        p_send = sub.add_parser("send", help="send an own dataset to the other party")
        p_send.add_argument("id", type=int)
        p_send.add_argument("--agreement", required=True)
        p_send.add_argument("--to", required=True, help="code of the receiving authority")

    def handle(self, *args, action: str, **options):
        getattr(self, "_" + action)(**options)

    def _authority(self, code: str | None) -> Authority:
        if code:
            found = Authority.objects.filter(code=code).first()
            if found is None:
                raise CommandError(f"no competent authority {code!r}")
            return found
        own = list(Authority.objects.filter(party_id=settings.MIGREX_PARTY))
        if len(own) != 1:
            codes = ", ".join(a.code for a in own) or "none loaded"
            raise CommandError(f"name the holding authority with --authority ({codes})")
        return own[0]

    def _import(self, file: Path, authority: str | None, **options):
        holder = self._authority(authority)
        try:
            content = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc}") from exc
        try:
            dataset = services.import_dataset(
                content=content,
                authority=holder,
                actor="command line",
                title=options["title"],
                indicator=options["indicator"],
                unit=options["unit"],
                source=options["source"],
            )
        except (Invalid, formats.Malformed) as exc:
            raise _refused(
                exc, f"{file}: не импортирован, ничего не сохранено / not imported, nothing stored"
            ) from exc
        self.stdout.write(
            f"{dataset.pk}: {dataset.title} — {dataset.observations.count()} observation(s), "
            f"{dataset.format}, held by {holder.code}"
        )

    def _dataset(self, pk: int) -> StatDataset:
        found = StatDataset.objects.filter(pk=pk).first()
        if found is None:
            raise CommandError(f"no statistical dataset {pk}")
        return found

    def _export(self, id: int, format: str, out: Path | None, **_):
        dataset = self._dataset(id)
        if format == "csv":
            fmt = formats.CSV
        else:
            fmt = dataset.format if dataset.format != formats.CSV else formats.SDMX_21
        data = services.export(dataset, fmt)
        if out is None:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        else:
            out.write_bytes(data)
            self.stdout.write(f"{out}: {len(data)} bytes")

    def _list(self, **_):
        for d in StatDataset.objects.select_related("authority", "provider"):
            origin = f"from {d.provider.code}" if d.received else "own"
            self.stdout.write(f"{d.pk}\t{d.authority.code}\t{origin}\t{d.indicator}\t{d.title}")

    def _send(self, id: int, agreement: str, to: str, **_):
        dataset = self._dataset(id)
        found = Agreement.objects.filter(code=agreement).first()
        receiver = Authority.objects.filter(code=to).first()
        if found is None or receiver is None:
            raise CommandError(f"no agreement {agreement!r} or no authority {to!r}")
        try:
            message = services.send_dataset(
                dataset=dataset, agreement=found, receiver=receiver, actor="command line"
            )
        except Invalid as exc:
            raise _refused(exc, "не отправлен / not sent") from exc
        self.stdout.write(f"queued message {message.id} to {receiver.code}")
