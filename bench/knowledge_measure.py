"""Measurements of the knowledge base: page search, the page view with its backlinks, and the
diff of two long versions."""

import random
import statistics
import time

from django.db import connection
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.test import Client
from django.urls import reverse

from wavelength.accounts.models import User
from wavelength.core.search import terms
from wavelength.knowledge import diff as text_diff
from wavelength.knowledge.models import Page, PageLink, Space
from wavelength.knowledge.search import bare_query, page_search, pg_match, pg_rank, pg_tsquery

from .data import WORDS
from .knowledge_data import READER_EMAIL, VOCABULARY
from .measure import Bench, BenchError, Check, Result, _in, percentile, speed_target

SEARCH_TARGET = 3.0  # the whole search at most 3x the bare full-text match
DIFF_LINES = 2_000


class KnowledgeBench:
    def __init__(self, bench: Bench):
        self.bench = bench
        self.reader = User.objects.get(email=READER_EMAIL)
        self.client = Client()
        self.client.force_login(self.reader)

    def _words(self) -> list[str]:
        # A common word, a rarer one and a pair: what people type.
        return [VOCABULARY[2], VOCABULARY[60], f"{VOCABULARY[5]} {VOCABULARY[30]}"]

    def search(self) -> list[str]:
        """The search a reader runs (visibility, filters, snippets, titles first) against the
        bare SQL that fetches the same rows, and against the full-text match alone."""
        b = self.bench
        lines = []
        spaces = list(Space.objects.visible_to(self.reader).values_list("pk", flat=True))
        for q in self._words():
            hits = page_search(user=self.reader, q=q, limit=20)
            if not hits.hits:
                raise BenchError(f"Searching pages for {q!r} found nothing.")
            full, bare = b.paired(
                lambda q=q: page_search(user=self.reader, q=q, limit=20),
                lambda q=q: _same_rows(q, spaces),
            )
            match = b.timed(lambda q=q: bare_query(q, limit=20))
            ratio = statistics.median(full) / statistics.median(bare)
            verdict = speed_target(
                "kb.search",
                met=ratio <= SEARCH_TARGET,
                detail=f"{q!r} ratio {ratio:.2f} above the target of {SEARCH_TARGET:g}",
            )
            lines.append(
                f"{'kb.search':<13} {f'page_search({q!r}), {hits.count:,} match':<44} "
                f"search p50={statistics.median(full):.2f}ms p95={percentile(full, 95):.2f}ms  "
                f"sql p50={statistics.median(bare):.2f}ms p95={percentile(bare, 95):.2f}ms  "
                f"ratio={ratio:.2f} (target ≤ {SEARCH_TARGET:g}: {verdict})  "
                f"match alone p50={statistics.median(match):.2f}ms"
            )
        url = reverse("api:page-search") + f"?q={self._words()[0]}"
        self.client.get(url)
        api = b.timed(lambda: self.client.get(url))
        lines.append(
            f"{'api.kb.search':<13} {'GET ' + url:<44} request p50={statistics.median(api):.2f}ms "
            f"p95={percentile(api, 95):.2f}ms"
        )
        return lines

    def page_view(self) -> tuple[Result, Check]:
        """GET a page with many backlinks; queries must not grow with them."""
        b = self.bench
        popular = _most_linked(self.reader)
        quiet = _least_linked(self.reader)
        if popular is None or quiet is None:
            raise BenchError("No linked pages to measure.")

        def url(page):
            return reverse("knowledge:page-detail", args=[page.pk])

        def expect(response):
            if b"Linked from" not in response.content:
                raise BenchError(f"GET {url(popular)} shows no backlinks.")

        def get(page):
            response = self.client.get(url(page))
            if response.status_code != 200:
                raise BenchError(f"GET {url(page)} answered {response.status_code}.")
            return response

        expect(get(popular))

        def bare():
            b.sql(
                "SELECT p.*, s.* FROM knowledge_page p JOIN knowledge_space s ON s.id = p.space_id "
                "WHERE p.id = %s",
                [popular.pk],
            )
            return b.sql(
                "SELECT DISTINCT p.id, p.title, s.name FROM knowledge_page p "
                "JOIN knowledge_pagelink l ON l.page_id = p.id "
                "JOIN knowledge_space s ON s.id = p.space_id "
                "WHERE l.kind = 'page' AND l.target_id = %s ORDER BY p.title LIMIT 100",
                [popular.pk],
            )

        request, sql = b.paired(lambda: get(popular), bare)
        queries = _queries(self.client, url(popular))
        result = Result(
            "page.kb",
            f"GET /docs/pages/… ({popular.backlinks} backlinks)",
            request,
            sql,
            queries,
        )
        check = Check(
            "page view and backlinks",
            {
                f"{popular.backlinks} backlinks": queries,
                f"{quiet.backlinks} backlinks": _queries(self.client, url(quiet)),
            },
            tolerance=0,
        )
        return result, check

    def diff(self) -> str:
        rng = random.Random(5)
        old = [" ".join(rng.choices(WORDS, k=10)) for _ in range(DIFF_LINES)]
        new = list(old)
        for i in rng.sample(range(DIFF_LINES), DIFF_LINES // 20):
            words = new[i].split()
            words[rng.randrange(len(words))] = rng.choice(WORDS)
            new[i] = " ".join(words)
        for i in sorted(rng.sample(range(DIFF_LINES), 40), reverse=True):
            new.insert(i, " ".join(rng.choices(WORDS, k=8)))
        a, b_text = "\n".join(old), "\n".join(new)
        samples = []
        for _ in range(max(3, self.bench.runs // 5)):
            started = time.perf_counter()
            result = text_diff.compare(a, b_text)
            samples.append((time.perf_counter() - started) * 1000)
        return (
            f"{'kb.diff':<13} {f'diff of two {DIFF_LINES:,}-line versions':<44} "
            f"p50={statistics.median(samples):.1f}ms p95={percentile(samples, 95):.1f}ms  "
            f"({result.added} lines added, {result.removed} removed, {len(result.rows)} rows)"
        )


def _same_rows(q: str, spaces: list[int]):
    """The rows a search page shows, in raw SQL: the ranked match in the reader's spaces, the
    total, and the pages with their space and owner."""
    if connection.vendor == "postgresql":
        where, params, order, by = _match_postgresql(q, spaces)
    else:
        where, params, order, by = _match_sqlite(q, spaces)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT p.id, p.body {where} ORDER BY {order} LIMIT 20", params + by)
        ids = [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT count(*) {where}", params)
        cursor.fetchone()
        cursor.execute(
            "SELECT p.*, s.*, u.* FROM knowledge_page p "
            "JOIN knowledge_space s ON s.id = p.space_id "
            f"LEFT JOIN accounts_user u ON u.id = p.owner_id WHERE p.id IN ({_in(ids)})",
            ids,
        )
        return cursor.fetchall()


def _match_sqlite(q: str, spaces: list[int]) -> tuple[str, list, str, list]:
    """The FTS5 match of every word as a prefix, ranked with the title weighing 20 times the
    text: the ``FROM … WHERE`` clause and its parameters, the order and its parameters."""
    match = " ".join(f'"{w}"*' for w in q.split())
    where = (
        "FROM knowledge_page_fts f JOIN knowledge_page p ON p.id = f.rowid "
        f"WHERE knowledge_page_fts MATCH %s AND p.space_id IN ({_in(spaces)})"
    )
    return where, [match, *spaces], "bm25(knowledge_page_fts, 20.0, 1.0)", []


def _match_postgresql(q: str, spaces: list[int]) -> tuple[str, list, str, list]:
    """The match on either language's text search and the rank the search sorts by, the
    title weighing most. The snippets, which the search asks of the database here, are left
    out, as on SQLite where they are cut in Python."""
    tsquery = pg_tsquery(terms(q))
    where = f"FROM knowledge_page p WHERE {pg_match('p')} AND p.space_id IN ({_in(spaces)})"
    return where, [tsquery, tsquery, *spaces], f"{pg_rank('p')} DESC, p.id", [tsquery, tsquery]


def _backlink_counts(reader):
    links = (
        PageLink.objects.filter(kind="page", target_id=OuterRef("pk"))
        .order_by()
        .values("target_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Page.objects.visible_to(reader)
        .filter(space__visibility="everyone")
        .annotate(backlinks=Coalesce(Subquery(links), 0))
        .only("pk", "title")
    )


def _most_linked(reader):
    return _backlink_counts(reader).order_by("-backlinks", "pk")[:1].first()


def _least_linked(reader):
    return _backlink_counts(reader).filter(backlinks__gt=0).order_by("backlinks", "pk").first()


def _queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return len(ctx.captured_queries)
