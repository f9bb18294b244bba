"""Saved views (anyone may keep theirs, share them with a team of theirs, and only they change
them), the weekly report's subscription, and the weekly reports on a frozen clock."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied

from wavelength.accounts.models import Membership
from wavelength.core import clock, versioning
from wavelength.core.exceptions import DomainError
from wavelength.core.models import Activity
from wavelength.insights import services, tasks
from wavelength.insights.models import ReportSubscription, SavedView, WeeklyReport


def test_a_viewer_keeps_the_dashboard_filters_cleaned(now, viewer):
    view = services.saved_view_create(
        actor=viewer, name=" Orbit this year ", page="insights:dashboard",
        filters={"product": "orbit", "period": "365", "junk": "x"},
    )  # fmt: skip
    assert (view.name, view.filters, view.owner) == (
        "Orbit this year",
        {"product": "orbit", "period": 365},
        viewer,
    )
    assert Activity.objects.filter(verb="created", target_id=view.pk).exists()


def test_a_list_view_keeps_plain_pairs(now, editor):
    view = services.saved_view_create(
        actor=editor,
        name="Angry",
        page="feedback:feedback-list",
        filters={"sentiment": "negative", "page": "3", "q": ""},
    )
    assert view.filters == {"sentiment": "negative"}


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"name": "", "page": "insights:dashboard", "filters": {}}, "name"),
        ({"name": "x" * 121, "page": "insights:dashboard", "filters": {}}, "name"),
        ({"name": "A", "page": "admin:index", "filters": {}}, "page"),
        ({"name": "A", "page": "feedback:feedback-list", "filters": {"Bad Key": "1"}}, "filters"),
        ({"name": "A", "page": "feedback:feedback-list", "filters": {"q": "x" * 201}}, "filters"),
        ({"name": "A", "page": "feedback:feedback-list", "filters": ["q"]}, "filters"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(now, editor, values, field):
    with pytest.raises(DomainError) as refused:
        services.saved_view_create(actor=editor, **values)
    assert field in refused.value.errors
    assert not SavedView.objects.exists()


def test_share_only_with_a_team_of_ones_own(now, editor, product_team, other_team, admin):
    view = services.saved_view_create(actor=editor, name="Ours", page="insights:dashboard",
                                      filters={}, team=product_team)  # fmt: skip
    assert view.team == product_team
    with pytest.raises(DomainError) as refused:
        services.saved_view_create(actor=editor, name="Theirs", page="insights:dashboard",
                                   filters={}, team=other_team)  # fmt: skip
    assert "team" in refused.value.errors
    assert (
        services.saved_view_create(
            actor=admin, name="Any", page="insights:dashboard", filters={}, team=other_team
        ).team
        == other_team
    )


def test_only_the_owner_changes_or_deletes_a_shared_view(now, editor, viewer, product_team):
    view = services.saved_view_create(actor=editor, name="Ours", page="insights:dashboard",
                                      filters={}, team=product_team)  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.saved_view_update(actor=viewer, view=view, name="Mine now")
    with pytest.raises(PermissionDenied):
        services.saved_view_delete(actor=viewer, view=view)
    assert SavedView.objects.get().name == "Ours"
    services.saved_view_update(actor=editor, view=view, name="Renamed", team=None)
    view.refresh_from_db()
    assert (view.name, view.team) == ("Renamed", None)


def test_a_stale_version_changes_nothing(now, editor):
    view = services.saved_view_create(actor=editor, name="A", page="insights:dashboard",
                                      filters={})  # fmt: skip
    seen = versioning.version_of(view)
    services.saved_view_update(actor=editor, view=view, name="B", if_version=seen)
    with pytest.raises(versioning.StaleVersion):
        services.saved_view_update(actor=editor, view=view, name="C", if_version=seen)
    with pytest.raises(versioning.StaleVersion):
        services.saved_view_delete(actor=editor, view=view, if_version=seen)
    assert SavedView.objects.get().name == "B"


def test_a_view_from_a_pasted_address(now):
    assert services.view_from_address("http://x/feedback/?sentiment=negative&source=portal") == (
        "feedback:feedback-list", {"sentiment": "negative", "source": "portal"})  # fmt: skip
    assert services.view_from_address("/insights/?period=30")[0] == "insights:dashboard"
    for bad in ("/features/1/", "/nowhere/", ""):
        with pytest.raises(DomainError) as refused:
            services.view_from_address(bad)
        assert "address" in refused.value.errors


def test_subscription_is_set_whole_and_checks_its_version(now, viewer, product):
    sub = services.subscription_of(viewer)
    assert sub.pk is None and not sub.active
    seen = versioning.version_of(sub)
    services.subscription_set(actor=viewer, active=True, product=product, if_version=seen)
    with pytest.raises(versioning.StaleVersion):
        services.subscription_set(actor=viewer, active=False, if_version=seen)
    assert ReportSubscription.objects.get(user=viewer).active


MONDAY = dt.datetime(2026, 5, 18, 7, 30, tzinfo=dt.UTC)


def test_the_weekly_job_sends_last_weeks_report_once_in_each_language(world, viewer, editor):
    viewer.language = "fr"
    viewer.save()
    services.subscription_set(actor=viewer, active=True)
    services.subscription_set(actor=editor, active=True)
    services.subscription_set(actor=editor, active=False)  # changed their mind
    with time_machine.travel(MONDAY, tick=False), clock.travel(MONDAY):
        assert tasks.send_weekly_reports() == 1
        assert tasks.send_weekly_reports() == 0  # each week's report once
    report = WeeklyReport.objects.get()
    assert (report.user, report.week_start) == (viewer, dt.date(2026, 5, 11))
    assert report.emailed_at is not None
    assert report.figures["since"] == "2026-05-11" and report.figures["until"] == "2026-05-17"
    [message] = mail.outbox
    assert message.to == [viewer.email]
    assert message.subject == "Opérations produit, semaine du 11 mai 2026"
    assert "Retours par canal" in message.body and "/insights/reports/" in message.body


def test_a_report_counts_the_week_and_what_its_reader_may_see(world, viewer, outsider):
    week = dt.date(2026, 5, 4)  # feedback 5 and 3 days before 13 May fall in it
    for user in (viewer, outsider):
        services.subscription_set(actor=user, active=True)
    mine = services.report_generate(user=viewer, week_start=week).figures
    theirs = services.report_generate(user=outsider, week_start=week).figures

    def value(figures, key, label):
        figure = next(f for f in figures["figures"] if f["key"] == key)
        return next(c["value"] for c in figure["counters"] if c["label"] == label)

    assert value(mine, "feedback-channel", "Portal") == 1
    assert value(mine, "feedback-channel", "E-mail") == 1
    assert value(mine, "knowledge", "Pages") == 2 and value(theirs, "knowledge", "Pages") == 3


def test_a_report_narrowed_to_a_product(world, viewer, product):
    services.subscription_set(actor=viewer, active=True, product=product)
    figures = services.report_generate(user=viewer, week_start=dt.date(2026, 5, 4)).figures
    assert figures["filters"] == {"product": "orbit", "period": 7}


def test_a_deactivated_person_gets_no_report(world, viewer):
    services.subscription_set(actor=viewer, active=True)
    viewer.is_active = False
    viewer.save()
    with time_machine.travel(MONDAY, tick=False), clock.travel(MONDAY):
        assert services.reports_send() == 0
    assert not WeeklyReport.objects.exists()


def test_memberships_are_read_at_share_time(now, editor, other_team):
    Membership.objects.create(team=other_team, user=editor)
    view = services.saved_view_create(actor=editor, name="Sales", page="insights:dashboard",
                                      filters={}, team=other_team)  # fmt: skip
    assert view.team == other_team
