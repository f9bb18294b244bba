"""PostgreSQL: each page's english and french text-search vectors kept in stored generated
columns (title weighted A, text D) with a GIN index each, instead of indexes on expressions.

The search ranks its matches by these vectors: computed per request, four vectors per
matching page (title and text, in both languages) took about a second for a few hundred
pages; stored, the rank reads them. SQLite keeps its FTS5 table (migration 0002)."""

from django.db import migrations

CONFIGS = ("english", "french")


def _vector(cfg: str) -> str:
    return (
        f"setweight(to_tsvector('{cfg}'::regconfig, coalesce(title, '')), 'A') || "
        f"setweight(to_tsvector('{cfg}'::regconfig, coalesce(body, '')), 'D')"
    )


PG_UP = [
    *(
        f"ALTER TABLE knowledge_page ADD COLUMN search_{cfg} tsvector "
        f"GENERATED ALWAYS AS ({_vector(cfg)}) STORED"
        for cfg in CONFIGS
    ),
    *(
        f"CREATE INDEX knowledge_page_search_{cfg} ON knowledge_page USING GIN (search_{cfg})"
        for cfg in CONFIGS
    ),
    *(f"DROP INDEX IF EXISTS knowledge_page_tsv_{cfg}" for cfg in CONFIGS),
]
PG_DOWN = [
    *(
        f"CREATE INDEX knowledge_page_tsv_{cfg} ON knowledge_page USING GIN ("
        f"to_tsvector('{cfg}'::regconfig, coalesce(title, '') || ' ' || coalesce(body, '')))"
        for cfg in CONFIGS
    ),
    *(f"ALTER TABLE knowledge_page DROP COLUMN IF EXISTS search_{cfg}" for cfg in CONFIGS),
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0003_default_spaces_and_templates")]

    operations = [migrations.RunPython(_run(PG_UP), _run(PG_DOWN))]
