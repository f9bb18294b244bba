"""PostgreSQL: the search entries' text-search vector kept in a stored generated column (the
title weighted A, then title and text), with a GIN index, instead of an index on an expression.

The search ranks its matches by this vector: computed per request for every match, it grew
with the number of matching entries; stored, the rank reads it. SQLite keeps its FTS5 table
(migration 0002)."""

from django.db import migrations

VECTOR = (
    "setweight(to_tsvector('simple'::regconfig, coalesce(title, '')), 'A') || "
    "to_tsvector('simple'::regconfig, coalesce(title, '') || ' ' || coalesce(body, ''))"
)
PG_UP = [
    f"ALTER TABLE core_searchentry ADD COLUMN search_vector tsvector "
    f"GENERATED ALWAYS AS ({VECTOR}) STORED",
    "CREATE INDEX core_searchentry_search_vector ON core_searchentry USING GIN (search_vector)",
    "DROP INDEX IF EXISTS core_searchentry_tsv",
]
PG_DOWN = [
    "CREATE INDEX core_searchentry_tsv ON core_searchentry USING GIN ("
    "to_tsvector('simple', coalesce(title, '') || ' ' || coalesce(body, '')))",
    "ALTER TABLE core_searchentry DROP COLUMN IF EXISTS search_vector",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("core", "0006_generation")]

    operations = [migrations.RunPython(_run(PG_UP), _run(PG_DOWN))]
