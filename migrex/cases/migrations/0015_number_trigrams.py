"""On PostgreSQL, a GIN trigram index (`pg_trgm`, created by persons' migration 0006) on each of
the two numbers of a case, upper-cased as the search compares them (cases/search.py: Django
writes a case-insensitive "contains" as UPPER(column::text) LIKE UPPER('%…%')). A search by a
number then reads the cases whose numbers hold its trigrams, not all of them: over 10,000
cases (EXPLAIN ANALYZE), a whole number 10.9 → 5.5 ms of the database's time (every number shares
the trigrams of «KZ-MVD-2026-»), its last six digits 0.09 ms. The texts of a case
get none: a word that many cases hold is found by walking the newest first (migration 0014),
and an index over texts of kilobytes would cost every case received more than it saves."""

from django.db import migrations

COLUMNS = ("number", "their_number")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS cases_case_{column}_trgm ON cases_case "
            f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS cases_case_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [("cases", "0014_text_statistics"), ("persons", "0006_search_names")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
