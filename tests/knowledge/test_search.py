from django.urls import reverse

from tests.api.utils import bearer_client, url
from tests.conftest import client_for
from wavelength.core import search as global_search
from wavelength.knowledge import services
from wavelength.knowledge.models import PageStatus
from wavelength.knowledge.search import page_search


def test_finds_word_variants_with_highlighted_snippets(editor, space):
    services.page_create(
        actor=editor, space=space, title="Travel", body="Our policies on deploying to production."
    )
    results = page_search(user=editor, q="policy deployed")
    assert [h.page.title for h in results.hits] == ["Travel"]
    assert "<mark>" in results.hits[0].snippet


def test_titles_rank_first(editor, space):
    services.page_create(actor=editor, space=space, title="Notes", body="escalation " * 3)
    services.page_create(actor=editor, space=space, title="Escalation", body="Who to call.")
    results = page_search(user=editor, q="escalation")
    assert [h.page.title for h in results.hits] == ["Escalation", "Notes"]


def test_filters_by_space_owner_and_status(editor, admin, space, page):
    other = services.page_create(
        actor=admin, space=space, title="Deploy checklist", status=PageStatus.PUBLISHED
    )
    assert {h.page.pk for h in page_search(user=editor, q="deploy").hits} == {page.pk, other.pk}
    assert [h.page for h in page_search(user=editor, q="deploy", owner=admin).hits] == [other]
    assert [h.page for h in page_search(user=editor, q="deploy", status="draft").hits] == [page]
    from wavelength.knowledge.models import Space

    policies = Space.objects.get(slug="policies")
    assert page_search(user=editor, q="deploy", space=policies).hits == []


def test_search_respects_visibility(outsider, viewer, secret_page):
    assert page_search(user=outsider, q="pricing").count == 0
    assert [h.page for h in page_search(user=viewer, q="pricing").hits] == [secret_page]


def test_global_search_hides_team_pages_from_outsiders(outsider, viewer, admin, secret_page):
    def kinds(user):
        return [h.title for h in global_search.query("pricing", teams=global_search.teams_of(user))]

    assert kinds(outsider) == []
    assert kinds(viewer) == ["Pricing plan"]
    assert kinds(admin) == ["Pricing plan"]
    page = client_for(outsider).get(reverse("core:search") + "?q=pricing").content.decode()
    assert "Pricing plan" not in page
    api = bearer_client(outsider).get(url("search", q="pricing")).json()
    assert api["count"] == 0
    assert bearer_client(viewer).get(url("search", q="pricing")).json()["count"] == 1


def test_opening_a_space_to_everyone_makes_its_pages_findable(admin, outsider, secret_page):
    space = secret_page.space
    services.space_update(
        actor=admin, space=space, name=space.name, visibility="everyone", owners=[admin]
    )
    assert global_search.query("pricing", teams=global_search.teams_of(outsider))


def test_search_page_lists_hits(editor_client, page):
    response = editor_client.get(reverse("knowledge:search") + "?q=deploy")
    html = response.content.decode()
    assert f'href="{page.get_absolute_url()}"' in html
    assert "<mark>Deploy</mark> procedure" in html


def test_french_words_match_their_variants_on_postgresql(editor, space):
    import pytest
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("French stemming is PostgreSQL's french configuration")
    services.page_create(
        actor=editor, space=space, title="Congés", body="Les politiques de congés."
    )
    assert [h.page.title for h in page_search(user=editor, q="politique").hits] == ["Congés"]


def test_postgresql_matches_and_ranks_by_the_stored_vectors(editor, space):
    """On PostgreSQL the search reads each page's stored english and french vectors, kept up
    to date by the database on every write, through their GIN indexes: computing them per
    matching page cost about a second for a few hundred pages."""
    import pytest
    from django.db import connection

    from wavelength.knowledge.search import pg_match, pg_rank, pg_tsquery

    if connection.vendor != "postgresql":
        pytest.skip("the stored vectors are PostgreSQL's (SQLite searches its FTS5 table)")
    page = services.page_create(actor=editor, space=space, title="Escalation", body="Call Ann.")
    services.page_update(
        actor=editor, page=page, base_version=None, title="Rota", body="Escalation policies"
    )
    query = pg_tsquery(["escalation"])
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            f"EXPLAIN SELECT p.id, {pg_rank('p')} FROM knowledge_page p WHERE {pg_match('p')}",
            [query] * 4,
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SELECT search_english::text FROM knowledge_page WHERE id = %s", [page.pk])
        stored = cursor.fetchone()[0]
    assert "knowledge_page_search_english" in plan and "knowledge_page_search_french" in plan
    assert "'rota':1A" in stored and "'escal':2" in stored and "ann" not in stored
    assert [h.page.title for h in page_search(user=editor, q="escalations").hits] == ["Rota"]
