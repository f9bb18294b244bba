"""Decisions: edited with their history through a versioned form, found by the search, shown
on the features, releases and knowledge pages they are about and in their timelines."""

import pytest
from django.urls import reverse

from tests.api.utils import bearer_client, patch, post, url
from tests.conftest import client_for
from tests.factories import FeatureFactory
from wavelength.core import versioning
from wavelength.core.models import Activity
from wavelength.integrations.webhooks import event_of
from wavelength.knowledge.models import Page, PageLink, Space
from wavelength.meetings import services
from wavelength.meetings.models import Decision


@pytest.fixture
def occurrence(series):
    return series.occurrences.order_by("starts_at").first()


@pytest.fixture
def open_page(db, product):
    space = Space.objects.create(name="Handbook", slug="handbook")
    page = Page.objects.create(space=space, title="Export design", slug="export-design")
    PageLink.objects.create(page=page, kind="product", target_id=product.pk, key=product.slug)
    return page


@pytest.fixture
def sales_page(db, other_team):
    space = Space.objects.create(name="Sales", slug="sales", visibility="teams")
    space.teams.add(other_team)
    return Page.objects.create(space=space, title="Pricing FAQ", slug="pricing-faq")


@pytest.fixture
def decision(occurrence, editor, product, open_page):
    feature = FeatureFactory(product=product, title="Dark mode")
    data = services.DecisionData(title="Dark mode ships in June", rationale="Beta went well",
                                 features=[feature], pages=[open_page])  # fmt: skip
    return services.decision_create(actor=editor, occurrence=occurrence, data=data)


def _form(decision, **changes):
    values = {"title": decision.title, "rationale": decision.rationale,
              "features": [f.pk for f in decision.features.all()],
              "edit_version": versioning.version_of(decision)}  # fmt: skip
    return {**values, **changes}


def test_the_decision_page_and_its_edit_form(now, editor_client, decision):
    page = editor_client.get(decision.get_absolute_url()).content.decode()
    assert "Dark mode ships in June" in page and "Beta went well" in page
    edit = reverse("meetings:decision-edit", args=[decision.pk])
    assert editor_client.get(edit).status_code == 200
    response = editor_client.post(edit, _form(decision, title="Dark mode ships in July"))
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.title == "Dark mode ships in July"
    changes = Activity.objects.for_target(decision).get(verb="updated").changes
    assert changes["title"] == ["Dark mode ships in June", "Dark mode ships in July"]


def test_a_stale_edit_is_a_422_and_keeps_what_was_typed(now, editor_client, editor, decision):
    form = _form(decision, title="Mine")
    services.decision_update(actor=editor, decision=decision,
                             data=services.DecisionData(title="Theirs"))  # fmt: skip
    response = editor_client.post(reverse("meetings:decision-edit", args=[decision.pk]), form)
    assert response.status_code == 422 and "Mine" in response.content.decode()
    decision.refresh_from_db()
    assert decision.title == "Theirs"


def test_an_empty_title_names_the_field_and_writes_nothing(now, editor_client, decision):
    response = editor_client.post(
        reverse("meetings:decision-edit", args=[decision.pk]), _form(decision, title=" ")
    )
    assert response.status_code == 422
    assert Decision.objects.get(pk=decision.pk).title == "Dark mode ships in June"


def test_a_viewer_or_outsider_cannot_edit_and_a_closed_meeting_only_by_its_owner(
    now, decision, viewer, outsider, admin, editor
):
    edit = reverse("meetings:decision-edit", args=[decision.pk])
    assert client_for(viewer).get(edit).status_code == 403
    assert client_for(outsider).post(edit, _form(decision, title="x")).status_code == 403
    services.occurrence_close(actor=editor, occurrence=decision.occurrence)
    assert client_for(admin).get(edit).status_code == 403  # closed: only the series' owner
    response = client_for(editor).post(edit, _form(decision, title="Corrected"))
    assert response.status_code == 302
    assert Activity.objects.for_target(decision).filter(verb="updated").exists()


def test_decisions_are_found_by_the_search(now, editor_client, decision, editor):
    html = editor_client.get(reverse("core:search"), {"q": "ships June"}).content.decode()
    assert f'href="{decision.get_absolute_url()}"' in html and "Decisions" in html
    services.decision_update(actor=editor, decision=decision,
                             data=services.DecisionData(title="Tabs land in May"))  # fmt: skip
    found = bearer_client(editor).get(url("search"), {"q": "tabs"}).json()
    assert [h["kind"] for h in found["items"]] == ["decision"]
    assert services.search_reindex() == {"decision": 1}


def test_a_decision_shows_on_its_page_and_in_its_timelines(now, viewer, decision, open_page):
    html = client_for(viewer).get(open_page.get_absolute_url()).content.decode()
    assert "Dark mode ships in June" in html
    row = Activity.objects.for_target(open_page).get(verb="decided")
    assert row.scope == open_page.scope and row.payload["decision"] == decision.title
    feature = decision.features.get()
    assert Activity.objects.for_target(feature).filter(verb="decided").exists()


def test_newly_linked_objects_get_the_decision_in_their_timeline(now, editor, decision, product):
    other = FeatureFactory(product=product, title="Tabs")
    services.decision_update(actor=editor, decision=decision, data=services.DecisionData(
        title=decision.title, features=[*decision.features.all(), other]))  # fmt: skip
    assert Activity.objects.for_target(other).filter(verb="decided").count() == 1
    assert Activity.objects.filter(verb="decided", target_id=decision.features.first().pk)


def test_pages_a_reader_cannot_see_stay_hidden_and_cannot_be_linked(
    now, occurrence, editor, outsider, viewer, sales_page, admin
):
    api = bearer_client(editor)
    refused = post(api, url("decision-create", occurrence.pk),
                   {"title": "Raise prices", "pages": [sales_page.pk]})  # fmt: skip
    assert refused.status_code == 422
    assert [d["field"] for d in refused.json()["detail"]] == ["pages"]
    assert not Decision.objects.exists()
    data = services.DecisionData(title="Raise prices", pages=[sales_page])
    decision = services.decision_create(actor=admin, occurrence=occurrence, data=data)
    assert bearer_client(outsider).get(url("decision-detail", decision.pk)).json()["pages"] == [
        sales_page.pk
    ]
    assert bearer_client(viewer).get(url("decision-detail", decision.pk)).json()["pages"] == []
    assert "Pricing FAQ" not in client_for(viewer).get(decision.get_absolute_url()).content.decode()
    # An edit by someone who cannot see the page keeps its link.
    response = patch(api, url("decision-update", decision.pk), {"pages": []})
    assert response.status_code == 200
    assert list(decision.pages.all()) == [sales_page]


def test_recording_a_decision_is_a_webhook_event(now, decision):
    row = Activity.objects.for_target(decision).get(verb="created")
    assert event_of(row) == "decision.recorded"


def test_the_decision_form_lists_only_the_series_products_and_readable_pages(
    now, editor_client, occurrence, product, sales_page, open_page
):
    FeatureFactory(product=product, title="Ours")
    FeatureFactory(title="Someone else's")
    html = editor_client.get(occurrence.get_absolute_url()).content.decode()
    assert "Ours" in html and "Someone else&#x27;s" not in html
    assert "Export design" in html and "Pricing FAQ" not in html
    assert 'data-filter-list="id_decision-features-options"' in html
