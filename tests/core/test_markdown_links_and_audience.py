"""Task lists and wiki links in core.markdown; entries restricted to an audience in search."""

from wavelength.core import search
from wavelength.core.markdown import Resolved, render, wiki_links


def test_task_lists_render_as_disabled_checkboxes():
    html = render("- [ ] open\n- [x] done\n<input type=text>")
    assert 'type="checkbox"' in html and 'checked="checked"' in html
    assert 'type="text"' not in html


def test_wiki_links_stay_text_without_a_resolver_and_skip_code():
    assert "[[Runbook]]" in render("[[Runbook]]")
    links = wiki_links("[[Runbook]] [[feature:12|alerts]] `[[code]]` [[runbook]]")
    assert [(link.kind, link.key, link.label) for link in links] == [
        ("page", "Runbook", "Runbook"),
        ("feature", "12", "alerts"),
    ]


def test_resolved_wiki_links_are_escaped_links():
    html = render('[[<b>"x"</b>]]', resolve=lambda link: Resolved('/p?"x"', exists=False))
    assert 'class="wikilink wikilink-missing"' in html
    assert "<b>" not in html


def test_audience_restricts_entries_to_their_teams(db):
    search.index(kind="page", object_id=1, title="Secret plan", body="", url="/1/", audience=[3])
    search.index(kind="page", object_id=2, title="Open plan", body="", url="/2/")
    assert {h.title for h in search.query("plan", teams=[])} == {"Open plan"}
    assert {h.title for h in search.query("plan", teams=[3, 4])} == {"Open plan", "Secret plan"}
    assert {h.title for h in search.query("plan", teams=[33])} == {"Open plan"}
    assert {h.title for h in search.query("plan")} == {"Open plan", "Secret plan"}
