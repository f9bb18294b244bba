import json

from tests.api.utils import bearer_client, errors, patch, post, url
from wavelength.training.models import Assignment, Attempt, Course

from .conftest import course_quiz_key, pass_course, right_answers


def _start(api, course):
    assert post(api, url("enrollment-start", course.pk)).status_code == 200
    return post(api, url("attempt-start", course.pk, course.versions.get().content["quiz"]["id"]))


def test_create_a_course_and_bad_input_names_the_field(now, editor):
    api = bearer_client(editor)
    created = post(api, url("course-create"), {"title": "Onboarding", "audience_roles": ["viewer"]})
    assert created.status_code == 201 and created.json()["status"] == "draft"
    bad = post(api, url("course-create"), {"title": "x", "audience_roles": ["king"]})
    assert bad.status_code == 422 and set(errors(bad)) == {"audience_roles"}
    bad = post(api, url("course-create"), {"title": "x", "features": [999]})
    assert bad.status_code == 422 and set(errors(bad)) == {"features"}
    assert Course.objects.count() == 1


def test_a_viewer_cannot_create_and_an_outsider_cannot_edit(course, viewer, outsider):
    assert post(bearer_client(viewer), url("course-create"), {"title": "x"}).status_code == 403
    response = patch(bearer_client(outsider), url("course-update", course.pk), {"title": "x"})
    assert response.status_code == 403


def test_a_learner_never_reads_the_answers_before_submitting(course, viewer):
    api = bearer_client(viewer)
    started = _start(api, course)
    assert started.status_code == 201
    body = started.json()
    text = json.dumps(body)
    assert '"correct": true' not in text and "See the policy" not in text
    assert all(c.get("correct") is None for q in body["questions"] for c in q["choices"])
    quiz = course.quizzes.get(lesson=None)
    assert api.get(url("quiz-detail", quiz.pk)).status_code == 404
    assert api.get(url("question-detail", quiz.questions.first().pk)).status_code == 404
    again = api.get(url("attempt-detail", body["id"])).json()
    assert all(c["correct"] is None for q in again["questions"] for c in q["choices"])


def test_submit_scores_once_and_shows_the_answers(course, viewer):
    api = bearer_client(viewer)
    attempt = _start(api, course).json()
    version = course.versions.get()
    answers = right_answers(version, course_quiz_key(version))
    done = post(api, url("attempt-submit", attempt["id"]), {"answers": answers})
    assert done.status_code == 200, done.content
    body = done.json()
    assert body["score"] == 100 and body["passed"] is True
    assert any(q["explanation"] == "See the policy." for q in body["questions"])
    again = post(api, url("attempt-submit", attempt["id"]), {"answers": {}})
    assert again.status_code == 409 and "attempt" in errors(again)
    assert Attempt.objects.get().score == 100


def test_bad_answers_are_refused_and_nothing_is_recorded(course, viewer):
    api = bearer_client(viewer)
    attempt = _start(api, course).json()
    question = attempt["questions"][0]
    for answers in ({"999999": [1]}, {str(question["id"]): [999]}, {"x": [1]}):
        response = post(api, url("attempt-submit", attempt["id"]), {"answers": answers})
        assert response.status_code == 422 and "answers" in errors(response), answers
    single = next(q for q in attempt["questions"] if q["kind"] == "single")
    both = [c["id"] for c in single["choices"]]
    response = post(api, url("attempt-submit", attempt["id"]), {"answers": {single["id"]: both}})
    assert response.status_code == 422
    assert Attempt.objects.get().submitted_at is None


def test_no_attempt_after_the_limit(course, viewer):
    api = bearer_client(viewer)
    for _ in range(2):
        attempt = _start(api, course).json()
        assert post(api, url("attempt-submit", attempt["id"]), {"answers": {}}).status_code == 200
    refused = _start(api, course)
    assert refused.status_code == 409 and "quiz" in errors(refused)
    assert Attempt.objects.count() == 2


def test_another_learner_cannot_read_or_submit_an_attempt(course, viewer, outsider, admin):
    attempt = _start(bearer_client(viewer), course).json()
    other = bearer_client(outsider)
    assert other.get(url("attempt-detail", attempt["id"])).status_code == 404
    assert post(other, url("attempt-submit", attempt["id"]), {"answers": {}}).status_code == 404
    assert bearer_client(admin).get(url("attempt-detail", attempt["id"])).status_code == 200


def test_assign_with_a_past_date_or_to_someone_who_cannot_read(now, course, editor, viewer):
    api = bearer_client(editor)
    past = post(
        api, url("assignment-create", course.pk), {"due_on": "2026-05-01", "users": [viewer.pk]}
    )
    assert past.status_code == 422 and set(errors(past)) == {"due_on"}
    nobody = post(api, url("assignment-create", course.pk), {"due_on": "2026-06-01"})
    assert nobody.status_code == 422
    made = post(
        api, url("assignment-create", course.pk), {"due_on": "2026-06-01", "users": [viewer.pk]}
    )
    assert made.status_code == 201 and made.json()[0]["user"] == viewer.pk
    assert Assignment.objects.count() == 1


def test_scores_of_others_are_for_their_manager_and_admins(course, editor, viewer, outsider, admin):
    Assignment.objects.all().delete()
    post(
        bearer_client(editor),
        url("assignment-create", course.pk),
        {"due_on": "2026-06-01", "users": [viewer.pk, outsider.pk]},
    )
    pass_course(viewer, course)
    mine = bearer_client(viewer).get(url("assignment-list", mine=True)).json()["items"]
    assert [r["best_score"] for r in mine] == [100]
    owner_view = bearer_client(editor).get(url("assignment-list")).json()["items"]
    assert {r["user"] for r in owner_view} == {viewer.pk, outsider.pk}
    assert all(r["best_score"] is None for r in owner_view)  # the course's owner: progress only
    viewer.manager = editor
    viewer.save()
    managed = bearer_client(editor).get(url("assignment-list")).json()["items"]
    assert {r["user"]: r["best_score"] for r in managed}[viewer.pk] == 100
    everyone = bearer_client(admin).get(url("assignment-list")).json()["items"]
    assert {r["user"]: r["best_score"] for r in everyone}[viewer.pk] == 100
    others = bearer_client(outsider).get(url("assignment-list")).json()["items"]
    assert [r["user"] for r in others] == [outsider.pk]


def test_the_report_and_lists_in_a_fixed_number_of_queries(
    course, editor, viewer, admin, django_assert_max_num_queries
):
    made = post(
        bearer_client(editor),
        url("assignment-create", course.pk),
        {"due_on": "2026-06-01", "teams": [m.team_id for m in viewer.memberships.all()]},
    )
    assert made.status_code == 201, made.content
    api = bearer_client(admin)
    with django_assert_max_num_queries(8):
        report = api.get(url("report-completion")).json()
    assert report["by_course"][0]["name"] == "Refunds 101"
    with django_assert_max_num_queries(8):
        assert len(api.get(url("assignment-list")).json()["items"]) == 2


def test_a_stale_if_match_is_412(course, editor):
    api = bearer_client(editor)
    stale = api.patch(
        url("course-update", course.pk),
        {"title": "New"},
        content_type="application/json",
        HTTP_IF_MATCH='"0000000000000000"',
    )
    assert stale.status_code == 412
    etag = api.get(url("course-detail", course.pk))["ETag"]
    fresh = api.patch(
        url("course-update", course.pk),
        {"title": "New"},
        content_type="application/json",
        HTTP_IF_MATCH=etag,
    )
    assert fresh.status_code == 200 and fresh.json()["title"] == "New"


def test_certification_and_path(course, editor, viewer):
    api = bearer_client(editor)
    cert = api.put(
        url("certification-set", course.pk),
        {"name": "Refunds", "valid_days": 365},
        content_type="application/json",
    )
    assert cert.status_code == 200
    pass_course(viewer, course)
    grants = bearer_client(viewer).get(url("grant-list")).json()["items"]
    assert [g["user"] for g in grants] == [viewer.pk]
    path = post(api, url("path-create"), {"name": "First month", "courses": [course.pk]})
    assert path.status_code == 201 and path.json()["courses"] == [course.pk]
    bad = post(api, url("path-create"), {"name": "Twice", "courses": [course.pk, course.pk]})
    assert bad.status_code == 422 and set(errors(bad)) == {"courses"}


def test_assign_a_path(course, editor, viewer):
    api = bearer_client(editor)
    path = post(api, url("path-create"), {"name": "First month", "courses": [course.pk]}).json()
    made = post(api, url("path-assign", path["id"]), {"due_on": "2026-06-01", "users": [viewer.pk]})
    assert made.status_code == 201 and made.json() == {"assignments": 1}
    assert Assignment.objects.get().source == f"path:{path['id']}"
