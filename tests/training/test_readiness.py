import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from tests.conftest import client_for
from tests.factories import FeatureFactory, ReleaseFactory
from wavelength.catalog import gates
from wavelength.core.conditions import evaluate
from wavelength.training import services

from .conftest import pass_course


@pytest.fixture
def release(product):
    return ReleaseFactory(product=product, version="3.0", status="in_progress")


def _verdict(release):
    return next(
        (v for v in gates.evaluate(release) if v.criterion.key == "training.enablement"), None
    )


def test_enablement_turns_green_when_enough_people_passed(
    course, admin, editor, viewer, product, product_team, release, django_assert_max_num_queries
):
    services.enablement_gate_set(
        actor=admin, product=product, min_percent=100, teams=[product_team]
    )
    assert _verdict(release) is None  # no enablement course for this release yet
    services.course_update(
        actor=editor,
        course=course,
        data=services.CourseData(title=course.title, owner=editor, releases=[release]),
    )
    services.assignment_create(
        actor=editor, course=course, due_on=dt.date(2026, 6, 1), teams=[product_team]
    )
    with django_assert_max_num_queries(5):
        verdict = _verdict(release)
    assert not verdict.result.ok
    assert {label for label, _url in verdict.result.missing} == {"Bob Editor", "Carol Viewer"}
    pass_course(viewer, course)
    pass_course(editor, course)
    verdict = _verdict(release)
    assert verdict.result.ok and "2 of 2 people ready" in verdict.result.detail


def test_only_an_admin_sets_the_criterion(now, editor, product, product_team):
    with pytest.raises(PermissionDenied):
        services.enablement_gate_set(
            actor=editor, product=product, min_percent=80, teams=[product_team]
        )


def test_the_feature_page_shows_its_training(course, editor, viewer, product, product_team):
    feature = FeatureFactory(product=product, title="Refunds", stage="beta")
    services.course_update(
        actor=editor,
        course=course,
        data=services.CourseData(title=course.title, owner=editor, features=[feature]),
    )
    services.assignment_create(
        actor=editor, course=course, due_on=dt.date(2026, 6, 1), teams=[product_team]
    )
    pass_course(viewer, course)
    page = client_for(viewer).get(feature.get_absolute_url()).content.decode()
    assert "Training" in page and "Refunds 101" in page and "1 of 2 passed" in page


def test_a_playbook_step_can_wait_for_a_passed_course(course, viewer):
    result = evaluate("training.course_passed", target=viewer, params={"course": course.pk})
    assert not result.ok
    pass_course(viewer, course)
    assert evaluate("training.course_passed", target=viewer, params={"course": course.pk}).ok


def test_the_gate_page_saves_for_an_admin(now, admin, product, product_team):
    client = client_for(admin)
    url = reverse("training:gate-edit", args=[product.slug])
    assert client.get(url).status_code == 200
    response = client.post(url, {"min_percent": 80, "teams": [product_team.pk]})
    assert response.status_code == 302
    assert product.enablement_gate.min_percent == 80
