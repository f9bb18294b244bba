"""Quality and support load as score inputs (support tickets linked to a feature, its open
defects weighted by severity, the versioned "load" formula), and the table filtered and
grouped by the objectives features serve."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.api.utils import bearer_client, url
from tests.conftest import client_for
from wavelength.catalog import services as catalog
from wavelength.feedback import services
from wavelength.feedback.models import Source
from wavelength.planning import services as planning
from wavelength.prioritisation import selectors as scoring
from wavelength.prioritisation import services as prioritisation
from wavelength.prioritisation.models import ScoringFormula
from wavelength.quality.models import Defect, DefectStatus, Severity

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def formulas(db):
    rows = [
        ("rice", "RICE", "reach × impact × confidence ÷ effort"),
        ("value_effort", "Value/Effort", "value ÷ effort"),
        ("load", "Load", "(support + defects) × confidence ÷ effort"),
    ]
    for name, label, expression in rows:
        ScoringFormula.objects.get_or_create(
            name=name, version=1, defaults={"label": label, "expression": expression}
        )


def _defect(feature, severity, status=DefectStatus.OPEN):
    defect = Defect.objects.create(
        product=feature.product, title=f"{severity} bug", severity=severity, status=status
    )
    defect.features.add(feature)
    return defect


@pytest.fixture
def loaded(editor, feature, acme):
    """Two support tickets and a web request for ``feature``; a critical and a minor open
    defect, and a fixed major one."""
    for text, source in [("Crash on export", Source.SUPPORT), ("Export is slow", Source.SUPPORT),
                         ("Please add CSV", Source.WEB)]:  # fmt: skip
        item = services.feedback_create(actor=editor, text=text, contact_email="jane@acme.com",
                                        source=source)  # fmt: skip
        services.feedback_link(actor=editor, feedback=item, feature=feature)
    _defect(feature, Severity.CRITICAL)
    _defect(feature, Severity.MINOR)
    _defect(feature, Severity.MAJOR, status=DefectStatus.CLOSED)
    return feature


def test_support_tickets_and_open_defects_are_inputs(editor, loaded):
    row = scoring.feature_scores(user=editor, feature=loaded)
    assert row.inputs.support == 2  # the web request is not support load
    assert row.inputs.defects == 8 + 2  # critical and minor; the closed major does not count
    assert row.load.value is None  # no effort to divide by yet


def test_the_load_formula_is_versioned_and_explained(editor, loaded):
    prioritisation.feature_score_update(actor=editor, feature=loaded, effort="2", confidence=100)
    row = scoring.feature_scores(user=editor, feature=loaded)
    assert row.load.value == Decimal("6.00")  # (2 + 10) × 1 ÷ 2
    assert row.load.label == "Load v1"
    assert row.load.explanation == "6 = (support 2 + defects 10) × confidence 1 ÷ effort 2"
    assert loaded.score.load_formula.version == 1


def test_the_table_sorts_by_load_in_sql(editor, loaded, other_feature):
    for feature in (loaded, other_feature):
        prioritisation.feature_score_update(actor=editor, feature=feature, effort="1")
    rows = scoring.prioritisation_list(user=editor, filters=scoring.PrioritisationFilter(
        sort="-load"))  # fmt: skip
    assert [f.pk for f in rows] == [loaded.pk, other_feature.pk]
    assert rows[0].load == pytest.approx(9.6)  # (2 + 10) × 0.8 ÷ 1
    by_defects = scoring.prioritisation_list(
        user=editor, filters=scoring.PrioritisationFilter(sort="defects")
    )
    assert [f.pk for f in by_defects] == [other_feature.pk, loaded.pk]


def _objective(editor, title, features):
    data = planning.ObjectiveData(
        title=title, owner=editor, period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31), features=features,
    )  # fmt: skip
    return planning.objective_create(actor=editor, data=data)


def test_filter_and_group_by_objective(editor, product, feature, other_feature):
    third = catalog.feature_create(actor=editor, product=product, title="Audit log")
    grow = _objective(editor, "Grow", [feature, other_feature])
    keep = _objective(editor, "Keep", [feature])
    only = scoring.prioritisation_list(
        user=editor, filters=scoring.PrioritisationFilter(objective=keep.pk)
    )
    assert [f.pk for f in only] == [feature.pk]
    grouped = scoring.prioritisation_list(
        user=editor, filters=scoring.PrioritisationFilter(group="objective", sort="title")
    )
    pairs = [(f.objective_id, f.title) for f in grouped]
    assert pairs == [(grow.pk, "Export to CSV"), (grow.pk, "Single sign-on"),
                     (keep.pk, "Export to CSV"), (None, "Audit log")]  # fmt: skip
    assert third.pk in [f.pk for f in grouped]


def test_the_page_filters_groups_and_shows_the_load(viewer, editor, loaded, other_feature):
    objective = _objective(editor, "Calm the support queue", [loaded])
    client = client_for(viewer)
    page = client.get(reverse("prioritisation:prioritisation"),
                      {"objective": objective.pk, "group": "objective"})  # fmt: skip
    html = page.content.decode()
    assert page.status_code == 200
    assert "Calm the support queue" in html and 'class="prio-group"' in html
    assert loaded.title in html and other_feature.title not in html
    assert "(support + defects) × confidence ÷ effort" in html  # the formula, visible
    bad = client.get(reverse("prioritisation:prioritisation"), {"objective": "99999"})
    assert bad.status_code == 200  # an unknown objective is ignored, not an error


def test_the_api_gives_the_load_and_filters_by_objective(editor, loaded, other_feature):
    objective = _objective(editor, "Calm the support queue", [loaded])
    api = bearer_client(editor)
    body = api.get(url("prioritisation-list", objective=objective.pk)).json()
    assert [r["feature"]["id"] for r in body["items"]] == [loaded.pk]
    assert body["items"][0]["support"] == 2 and body["items"][0]["defects"] == 10
    assert api.get(url("prioritisation-list", group="product")).status_code == 422
    formulas = [f["name"] for f in api.get(url("scoring-formula-list")).json()]
    assert "load" in formulas
