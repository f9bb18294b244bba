import csv
import io
import re

from django.test import Client
from django.urls import reverse

from tests.conftest import client_for
from wavelength.planning import services
from wavelength.planning.models import KeyResult, Objective, Placement


def test_the_timeline_shows_releases_features_and_late(editor_client, editor, feature, releases):
    services.roadmap_move(actor=editor, feature=feature, release=releases["late"])
    html = editor_client.get(reverse("planning:roadmap")).content.decode()
    assert "Orbit 2.0" in html and "Orbit 2.1" in html and "Orbit 1.9" not in html
    assert "Late" in html and feature.title in html
    assert f'data-drop-release="{releases["next"].pk}"' in html  # a drop target
    assert 'name="release"' in html  # the keyboard "Move to" control


def test_the_pages_read_in_french(editor_client, feature, releases, objective):
    editor_client.cookies["django_language"] = "fr"
    expected = {
        "planning:roadmap": "Les versions planifiées et en cours par date cible",
        "planning:roadmap-board": "Maintenant / Ensuite / Plus tard",
        "planning:objective-list": "Nouvel objectif",
    }
    for name, text in expected.items():
        html = editor_client.get(reverse(name)).content.decode()
        assert text in html, name
    html = editor_client.get(reverse("planning:roadmap")).content.decode()
    assert "En retard" in html and "1 mai 2026" in html  # the late release, its date in French


def test_move_with_the_form_and_htmx(editor_client, feature, releases):
    url = reverse("planning:roadmap-move", args=[feature.pk])
    response = editor_client.post(url, {"release": releases["next"].pk, "reason": "Fits"})
    assert response.status_code == 302
    assert list(releases["next"].features.all()) == [feature]
    response = editor_client.post(url, {"column": "later", "view": "board"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and 'id="roadmap"' in response.content.decode()
    assert Placement.objects.get(feature=feature).column == "later"


def test_a_refused_move_is_a_422_on_htmx_and_changes_nothing(editor_client, feature, releases):
    url = reverse("planning:roadmap-move", args=[feature.pk])
    response = editor_client.post(url, {"release": releases["shipped"].pk}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert "Only a planned or in-progress release" in response.content.decode()
    response = editor_client.post(url, {"release": "abc"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert not feature.releases.exists()


def test_a_viewer_sees_no_move_control_and_cannot_move(viewer_client, feature, releases):
    html = viewer_client.get(reverse("planning:roadmap-board")).content.decode()
    assert feature.title in html and "card-move" not in html
    url = reverse("planning:roadmap-move", args=[feature.pk])
    assert viewer_client.post(url, {"column": "now"}).status_code == 403
    assert not Placement.objects.exists()


def test_export_csv(editor_client, editor, feature, releases, objective):
    services.roadmap_move(actor=editor, feature=feature, release=releases["late"])
    response = editor_client.get(reverse("planning:roadmap-export"), {"objective": objective.pk})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["Product", "Feature", "Stage"]
    assert rows[1][:7] == ["Orbit", "Offline mode", "Planned", "Next", "2.0", "2026-05-01", "yes"]
    assert rows[1][9] == objective.title


def test_a_read_only_link_works_without_signing_in(viewer_client, feature, releases):
    response = viewer_client.post(reverse("planning:roadmap-share"), {"view": "board"})
    link = re.search(r'value="(http[^"]+)"', response.content.decode()).group(1)
    page = Client().get(link.replace("http://testserver", ""))
    assert page.status_code == 200
    html = page.content.decode()
    assert feature.title in html and "card-move" not in html and "csrfmiddlewaretoken" not in html
    assert Client().get(reverse("planning:shared-roadmap", args=["forged"])).status_code == 404


def test_create_an_objective_add_a_key_result_and_update_it(editor_client, editor, feature):
    data = {"title": "Grow usage", "owner": editor.pk, "period_start": "2026-04-01",
            "period_end": "2026-06-30", "features": [feature.pk]}  # fmt: skip
    response = editor_client.post(reverse("planning:objective-create"), data)
    assert response.status_code == 302
    objective = Objective.objects.get()
    add = reverse("planning:objective-key-result-add", args=[objective.pk])
    bad = editor_client.post(add, {"kr-title": "Weekly users", "kr-target": "lots"})
    assert bad.status_code == 422
    editor_client.post(add, {"kr-title": "Weekly users", "kr-start": 0, "kr-target": 200})
    kr = KeyResult.objects.get()
    edit = reverse("planning:objective-key-result-edit", args=[kr.pk])
    form = editor_client.get(edit).content.decode()
    version = re.search(r'name="edit_version" value="([0-9a-f]+)"', form).group(1)
    data = {"title": kr.title, "start": 0, "target": 200, "current": 50, "edit_version": version}
    assert editor_client.post(edit, data).status_code == 302
    html = editor_client.get(objective.get_absolute_url()).content.decode()
    assert "25%" in html and feature.title in html


def test_the_feature_page_shows_objectives_and_roadmap(editor_client, editor, feature, objective,
                                                       releases):  # fmt: skip
    services.roadmap_move(actor=editor, feature=feature, release=releases["next"],
                          reason="Customer escalation")  # fmt: skip
    html = editor_client.get(feature.get_absolute_url()).content.decode()
    assert "Objectives and roadmap" in html and objective.title in html
    assert "Customer escalation" in html and "moved it on the roadmap" in html


def test_the_outsider_viewer_cannot_open_the_objective_edit_page(viewer, objective):
    url = reverse("planning:objective-edit", args=[objective.pk])
    assert client_for(viewer).get(url).status_code == 403


def test_plan_from_the_prioritisation_selection(editor_client, feature, releases):
    data = {"features": [feature.pk], "target": "column:now", "reason": "Highest RICE"}
    response = editor_client.post(reverse("planning:roadmap-plan"), data)
    assert response.status_code == 302
    assert Placement.objects.get(feature=feature).reason == "Highest RICE"
    data["target"] = f"release:{releases['shipped'].pk}"
    editor_client.post(reverse("planning:roadmap-plan"), data)
    assert not feature.releases.exists()


def test_the_prioritisation_table_plans_ticked_features(editor_client, editor, feature, releases):
    from wavelength.core.models import Activity

    html = editor_client.get(reverse("prioritisation:prioritisation")).content.decode()
    assert 'form="plan-form"' in html and f'value="release:{releases["next"].pk}"' in html
    data = {"features": [feature.pk], "target": f"release:{releases['next'].pk}",
            "reason": "Highest RICE this quarter", "next": "/prioritisation/"}  # fmt: skip
    response = editor_client.post(reverse("planning:roadmap-plan"), data)
    assert response["Location"] == "/prioritisation/"
    move = Activity.objects.get(verb="roadmap_moved", target_id=feature.pk)
    assert move.actor == editor and move.payload["reason"] == "Highest RICE this quarter"
    page = editor_client.get(feature.get_absolute_url()).content.decode()
    assert "Highest RICE this quarter" in page


def test_a_viewer_gets_no_plan_form_on_the_prioritisation_table(viewer_client, feature):
    html = viewer_client.get(reverse("prioritisation:prioritisation")).content.decode()
    assert "plan-form" not in html


def test_the_timeline_exports_as_an_svg_image(viewer, editor, feature, releases):
    from xml.etree import ElementTree

    services.roadmap_move(actor=editor, feature=feature, release=releases["late"])
    response = client_for(viewer).get(reverse("planning:roadmap-image"), {"group": "team"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    svg = response.content.decode()
    root = ElementTree.fromstring(svg)  # well-formed
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "Orbit 2.0" in texts and "• Offline mode" in texts
    assert any("Late" in t for t in texts) and "Product" in texts  # the team's lane
    assert "Orbit 1.9" not in texts  # shipped releases are not on the roadmap


def test_the_svg_escapes_titles(viewer, editor, feature, releases):
    feature.title = '<script>alert("x")</script> & co'
    feature.save()
    services.roadmap_move(actor=editor, feature=feature, release=releases["next"])
    svg = client_for(viewer).get(reverse("planning:roadmap-image")).content.decode()
    assert "<script>" not in svg and "&lt;script&gt;" in svg
