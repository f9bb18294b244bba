import datetime as dt

from django.urls import reverse

from tests.conftest import client_for
from tests.factories import FeatureFactory
from wavelength.meetings import services
from wavelength.meetings.models import ActionItem, Decision


def test_the_series_list_and_nav_show_meetings(now, editor_client, series):
    page = editor_client.get(reverse("meetings:series-list"))
    assert page.status_code == 200
    html = page.content.decode()
    assert series.name in html and reverse("meetings:series-list") in html


def test_create_a_series_from_the_form(now, editor_client, editor, product):
    data = {
        "name": "Release go/no-go",
        "owner": editor.pk,
        "time_zone": "Europe/Paris",
        "start_date": "2026-03-05",
        "start_time": "15:00",
        "duration_minutes": 45,
        "frequency": "monthly",
        "interval": 1,
        "weekday": 3,
        "nth": -1,
        "products": [product.pk],
        "agenda_parts": ["releases", "defects"],
    }
    response = editor_client.post(reverse("meetings:series-create"), data)
    assert response.status_code == 302
    detail = editor_client.get(response["Location"])
    assert "FREQ=MONTHLY;BYDAY=-1TH" in detail.content.decode()


def test_a_bad_time_zone_is_a_422_naming_the_field(now, editor_client, editor):
    data = {
        "name": "X",
        "owner": editor.pk,
        "time_zone": "Moon/Base",
        "start_date": "2026-03-05",
        "start_time": "15:00",
        "duration_minutes": 30,
        "frequency": "weekly",
        "interval": 1,
        "weekday": 0,
    }
    response = editor_client.post(reverse("meetings:series-create"), data)
    assert response.status_code == 422
    assert "Unknown time zone" in response.content.decode()


def test_the_outsider_cannot_open_the_series_edit_page(now, series, outsider):
    response = client_for(outsider).get(reverse("meetings:series-edit", args=[series.pk]))
    assert response.status_code == 403


def test_run_a_meeting_from_its_page(now, editor_client, editor, viewer, series, product):
    occurrence = series.occurrences.first()
    feature = FeatureFactory(product=product, title="Dark mode")
    url = reverse("meetings:occurrence-detail", args=[occurrence.pk])
    assert editor_client.get(url).status_code == 200
    editor_client.post(
        reverse("meetings:item-add", args=[occurrence.pk]), {"item-title": "Roadmap"}
    )
    editor_client.post(reverse("meetings:item-add", args=[occurrence.pk]), {"item-title": "Hiring"})
    item = occurrence.items.get(title="Hiring")
    editor_client.post(reverse("meetings:item-change", args=[item.pk, "up"]))
    assert list(occurrence.items.values_list("title", flat=True)) == ["Hiring", "Roadmap"]
    response = editor_client.post(
        reverse("meetings:decision-add", args=[occurrence.pk]),
        {"decision-title": "Dark mode goes to beta", "decision-features": [feature.pk]},
    )
    assert response.status_code == 302
    response = editor_client.post(
        reverse("meetings:action-add", args=[occurrence.pk]),
        {"action-title": "Tell support", "action-owner": viewer.pk, "action-due_on": "2026-03-20"},
    )
    assert response.status_code == 302
    html = editor_client.get(url).content.decode()
    assert "Dark mode goes to beta" in html and "Tell support" in html
    feature_page = editor_client.get(feature.get_absolute_url()).content.decode()
    assert "Dark mode goes to beta" in feature_page
    mine = client_for(viewer).get(reverse("processes:my-steps")).content.decode()
    assert "My action items" in mine and "Tell support" in mine


def test_an_empty_decision_is_a_422_naming_the_field(now, editor_client, series):
    occurrence = series.occurrences.first()
    response = editor_client.post(
        reverse("meetings:decision-add", args=[occurrence.pk]), {"decision-title": ""}
    )
    assert response.status_code == 422
    assert not Decision.objects.exists()


def test_minutes_are_sanitised(now, editor_client, series):
    occurrence = series.occurrences.first()
    edit = reverse("meetings:occurrence-edit", args=[occurrence.pk])
    response = editor_client.post(edit, {"minutes": "**Agreed** <script>alert(1)</script>"})
    assert response.status_code == 302
    html = editor_client.get(occurrence.get_absolute_url()).content.decode()
    assert "<strong>Agreed</strong>" in html and "<script>alert(1)" not in html


def test_a_viewer_reads_but_sees_no_edit_buttons(now, viewer_client, series):
    occurrence = series.occurrences.first()
    html = viewer_client.get(occurrence.get_absolute_url()).content.decode()
    assert "Record the decision" not in html
    response = viewer_client.post(
        reverse("meetings:item-add", args=[occurrence.pk]), {"item-title": "x"}
    )
    assert response.status_code == 403


def test_the_owner_marks_an_action_done(now, editor, viewer, series):
    action = services.action_create(
        actor=editor,
        occurrence=series.occurrences.first(),
        title="Call",
        owner=viewer,
        due_on=dt.date(2026, 3, 1),
    )
    client = client_for(viewer)
    edit = reverse("meetings:action-edit", args=[action.pk])
    form = client.get(edit)
    assert form.status_code == 200 and "edit_version" in form.content.decode()
    client.post(edit, {"title": "Call", "owner": viewer.pk, "status": "done"})
    assert ActionItem.objects.get().status == "done"
