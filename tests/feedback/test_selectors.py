"""Feedback selectors: inbox filters, customer lists and the demand figures of a feature."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wavelength.core import clock
from wavelength.feedback import selectors, services
from wavelength.feedback.selectors import CompanyFilter, FeedbackFilter

pytestmark = pytest.mark.django_db


def _titles(qs) -> list[str]:
    return sorted(f.title for f in qs)


@pytest.fixture
def inbox(editor, acme, globex, theme):
    march = dt.datetime(2026, 3, 10, tzinfo=dt.UTC)
    may = dt.datetime(2026, 5, 10, tzinfo=dt.UTC)
    a = services.feedback_create(
        actor=editor, title="A", text="Dashboards are slow", source="support",
        contact_email="x@acme.com", received_at=march, type="bug", sentiment="negative",
        language="en",
    )  # fmt: skip
    b = services.feedback_create(
        actor=editor, title="B", text="Les exports sont super", source="email",
        contact_email="y@globex.fr", received_at=may, type="praise", sentiment="positive",
        language="fr", theme=theme,
    )  # fmt: skip
    c = services.feedback_create(actor=editor, title="C", text="Anonymous wish", source="portal")
    return a, b, c


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, ["A", "B", "C"]),
        ({"source": "support"}, ["A"]),
        ({"type": "praise"}, ["B"]),
        ({"sentiment": "negative"}, ["A"]),
        ({"status": "new"}, ["A", "B", "C"]),
        ({"segment": "enterprise"}, ["A"]),
        ({"min_revenue": Decimal("50000")}, ["A"]),
        ({"min_revenue": Decimal("1000")}, ["A", "B"]),
        ({"language": "FR"}, ["B"]),
        ({"since": dt.datetime(2026, 4, 1, tzinfo=dt.UTC)}, ["B", "C"]),
        ({"until": dt.datetime(2026, 4, 1, tzinfo=dt.UTC)}, ["A"]),
        ({"q": "export"}, ["B"]),
        ({"q": "globex"}, ["B"]),
    ],
)
def test_feedback_filters(viewer, inbox, filters, expected):
    assert (
        _titles(selectors.feedback_list(user=viewer, filters=FeedbackFilter(**filters))) == expected
    )


def test_filter_by_theme_company_and_feature(editor, viewer, inbox, theme, acme, feature):
    a, b, _c = inbox
    assert _titles(
        selectors.feedback_list(user=viewer, filters=FeedbackFilter(theme=theme.pk))
    ) == ["B"]
    assert _titles(
        selectors.feedback_list(user=viewer, filters=FeedbackFilter(company=acme.pk))
    ) == ["A"]
    services.feedback_link(actor=editor, feedback=a, feature=feature)
    by_feature = FeedbackFilter(feature=feature.pk)
    assert _titles(selectors.feedback_list(user=viewer, filters=by_feature)) == ["A"]


def test_company_list_sorted_by_revenue_and_filtered(viewer, acme, globex):
    assert [c.name for c in selectors.company_list(user=viewer)] == ["Acme", "Globex"]
    smb = selectors.company_list(user=viewer, filters=CompanyFilter(segment="smb"))
    assert [c.name for c in smb] == ["Globex"]
    assert [
        c.name for c in selectors.company_list(user=viewer, filters=CompanyFilter(q="acme.c"))
    ] == ["Acme"]


def test_anonymous_reader_is_refused():
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        selectors.feedback_list(user=AnonymousUser())


def test_demand_counts_each_company_once(editor, viewer, acme, globex, feature, other_feature):
    """Two companies, one asking twice: two companies, each company's revenue counted once."""
    with clock.travel(dt.datetime(2026, 1, 15, tzinfo=dt.UTC)):
        first = services.feedback_create(
            actor=editor, text="Need CSV export now", contact_email="a@acme.com"
        )
    with clock.travel(dt.datetime(2026, 2, 15, tzinfo=dt.UTC)):
        second = services.feedback_create(
            actor=editor, text="CSV export, please!", contact_email="b@acme.com"
        )
        third = services.feedback_create(
            actor=editor, text="Nous voulons un export CSV", contact_email="c@globex.fr"
        )
    noise = services.feedback_create(actor=editor, text="SSO", contact_email="d@globex.fr")
    services.feedback_link(
        actor=editor, feedback=first, feature=feature, importance="critical", quote="CSV export now"
    )
    services.feedback_link(actor=editor, feedback=second, feature=feature)
    services.feedback_link(actor=editor, feedback=third, feature=feature, quote="export CSV")
    services.feedback_link(actor=editor, feedback=noise, feature=other_feature)

    with CaptureQueriesContext(connection) as ctx:
        demand = selectors.feature_demand(user=viewer, feature=feature)
    assert demand.feedback_count == 3
    assert demand.unique_companies == 2
    assert demand.revenue == Decimal("150000")  # 120,000 + 30,000, Acme counted once
    assert demand.trend == [("2026-01", 1), ("2026-02", 2)]
    assert [q.text for q in demand.top_quotes][:2] == ["CSV export now", "export CSV"]
    assert demand.top_quotes[0].company == "Acme"
    assert len(ctx.captured_queries) <= 5

    asking = selectors.companies_asking(user=viewer, feature=feature)
    assert [(c.name, c.asks) for c in asking] == [("Acme", 2), ("Globex", 1)]


def test_demand_of_a_feature_nobody_asked_for(viewer, feature):
    demand = selectors.feature_demand(user=viewer, feature=feature)
    assert (demand.feedback_count, demand.unique_companies, demand.revenue) == (0, 0, 0)
    assert demand.trend == [] and demand.top_quotes == []


def test_company_features_and_feedback(editor, viewer, item, acme, feature):
    services.feedback_link(actor=editor, feedback=item, feature=feature)
    assert [(f.title, f.asks) for f in selectors.company_features(user=viewer, company=acme)] == [
        ("Export to CSV", 1)
    ]
    assert list(selectors.company_feedback(user=viewer, company=acme)) == [item]


def test_demand_for_features_matches_feature_demand(editor, feature, other_feature, acme, globex):
    from wavelength.feedback import selectors, services

    for email, text in [("a@acme.com", "CSV please"), ("b@acme.com", "CSV again"),
                        ("c@globex.fr", "CSV too")]:  # fmt: skip
        item = services.feedback_create(actor=editor, text=text, contact_email=email)
        services.feedback_link(actor=editor, feedback=item, feature=feature)
    many = selectors.demand_for_features(user=editor, feature_ids=[feature.pk, other_feature.pk])
    one = selectors.feature_demand(user=editor, feature=feature)
    assert (many[feature.pk].feedback_count, many[feature.pk].unique_companies) == (3, 2)
    assert many[feature.pk].revenue == one.revenue == acme.arr + globex.arr
    assert many[other_feature.pk].feedback_count == 0
