"""Full-text search across pages, with snippets, titles first, filters and visibility.

SQLite: an FTS5 table over the pages' title and text with the ``porter`` tokenizer, so English
words match their variants (policy / policies, deploy / deployed); accents are folded. French
words match with accents folded and by prefix, not by stem (FTS5 has no French stemmer).
PostgreSQL: two GIN indexes, on the ``english`` and the ``french`` text-search configurations;
a page matches when either one matches, so both languages' variants are found.
"""

import re
from dataclasses import dataclass

from django.db import connection
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from wavelength.accounts.models import Membership
from wavelength.core.search import terms

from .models import Page, Space, SpaceVisibility

START, STOP = "\x02", "\x03"
# Stored columns on PostgreSQL (migration 0004): the title weighted A, the text D.
PG_VECTOR = "search_{cfg}"
TITLE_WEIGHT = 20.0


@dataclass(frozen=True)
class PageHit:
    page: Page
    snippet: SafeString


@dataclass(frozen=True)
class Results:
    hits: list[PageHit]
    count: int


def highlight(snippet: str) -> SafeString:
    """The snippet escaped, with the matched words in ``<mark>``."""
    text = escape(snippet or "").replace(START, "<mark>").replace(STOP, "</mark>")
    return mark_safe(text)  # noqa: S308 - escaped first, only our own tags added


def _visible_clause(user) -> tuple[str, list] | None:
    """The reader's spaces as SQL (no extra round trip); ``None`` when they may see none."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_admin:
        return "", []
    through = Space.teams.through._meta.db_table
    membership = Membership._meta.db_table
    return (
        " AND p.space_id IN (SELECT s.id FROM knowledge_space s WHERE s.visibility = %s "  # noqa: S608
        f"OR s.id IN (SELECT st.space_id FROM {through} st JOIN {membership} m "
        "ON m.team_id = st.team_id WHERE m.user_id = %s))",
        [SpaceVisibility.EVERYONE.value, user.pk],
    )


def _filters(user, space, owner, status) -> tuple[str, list] | None:
    visible = _visible_clause(user)
    if visible is None:
        return None
    sql, params = visible
    if space is not None:
        sql += " AND p.space_id = %s"
        params.append(space.pk)
    if owner is not None:
        sql += " AND p.owner_id = %s"
        params.append(owner.pk)
    if status:
        sql += " AND p.status = %s"
        params.append(status)
    return sql, params


def page_search(
    *, user, q: str, space=None, owner=None, status: str = "", limit: int = 20, offset: int = 0
) -> Results:
    """Pages the reader may see matching every word of ``q`` (variants too), best first."""
    words = [w for w in terms(q) if w]
    if not words:
        return Results([], 0)
    filters = _filters(user, space, owner, status)
    if filters is None:
        return Results([], 0)
    clause, params = filters
    if connection.vendor == "postgresql":
        rows, count = _postgresql(words, clause, params, limit, offset)
    else:
        rows, count = _sqlite(words, clause, params, limit, offset)
    pages = Page.objects.select_related("space", "owner").in_bulk([pk for pk, _s in rows])
    hits = [PageHit(pages[pk], highlight(snip)) for pk, snip in rows if pk in pages]
    return Results(hits, count)


def _fts_match(words) -> str:
    return " ".join('"' + w.replace('"', "") + '"*' for w in words)


def _sqlite(words, clause, params, limit, offset):
    match = _fts_match(words)
    base = (
        "FROM knowledge_page_fts f JOIN knowledge_page p ON p.id = f.rowid "
        f"WHERE knowledge_page_fts MATCH %s{clause}"
    )
    # The only interpolated text is the filter's list of %s placeholders. The snippet is cut
    # in Python from the page of hits: FTS5's snippet() would run for every match before the
    # sort, or re-run the match once per row when asked for a list of rows.
    sql = (
        f"SELECT p.id, p.body {base} "  # noqa: S608
        f"ORDER BY bm25(knowledge_page_fts, {TITLE_WEIGHT}, 1.0), p.id LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [match, *params, limit, offset])
        rows = [(pk, snippet(body, words)) for pk, body in cursor.fetchall()]
        if offset == 0 and len(rows) < limit:
            return rows, len(rows)
        cursor.execute(f"SELECT count(*) {base}", [match, *params])  # noqa: S608
        return rows, cursor.fetchone()[0]


_SUFFIXES = ("ies", "ing", "ed", "es", "s", "y", "e")
_NOISE = re.compile(r"[#*_`>|\[\]]+|\s+")


def _root(word: str) -> str:
    """The word without an English ending, to highlight its variants (policy → polic…)."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def snippet(body: str, words: list[str], width: int = 220) -> str:
    """About ``width`` characters of ``body`` around the first matched word, with every
    matched word between START and STOP."""
    body = body or ""
    roots = sorted({re.escape(_root(w)) for w in words if w}, key=len, reverse=True)
    if not roots:
        return _NOISE.sub(" ", body[: width * 2]).strip()[:width]
    pattern = re.compile(r"\b(?:" + "|".join(roots) + r")\w*", re.IGNORECASE)
    found = pattern.search(body)
    # Only a window of the text is cleaned and marked, however long the page.
    start = max(0, (found.start() if found else 0) - width // 2)
    raw = body[start : start + width * 2]
    text = _NOISE.sub(" ", raw).strip()
    if start:
        text = text.partition(" ")[2] or text
    cut = len(text) > width
    if cut:
        text = text[:width].rpartition(" ")[0] or text[:width]
    part = pattern.sub(lambda m: f"{START}{m.group(0)}{STOP}", text)
    more = cut or start + width * 2 < len(body)
    return ("…" if start else "") + part + ("…" if more else "")


def pg_tsquery(words) -> str:
    parts = [re.sub(r"[^\w]", "", w) for w in words]
    return " & ".join(p + ":*" for p in parts if p)


def pg_match(alias: str) -> str:
    """Pages whose english or french vector holds the query (two %s: the tsquery twice)."""
    return " OR ".join(
        f"{alias}.{PG_VECTOR.format(cfg=cfg)} @@ to_tsquery('{cfg}', %s)"
        for cfg in ("english", "french")
    ).join("()")


def pg_rank(alias: str) -> str:
    """The rank the search sorts by, both languages added (two %s: the tsquery twice)."""
    return " + ".join(
        f"ts_rank({alias}.{PG_VECTOR.format(cfg=cfg)}, to_tsquery('{cfg}', %s))"
        for cfg in ("english", "french")
    )


def _postgresql(words, clause, params, limit, offset):
    tsquery = pg_tsquery(words)
    if not tsquery:
        return [], 0
    where = f"WHERE {pg_match('p')}{clause}"
    rank = pg_rank("p")
    # Only constants and %s placeholders are interpolated.
    sql = (
        "SELECT id, ts_headline('english', body, to_tsquery('english', %s), "  # noqa: S608
        f"'StartSel={START}, StopSel={STOP}, MaxWords=30, MinWords=12') FROM ("
        f"SELECT p.id, p.body, {rank} AS rank FROM knowledge_page p {where} "
        "ORDER BY rank DESC, p.id LIMIT %s OFFSET %s) hits ORDER BY rank DESC, id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [tsquery, tsquery, tsquery, tsquery, tsquery, *params, limit, offset])
        rows = cursor.fetchall()
        if offset == 0 and len(rows) < limit:
            return rows, len(rows)
        cursor.execute(
            f"SELECT count(*) FROM knowledge_page p {where}",  # noqa: S608
            [tsquery, tsquery, *params],
        )
        return rows, cursor.fetchone()[0]


def bare_query(q: str, limit: int = 20) -> list[int]:
    """The full-text match alone (no visibility, filters or snippets): the benchmark's floor."""
    words = terms(q)
    if connection.vendor == "postgresql":
        tsquery = pg_tsquery(words)
        en = PG_VECTOR.format(cfg="english")
        sql = (
            f"SELECT id FROM knowledge_page WHERE {en} @@ to_tsquery('english', %s) "  # noqa: S608
            f"ORDER BY ts_rank({en}, to_tsquery('english', %s)) DESC LIMIT %s"
        )
        params = [tsquery, tsquery, limit]
    else:
        sql = (
            "SELECT rowid FROM knowledge_page_fts WHERE knowledge_page_fts MATCH %s "
            "ORDER BY bm25(knowledge_page_fts) LIMIT %s"
        )
        params = [_fts_match(words), limit]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]
