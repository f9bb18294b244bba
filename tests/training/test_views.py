import datetime as dt

from django.urls import reverse

from tests.conftest import client_for
from wavelength.training import services
from wavelength.training.models import Assignment, Attempt

from .conftest import course_quiz_key, pass_course


def test_the_pages_open(course, editor, viewer, django_assert_max_num_queries):
    services.assignment_create(
        actor=editor, course=course, due_on=dt.date(2026, 5, 6), users=[viewer, editor]
    )
    services.certification_set(actor=editor, course=course, name="Refunds", valid_days=365)
    pass_course(viewer, course)
    client = client_for(editor)
    lesson = course.lessons.first()
    quiz = course.quizzes.get(lesson=None)
    urls = [
        reverse("training:home"),
        course.get_absolute_url(),
        reverse("training:course-edit", args=[course.pk]),
        reverse("training:lesson-edit", args=[lesson.pk]),
        reverse("training:quiz-edit", args=[quiz.pk]),
        reverse("training:question-edit", args=[quiz.questions.first().pk]),
        reverse("training:certification-edit", args=[course.pk]),
        reverse("training:report"),
        reverse("training:report") + "?overdue=1",
        reverse("training:matrix"),
        reverse("training:path-list"),
        reverse("training:path-create"),
        reverse("training:course-create"),
    ]
    for url in urls:
        assert client.get(url).status_code == 200, url
    csv = client.get(reverse("training:report") + "?format=csv").content.decode()
    assert "Refunds 101,Carol Viewer" in csv


def test_my_learning_shows_progress_and_overdue(course, editor, viewer, now):
    services.assignment_create(
        actor=editor, course=course, due_on=dt.date(2026, 5, 4), users=[viewer]
    )
    Assignment.objects.update(due_on=dt.date(2026, 5, 1))
    page = client_for(viewer).get(reverse("training:home")).content.decode()
    assert "Refunds 101" in page and "Overdue" in page


def test_a_learner_fails_then_passes_through_the_pages(course, viewer):
    client = client_for(viewer)
    client.post(reverse("training:course-action", args=[course.pk, "start"]))
    enrollment = viewer.enrollments.get()
    key = course_quiz_key(enrollment.version)
    started = client.post(reverse("training:attempt-start", args=[course.pk, key]))
    attempt = Attempt.objects.get()
    assert started.url == attempt.get_absolute_url()
    page = client.get(attempt.get_absolute_url()).content.decode()
    assert "✔" not in page and "See the policy" not in page  # no answer before submitting
    assert client.post(attempt.get_absolute_url(), {}).status_code == 302
    result = client.get(attempt.get_absolute_url()).content.decode()
    assert "Failed" in result and "See the policy" in result
    assert client.post(attempt.get_absolute_url(), {}).status_code == 409


def test_others_cannot_see_an_attempt(course, viewer, outsider):
    enrollment = services.enrollment_start(actor=viewer, course=course)
    attempt = services.attempt_start(
        actor=viewer, enrollment=enrollment, quiz_key=course_quiz_key(enrollment.version)
    )
    assert client_for(outsider).get(attempt.get_absolute_url()).status_code == 404


def test_the_home_page_lists_courses_in_few_queries(course, viewer, django_assert_max_num_queries):
    client = client_for(viewer)
    with django_assert_max_num_queries(15):
        assert client.get(reverse("training:home")).status_code == 200


def test_a_past_due_date_shows_on_the_form(course, editor, viewer):
    response = client_for(editor).post(
        reverse("training:assign", args=[course.pk]),
        {"assign-due_on": "2026-05-01", "assign-users": [viewer.pk]},
    )
    assert response.status_code == 422 and "due date has passed" in response.content.decode()
    assert not Assignment.objects.exists()


def test_the_french_home_page(course, viewer):
    client = client_for(viewer)
    page = client.get(reverse("training:home"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Mon apprentissage" in page


def test_my_work_lists_the_courses_to_take(course, editor, viewer):
    services.assignment_create(
        actor=editor, course=course, due_on=dt.date(2026, 5, 20), users=[viewer]
    )
    page = client_for(viewer).get(reverse("processes:my-steps")).content.decode()
    assert "My courses to take" in page and "Refunds 101" in page


def test_a_path_is_assigned_from_its_page(now, course, editor, viewer, page):
    from tests.training.conftest import make_course

    second = make_course(editor, page=page, title="Refunds 201")
    path = services.path_create(actor=editor, name="Support, first month", courses=[course, second])
    url = path.get_absolute_url()
    form = {"assign-due_on": "2026-06-01", "assign-users": [viewer.pk]}
    assert client_for(viewer).post(url, form).status_code == 403
    past = client_for(editor).post(url, {**form, "assign-due_on": "2026-01-01"})
    assert past.status_code == 422 and "The due date has passed" in past.content.decode()
    assert not Assignment.objects.exists()
    done = client_for(editor).post(url, form)
    assert done.status_code == 302
    assert sorted(a.course.title for a in Assignment.objects.filter(user=viewer)) == [
        "Refunds 101",
        "Refunds 201",
    ]
    assert (
        "Opens once the courses before it are passed"
        in client_for(viewer).get(url).content.decode()
    )


def test_report_filter_keeps_the_chosen_course(course, editor):
    url = reverse("training:report") + f"?course={course.pk}"
    html = client_for(editor).get(url).content.decode()
    assert f'<option value="{course.pk}" selected>Refunds 101</option>' in html


def test_report_rows_show_progress_and_scores_only_to_whom_may_see_them(
    course, admin, editor, viewer, outsider, now
):
    services.assignment_create(
        actor=editor, course=course, due_on=dt.date(2026, 5, 20), users=[viewer, editor]
    )
    pass_course(viewer, course)
    viewer.manager = outsider
    viewer.save()
    url = reverse("training:report")

    def row_of(user, name):
        html = client_for(user).get(url).content.decode()
        rows = [r for r in html.split("<tr>") if "cell-main" in r and name in r]
        assert len(rows) == 1, html
        return rows[0]

    for reader in (admin, outsider):  # an administrator, the learner's manager
        row = row_of(reader, "Carol Viewer")
        assert "Refunds 101" in row and course.get_absolute_url() in row
        assert "Passed" in row and 'aria-valuenow="100"' in row and "100%</td>" in row
    row = row_of(editor, "Carol Viewer")  # the course's owner sees progress, not the score
    assert 'aria-valuenow="100"' in row and "—</td>" in row
    row = row_of(editor, "Bob Editor")
    assert '<span class="badge">Due ' in row and 'aria-valuenow="0"' in row
    assert "100%</td>" in row_of(viewer, "Carol Viewer")  # the learner's own score
    own = client_for(viewer).get(url).content.decode().split('id="by-person"')[1]
    assert "Bob Editor" not in own  # nobody else's row
