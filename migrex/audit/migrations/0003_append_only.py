"""On PostgreSQL the audit tables refuse UPDATE and DELETE, whoever asks: a trigger raises.
TRUNCATE is left alone (the test suite's flush uses it; only the table's owner may run it).
Other databases have no such guard; `migrex audit verify` detects what was changed anyway."""

from django.db import migrations

TABLES = ("audit_auditentry", "audit_checkpoint", "audit_peercheckpoint")

FUNCTION = """
CREATE OR REPLACE FUNCTION migrex_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION migrex_audit_append_only()"
        )


def remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS migrex_audit_append_only()")


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_checkpoints")]

    operations = [migrations.RunPython(install, remove, elidable=False)]
