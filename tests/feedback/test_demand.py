"""Portal votes count in a feature's demand: items, votes, companies (each once, whether it
wrote, voted or both), revenue, trend and RICE reach, on every page and in the API, in a fixed
number of queries."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.api.utils import bearer_client, url
from wavelength.catalog import services as catalog
from wavelength.core import clock
from wavelength.feedback import selectors, services
from wavelength.feedback.models import Contact
from wavelength.portal import services as portal_services
from wavelength.prioritisation import selectors as scoring
from wavelength.prioritisation import services as prioritisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def portal(admin):
    return portal_services.portal_settings_update(
        actor=admin, enabled=True, name="Ideas", accent_colour="#4f46e5"
    )


@pytest.fixture
def voted(editor, feature, item, acme, globex, portal):
    """Acme writes (Jane's item) and votes (Mia); Globex only votes (a staff proxy vote for
    Bob); a free-mail voter counts as a vote without a company; a pending vote counts not."""
    services.feedback_link(actor=editor, feedback=item, feature=feature)
    idea = portal_services.portal_idea_open(actor=editor, feature=feature, title="Export charts")
    portal_services.portal_vote_cast(idea=idea, email="mia@acme.com", verified=True)
    portal_services.portal_vote_proxy(actor=editor, idea=idea, email="bob@globex.fr", name="Bob")
    portal_services.portal_vote_cast(idea=idea, email="someone@gmail.com", verified=True)
    portal_services.portal_vote_cast(idea=idea, email="late@globex.fr", verified=False)
    return feature


def test_votes_count_in_a_features_demand(viewer, voted):
    demand = selectors.feature_demand(user=viewer, feature=voted)
    assert (demand.feedback_count, demand.votes, demand.voices) == (1, 3, 4)
    assert demand.unique_companies == 2  # Acme wrote and voted: once
    assert demand.revenue == Decimal("150000.00")
    assert sum(n for _month, n in demand.trend) == 4

    totals = selectors.demand_for_features(user=viewer, feature_ids=[voted.pk])[voted.pk]
    assert (totals.feedback_count, totals.votes, totals.unique_companies) == (1, 3, 2)
    assert totals.revenue == Decimal("150000.00")

    asking = selectors.companies_asking(user=viewer, feature=voted)
    assert [(c.name, c.asks, c.votes) for c in asking] == [("Acme", 1, 1), ("Globex", 0, 1)]


def test_one_company_voting_and_writing_counts_once(editor, viewer, feature, item, portal):
    idea = portal_services.portal_idea_open(actor=editor, feature=feature, title="Export charts")
    portal_services.portal_vote_cast(
        idea=idea, email="jane@acme.com", verified=True
    )  # wrote nothing
    only_vote = selectors.feature_demand(user=viewer, feature=feature)
    assert (only_vote.votes, only_vote.unique_companies, only_vote.revenue) == (1, 1, 120000)
    services.feedback_link(actor=editor, feedback=item, feature=feature)  # and now writes
    both = selectors.feature_demand(user=viewer, feature=feature)
    assert (both.feedback_count, both.votes, both.unique_companies) == (1, 1, 1)
    assert both.revenue == Decimal("120000.00")
    row = scoring.feature_scores(user=viewer, feature=feature)
    assert (row.unique_companies, row.revenue, row.votes) == (1, Decimal("120000.00"), 1)


def test_a_verified_email_whose_domain_finds_a_company_counts_it(editor, viewer, feature, portal):
    idea = portal_services.portal_idea_open(actor=editor, feature=feature, title="Export charts")
    vote = portal_services.portal_vote_cast(idea=idea, email="kim@initech.com", verified=False)
    assert Contact.objects.get(email="kim@initech.com").company is None  # no such company yet
    initech = services.company_create(
        actor=editor, name="Initech", domains=["initech.com"], arr=Decimal("5000")
    )
    token = portal_services.signing.TimestampSigner(salt=portal_services.VOTE_SALT).sign(
        str(vote.pk)
    )
    portal_services.portal_vote_confirm(token=token)
    assert Contact.objects.get(email="kim@initech.com").company == initech
    demand = selectors.feature_demand(user=viewer, feature=feature)
    assert (demand.votes, demand.unique_companies, demand.revenue) == (1, 1, Decimal("5000"))


def test_reach_defaults_to_the_companies_asking_or_voting(editor, viewer, voted):
    prioritisation.feature_score_update(
        actor=editor, feature=voted, effort=Decimal("1"), impact="2"
    )
    row = scoring.feature_scores(user=viewer, feature=voted)
    assert row.reach_is_default and row.inputs.reach == 2
    assert row.inputs.value == Decimal("150000.00")
    assert row.rice.value == Decimal("3.20")  # 2 × 2 × 0.8 ÷ 1
    table = {r.pk: r for r in scoring.prioritisation_list(user=viewer)}
    assert (table[voted.pk].vote_count, table[voted.pk].unique_companies) == (3, 2)
    by_companies = list(scoring.prioritisation_list(user=viewer).order_by("-unique_companies"))
    assert by_companies[0].pk == voted.pk


def test_votes_appear_on_the_feature_customer_and_prioritisation_pages(
    viewer_client, voted, globex
):
    page = viewer_client.get(voted.get_absolute_url()).content.decode()
    section = page.split("Customer demand")[1]
    assert "Portal votes" in section and "Globex" in section and "1 vote" in section
    customer = viewer_client.get(globex.get_absolute_url()).content.decode()
    assert "Export to CSV" in customer.split("Features they asked for")[1]
    table = viewer_client.get("/prioritisation/").content.decode()
    assert "+3 votes" in table


def test_api_demand_and_prioritisation_include_votes(viewer, voted):
    api = bearer_client(viewer)
    demand = api.get(url("feature-demand", voted.pk)).json()
    assert (demand["feedback_count"], demand["votes"], demand["unique_companies"]) == (1, 3, 2)
    assert demand["revenue"] == "150000.00"
    rows = api.get(url("prioritisation-list")).json()["items"]
    row = next(r for r in rows if r["feature"]["id"] == voted.pk)
    assert (row["votes"], row["unique_companies"], row["reach"]) == (3, 2, 2)


def _more_voted_features(editor, product, portal, n):
    features = []
    for i in range(n):
        feature = catalog.feature_create(actor=editor, product=product, title=f"Feature {i}")
        idea = portal_services.portal_idea_open(actor=editor, feature=feature, title=f"Idea {i}")
        for j in range(3):
            portal_services.portal_vote_cast(idea=idea, email=f"v{j}@acme.com", verified=True)
        features.append(feature)
    return features


def test_demand_of_many_features_takes_the_same_queries_with_votes(
    editor, viewer, product, voted, portal, django_assert_num_queries
):
    ids = [voted.pk]
    with django_assert_num_queries(1):  # the figures kept per feature
        selectors.demand_for_features(user=viewer, feature_ids=ids)
    more = _more_voted_features(editor, product, portal, 4)
    ids += [f.pk for f in more]
    with django_assert_num_queries(1):
        demand = selectors.demand_for_features(user=viewer, feature_ids=ids)
    assert [demand[f.pk].votes for f in more] == [3, 3, 3, 3]
    with django_assert_num_queries(3):  # the figures, the trend, the quotes
        selectors.feature_demand(user=viewer, feature=voted)


def test_prioritisation_page_queries_do_not_grow_with_votes(
    editor, viewer_client, product, voted, portal
):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert viewer_client.get("/prioritisation/").status_code == 200
        return len(ctx.captured_queries)

    before = count()
    _more_voted_features(editor, product, portal, 5)
    assert count() == before


def test_the_prioritisation_table_counts_the_companies_asking_as_the_demand_does(
    editor, viewer, product, voted, other_feature, globex, portal
):
    """The table counts each feature's companies and adds up their revenue in SQL, per row;
    ``demand_for_features`` does it for many features at once: the figures are the same,
    whether a company wrote, voted, both, through several people, or wrote from free mail."""
    for email in ("kim@globex.fr", "ann@globex.fr", "someone@gmail.com"):
        item = services.feedback_create(actor=editor, text="SSO please", contact_email=email)
        services.feedback_link(actor=editor, feedback=item, feature=other_feature)
    idea = portal_services.portal_idea_open(actor=editor, feature=other_feature, title="SSO")
    portal_services.portal_vote_cast(idea=idea, email="mia@acme.com", verified=True)
    catalog.feature_create(actor=editor, product=product, title="Nobody asked")

    rows = list(scoring.prioritisation_list(user=viewer))
    demand = selectors.demand_for_features(user=viewer, feature_ids=[r.pk for r in rows])
    table = {r.pk: (r.feedback_count, r.vote_count, r.unique_companies, r.revenue) for r in rows}
    assert table == {
        pk: (d.feedback_count, d.votes, d.unique_companies, d.revenue) for pk, d in demand.items()
    }
    assert table[other_feature.pk] == (3, 1, 2, Decimal("150000"))  # Globex wrote, Acme voted


def test_trend_counts_votes_in_the_month_they_counted(editor, viewer, feature, portal):
    idea = portal_services.portal_idea_open(actor=editor, feature=feature, title="Export charts")
    with clock.travel(clock.now() - dt.timedelta(days=40)):
        portal_services.portal_vote_cast(idea=idea, email="old@acme.com", verified=True)
    portal_services.portal_vote_cast(idea=idea, email="new@acme.com", verified=True)
    months = scoring.feature_trend(user=viewer, feature=feature)
    assert sum(m.count for m in months) == 2 and months[-1].count == 1
