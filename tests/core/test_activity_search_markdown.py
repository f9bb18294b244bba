import pytest
from django.db import connection

from wavelength.core import activity, search
from wavelength.core.markdown import render

pytestmark = pytest.mark.django_db


def test_diff_lists_only_changed_fields():
    assert activity.diff({"a": 1, "b": 2}, {"a": 1, "b": 3}) == {"b": [2, 3]}


def test_snapshots_keep_lists_of_records_and_sort_lists_of_values():
    # A quiz question's choices are records: their order is part of the value (this used to
    # fail comparing dicts).
    choices = [{"text": "b", "correct": False}, {"text": "a", "correct": True}]
    assert activity._plain(choices) == choices
    assert activity._plain(["support", "product", 3, 1]) == [1, 3, "product", "support"]
    assert activity._plain({"b", "a"}) == ["a", "b"]


def test_markdown_renders_tables_and_escapes_html():
    html = render("| a | b |\n|---|---|\n| 1 | 2 |\n\n<script>alert(1)</script> **bold**")
    assert "<table>" in html and "<strong>bold</strong>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_markdown_drops_javascript_links():
    html = render("[x](javascript:alert(1)) <a href='javascript:alert(2)'>y</a>")
    assert "<a " not in html and "&lt;a href=" in html


def test_broken_markdown_renders_as_text():
    assert "unclosed" in render("**unclosed [link(")
    assert render(None) == ""


def test_search_prefix_ranking_and_kinds():
    search.index(
        kind="feature", object_id=1, title="Export to CSV", body="spreadsheets", url="/f/1"
    )
    search.index(kind="release", object_id=2, title="2.0", body="adds export", url="/r/2")
    hits = search.query("expo")
    assert [h.kind for h in hits] == ["feature", "release"]
    assert [h.kind for h in search.query("export", kinds=["release"])] == ["release"]
    assert search.query("   ") == [] and search.query('"*') == []


def test_search_update_and_remove():
    search.index(kind="feature", object_id=1, title="Old name", body="", url="/f/1")
    search.index(kind="feature", object_id=1, title="New name", body="", url="/f/1")
    assert search.query("old") == [] and len(search.query("new")) == 1
    search.remove(kind="feature", object_id=1)
    assert search.query("new") == []


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="accent folding is FTS5's unicode61 tokenizer"
)
def test_search_accents_fold():
    search.index(kind="feature", object_id=1, title="Équipe générale", body="", url="/f/1")
    assert len(search.query("equipe")) == 1
