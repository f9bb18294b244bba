"""Global full-text search over one index table.

Services call :func:`index` / :func:`remove` when a searchable object changes. On SQLite the
table is mirrored by an FTS5 virtual table kept in sync by triggers; on PostgreSQL a GIN index
on the ``tsvector`` of title and body answers the same query.
"""

import re
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from .models import SearchEntry

_WORD = re.compile(r"\w+", re.UNICODE)
PG_VECTOR = "to_tsvector('simple', coalesce(title, '') || ' ' || coalesce(body, ''))"


@dataclass(frozen=True)
class Hit:
    kind: str
    object_id: int
    title: str
    url: str
    snippet: str


def index(*, kind: str, object_id: int, title: str, body: str, url: str) -> None:
    SearchEntry.objects.update_or_create(
        kind=kind,
        object_id=object_id,
        defaults={"title": title, "body": body, "url": url, "updated_at": timezone.now()},
    )


def remove(*, kind: str, object_id: int) -> None:
    SearchEntry.objects.filter(kind=kind, object_id=object_id).delete()


def terms(text: str) -> list[str]:
    return _WORD.findall(text.lower())[:12]


def query(text: str, *, kinds: list[str] | None = None, limit: int = 50) -> list[Hit]:
    """Entries matching every word of ``text`` (prefix match), best first."""
    words = terms(text)
    if not words:
        return []
    if connection.vendor == "postgresql":
        rows = _query_postgresql(words, kinds, limit)
    else:
        rows = _query_sqlite(words, kinds, limit)
    return [Hit(*row) for row in rows]


def _kind_clause(kinds, column: str) -> tuple[str, list]:
    if not kinds:
        return "", []
    return f" AND {column} IN ({', '.join(['%s'] * len(kinds))})", list(kinds)


def _query_sqlite(words, kinds, limit):
    match = " ".join('"' + w.replace('"', "") + '"*' for w in words)
    clause, params = _kind_clause(kinds, "e.kind")
    # The only interpolated text is a list of %s placeholders.
    sql = (
        "SELECT e.kind, e.object_id, e.title, e.url, "
        "snippet(core_searchentry_fts, 1, '[[', ']]', '…', 16) "
        "FROM core_searchentry_fts f JOIN core_searchentry e ON e.id = f.rowid "
        f"WHERE core_searchentry_fts MATCH %s{clause} "
        "ORDER BY bm25(core_searchentry_fts, 10.0, 1.0) LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [match, *params, limit])
        return cursor.fetchall()


def _query_postgresql(words, kinds, limit):
    tsquery = " & ".join(re.sub(r"[^\w]", "", w) + ":*" for w in words if re.sub(r"[^\w]", "", w))
    clause, params = _kind_clause(kinds, "kind")
    sql = (
        "SELECT kind, object_id, title, url, "
        "ts_headline('simple', body, to_tsquery('simple', %s), "
        "'StartSel=[[, StopSel=]], MaxWords=24, MinWords=8') "
        f"FROM core_searchentry WHERE {PG_VECTOR} @@ to_tsquery('simple', %s){clause} "
        f"ORDER BY ts_rank(setweight(to_tsvector('simple', title), 'A') || {PG_VECTOR}, "
        "to_tsquery('simple', %s)) DESC LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [tsquery, tsquery, *params, tsquery, limit])
        return cursor.fetchall()
