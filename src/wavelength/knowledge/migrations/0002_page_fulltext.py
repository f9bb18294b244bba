"""Full-text index of pages: FTS5 with the porter tokenizer on SQLite; GIN indexes on the
english and french tsvectors on PostgreSQL."""

from django.db import migrations

SQLITE_UP = [
    "CREATE VIRTUAL TABLE knowledge_page_fts USING fts5("
    "title, body, content='knowledge_page', content_rowid='id', "
    "tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER knowledge_page_ai AFTER INSERT ON knowledge_page BEGIN "
    "INSERT INTO knowledge_page_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
    "CREATE TRIGGER knowledge_page_ad AFTER DELETE ON knowledge_page BEGIN "
    "INSERT INTO knowledge_page_fts(knowledge_page_fts, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); END",
    "CREATE TRIGGER knowledge_page_au AFTER UPDATE OF title, body ON knowledge_page BEGIN "
    "INSERT INTO knowledge_page_fts(knowledge_page_fts, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); "
    "INSERT INTO knowledge_page_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
    "INSERT INTO knowledge_page_fts(knowledge_page_fts) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS knowledge_page_ai",
    "DROP TRIGGER IF EXISTS knowledge_page_ad",
    "DROP TRIGGER IF EXISTS knowledge_page_au",
    "DROP TABLE IF EXISTS knowledge_page_fts",
]
PG_UP = [
    f"CREATE INDEX knowledge_page_tsv_{cfg} ON knowledge_page USING GIN ("
    f"to_tsvector('{cfg}'::regconfig, coalesce(title, '') || ' ' || coalesce(body, '')))"
    for cfg in ("english", "french")
]
PG_DOWN = [f"DROP INDEX IF EXISTS knowledge_page_tsv_{cfg}" for cfg in ("english", "french")]


def _run(statements):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": PG_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": PG_DOWN}),
        )
    ]
