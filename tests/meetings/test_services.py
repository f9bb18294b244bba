import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from tests.factories import FeatureFactory
from tests.meetings.conftest import make_series
from wavelength.core import clock
from wavelength.core.exceptions import DomainError
from wavelength.core.models import Activity, Notification
from wavelength.core.versioning import StaleVersion, version_of
from wavelength.meetings import services
from wavelength.meetings.models import ActionItem, Occurrence


def test_creating_a_series_makes_its_next_occurrences_in_utc(series):
    starts = list(series.occurrences.values_list("starts_at", flat=True))
    assert len(starts) == services.AHEAD
    assert starts[0] == dt.datetime(2026, 3, 23, 9, 0, tzinfo=dt.UTC)
    assert starts[2] == dt.datetime(2026, 4, 6, 8, 0, tzinfo=dt.UTC)  # summer time


def test_viewer_cannot_create_a_series(now, viewer):
    with pytest.raises(PermissionDenied):
        make_series(viewer)


def test_a_bad_rule_creates_nothing(now, editor):
    with pytest.raises(DomainError):
        make_series(editor, rrule="FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=31")
    assert not Occurrence.objects.exists()


def test_only_the_owner_edits_the_series_and_a_stale_edit_is_refused(series, outsider, editor):
    data = services.SeriesData(
        name="Weekly sync",
        owner=editor,
        start_date=series.start_date,
        start_time=series.start_time,
        rrule=series.rrule,
        time_zone=series.time_zone,
    )
    with pytest.raises(PermissionDenied):
        services.series_update(actor=outsider, series=series, data=data)
    with pytest.raises(StaleVersion):
        services.series_update(actor=editor, series=series, data=data, if_version="0" * 16)
    services.series_update(actor=editor, series=series, data=data, if_version=version_of(series))
    series.refresh_from_db()
    assert series.name == "Weekly sync"


def test_changing_the_time_moves_unprepared_future_occurrences(series, editor):
    data = services.SeriesData(
        name=series.name,
        owner=editor,
        start_date=series.start_date,
        start_time=dt.time(14, 0),
        rrule=series.rrule,
        time_zone=series.time_zone,
    )
    services.series_update(actor=editor, series=series, data=data)
    hours = {s.hour for s in series.occurrences.values_list("starts_at", flat=True)}
    assert hours == {13, 12}  # 14:00 Paris in winter and summer


def test_agenda_items_are_added_edited_moved_and_removed(series, editor):
    occurrence = series.occurrences.first()
    first = services.agenda_item_add(actor=editor, occurrence=occurrence, title="Welcome")
    second = services.agenda_item_add(actor=editor, occurrence=occurrence, title="Roadmap")
    services.agenda_item_move(actor=editor, item=second, direction="up")
    assert list(occurrence.items.values_list("title", flat=True)) == ["Roadmap", "Welcome"]
    services.agenda_item_update(actor=editor, item=first, title="Hello", note="2 min")
    with pytest.raises(StaleVersion):
        services.agenda_item_remove(actor=editor, item=first, if_version="0" * 16)
    services.agenda_item_remove(actor=editor, item=second)
    assert list(occurrence.items.values_list("title", flat=True)) == ["Hello"]


def test_an_empty_title_is_refused_naming_the_field(series, editor):
    with pytest.raises(DomainError) as exc:
        services.agenda_item_add(actor=editor, occurrence=series.occurrences.first(), title=" ")
    assert list(exc.value.errors) == ["title"]


def test_an_outsider_cannot_run_the_meeting(series, outsider):
    with pytest.raises(PermissionDenied):
        services.agenda_item_add(actor=outsider, occurrence=series.occurrences.first(), title="x")


def test_a_closed_meeting_is_edited_only_by_its_owner_with_history(series, editor, admin):
    occurrence = series.occurrences.first()
    services.occurrence_close(actor=editor, occurrence=occurrence)
    occurrence.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.occurrence_update(actor=admin, occurrence=occurrence, minutes="x", attended=[])
    services.occurrence_update(actor=editor, occurrence=occurrence, minutes="Fixed", attended=[])
    row = Activity.objects.for_target(occurrence).filter(verb="updated").get()
    assert row.changes["minutes"] == ["", "Fixed"]


def test_a_decision_is_recorded_on_the_features_timeline(series, editor, product):
    feature = FeatureFactory(product=product, title="Dark mode")
    decision = services.decision_create(
        actor=editor,
        occurrence=series.occurrences.first(),
        data=services.DecisionData(title="Ship dark mode in beta", features=[feature]),
    )
    row = Activity.objects.for_target(feature).get(verb="decided")
    assert row.payload["decision"] == decision.title
    assert row.scope == product.scope


def test_an_action_item_notifies_its_owner_goes_overdue_and_is_completed(series, editor, viewer):
    action = services.action_create(
        actor=editor,
        occurrence=series.occurrences.first(),
        title="Call Acme",
        owner=viewer,
        due_on=dt.date(2026, 3, 20),
    )
    assert Notification.objects.filter(recipient=viewer, verb="action_assigned").exists()
    assert not ActionItem.objects.overdue().exists()
    with clock.travel(dt.datetime(2026, 3, 25, tzinfo=dt.UTC)):
        assert list(ActionItem.objects.overdue()) == [action]
        services.action_update(actor=viewer, action=action, status="done")
    action.refresh_from_db()
    assert action.status == "done" and action.done_at is not None


def test_someone_else_cannot_change_an_action_item(series, editor, viewer, outsider):
    action = services.action_create(
        actor=editor, occurrence=series.occurrences.first(), title="Call Acme", owner=viewer
    )
    with pytest.raises(PermissionDenied):
        services.action_update(actor=outsider, action=action, status="done")


def test_calendar_tokens_are_hashed_and_revocable(db, viewer):
    token, raw = services.calendar_token_create(actor=viewer)
    assert raw not in token.key_hash and services.calendar_user(raw) == viewer
    services.calendar_token_revoke(actor=viewer, token=token)
    assert services.calendar_user(raw) is None
    assert services.calendar_user("wlcal_guess") is None


def test_the_decision_reads_well_in_the_features_timeline(series, editor, product):
    from django.utils import translation

    from wavelength.core import timeline

    feature = FeatureFactory(product=product, title="Dark mode")
    services.decision_create(
        actor=editor,
        occurrence=series.occurrences.first(),
        data=services.DecisionData(title="Ship it", features=[feature]),
    )
    row = Activity.objects.for_target(feature).filter(verb="decided")
    [entry] = timeline.describe(row)
    assert "recorded the decision “Ship it” about feature" in entry.sentence
    with translation.override("fr"):
        [entry] = timeline.describe(row)
    assert "a consigné la décision «\u00a0Ship it\u00a0» sur" in entry.sentence
