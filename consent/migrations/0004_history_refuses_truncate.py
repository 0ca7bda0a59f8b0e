"""On PostgreSQL, TRUNCATE of the consent history is refused as well (row triggers do not
see it): a statement-level BEFORE TRUNCATE trigger on each history table, which fires for
a CASCADE from another table too.

Wiping a whole database on purpose (the test suite's flush, the bench's reset) first runs
``SET LOCAL learnhub.allow_history_truncate = 'on'`` in its transaction
(``consent.models.ALLOW_HISTORY_TRUNCATE_SQL``).
"""

from django.db import migrations

TABLES = ("consent_consentrecord", "consent_challengerecord")

FUNCTION = """
CREATE OR REPLACE FUNCTION consent_reject_truncate() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('learnhub.allow_history_truncate', true), '') = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'consent history is append-only: TRUNCATE on % is not allowed', TG_TABLE_NAME
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
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION consent_reject_truncate();"
        )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};")
    schema_editor.execute("DROP FUNCTION IF EXISTS consent_reject_truncate();")


class Migration(migrations.Migration):
    dependencies = [("consent", "0003_learning_mode_change")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
