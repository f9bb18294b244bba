"""Release enablement: the course drafted from what the product knows, its publishing (which
assigns it to the chosen teams), the drafts made on their own, the pages and the API."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from tests.api.utils import bearer_client, errors, patch, post, url
from tests.conftest import client_for
from tests.factories import ChangelogEntryFactory, FeatureFactory, ReleaseFactory, TeamFactory
from wavelength.accounts.models import Membership
from wavelength.catalog import services as catalog
from wavelength.core.exceptions import Conflict, DomainError
from wavelength.feedback.models import Company, Feedback, FeedbackLink
from wavelength.knowledge import services as knowledge
from wavelength.knowledge.models import Space
from wavelength.training import services
from wavelength.training.models import Assignment, Course, Enablement
from wavelength.training.services.enablement import enablement_from_activity


@pytest.fixture
def support(db, viewer):
    team = TeamFactory(name="Support", slug="support")
    Membership.objects.create(team=team, user=viewer)
    return team


@pytest.fixture
def release(now, product, editor):
    alerts = FeatureFactory(
        product=product, title="Smart alerts", description="Alerts when a metric **jumps**."
    )
    FeatureFactory(product=product, title="Dark mode")
    FeatureFactory(product=product, title="CSV import")
    release = ReleaseFactory(
        product=product,
        version="3.0",
        status="in_progress",
        target_date=dt.date(2026, 6, 1),
        description="The alerts release.",
    )
    release.features.set([alerts])
    ChangelogEntryFactory(release=release, title="Alerts arrive", body="Set a threshold.")
    acme = Company.objects.create(name="Acme", arr=90000)
    Company.objects.create(name="Globex", arr=50000)
    Company.objects.create(name="Initech", arr=10000)
    item = Feedback.objects.create(text="We need alerts badly", company=acme)
    FeedbackLink.objects.create(feedback=item, feature=alerts, quote="alerts badly")
    space = Space.objects.get(slug="procedures")
    page = knowledge.page_create(
        actor=editor, space=space, title="Alerts FAQ", body="About [[feature:Smart alerts]]."
    )
    knowledge.page_set_status(actor=editor, page=page, status="published")
    return release


def test_draft_is_built_from_what_the_product_knows(editor, release, support):
    enablement = services.enablement_draft(actor=editor, release=release)
    course = enablement.course
    assert course.status == "draft" and course.owner == editor
    assert list(course.releases.all()) == [release]
    lessons = list(course.lessons.order_by("position"))
    assert [x.title for x in lessons] == ["What Orbit 3.0 brings", "Smart alerts", "Alerts FAQ"]
    assert "Alerts arrive" in lessons[0].body and "Set a threshold." in lessons[0].body
    assert "Alerts when a metric **jumps**." in lessons[1].body
    assert "> alerts badly" in lessons[1].body and "Acme" in lessons[1].body
    assert lessons[2].kind == "page"
    quiz = course.quizzes.get(lesson=None)
    texts = [q.text for q in quiz.questions.all()]
    assert "Which of these ships in Orbit 3.0?" in texts
    assert "Which customer asked for “Smart alerts”?" in texts
    asked = quiz.questions.get(text__startswith="Which customer")
    assert [c["text"] for c in asked.choices if c["correct"]] == ["Acme"]
    # Due before the target date, for sales and support (the gate names no team).
    assert enablement.due_on == dt.date(2026, 5, 29)
    assert sorted(t.slug for t in enablement.teams.all()) == ["sales", "support"]


def test_publishing_assigns_the_teams_by_the_due_date(editor, viewer, release, support):
    enablement = services.enablement_draft(actor=editor, release=release)
    services.course_publish(actor=editor, course=enablement.course)
    rows = Assignment.objects.filter(course=enablement.course)
    assert [(r.user, r.due_on, r.source) for r in rows] == [
        (viewer, dt.date(2026, 5, 29), "enablement")
    ]
    enablement.refresh_from_db()
    assert enablement.assigned_at is not None
    # Publishing again (after archiving) does not assign twice.
    services.course_archive(actor=editor, course=enablement.course)
    services.course_publish(actor=editor, course=enablement.course)
    assert rows.count() == 1


def test_publishing_without_teams_is_refused_and_nothing_published(editor, release):
    enablement = services.enablement_draft(actor=editor, release=release)
    enablement.teams.clear()
    with pytest.raises(DomainError) as err:
        services.course_publish(actor=editor, course=enablement.course)
    assert set(err.value.errors) == {"teams"}
    assert Course.objects.get(pk=enablement.course_id).status == "draft"


def test_a_release_is_drafted_once(editor, release, support):
    services.enablement_draft(actor=editor, release=release)
    with pytest.raises(Conflict):
        services.enablement_draft(actor=editor, release=release)
    assert Enablement.objects.count() == 1


def test_viewer_cannot_draft(viewer, release):
    with pytest.raises(PermissionDenied):
        services.enablement_draft(actor=viewer, release=release)
    assert not Course.objects.exists()


def test_release_without_features_is_refused(editor, product):
    empty = ReleaseFactory(product=product, version="9.9", status="in_progress")
    with pytest.raises(DomainError) as err:
        services.enablement_draft(actor=editor, release=empty)
    assert set(err.value.errors) == {"release"} and not Course.objects.exists()


def test_feature_draft_has_a_lesson_and_a_stage_question(editor, release, support):
    feature = release.features.get()
    enablement = services.enablement_draft(actor=editor, feature=feature)
    course = enablement.course
    assert course.title == "Enablement: Smart alerts"
    assert list(course.features.all()) == [feature]
    stage = course.quizzes.get().questions.get(kind="true_false")
    assert stage.text == "“Smart alerts” is generally available to every customer."
    assert [c["correct"] for c in stage.choices] == [False, True]  # the feature is an idea
    # The feature's next release gives the due date.
    assert enablement.due_on == dt.date(2026, 5, 29)


def test_update_checks_owner_version_and_date(editor, outsider, release, support, now):
    enablement = services.enablement_draft(actor=editor, release=release)
    with pytest.raises(PermissionDenied):
        services.enablement_update(
            actor=outsider, enablement=enablement, teams=[support], due_on=dt.date(2026, 6, 1)
        )
    with pytest.raises(DomainError) as err:
        services.enablement_update(
            actor=editor, enablement=enablement, teams=[support], due_on=dt.date(2026, 1, 1)
        )
    assert set(err.value.errors) == {"due_on"}
    with pytest.raises(DomainError):
        services.enablement_update(
            actor=editor, enablement=enablement, teams=[support], due_on=None, if_version="0" * 16
        )
    services.enablement_update(
        actor=editor, enablement=enablement, teams=[support], due_on=dt.date(2026, 5, 20)
    )
    enablement.refresh_from_db()
    assert enablement.due_on == dt.date(2026, 5, 20)


def test_drafted_on_its_own_when_a_release_is_in_progress(
    admin, editor, product, product_team, release, support, django_capture_on_commit_callbacks
):
    services.enablement_gate_set(
        actor=admin, product=product, min_percent=None, teams=[support], owner=editor
    )
    planned = ReleaseFactory(product=product, version="4.0", status="planned")
    planned.features.set(release.features.all())
    with django_capture_on_commit_callbacks(execute=True):
        catalog.release_update(actor=admin, release=planned, status="in_progress")
    drafted = Enablement.objects.get(release=planned)
    assert drafted.course.owner == editor
    assert list(drafted.teams.all()) == [support]


def test_nothing_drafted_without_an_enablement_owner(admin, release, support):
    from wavelength.core import activity

    row = activity.record(
        actor=admin,
        verb="updated",
        target=release,
        scope=release.product.scope,
        changes={"status": ["planned", "in_progress"]},
    )
    assert enablement_from_activity(activity_id=row.pk) is None
    assert not Enablement.objects.exists()


def test_feature_covered_by_a_release_draft_is_not_drafted_again(admin, editor, product, release):
    services.enablement_gate_set(
        actor=admin, product=product, min_percent=None, teams=[], owner=editor
    )
    services.enablement_draft(actor=editor, release=release)
    feature = release.features.get()
    assert services.enablement_draft_for(feature=feature) is None


# Pages and API --------------------------------------------------------------------------------


def test_release_page_offers_the_draft_then_lists_the_course(editor, release, support):
    client = client_for(editor)
    page = client.get(release.get_absolute_url())
    assert "Draft the enablement course" in page.content.decode()
    response = client.post(reverse("training:enablement-draft"), {"release": release.pk})
    course = Course.objects.get()
    assert response.status_code == 302 and response["Location"] == course.get_absolute_url()
    page = client.get(release.get_absolute_url()).content.decode()
    assert course.title in page and "Draft the enablement course" not in page
    detail = client.get(course.get_absolute_url()).content.decode()
    assert "Publishing it assigns it to:" in detail and "Support" in detail


def test_viewer_sees_no_draft_button_and_cannot_post(viewer, release):
    client = client_for(viewer)
    assert (
        "Draft the enablement course" not in client.get(release.get_absolute_url()).content.decode()
    )
    response = client.post(reverse("training:enablement-draft"), {"release": release.pk})
    assert response.status_code == 403 and not Course.objects.exists()


def test_enablement_edit_page(editor, viewer, release, support):
    enablement = services.enablement_draft(actor=editor, release=release)
    url = reverse("training:enablement-edit", args=[enablement.pk])
    assert client_for(viewer).get(url).status_code == 404  # a draft: editors only
    client = client_for(editor)
    bad = client.post(url, {"teams": [support.pk], "due_on": "2020-01-01"})
    assert bad.status_code == 422 and "The due date has passed" in bad.content.decode()
    ok = client.post(url, {"teams": [support.pk], "due_on": "2026-05-25"})
    assert ok.status_code == 302
    enablement.refresh_from_db()
    assert enablement.due_on == dt.date(2026, 5, 25)


def test_api_drafts_reads_and_patches(editor, viewer, release, support):
    api = bearer_client(editor)
    assert (
        post(bearer_client(viewer), url("enablement-draft"), {"release": release.pk}).status_code
        == 403
    )
    neither = post(api, url("enablement-draft"), {})
    assert neither.status_code == 422 and set(errors(neither)) == {"release"}
    unknown = post(api, url("enablement-draft"), {"release": 999999})
    assert unknown.status_code == 422 and set(errors(unknown)) == {"release"}
    assert not Course.objects.exists()
    made = post(api, url("enablement-draft"), {"release": release.pk})
    assert made.status_code == 201
    body = made.json()
    assert body["release"] == release.pk and support.pk in body["teams"]
    assert post(api, url("enablement-draft"), {"release": release.pk}).status_code == 409
    detail = api.get(url("enablement-detail", body["id"]))
    stale = api.patch(
        url("enablement-update", body["id"]),
        {"due_on": "2026-05-20"},
        content_type="application/json",
        headers={"If-Match": '"0000000000000000"'},
    )
    assert stale.status_code == 412
    patched = api.patch(
        url("enablement-update", body["id"]),
        {"due_on": "2026-05-20"},
        content_type="application/json",
        headers={"If-Match": detail["ETag"]},
    )
    assert patched.status_code == 200 and patched.json()["due_on"] == "2026-05-20"
    past = patch(api, url("enablement-update", body["id"]), {"due_on": "2020-01-01"})
    assert past.status_code == 422 and set(errors(past)) == {"due_on"}
