import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from tests.conftest import client_for
from wavelength.core import clock
from wavelength.feedback.models import Feedback
from wavelength.portal import guard
from wavelength.research import services
from wavelength.research.models import Invitation, Question, Response

from .conftest import make_survey


@pytest.fixture(autouse=True)
def _guards(db, monkeypatch):
    cache.clear()
    monkeypatch.setattr(guard, "MIN_SECONDS", 0)
    yield
    cache.clear()


def _form(client, url) -> dict:
    html = client.get(url).content.decode()
    return {"started": re.search(r'name="started" value="([^"]+)"', html).group(1), "website": ""}


def _public(survey) -> str:
    return reverse("research:survey-public", args=[survey.public_token])


def test_staff_pages_answer_for_members(survey, viewer, editor):
    client = client_for(viewer)
    for name in ("survey-detail", "survey-results"):
        assert client.get(reverse(f"research:{name}", args=[survey.pk])).status_code == 200
    assert survey.title in client.get(reverse("research:survey-list")).content.decode()
    for name in ("survey-edit", "survey-distribute"):
        url = reverse(f"research:{name}", args=[survey.pk])
        assert client.get(url).status_code == 403
        assert client_for(editor).get(url).status_code == 200


def test_anonymous_visitor_is_sent_to_sign_in(survey):
    response = Client().get(reverse("research:survey-results", args=[survey.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_viewer_cannot_create_or_add_questions(survey, viewer):
    client = client_for(viewer)
    response = client.post(reverse("research:survey-create"), {"title": "X", "status": "draft"})
    assert response.status_code == 403
    url = reverse("research:survey-question-add", args=[survey.pk])
    assert client.post(url, {"question-kind": "csat", "question-text": "Q"}).status_code == 403
    assert survey.questions.count() == 1


def test_editor_builds_a_survey_from_the_pages(now, editor):
    client = client_for(editor)
    response = client.post(reverse("research:survey-create"), {"title": "CSAT", "status": "draft"})
    url = response["Location"]
    survey_pk = int(url.rstrip("/").rsplit("/", 1)[1])
    add = reverse("research:survey-question-add", args=[survey_pk])
    client.post(
        add,
        {"question-kind": "single", "question-text": "Plan?", "question-choices": "Team\nScale"},
    )
    response = client.post(
        add, {"question-kind": "csat", "question-text": "Happy?", "question-show_if": "999"}
    )
    assert response.status_code == 422
    first = Question.objects.get(survey_id=survey_pk)
    response = client.post(
        add,
        {
            "question-kind": "csat",
            "question-text": "Happy?",
            "question-show_if": first.pk,
            "question-show_if_values": "Scale",
        },
    )
    assert response.status_code == 302
    assert Question.objects.filter(survey_id=survey_pk).count() == 2


def test_public_page_has_the_portal_headers_and_french_texts(now, editor):
    survey = make_survey(editor, title="Survey", title_fr="Enquête")
    visitor = Client()
    page = visitor.get(_public(survey))
    assert page.status_code == 200
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"]
    assert page["X-Content-Type-Options"] == "nosniff"
    french = visitor.get(_public(survey), HTTP_ACCEPT_LANGUAGE="fr")
    assert "Enquête" in french.content.decode()
    assert "Quelle est la principale raison de votre note" in french.content.decode()


def test_answering_from_the_public_link(survey, nps):
    visitor = Client()
    data = {**_form(visitor, _public(survey)), f"q{nps.pk}": "10", f"q{nps.pk}_text": "Love it"}
    response = visitor.post(_public(survey), data, REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200 and "Thank you" in response.content.decode()
    stored = Response.objects.get()
    assert stored.score == 10 and stored.contact is None
    assert Feedback.objects.get().text == "Love it"
    assert "10.1.2.3" not in str(Response.objects.values().get())


def test_out_of_range_answer_is_a_422_and_nothing_is_recorded(survey, nps):
    visitor = Client()
    data = {**_form(visitor, _public(survey)), f"q{nps.pk}": "12"}
    response = visitor.post(_public(survey), data)
    assert response.status_code == 422
    assert "Give a number from 0 to 10." in response.content.decode()
    assert not Response.objects.exists()


def test_closed_survey_refuses_on_the_page(survey, editor, nps):
    services.survey_update(actor=editor, survey=survey, closes_at=clock.now())
    visitor = Client()
    response = visitor.post(_public(survey), {f"q{nps.pk}": "9"})
    assert response.status_code == 409 and "closed" in response.content.decode()
    assert not Response.objects.exists()


def test_personal_link_answers_once(survey, editor, nps, customers):
    services.distribution_create(
        actor=editor, survey=survey, audience="list", emails="ann@bigco.com"
    )
    url = reverse("research:survey-personal", args=[Invitation.objects.get().token])
    visitor = Client()
    data = {**_form(visitor, url), f"q{nps.pk}": "8"}
    assert visitor.post(url, data).status_code == 200
    second = visitor.post(url, {**data, f"q{nps.pk}": "2"})
    assert second.status_code == 409 and "already been used" in second.content.decode()
    assert Response.objects.get().score == 8


def test_responses_are_rate_limited(survey, nps):
    visitor = Client()
    data = {**_form(visitor, _public(survey)), f"q{nps.pk}": "x"}
    codes = [visitor.post(_public(survey), data).status_code for _ in range(11)]
    assert codes[:10] == [422] * 10 and codes[10] == 429


def test_results_page_counts_without_a_query_per_response(
    survey, nps, viewer, django_assert_max_num_queries
):
    for score in [10, 9, 9, 8, 7, 3, 2, 10, 9, 0]:
        services.response_submit(survey=survey, answers={nps.pk: {"value": score}})
    client = client_for(viewer)
    url = reverse("research:survey-results", args=[survey.pk])
    with django_assert_max_num_queries(25):
        page = client.get(url)
    html = page.content.decode()
    assert 'data-testid="nps">20<' in html  # 5 promoters, 3 detractors of 10
    for score in [1, 1, 1, 1]:
        services.response_submit(survey=survey, answers={nps.pk: {"value": score}})
    with django_assert_max_num_queries(25):
        client.get(url)


def test_results_filter_and_csv_export(survey, nps, viewer, editor, customers):
    services.response_submit(survey=survey, answers={nps.pk: {"value": 9, "text": "Good"}})
    client = client_for(viewer)
    export = client.get(reverse("research:survey-export", args=[survey.pk]))
    body = b"".join(export.streaming_content).decode()
    assert export["Content-Type"].startswith("text/csv")
    assert "9 Good" in body and body.count("\n") == 2
    url = reverse("research:survey-results", args=[survey.pk])
    filtered = client.get(url, {"segment": "enterprise"}).content.decode()
    assert 'data-testid="responses">0<' in filtered


def test_unsubscribe_page(customers):
    url = services.unsubscribe_url(customers["ann"]).split("8000", 1)[-1]
    assert Client().get(url).status_code == 200
    Client().post(url)
    customers["ann"].refresh_from_db()
    assert customers["ann"].unsubscribed_at is not None
    assert Client().get("/s/unsubscribe/forged/").status_code == 404


def test_pages_in_french(survey, nps, viewer):
    services.response_submit(survey=survey, answers={nps.pk: {"value": 9}})
    client = client_for(viewer)
    url = reverse("research:survey-results", args=[survey.pk])
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Résultats de Quarterly NPS" in html and "intervalle à 95\u00a0%" in html
    html = client.get(reverse("research:survey-list"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Nouvelle enquête" not in html  # a viewer cannot create one
    assert "Enquêtes" in html


def test_feature_page_shows_the_measured_outcome(now, editor, viewer, product):
    from tests.factories import FeatureFactory

    feature = FeatureFactory(product=product, title="Exports", stage="generally_available")
    survey = services.survey_create(actor=editor, title="Exports CSAT", feature=feature)
    csat = services.question_add(actor=editor, survey=survey, kind="csat", text="Happy?")
    services.survey_update(actor=editor, survey=survey, status="open")
    for value in (5, 4, 4):
        services.response_submit(survey=survey, answers={csat.pk: {"value": value}})
    html = client_for(viewer).get(feature.get_absolute_url()).content.decode()
    assert "Measured outcome" in html and "CSAT 4.3 from 3 responses" in html


def test_survey_list_is_paginated_without_a_query_per_survey(
    now, editor, viewer, django_assert_max_num_queries
):
    for n in range(30):
        make_survey(editor, title=f"Survey {n}")
    client = client_for(viewer)
    with django_assert_max_num_queries(8):
        html = client.get(reverse("research:survey-list")).content.decode()
    assert html.count('href="/research/surveys/') >= 25 and "Survey 29" in html
