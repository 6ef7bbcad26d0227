"""The closed boxes list the latest closed first (selectors.box). On PostgreSQL NULL sorts first
in descending order, so walking the index on (owner, side, closed_at) backwards read every open
case of that side (no closed_at) before the first closed one. This index keeps them last. SQLite
sorts NULL last in descending order already and has no NULLS LAST in an index."""

from django.db import migrations

INDEX = "case_closed_box"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX {INDEX} ON cases_case "
            "(owner_id, side, closed_at DESC NULLS LAST, id DESC)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("cases", "0012_box_token")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
