"""On PostgreSQL, statistics on the upper-cased numbers and texts of the cases, the very
expressions the search by number or text compares (cases/search.py: Django writes a
case-insensitive "contains" as UPPER(column) LIKE UPPER('%…%')). Without them the planner
guessed that a word matches a handful of cases, so for a common word it read and sorted every
match to show the first 50, instead of walking the newest first and stopping at 50. ANALYZE
(autovacuum's, or the one below) gathers them; nothing is added to a write.

The ANALYZE runs only over cases there are: over an empty table it records that the table is
empty, and until autovacuum analyzes it again the planner reads every case to find one by its
id (the foreign-key checks of each history entry and person written, 127 µs each instead of a
few after 2,000 cases received), where a table never analyzed is looked up by its index."""

from django.db import migrations

COLUMNS = ("number", "their_number", "summary", "purpose", "justification", "other_information")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE STATISTICS IF NOT EXISTS cases_case_{column}_upper "
            f"ON (UPPER({column}::text)) FROM cases_case"
        )
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM cases_case)")
        if cursor.fetchone()[0]:
            cursor.execute("ANALYZE cases_case")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP STATISTICS IF EXISTS cases_case_{column}_upper")


class Migration(migrations.Migration):
    dependencies = [("cases", "0013_closed_box_index")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
