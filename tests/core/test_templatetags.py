"""The shared template helpers: search highlighting, badges, initials."""

from types import SimpleNamespace

from django.template import Context, Template
from django.test import RequestFactory

from wavelength.core.templatetags.wavelength import (
    active_section,
    css_token,
    highlight,
    initials,
    mark_terms,
    stage_badge,
    status_badge,
)


def test_highlight_marks_matches():
    assert highlight("Export [[CSV]] files") == "Export <mark>CSV</mark> files"


def test_highlight_escapes_html_around_and_inside_marks():
    html = highlight("<script>alert(1)</script> [[<b>x</b>]]")
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<mark>&lt;b&gt;x&lt;/b&gt;</mark>" in html


def test_highlight_leaves_unbalanced_markers_as_text():
    assert highlight("a [[b and c]] d [[e") == "a <mark>b and c</mark> d [[e"
    assert highlight(None) == ""


def test_highlight_in_a_template_is_not_escaped_twice():
    out = Template("{% load wavelength %}{{ s|highlight }}").render(Context({"s": "[[a&b]]"}))
    assert out == "<mark>a&amp;b</mark>"


def test_initials():
    assert initials(SimpleNamespace(name="Alice Martin", email="a@x.org")) == "AM"
    assert initials(SimpleNamespace(name="Cher", email="c@x.org")) == "C"
    assert initials(SimpleNamespace(name="", email="bob@x.org")) == "B"


def test_stage_badge_from_object_and_value():
    feature = SimpleNamespace(stage="beta", get_stage_display=lambda: "Beta")
    assert 'class="badge stage-beta"' in stage_badge(feature)
    assert stage_badge(feature).endswith("Beta</span>")
    assert "stage-generally_available" in stage_badge("generally_available", "GA")


def test_badge_class_cannot_be_injected():
    html = status_badge('x" onclick="alert(1)', "<b>")
    assert html.startswith('<span class="badge release-x--onclick--alert-1-">')
    assert html.endswith("&lt;b&gt;</span>")
    assert css_token('Bad "Value"') == "bad--value-"


def test_active_section_follows_the_url_name(db):
    from django.urls import resolve

    request = RequestFactory().get("/accounts/teams/")
    request.resolver_match = resolve("/accounts/teams/")
    assert active_section({"request": request}) == "teams"
    request.resolver_match = resolve("/changelog/")
    assert active_section({"request": request}) == "changelog"
    request.resolver_match = resolve("/releases/1/changelog/new/")
    assert active_section({"request": request}) == "releases"


def test_mark_terms_marks_word_prefixes_case_insensitively():
    assert mark_terms("CSV export and Exporting", "export") == (
        "CSV <mark>export</mark> and <mark>Exporting</mark>"
    )
    assert mark_terms("reexport", "export") == "reexport"


def test_mark_terms_escapes_and_never_splits_entities():
    html = mark_terms("<b>lt & gt</b>", "lt amp b")
    assert html == "&lt;<mark>b</mark>&gt;<mark>lt</mark> &amp; gt&lt;/<mark>b</mark>&gt;"
    assert mark_terms("<i>x</i>", "") == "&lt;i&gt;x&lt;/i&gt;"
