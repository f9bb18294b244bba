"""Prioritisation: estimates through the service, RICE and value/effort on a hand-made example
(reach and value following the demand), explanations, the table's sorting and filters, the
API, the page with its inline edit, query counts, and the monthly trend."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from tests.api.utils import bearer_client, errors, nothing_written, patch, url
from tests.conftest import client_for
from wavelength.catalog import services as catalog
from wavelength.core import clock
from wavelength.core.exceptions import DomainError
from wavelength.core.models import Activity
from wavelength.feedback import services
from wavelength.prioritisation import selectors as scoring
from wavelength.prioritisation import services as prioritisation
from wavelength.prioritisation.models import FeatureScore, ScoringFormula

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def formulas(db):
    """The data migration's formulas (present unless the test database skipped migrations)."""
    rows = [
        ("rice", "RICE", "reach × impact × confidence ÷ effort"),
        ("value_effort", "Value/Effort", "value ÷ effort"),
    ]
    for name, label, expression in rows:
        ScoringFormula.objects.get_or_create(
            name=name, version=1, defaults={"label": label, "expression": expression}
        )


def _ask(editor, feature, company_email: str, text: str, received_at=None):
    item = services.feedback_create(
        actor=editor, text=text, contact_email=company_email, received_at=received_at
    )
    services.feedback_link(actor=editor, feedback=item, feature=feature)
    return item


@pytest.fixture
def asked(editor, feature, acme, globex):
    """Three items for ``feature``: two from Acme (120,000), one from Globex (30,000)."""
    _ask(editor, feature, "jane@acme.com", "Please add CSV export.")
    _ask(editor, feature, "joe@acme.com", "CSV export would save us hours.")
    _ask(editor, feature, "kim@globex.fr", "We need exports to CSV.")
    return feature


def _row(user, feature):
    return scoring.feature_scores(user=user, feature=feature)


# Services ---------------------------------------------------------------------------------


def test_rice_uses_the_companies_asking_as_reach(editor, asked):
    prioritisation.feature_score_update(
        actor=editor, feature=asked, impact="2", confidence=80, effort="0.5"
    )

    row = _row(editor, asked)

    assert (row.feedback_count, row.unique_companies, row.revenue) == (3, 2, Decimal("150000"))
    assert row.reach_is_default and row.inputs.reach == 2
    assert row.rice.value == Decimal("6.40")  # 2 × 2 × 0.8 ÷ 0.5
    assert row.value_effort.value == Decimal("300000.00")  # 150,000 ÷ 0.5


def test_overrides_replace_the_demand(editor, asked):
    prioritisation.feature_score_update(
        actor=editor, feature=asked, reach=12, impact=2, confidence=80, effort="0.5", value=1000
    )

    row = _row(editor, asked)

    assert not row.reach_is_default and not row.value_is_default
    assert row.rice.value == Decimal("38.40")  # 12 × 2 × 0.8 ÷ 0.5
    assert row.value_effort.value == Decimal("2000.00")


def test_clearing_an_override_follows_the_demand_again(editor, asked):
    prioritisation.feature_score_update(actor=editor, feature=asked, reach=12, effort=1)
    prioritisation.feature_score_update(actor=editor, feature=asked, reach=None)

    assert _row(editor, asked).inputs.reach == 2


def test_explanation_names_inputs_and_formula_version(editor, asked):
    prioritisation.feature_score_update(
        actor=editor, feature=asked, reach=12, impact=2, confidence=80, effort="0.5"
    )

    rice = _row(editor, asked).rice

    assert rice.explanation == "38.4 = reach 12 × impact 2 × confidence 0.8 ÷ effort 0.5"
    assert rice.label == "RICE v1"
    assert _row(editor, asked).value_effort.explanation == "300,000 = value 150,000 ÷ effort 0.5"
    with translation.override("fr"):  # numbers as French readers write them
        assert _row(editor, asked).value_effort.explanation == (
            "300\u00a0000 = valeur 150\u00a0000 ÷ effort 0,5"
        )


def test_without_effort_there_is_no_score(editor, asked):
    row = _row(editor, asked)

    assert row.rice.value is None and row.value_effort.value is None
    assert "effort" in row.rice.explanation.lower()


def test_score_records_the_active_formula_versions(editor, asked):
    score = prioritisation.feature_score_update(actor=editor, feature=asked, effort=1)

    assert (score.rice_formula.name, score.rice_formula.version) == ("rice", 1)
    assert (score.value_formula.name, score.value_formula.version) == ("value_effort", 1)


def test_a_feature_keeps_the_formula_version_it_was_scored_with(editor, asked):
    prioritisation.feature_score_update(actor=editor, feature=asked, effort=1)
    ScoringFormula.objects.filter(name="rice").update(active=False)
    ScoringFormula.objects.create(
        name="rice", version=2, label="RICE", expression="(not in code)", active=True
    )

    assert _row(editor, asked).rice.label == "RICE v1"


@pytest.mark.parametrize(
    ("inputs", "field"),
    [
        ({"effort": 0}, "effort"),
        ({"effort": "-1"}, "effort"),
        ({"effort": "lots"}, "effort"),
        ({"impact": "1.5"}, "impact"),
        ({"confidence": 90}, "confidence"),
        ({"reach": -3}, "reach"),
        ({"reach": "2.5"}, "reach"),
        ({"value": "-10"}, "value"),
    ],
)
def test_bad_input_writes_nothing(editor, asked, inputs, field):
    with nothing_written(FeatureScore), pytest.raises(DomainError) as caught:
        prioritisation.feature_score_update(actor=editor, feature=asked, **inputs)

    assert field in caught.value.errors


def test_every_bad_field_is_named(editor, asked):
    with pytest.raises(DomainError) as caught:
        prioritisation.feature_score_update(actor=editor, feature=asked, effort=0, impact=7)

    assert set(caught.value.errors) == {"effort", "impact"}


def test_viewer_cannot_change_estimates(viewer, asked):
    from django.core.exceptions import PermissionDenied

    with nothing_written(FeatureScore), pytest.raises(PermissionDenied):
        prioritisation.feature_score_update(actor=viewer, feature=asked, effort=1)


def test_a_change_is_recorded_under_the_product(editor, asked):
    prioritisation.feature_score_update(actor=editor, feature=asked, effort=2, impact=3)

    entry = Activity.objects.latest("pk")
    assert entry.actor == editor and entry.verb == "updated"
    assert entry.scope == f"catalog.product:{asked.product_id}"
    assert entry.changes == {"effort": [None, "2.00"], "impact": ["1", "3"]}
    assert entry.payload["formulas"] == ["RICE v1", "Value/Effort v1", "Load v1"]


# The table: sorting and filters -------------------------------------------------------------


@pytest.fixture
def three(editor, product, acme, globex):
    """Three features whose RICE and value/effort orders differ."""
    big = catalog.feature_create(actor=editor, product=product, title="Big")
    small = catalog.feature_create(actor=editor, product=product, title="Small")
    unscored = catalog.feature_create(actor=editor, product=product, title="Unscored")
    _ask(editor, big, "a@acme.com", "big please")
    _ask(editor, big, "g@globex.fr", "big please too")
    _ask(editor, small, "g2@globex.fr", "small please")
    prioritisation.feature_score_update(
        actor=editor, feature=big, impact=1, confidence=100, effort=4
    )
    prioritisation.feature_score_update(
        actor=editor, feature=small, impact=3, confidence=100, effort=1
    )
    return big, small, unscored


def _titles(user, **filters):
    qs = scoring.prioritisation_list(user=user, filters=scoring.PrioritisationFilter(**filters))
    return [f.title for f in qs]


def test_sorted_by_rice_in_sql_with_unscored_last(editor, three):
    # big: 2 × 1 × 1 ÷ 4 = 0.5; small: 1 × 3 × 1 ÷ 1 = 3
    assert _titles(editor) == ["Small", "Big", "Unscored"]
    assert _titles(editor, sort="rice") == ["Big", "Small", "Unscored"]


def test_sorted_by_value_effort_and_demand(editor, three):
    # big: 150,000 ÷ 4 = 37,500; small: 30,000 ÷ 1
    assert _titles(editor, sort="-value_effort") == ["Big", "Small", "Unscored"]
    assert _titles(editor, sort="-revenue") == ["Big", "Small", "Unscored"]
    assert _titles(editor, sort="-companies") == ["Big", "Small", "Unscored"]
    assert _titles(editor, sort="-feedback")[:2] == ["Big", "Small"]


def test_an_unknown_sort_falls_back_to_rice(editor, three):
    assert _titles(editor, sort="password") == ["Small", "Big", "Unscored"]


def test_filters(editor, three, product_team):
    big, _small, _unscored = three
    other = catalog.product_create(actor=editor, name="Nebula")
    catalog.feature_create(actor=editor, product=other, title="Elsewhere", owner_team=product_team)

    assert _titles(editor, product=other.slug) == ["Elsewhere"]
    assert _titles(editor, team=product_team.slug) == ["Elsewhere"]
    assert _titles(editor, q="smal") == ["Small"]
    catalog.feature_move_stage(actor=editor, feature=big, stage="discovery")
    assert _titles(editor, stage="discovery") == ["Big"]


# Trend ------------------------------------------------------------------------------------


def test_trend_counts_items_per_month_for_the_last_twelve(editor, feature):
    now = timezone.make_aware(dt.datetime(2026, 6, 15, 12))
    with clock.travel(now):
        _ask(editor, feature, "a@acme.com", "now", received_at=now)
        _ask(editor, feature, "b@acme.com", "now too", received_at=now - dt.timedelta(days=2))
        _ask(editor, feature, "c@acme.com", "march", received_at=now - dt.timedelta(days=90))
        _ask(editor, feature, "d@acme.com", "too old", received_at=now - dt.timedelta(days=400))
        months = scoring.feature_trend(user=editor, feature=feature)

    assert len(months) == 12
    assert (months[0].label, months[-1].label) == ("2025-07", "2026-06")
    counts = {m.label: m.count for m in months}
    assert counts["2026-06"] == 2 and counts["2026-03"] == 1
    assert sum(counts.values()) == 3


# API --------------------------------------------------------------------------------------


def test_api_lists_scores_with_explanations(editor, three):
    response = bearer_client(editor).get(url("prioritisation-list", sort="-rice"))

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    first = body["items"][0]
    assert first["feature"]["title"] == "Small"
    assert first["rice"] == {
        "value": "3.00",
        "formula": {
            "name": "rice",
            "version": 1,
            "label": "RICE",
            "expression": "reach × impact × confidence ÷ effort",
        },
        "explanation": "3 = reach 1 × impact 3 × confidence 1 ÷ effort 1",
    }
    assert first["reach_is_default"] is True
    assert body["items"][2]["rice"]["value"] is None


def test_api_filters_and_refuses_an_unknown_sort(editor, three):
    client = bearer_client(editor)
    response = client.get(url("prioritisation-list", q="big"))
    assert [i["feature"]["title"] for i in response.json()["items"]] == ["Big"]

    response = client.get(url("prioritisation-list", sort="password"))
    assert response.status_code == 422 and "sort" in errors(response)


def test_api_patch_score(editor, asked):
    response = patch(
        bearer_client(editor),
        url("feature-score", asked.pk),
        {"impact": 2, "confidence": 80, "effort": 0.5},
    )

    assert response.status_code == 200
    assert response.json()["rice"]["value"] == "6.40"


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"effort": 0}, {"effort"}),
        ({"effort": -2, "impact": 4}, {"effort", "impact"}),
        ({"confidence": 75}, {"confidence"}),
        ({"impact": "high"}, {"impact"}),
    ],
)
def test_api_patch_bad_input_is_422_naming_fields(editor, asked, body, fields):
    client = bearer_client(editor)
    with nothing_written(FeatureScore):
        response = patch(client, url("feature-score", asked.pk), body)

    assert response.status_code == 422
    assert set(errors(response)) == fields


def test_api_patch_by_a_viewer_is_403(viewer, asked):
    client = bearer_client(viewer)
    with nothing_written(FeatureScore):
        response = patch(client, url("feature-score", asked.pk), {"effort": 1})
    assert response.status_code == 403


def test_api_patch_unknown_feature_is_404(editor):
    response = patch(bearer_client(editor), url("feature-score", 999999), {"effort": 1})
    assert response.status_code == 404


def test_api_lists_formulas(viewer):
    response = bearer_client(viewer).get(url("scoring-formula-list"))

    assert response.status_code == 200
    names = {(f["name"], f["version"], f["active"]) for f in response.json()}
    assert names == {("rice", 1, True), ("value_effort", 1, True), ("load", 1, True)}


def test_api_query_count_does_not_grow_with_page_size(editor, product, acme):
    for n in range(12):
        feature = catalog.feature_create(actor=editor, product=product, title=f"F{n}")
        _ask(editor, feature, f"p{n}@acme.com", f"item {n}")
        prioritisation.feature_score_update(actor=editor, feature=feature, effort=n + 1)
    client = bearer_client(editor)
    client.get(url("prioritisation-list", limit=1))

    counts = []
    for limit in (2, 12):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url("prioritisation-list", limit=limit))
        assert len(response.json()["items"]) == limit
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


# Pages ------------------------------------------------------------------------------------


def test_page_renders_for_a_viewer_without_edit_buttons(viewer, three):
    response = client_for(viewer).get(reverse("prioritisation:prioritisation"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "reach × impact × confidence ÷ effort" in html
    assert "RICE v1: 3 = reach 1 × impact 3 × confidence 1 ÷ effort 1" in html
    assert html.index("Small") < html.index("Big") < html.index("Unscored")
    assert reverse("prioritisation:prioritisation-edit", args=[three[0].pk]) not in html


def test_page_sorts_and_filters_through_get(editor, three):
    client = client_for(editor)
    html = client.get(reverse("prioritisation:prioritisation"), {"sort": "rice"}).content.decode()
    assert html.index("Big") < html.index("Small")

    response = client.get(
        reverse("prioritisation:prioritisation"),
        {"q": "small"},
        **HTMX,
        HTTP_HX_TARGET="prioritisation-results",
    )
    html = response.content.decode()
    assert "<html" not in html and "Small" in html and "Unscored" not in html


def test_anonymous_is_sent_to_sign_in(feature):
    from django.test import Client

    for path in [
        reverse("prioritisation:prioritisation"),
        reverse("prioritisation:prioritisation-edit", args=[feature.pk]),
    ]:
        response = Client().get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_inline_edit_over_htmx(editor, asked):
    client = client_for(editor)
    path = reverse("prioritisation:prioritisation-edit", args=[asked.pk])

    form = client.get(path, **HTMX).content.decode()
    assert 'name="effort"' in form and "<html" not in form

    response = client.post(path, {"impact": "2", "confidence": "80", "effort": "0.5"}, **HTMX)
    row = response.content.decode()
    assert response.status_code == 200
    assert f'id="prio-row-{asked.pk}"' in row and "6.4" in row and 'name="effort"' not in row
    assert FeatureScore.objects.get(feature=asked).effort == Decimal("0.50")


def test_inline_edit_with_bad_effort_shows_the_error(editor, asked):
    client = client_for(editor)
    path = reverse("prioritisation:prioritisation-edit", args=[asked.pk])

    with nothing_written(FeatureScore):
        response = client.post(path, {"impact": "2", "confidence": "80", "effort": "0"}, **HTMX)
        plain = client.post(path, {"impact": "2", "confidence": "80", "effort": "0"})

    assert response.status_code == 200  # htmx swaps only 2xx: the form comes back with errors
    assert "more than 0" in response.content.decode()
    assert plain.status_code == 422


def test_viewer_cannot_open_the_edit_form(viewer, asked):
    client = client_for(viewer)
    path = reverse("prioritisation:prioritisation-edit", args=[asked.pk])
    assert client.get(path, **HTMX).status_code == 403
    assert client.post(path, {"effort": "1", "impact": "1", "confidence": "80"}).status_code == 403


def test_cancel_puts_the_row_back(editor, asked):
    response = client_for(editor).get(reverse("prioritisation:prioritisation-row", args=[asked.pk]))
    assert response.status_code == 200 and f'id="prio-row-{asked.pk}"' in response.content.decode()


def test_page_query_count_does_not_grow_with_page_size(editor, product, acme, settings):
    from wavelength.prioritisation import views as views_scoring

    for n in range(12):
        feature = catalog.feature_create(actor=editor, product=product, title=f"F{n}")
        _ask(editor, feature, f"p{n}@acme.com", f"item {n}")
        prioritisation.feature_score_update(actor=editor, feature=feature, effort=n + 1)
    client = client_for(editor)
    client.get(reverse("prioritisation:prioritisation"))

    counts = []
    for size in (2, 12):
        views_scoring.PER_PAGE = size
        try:
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(reverse("prioritisation:prioritisation"))
        finally:
            views_scoring.PER_PAGE = 50
        assert response.content.decode().count('id="prio-row-') == size
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_postgresql_does_not_compile_the_tables_statement():
    """The table's statement is estimated costly (a subquery per feature and column), which
    made PostgreSQL compile it for 300 ms on each page of 1,000 features: the connection
    turns compiling off."""
    if connection.vendor != "postgresql":
        pytest.skip("JIT compiling is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_feature_page_shows_trend_and_explained_scores(editor, asked):
    prioritisation.feature_score_update(
        actor=editor, feature=asked, reach=12, impact=2, confidence=80, effort="0.5"
    )

    response = client_for(editor).get(asked.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-chart="demand-trend-data"' in html and 'id="demand-trend-data"' in html
    assert "3 items and votes in the last 12 months" in html
    assert "38.4 = reach 12 × impact 2 × confidence 0.8 ÷ effort 0.5" in html
    assert "150,000" in html  # revenue-weighted demand


def test_table_and_feature_page_work_without_any_formula(editor_client, editor, product):
    from wavelength.catalog import services as catalog
    from wavelength.prioritisation.models import ScoringFormula

    feature = catalog.feature_create(actor=editor, product=product, title="Offline mode")
    ScoringFormula.objects.all().delete()
    assert editor_client.get(reverse("prioritisation:prioritisation")).status_code == 200
    assert editor_client.get(feature.get_absolute_url()).status_code == 200
