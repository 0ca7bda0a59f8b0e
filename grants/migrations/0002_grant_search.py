"""On PostgreSQL, a grant's words are kept as a weighted tsvector by a trigger (title A,
description B, recipient and funder C) and indexed with GIN. Kept out of the model state
on purpose, like evidence's search index: SQLite has no tsvector and searches with LIKE."""

from django.db import migrations

CREATE = """
CREATE FUNCTION grants_grant_search_vector() RETURNS trigger AS $$
BEGIN
    NEW.search_vector :=
        setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A') ||
        setweight(to_tsvector('english', coalesce(NEW.description, '')), 'B') ||
        setweight(to_tsvector('english',
            coalesce(NEW.recipient_name, '') || ' ' || coalesce(NEW.funder_name, '')), 'C');
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER grants_grant_search_vector
    BEFORE INSERT OR UPDATE ON grants_grant
    FOR EACH ROW EXECUTE FUNCTION grants_grant_search_vector();

CREATE INDEX grants_grant_search_gin ON grants_grant USING gin (search_vector);

UPDATE grants_grant SET title = title;
"""

DROP = """
DROP INDEX IF EXISTS grants_grant_search_gin;
DROP TRIGGER IF EXISTS grants_grant_search_vector ON grants_grant;
DROP FUNCTION IF EXISTS grants_grant_search_vector();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("grants", "0001_grants_and_imports")]

    operations = [migrations.RunPython(create, drop)]
