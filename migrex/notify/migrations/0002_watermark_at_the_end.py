"""The watermark starts at the end of the case history as it is when notifications are
installed: a node that has run for years does not mail its officers about every old event. A new
node (no history) gets no row, so that `migrate` alone leaves it empty (shell/restore.py
restores only into an empty node); the first run starts from the beginning."""

from django.db import migrations
from django.db.models import Max


def start_at_the_end(apps, schema_editor):
    CaseEvent = apps.get_model("cases", "CaseEvent")
    Watermark = apps.get_model("notify", "Watermark")
    last = CaseEvent.objects.aggregate(last=Max("pk"))["last"]
    if last is not None:
        Watermark.objects.update_or_create(pk=1, defaults={"event_id": last})


class Migration(migrations.Migration):
    dependencies = [
        ("notify", "0001_initial"),
        ("cases", "0006_index_for_metrics"),
    ]

    operations = [migrations.RunPython(start_at_the_end, migrations.RunPython.noop)]
