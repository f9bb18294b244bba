import pytest
from django.core.cache import cache
from django.test import Client

from tests.api.utils import bearer_client, patch, post, url
from wavelength.feedback.models import Feedback
from wavelength.research.models import Invitation, Response, Survey


@pytest.fixture(autouse=True)
def _clear_limits(db):
    cache.clear()
    yield
    cache.clear()


def _fields(response) -> set[str]:
    return {d["field"] for d in response.json()["detail"]}


def test_build_open_and_read_a_survey(now, editor, viewer):
    api = bearer_client(editor)
    created = post(api, url("survey-create"), {"title": "NPS", "title_fr": "NPS FR"})
    assert created.status_code == 201, created.content
    survey_id = created.json()["id"]
    question = post(
        api,
        url("question-create", survey_id),
        {"kind": "nps", "text": "Recommend?", "required": True},
    )
    assert question.status_code == 201 and question.json()["follow_up"]
    why = post(
        api,
        url("question-create", survey_id),
        {
            "kind": "long_text",
            "text": "Why?",
            "show_if": question.json()["id"],
            "show_if_values": ["0", "1"],
        },
    )
    assert why.status_code == 201
    etag = api.get(url("survey-detail", survey_id))["ETag"]
    opened = patch(api, url("survey-update", survey_id), {"status": "open"})
    assert opened.status_code == 200 and opened["ETag"] != etag
    stale = api.patch(
        url("survey-update", survey_id),
        {"status": "closed"},
        content_type="application/json",
        HTTP_IF_MATCH=etag,
    )
    assert stale.status_code == 412
    reader = bearer_client(viewer)
    assert reader.get(url("survey-list")).json()["count"] == 1
    assert patch(reader, url("survey-update", survey_id), {"title": "x"}).status_code == 403


def test_cycle_making_rule_is_a_422(survey, nps, editor):
    api = bearer_client(editor)
    why = post(
        api,
        url("question-create", survey.pk),
        {"kind": "short_text", "text": "Why?", "show_if": nps.pk, "show_if_values": ["3"]},
    ).json()
    response = patch(
        api, url("question-update", nps.pk), {"show_if": why["id"], "show_if_values": ["x"]}
    )
    assert response.status_code == 422 and _fields(response) == {"show_if"}
    assert api.get(url("question-detail", nps.pk)).json()["show_if"] is None


def test_public_submission_needs_no_account(survey, nps, viewer):
    visitor = Client()
    body = {"answers": [{"question": nps.pk, "value": 7, "text": "OK"}], "language": "fr"}
    response = post(visitor, url("public-response", survey.public_token), body)
    assert response.status_code == 201, response.content
    assert Response.objects.get().language == "fr"
    assert Feedback.objects.get().language == "fr"
    results = bearer_client(viewer).get(url("survey-results", survey.pk)).json()
    assert results["responses"] == 1 and results["nps"]["passives"] == 1
    assert results["distribution"]["7"] == 1


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ([{"question": 0, "value": 9}], "answers.0"),
        ([{"question": "NPS", "value": 11}], "answers.0.question"),
    ],
)
def test_bad_answers_are_named(survey, nps, answers, field):
    answers = [{**a, "question": nps.pk} if a["question"] == "NPS" else a for a in answers]
    response = post(Client(), url("public-response", survey.public_token), {"answers": answers})
    assert response.status_code == 422
    expected = f"answers.{nps.pk}" if field == "answers.0.question" else field
    assert _fields(response) == {expected}
    assert not Response.objects.exists()


def test_closed_unknown_and_rate_limited(survey, nps, editor):
    visitor = Client()
    body = {"answers": [{"question": nps.pk, "value": 99}]}
    codes = [
        post(visitor, url("public-response", survey.public_token), body).status_code
        for _ in range(11)
    ]
    assert codes[-1] == 429 and set(codes[:10]) == {422}
    assert post(visitor, url("public-response", "nope"), body).status_code == 404
    cache.clear()
    patch(bearer_client(editor), url("survey-update", survey.pk), {"status": "closed"})
    closed = post(
        visitor,
        url("public-response", survey.public_token),
        {"answers": [{"question": nps.pk, "value": 9}]},
    )
    assert closed.status_code == 409 and "closed" in closed.json()["detail"][0]["message"]


def test_personal_link_once_and_unsubscribed_list_refused(survey, nps, editor, customers):
    api = bearer_client(editor)
    refused = post(
        api, url("distribution-create", survey.pk), {"audience": "list", "emails": "gone@bigco.com"}
    )
    assert refused.status_code == 422 and _fields(refused) == {"emails"}
    sent = post(
        api,
        url("distribution-create", survey.pk),
        {"audience": "segment", "segments": ["enterprise"]},
    )
    assert sent.status_code == 201 and sent.json()["invited"] == 1
    token = Invitation.objects.get().token
    body = {"answers": [{"question": nps.pk, "value": 9}]}
    assert post(Client(), url("personal-response", token), body).status_code == 201
    again = post(Client(), url("personal-response", token), body)
    assert again.status_code == 409
    assert Response.objects.count() == 1
    rows = api.get(url("response-list", survey.pk)).json()
    assert rows["items"][0]["contact"] == "ann@bigco.com"


def test_viewer_cannot_send_or_remind(survey, viewer):
    api = bearer_client(viewer)
    sent = post(
        api, url("distribution-create", survey.pk), {"audience": "list", "emails": "a@b.co"}
    )
    assert sent.status_code == 403
    assert post(api, url("survey-remind", survey.pk)).status_code == 403
    assert Survey.objects.get().invitations.count() == 0
