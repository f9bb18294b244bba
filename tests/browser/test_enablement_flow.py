"""Release enablement as people do it: the enablement owner drafts the course from the release
page, publishes it (which assigns it to support), a support agent passes it, and the release
page's "Enablement complete" criterion turns green."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.factories import FeatureFactory, ReleaseFactory, TeamFactory, UserFactory
from wavelength.accounts.models import Membership, Role
from wavelength.core import clock
from wavelength.training import services
from wavelength.training.models import Course

pytestmark = pytest.mark.browser


def _answer_right(page, course: Course) -> None:
    version = course.versions.get()
    for question in version.content["quiz"]["questions"]:
        box = page.locator("fieldset").filter(has_text=question["text"])
        for choice in question["choices"]:
            if choice["correct"]:
                label = {"true": "True", "false": "False"}.get(choice["text"], choice["text"])
                box.get_by_label(label, exact=True).check()


def test_draft_publish_pass_and_the_gate_turns_green(page, sign_in, admin, editor, product):
    support = TeamFactory(name="Support", slug="support")
    agent = UserFactory(email="noah@example.com", name="Noah Support", role=Role.VIEWER)
    Membership.objects.create(team=support, user=agent)
    alerts = FeatureFactory(product=product, title="Smart alerts", description="Alerts on jumps.")
    release = ReleaseFactory(
        product=product,
        version="3.0",
        status="in_progress",
        target_date=clock.now().date() + dt.timedelta(days=30),
    )
    release.features.set([alerts])
    services.enablement_gate_set(actor=admin, product=product, min_percent=100, teams=[support])

    sign_in(editor)
    page.goto(release.get_absolute_url())
    page.locator("#section-enablement").get_by_role(
        "button", name="Draft the enablement course"
    ).click()
    expect(page.locator("#enablement")).to_contain_text("Publishing it assigns it to:")
    expect(page.locator("#enablement")).to_contain_text("Support")
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".messages")).to_contain_text("Course published.")
    expect(page.locator("#learners")).to_contain_text("Noah Support")

    # The owner's pages fit a phone.
    course = Course.objects.get()
    page.set_viewport_size({"width": 390, "height": 844})
    for url in (
        course.get_absolute_url(),
        f"/training/courses/{course.pk}/statistics/",
        f"/training/enablements/{course.enablement.pk}/edit/",
        "/training/courses/import/",
        "/training/report/",
    ):
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, url
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(release.get_absolute_url())
    criterion = page.locator('[data-criterion="training.enablement"]')
    expect(criterion).to_have_class("release-gate-item is-missing")
    expect(criterion).to_contain_text("Noah Support")

    page.context.clear_cookies()
    sign_in(agent)
    page.goto("/training/")
    page.locator("#my-learning").get_by_role("link", name=course.title).click()
    page.get_by_role("button", name="Start the course").click()
    for lesson in course.versions.get().lessons():
        page.locator("#learn").get_by_role("link", name=lesson["title"], exact=True).click()
        page.get_by_role("button", name="I have read this lesson").click()
    page.locator("#learn").get_by_role("link", name="Final quiz").click()
    page.get_by_role("button", name="Take the quiz").click()
    _answer_right(page, course)
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.locator("#result")).to_contain_text("Passed")

    page.context.clear_cookies()
    sign_in(editor)
    page.goto(release.get_absolute_url())
    expect(page.locator('[data-criterion="training.enablement"]')).to_have_class(
        "release-gate-item is-ok"
    )
