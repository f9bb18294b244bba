"""Quiz question statistics (which questions most people miss) and the report's completions
by month."""

import json

import pytest
from django.urls import reverse
from django.utils import translation

from tests.api.utils import bearer_client, url
from tests.conftest import client_for
from tests.factories import UserFactory
from wavelength.training import selectors, services

from .conftest import course_quiz_key, pass_course, right_answers


def _submit(learner, course, answers_of):
    enrollment = services.enrollment_start(actor=learner, course=course)
    key = course_quiz_key(enrollment.version)
    attempt = services.attempt_start(actor=learner, enrollment=enrollment, quiz_key=key)
    services.attempt_submit(actor=learner, attempt=attempt, answers=answers_of(enrollment.version))


def _one_wrong(version):
    """Right everywhere but the refund question: "7 days" chosen."""
    key = course_quiz_key(version)
    answers = right_answers(version, key)
    question = next(q for q in version.quiz(key)["questions"] if q["text"] == "Refunds within?")
    wrong = next(c["id"] for c in question["choices"] if c["text"] == "7 days")
    answers[str(question["id"])] = [wrong]
    return answers


@pytest.fixture
def answered(course, viewer):
    """Three learners: two miss the refund question, one gets everything right."""
    for n in range(2):
        _submit(UserFactory(email=f"learner{n}@example.com"), course, _one_wrong)
    pass_course(viewer, course)
    return course


def test_most_missed_question_comes_first_with_its_wrong_answer(editor, answered):
    stats = selectors.question_statistics(user=editor, course=answered)
    first = stats[0]
    assert first.text == "Refunds within?" and first.quiz == "Final quiz"
    assert (first.answered, first.right, first.percent_right) == (3, 1, 33)
    assert [(w.text, w.count) for w in first.wrong_answers] == [("7 days", 2)]
    rest = {s.text: s.percent_right for s in stats[1:]}
    assert rest == {
        "Refunds need a manager.": 100,
        "Which are refundable?": 100,
        "Where is the button?": 100,
    }


def test_only_the_owner_and_administrators_read_statistics(answered, viewer, outsider, admin):
    from django.http import Http404

    for person in (viewer, outsider):
        with pytest.raises(Http404):
            selectors.question_statistics(user=person, course=answered)
    assert selectors.question_statistics(user=admin, course=answered)
    page = reverse("training:statistics", args=[answered.pk])
    assert client_for(viewer).get(page).status_code == 404
    api = bearer_client(outsider)
    assert api.get(url("question-statistics", answered.pk)).status_code == 404


def test_statistics_page_and_api(editor, answered):
    page = client_for(editor).get(reverse("training:statistics", args=[answered.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and 'data-chart="question-chart-data"' in html
    assert "7 days" in html
    body = bearer_client(editor).get(url("question-statistics", answered.pk)).json()
    assert body[0]["text"] == "Refunds within?" and body[0]["percent_right"] == 33
    assert body[0]["wrong_answers"] == [{"text": "7 days", "count": 2}]


def test_report_charts_courses_passed_by_month(admin, answered, viewer):
    chart = selectors.completions_by_month(user=admin)
    assert chart["labels"][-1] == "May 2026" and len(chart["labels"]) == 12
    with translation.override("fr"):  # months in the reader's language
        assert selectors.completions_by_month(user=admin)["labels"][0] == "juin 2025"
    assert chart["values"][-1] == 0  # passed, but nobody was assigned
    services.assignment_create(
        actor=admin, course=answered, due_on=answered.created_at.date(), users=[viewer]
    )
    # Assigned after passing: the assignment is completed when the course is passed again;
    # an assignment completed now counts in this month.
    from wavelength.core import clock
    from wavelength.training.models import Assignment

    Assignment.objects.update(completed_at=clock.now())
    chart = selectors.completions_by_month(user=admin)
    assert chart["values"][-1] == 1
    html = client_for(admin).get(reverse("training:report")).content.decode()
    data = json.loads(html.split('id="months-data" type="application/json">')[1].split("<")[0])
    assert data["values"][-1] == 1
