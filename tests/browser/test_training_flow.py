"""A support agent takes the course assigned to them: reads the policy page, passes the
lesson's quiz, fails the final quiz, tries again and passes; the course shows as passed."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.factories import TeamFactory, UserFactory
from tests.training.conftest import make_course
from wavelength.accounts.models import Membership, Role
from wavelength.core import clock
from wavelength.knowledge import services as knowledge
from wavelength.training import services

pytestmark = pytest.mark.browser


def _answer(page, question: str, *answers: str) -> None:
    box = page.locator("fieldset").filter(has_text=question)
    for answer in answers:
        box.get_by_label(answer, exact=True).check()


def test_a_support_agent_fails_retries_and_passes(page, sign_in, admin, editor):
    support = TeamFactory(name="Support", slug="support")
    agent = UserFactory(email="noah@example.com", name="Noah Support", role=Role.VIEWER)
    Membership.objects.create(team=support, user=agent)
    space = knowledge.space_create(actor=admin, name="Support procedures")
    policy = knowledge.page_create(
        actor=editor,
        space=space,
        title="Refund policy",
        body="Refunds within **30 days**.",
    )
    knowledge.page_set_status(actor=editor, page=policy, status="published")
    course = make_course(editor, page=policy)
    services.assignment_create(
        actor=editor,
        course=course,
        teams=[support],
        due_on=clock.now().date() + dt.timedelta(days=7),
    )

    sign_in(agent)
    page.goto("/training/")
    mine = page.locator("#my-learning")
    expect(mine).to_contain_text("Refunds 101")
    mine.get_by_role("link", name="Refunds 101").click()
    page.get_by_role("button", name="Start the course").click()

    page.get_by_role("link", name="Refund policy").click()
    expect(page.locator("article")).to_contain_text("Refunds within 30 days")
    page.get_by_role("button", name="I have read this lesson").click()

    page.get_by_role("link", name="How to refund").click()
    page.get_by_role("button", name="Take the quiz").click()
    _answer(page, "Where is the button?", "Orders")
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.locator("#result")).to_contain_text("Passed")
    page.get_by_role("link", name="Back to the course").click()

    page.get_by_role("link", name="Final quiz").click()
    page.get_by_role("button", name="Take the quiz").click()
    expect(page.locator("#quiz-form")).not_to_contain_text("✔")
    _answer(page, "Refunds within?", "7 days")
    _answer(page, "Refunds need a manager.", "True")
    _answer(page, "Which are refundable?", "Gift cards")
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.locator("#result")).to_contain_text("Your score: 0%")
    expect(page.locator("#result")).to_contain_text("Failed")
    expect(page.get_by_text("See the policy.")).to_be_visible()

    page.get_by_role("link", name="Back to the course").click()
    page.get_by_role("link", name="Final quiz").click()
    page.get_by_role("button", name="Try again").click()
    _answer(page, "Refunds within?", "30 days")
    _answer(page, "Refunds need a manager.", "False")
    _answer(page, "Which are refundable?", "Annual plans", "Monthly plans")
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.locator("#result")).to_contain_text("Your score: 100%")

    page.goto("/training/")
    expect(page.locator("#my-learning")).to_contain_text("Passed")
    expect(page.locator("#my-learning")).to_contain_text("100%")


def test_the_owner_deletes_a_question_after_confirming(page, sign_in, editor):
    course = make_course(editor, publish=False)
    quiz = course.quizzes.get(lesson=None)
    question = quiz.questions.order_by("position").first()
    sign_in(editor)
    page.goto(f"/training/questions/{question.pk}/edit/")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="Delete the question").click()
    expect(page.get_by_role("heading", name="Edit question")).to_be_visible()
    assert asked == ["Delete this question?"] and quiz.questions.filter(pk=question.pk).exists()

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Delete the question").click()
    expect(page.get_by_text("Question deleted.")).to_be_visible()
    expect(page.get_by_role("heading", name="Final quiz")).to_be_visible()
    assert not quiz.questions.filter(pk=question.pk).exists()
