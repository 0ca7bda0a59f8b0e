"""On PostgreSQL, the database itself rejects UPDATE and DELETE of history rows.

SQLite (the local default) relies on the model guards only: its test flush deletes rows
with DELETE, which a trigger would block.
"""

from django.db import migrations

TABLES = ("consent_consentrecord", "consent_challengerecord")

FUNCTION = """
CREATE OR REPLACE FUNCTION consent_reject_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'consent history is append-only: % on % is not allowed', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # params=None: the function body's '%' placeholders are PL/pgSQL's, not the driver's.
    schema_editor.execute(FUNCTION, params=None)
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION consent_reject_change();"
        )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
    schema_editor.execute("DROP FUNCTION IF EXISTS consent_reject_change();")


class Migration(migrations.Migration):
    dependencies = [("consent", "0001_initial")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
