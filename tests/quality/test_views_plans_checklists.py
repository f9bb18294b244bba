"""Editing a plan (with its history) and creating, editing and archiving inspection checklists
(with their versions) from the pages: happy paths, who may, and refusals that write nothing."""

import pytest
from django.urls import reverse

from wavelength.accounts.models import Team
from wavelength.core.models import Activity
from wavelength.quality import selectors, services
from wavelength.quality.models import Checklist, ChecklistVersion, TestPlan

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(editor, release, case):
    return services.plan_create(actor=editor, release=release, name="Smoke", cases=[case])


def _plan_data(**changes):
    data = {"name": "Smoke", "description": "", "tags": "", "suites": [], "features": []}
    return {**data, **changes}


# Plans ------------------------------------------------------------------------------------


def test_plan_page_offers_editors_the_edit_button(editor_client, viewer_client, plan):
    edit = reverse("quality:plan-edit", args=[plan.pk])
    assert edit in editor_client.get(plan.get_absolute_url()).text
    page = viewer_client.get(plan.get_absolute_url())
    assert page.status_code == 200 and edit not in page.text


def test_plan_edit_form_shows_the_plan_as_it_is(editor_client, plan, case):
    page = editor_client.get(reverse("quality:plan-edit", args=[plan.pk]))
    assert page.status_code == 200
    assert 'value="Smoke"' in page.text and "Save plan" in page.text
    assert f'name="cases" value="{case.pk}" checked' in page.text
    assert 'name="release"' not in page.text  # a plan stays with its release


def test_editing_a_plan_changes_its_selection_and_shows_in_its_history(
    editor_client, plan, suite, case
):
    response = editor_client.post(
        reverse("quality:plan-edit", args=[plan.pk]),
        _plan_data(name="Regression", suites=[suite.pk], tags="smoke, nightly"),
    )
    assert response.status_code == 302 and response.url == plan.get_absolute_url()
    plan.refresh_from_db()
    assert plan.name == "Regression"
    assert [s.pk for s in plan.suites.all()] == [suite.pk]
    assert sorted(t.name for t in plan.tags.all()) == ["nightly", "smoke"]
    assert list(plan.cases.all()) == []  # unticked
    page = editor_client.get(plan.get_absolute_url())
    assert "History" in page.text and "Bob Editor" in page.text
    assert "edited test plan" in page.text and "Smoke" in page.text and "Exports" in page.text


def test_viewer_cannot_edit_a_plan(viewer_client, plan):
    url = reverse("quality:plan-edit", args=[plan.pk])
    assert viewer_client.get(url).status_code == 403
    assert viewer_client.post(url, _plan_data(name="Hijacked")).status_code == 403
    assert TestPlan.objects.get(pk=plan.pk).name == "Smoke"


def test_a_refused_plan_edit_names_the_field_and_writes_nothing(
    editor_client, plan, product, editor
):
    from wavelength.catalog import services as catalog
    from wavelength.quality.services import suite_create

    other = catalog.product_create(actor=editor, name="Other")
    foreign = suite_create(actor=editor, product=other, name="Elsewhere")
    before = Activity.objects.count()
    url = reverse("quality:plan-edit", args=[plan.pk])
    response = editor_client.post(url, _plan_data(name="   "))
    assert response.status_code == 422
    assert 'id="field-name"' in response.text and "This field is required." in response.text
    response = editor_client.post(url, _plan_data(suites=[foreign.pk]))
    assert response.status_code == 422 and "field--invalid" in response.text
    plan.refresh_from_db()
    assert plan.name == "Smoke" and not plan.suites.exists()
    assert Activity.objects.count() == before


# Checklists -------------------------------------------------------------------------------


def _items(*texts, start=0):
    """The rows of the item formset: text and position."""
    data = {
        "items-TOTAL_FORMS": str(len(texts)),
        "items-INITIAL_FORMS": str(start),
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "100",
    }
    for index, (text, position) in enumerate(texts):
        data[f"items-{index}-text"] = text
        data[f"items-{index}-ORDER"] = "" if position is None else str(position)
    return data


def _checklist_data(*texts, name="Privacy review", team="", description="", start=0):
    return {"name": name, "description": description, "signoff_team": team} | _items(
        *texts, start=start
    )


@pytest.fixture
def privacy(admin):
    return services.checklist_create(
        actor=admin, name="Privacy review", items=["Data map updated", "DPO consulted"]
    )


def test_checklist_list_offers_admins_a_new_checklist(admin_client, editor_client):
    new = reverse("quality:checklist-create")
    assert new in admin_client.get(reverse("quality:checklist-list")).text
    assert new not in editor_client.get(reverse("quality:checklist-list")).text


def test_admin_creates_a_checklist_with_ordered_items(admin_client, admin):
    team = Team.objects.get(slug="engineering")
    response = admin_client.post(
        reverse("quality:checklist-create"),
        _checklist_data(
            ("Second", 2),
            ("First", 1),
            ("", None),
            ("Last, unnumbered", None),
            team=team.pk,
            description="Before any release that stores personal data.",
        ),
    )
    created = Checklist.objects.get(name="Privacy review")
    assert response.status_code == 302 and response.url == created.get_absolute_url()
    assert created.items == ["First", "Second", "Last, unnumbered"]
    assert created.signoff_team == team and created.version == 1
    assert created.versions.get().author == admin
    page = admin_client.get(created.get_absolute_url())
    assert "Created with 3 items" in page.text and "Alice Admin" in page.text
    assert reverse("quality:checklist-edit", args=[created.pk]) in page.text


def test_editing_a_checklist_makes_a_version_that_says_what_changed(admin_client, privacy):
    url = reverse("quality:checklist-edit", args=[privacy.pk])
    form = admin_client.get(url)
    assert form.status_code == 200 and 'value="Data map updated"' in form.text
    response = admin_client.post(
        url,
        _checklist_data(
            ("DPO consulted", 1),
            ("Data map updated", 2),
            ("Retention set", 3),
            name="Privacy and data review",
            team=Team.objects.get(slug="engineering").pk,
            start=2,
        ),
    )
    assert response.status_code == 302
    privacy.refresh_from_db()
    assert privacy.version == 2 and privacy.name == "Privacy and data review"
    assert privacy.items == ["DPO consulted", "Data map updated", "Retention set"]
    assert list(privacy.versions.values_list("number", flat=True)) == [2, 1]
    assert privacy.versions.get(number=1).items == ["Data map updated", "DPO consulted"]
    page = admin_client.get(privacy.get_absolute_url())
    assert "Renamed from “Privacy review”" in page.text
    assert "Sign-off: any editor → Engineering" in page.text
    assert "Retention set" in page.text and "Items reordered" in page.text


def test_a_description_edit_is_saved_without_a_new_version(admin_client, privacy):
    response = admin_client.post(
        reverse("quality:checklist-edit", args=[privacy.pk]),
        _checklist_data(
            ("Data map updated", 1), ("DPO consulted", 2), description="When in doubt", start=2
        ),
    )
    assert response.status_code == 302
    privacy.refresh_from_db()
    assert privacy.description == "When in doubt" and privacy.version == 1


def test_editors_and_viewers_cannot_create_or_edit_checklists(
    editor_client, viewer_client, privacy
):
    for client in (editor_client, viewer_client):
        assert client.get(reverse("quality:checklist-create")).status_code == 403
        response = client.post(reverse("quality:checklist-create"), _checklist_data(("A", 1)))
        assert response.status_code == 403
        edit = reverse("quality:checklist-edit", args=[privacy.pk])
        assert client.post(edit, _checklist_data(("B", 1), name="X")).status_code == 403
        archive = reverse("quality:checklist-archive", args=[privacy.pk])
        assert client.post(archive, {"archived": "1"}).status_code == 403
        assert (
            reverse("quality:checklist-edit", args=[privacy.pk])
            not in client.get(privacy.get_absolute_url()).text
        )
    privacy.refresh_from_db()
    assert privacy.name == "Privacy review" and privacy.version == 1 and not privacy.archived
    assert not Checklist.objects.filter(name="A").exists()


def test_refused_checklists_name_the_field_and_write_nothing(admin_client, privacy):
    before = (Checklist.objects.count(), ChecklistVersion.objects.count(), Activity.objects.count())
    create = reverse("quality:checklist-create")
    response = admin_client.post(create, _checklist_data(("", None), ("", None), name="Consent"))
    assert response.status_code == 422
    assert 'id="items-errors"' in response.text and "at least one item" in response.text
    response = admin_client.post(create, _checklist_data(("An item", 1), name="privacy REVIEW"))
    assert response.status_code == 422 and "already exists" in response.text
    response = admin_client.post(create, _checklist_data(("x" * 501, 1), name="Long"))
    assert response.status_code == 422 and "field--invalid" in response.text
    response = admin_client.post(create, _checklist_data(("An item", "first"), name="Bad"))
    assert response.status_code == 422
    edit = reverse("quality:checklist-edit", args=[privacy.pk])
    response = admin_client.post(edit, _checklist_data(("", 1), ("", 2), start=2))
    assert response.status_code == 422 and "at least one item" in response.text
    after = (Checklist.objects.count(), ChecklistVersion.objects.count(), Activity.objects.count())
    assert after == before
    privacy.refresh_from_db()
    assert privacy.items == ["Data map updated", "DPO consulted"]


def test_archiving_hides_a_checklist_from_new_releases_only(
    admin_client, admin, editor, product, release, privacy
):
    from wavelength.catalog import services as catalog

    inspection = services.inspection_start(actor=editor, release=release, checklist=privacy)
    services.inspection_check(actor=editor, inspection=inspection, checked=[True, True])
    services.inspection_sign(actor=admin, inspection=inspection)
    response = admin_client.post(
        reverse("quality:checklist-archive", args=[privacy.pk]), {"archived": "1"}
    )
    assert response.status_code == 302
    privacy.refresh_from_db()
    assert privacy.archived and privacy.version == 1
    assert privacy not in selectors.checklist_list(user=editor)
    assert privacy in selectors.checklist_list(user=editor, archived=True)
    # The release that had it keeps its signed inspection; a new release does not list it.
    rows = selectors.release_inspections(user=editor, release=release)
    assert next(r for r in rows if r.checklist == privacy).signed
    later = catalog.release_create(actor=editor, product=product, version="3.0")
    names = [r.checklist.name for r in selectors.release_inspections(user=editor, release=later)]
    assert "Privacy review" not in names
    listing = reverse("quality:checklist-list")
    assert "Privacy review" in admin_client.get(listing + "?archived=1").text
    assert "Privacy review" not in admin_client.get(listing).text
    page = admin_client.get(privacy.get_absolute_url())
    assert "This checklist is archived" in page.text and "Restore" in page.text
    admin_client.post(reverse("quality:checklist-archive", args=[privacy.pk]), {"archived": "0"})
    privacy.refresh_from_db()
    assert not privacy.archived


def test_an_inspection_started_before_archiving_can_still_be_reopened(
    admin, editor, release, privacy
):
    inspection = services.inspection_start(actor=editor, release=release, checklist=privacy)
    services.checklist_update(actor=admin, checklist=privacy, archived=True)
    privacy.refresh_from_db()
    again = services.inspection_start(actor=editor, release=release, checklist=privacy)
    assert again.pk == inspection.pk


def test_an_edit_over_someone_else_s_is_refused(admin_client, admin, privacy):
    form = admin_client.get(reverse("quality:checklist-edit", args=[privacy.pk]))
    assert 'name="expected_version" value="1"' in form.text
    services.checklist_update(actor=admin, checklist=privacy, items=["Meanwhile"])
    response = admin_client.post(
        reverse("quality:checklist-edit", args=[privacy.pk]),
        {**_checklist_data(("Mine", 1), start=2), "expected_version": "1"},
    )
    assert response.status_code == 422 and "Someone saved version 2" in response.text
    privacy.refresh_from_db()
    assert privacy.items == ["Meanwhile"] and privacy.version == 2
