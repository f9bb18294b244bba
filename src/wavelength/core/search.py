"""Global full-text search over one index table.

Services call :func:`index` / :func:`remove` when a searchable object changes, and
:func:`index_many` / :func:`prune` for many at once (a bulk import, a reindex). On SQLite the
table is mirrored by an FTS5 virtual table kept in sync by triggers; on PostgreSQL a GIN index
on the ``tsvector`` of title and body answers the same query.

An entry may be restricted to an audience: the ids of the teams whose members may find it (a
page in a team-only space, say). :func:`query` takes the searcher's ``teams`` and filters in
SQL; ``teams=None`` (what :func:`teams_of` gives an admin) sees everything.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from .models import SearchEntry

_WORD = re.compile(r"\w+", re.UNICODE)
# A stored column on PostgreSQL (migration 0007): the title weighted A, then title and text.
PG_VECTOR = "search_vector"


@dataclass(frozen=True)
class Hit:
    kind: str
    object_id: int
    title: str
    url: str
    snippet: str


def audience_key(team_ids: Iterable[int]) -> str:
    """The stored form of an audience: "" for everyone, ",3,7," for teams 3 and 7."""
    ids = sorted({int(t) for t in team_ids})
    return f",{','.join(map(str, ids))}," if ids else ""


def teams_of(user) -> list[int] | None:
    """The teams a searcher belongs to, or ``None`` for someone who may see every entry."""
    if getattr(user, "is_admin", False):
        return None
    if not getattr(user, "is_authenticated", False):
        return []
    return list(user.memberships.values_list("team_id", flat=True))


def index(
    *, kind: str, object_id: int, title: str, body: str, url: str, audience: Iterable[int] = ()
) -> None:
    """Add or refresh one entry; ``audience`` lists the teams allowed to find it ([] = all)."""
    SearchEntry.objects.update_or_create(
        kind=kind,
        object_id=object_id,
        defaults={
            "title": title,
            "body": body,
            "url": url,
            "audience": audience_key(audience),
            "updated_at": timezone.now(),
        },
    )


# Columns an upsert refreshes; ``kind`` and ``object_id`` name the entry.
_REFRESHED = ["title", "body", "url", "audience", "updated_at"]
BULK_BATCH = 500


def index_many(entries: Iterable[dict], *, batch_size: int = BULK_BATCH) -> int:
    """Add or refresh many entries (dicts of :func:`index`'s arguments) with one bulk upsert
    per ``batch_size`` entries, not a query each; returns how many were written."""
    now = timezone.now()
    rows = [
        SearchEntry(
            kind=e["kind"],
            object_id=e["object_id"],
            title=e["title"][:300],
            body=e["body"],
            url=e["url"],
            audience=audience_key(e.get("audience", ())),
            updated_at=now,
        )
        for e in entries
    ]
    if rows:
        SearchEntry.objects.bulk_create(
            rows,
            batch_size=batch_size,
            update_conflicts=True,
            unique_fields=["kind", "object_id"],
            update_fields=_REFRESHED,
        )
    return len(rows)


def remove(*, kind: str, object_id: int) -> None:
    SearchEntry.objects.filter(kind=kind, object_id=object_id).delete()


def prune(*, kind: str, keep) -> int:
    """Delete the entries of ``kind`` whose object is not in ``keep`` (a queryset of ids), in
    one query: what a reindex does before :func:`index_many`. Returns how many went."""
    return SearchEntry.objects.filter(kind=kind).exclude(object_id__in=keep).delete()[0]


def terms(text: str) -> list[str]:
    return _WORD.findall(text.lower())[:12]


def query(
    text: str,
    *,
    kinds: list[str] | None = None,
    limit: int = 50,
    teams: list[int] | None = None,
) -> list[Hit]:
    """Entries matching every word of ``text`` (prefix match), best first.

    ``teams`` are the searcher's teams: entries with an audience are kept only when it names
    one of them. ``None`` keeps every entry (admins, background jobs).
    """
    words = terms(text)
    if not words:
        return []
    if connection.vendor == "postgresql":
        rows = _query_postgresql(words, kinds, limit, teams)
    else:
        rows = _query_sqlite(words, kinds, limit, teams)
    return [Hit(*row) for row in rows]


def _audience_clause(teams, column: str) -> tuple[str, list]:
    if teams is None:
        return "", []
    likes = [f" OR {column} LIKE %s" for _ in teams]
    return f" AND ({column} = ''{''.join(likes)})", [f"%,{int(t)},%" for t in teams]


def _kind_clause(kinds, column: str) -> tuple[str, list]:
    if not kinds:
        return "", []
    return f" AND {column} IN ({', '.join(['%s'] * len(kinds))})", list(kinds)


def _query_sqlite(words, kinds, limit, teams):
    match = " ".join('"' + w.replace('"', "") + '"*' for w in words)
    clause, params = _kind_clause(kinds, "e.kind")
    audience, audience_params = _audience_clause(teams, "e.audience")
    clause, params = clause + audience, params + audience_params
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


def _query_postgresql(words, kinds, limit, teams):
    tsquery = " & ".join(re.sub(r"[^\w]", "", w) + ":*" for w in words if re.sub(r"[^\w]", "", w))
    clause, params = _kind_clause(kinds, "kind")
    audience, audience_params = _audience_clause(teams, "audience")
    clause, params = clause + audience, params + audience_params
    sql = (
        "SELECT kind, object_id, title, url, "
        "ts_headline('simple', body, to_tsquery('simple', %s), "
        "'StartSel=[[, StopSel=]], MaxWords=24, MinWords=8') "
        f"FROM core_searchentry WHERE {PG_VECTOR} @@ to_tsquery('simple', %s){clause} "
        f"ORDER BY ts_rank({PG_VECTOR}, to_tsquery('simple', %s)) DESC LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [tsquery, tsquery, *params, tsquery, limit])
        return cursor.fetchall()
