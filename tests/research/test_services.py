import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from tests.factories import FeatureFactory
from wavelength.catalog import services as catalog
from wavelength.core import clock
from wavelength.core.exceptions import DomainError
from wavelength.feedback.models import Feedback, FeedbackLink, Source
from wavelength.research import services
from wavelength.research.models import Answer, Invitation, Response

from .conftest import make_survey


def test_viewer_cannot_build_a_survey(now, viewer):
    with pytest.raises(PermissionDenied):
        services.survey_create(actor=viewer, title="NPS")


def test_nps_question_gets_its_follow_up(survey, nps):
    assert nps.follow_up == "What is the main reason for your score?"
    assert nps.follow_up_fr.startswith("Quelle est")


def test_rule_must_point_to_an_earlier_question(survey, editor, nps):
    reason = services.question_add(
        actor=editor,
        survey=survey,
        kind="long_text",
        text="What should we fix?",
        show_if=nps,
        show_if_values=["0", "1", "2"],
    )
    with pytest.raises(DomainError) as refused:
        services.question_update(actor=editor, question=nps, show_if=reason, show_if_values=["x"])
    assert refused.value.errors == {"show_if": pytest.approx(refused.value.message)}
    assert "earlier question" in refused.value.message
    nps.refresh_from_db()
    assert nps.show_if is None


def test_rule_names_answers_the_earlier_question_has(survey, editor, nps):
    with pytest.raises(DomainError) as refused:
        services.question_add(
            actor=editor,
            survey=survey,
            kind="short_text",
            text="Why?",
            show_if=nps,
            show_if_values=["11"],
        )
    assert "show_if_values" in refused.value.errors


def test_choice_questions_need_two_choices(survey, editor):
    with pytest.raises(DomainError) as refused:
        services.question_add(
            actor=editor, survey=survey, kind="single", text="Plan?", choices=["Team"]
        )
    assert "choices" in refused.value.errors


def test_public_response_records_answers_and_sends_text_to_the_inbox(survey, nps):
    response = services.response_submit(
        survey=survey, answers={nps.pk: {"value": 3, "text": "Too slow"}}, language="en"
    )
    assert response.score == 3 and response.contact is None
    answer = Answer.objects.get(response=response)
    item = answer.feedback
    assert item.source == Source.SURVEY and item.text == "Too slow"
    assert item.title == "Quarterly NPS · NPS 3"
    assert item.external_id == f"survey:{survey.pk}:answer:{answer.pk}"
    assert item.status == "new"


@pytest.mark.parametrize("value", [11, -1, "ten", True])
def test_out_of_range_answer_is_refused_and_nothing_recorded(survey, nps, value):
    with pytest.raises(DomainError) as refused:
        services.response_submit(survey=survey, answers={nps.pk: {"value": value}})
    assert f"answers.{nps.pk}" in refused.value.errors
    assert not Response.objects.exists() and not Feedback.objects.exists()


def test_unknown_question_is_refused(survey, nps):
    with pytest.raises(DomainError) as refused:
        services.response_submit(survey=survey, answers={nps.pk: {"value": 9}, 999: {"value": 1}})
    assert "answers.999" in refused.value.errors
    assert not Response.objects.exists()


def test_hidden_question_answers_are_dropped_and_shown_required_ones_asked(survey, editor, nps):
    why = services.question_add(
        actor=editor,
        survey=survey,
        kind="short_text",
        text="Why?",
        required=True,
        show_if=nps,
        show_if_values=[str(n) for n in range(7)],
    )
    response = services.response_submit(
        survey=survey, answers={nps.pk: {"value": 10}, why.pk: {"value": "ignored"}}
    )
    assert list(response.answers.values_list("question_id", flat=True)) == [nps.pk]
    with pytest.raises(DomainError) as refused:
        services.response_submit(survey=survey, answers={nps.pk: {"value": 2}})
    assert refused.value.errors == {f"answers.{why.pk}": "Please answer this question."}


def test_closed_survey_refuses(survey, editor, nps):
    services.survey_update(actor=editor, survey=survey, closes_at=clock.now())
    with pytest.raises(DomainError) as refused:
        services.response_submit(survey=survey, answers={nps.pk: {"value": 9}})
    assert refused.value.status_code == 409 and "closed" in refused.value.message
    assert not Response.objects.exists()


def test_quota_closes_the_survey(survey, editor, nps):
    services.survey_update(actor=editor, survey=survey, quota=1)
    services.response_submit(survey=survey, answers={nps.pk: {"value": 9}})
    with pytest.raises(DomainError):
        services.response_submit(survey=survey, answers={nps.pk: {"value": 9}})
    assert Response.objects.count() == 1


def test_segment_distribution_skips_unsubscribed_and_sends_personal_links(
    survey, editor, customers, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        distribution = services.distribution_create(
            actor=editor, survey=survey, audience="segment", segments=["enterprise", "smb"]
        )
    assert distribution.invited == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["ann@bigco.com", "ben@smallco.com"]
    assert all("/s/i/" in m.body and "List-Unsubscribe" in m.extra_headers for m in mail.outbox)
    assert not Invitation.objects.filter(contact=customers["gone"]).exists()


def test_revenue_and_plan_choose_companies(survey, editor, customers):
    contacts = services.audience_contacts(actor=editor, audience="segment", min_arr=100000)
    assert contacts == [customers["ann"]]
    contacts = services.audience_contacts(actor=editor, audience="segment", plan="team")
    assert contacts == [customers["ben"]]


def test_list_naming_an_unsubscribed_contact_is_refused(survey, editor, customers):
    with pytest.raises(DomainError) as refused:
        services.distribution_create(
            actor=editor,
            survey=survey,
            audience="list",
            emails="email\nnew@example.com\ngone@bigco.com\n",
        )
    assert "gone@bigco.com" in refused.value.errors["emails"]
    assert not Invitation.objects.exists()


def test_personal_link_answers_once(survey, editor, customers, nps):
    services.distribution_create(
        actor=editor, survey=survey, audience="list", emails="ann@bigco.com"
    )
    invitation = Invitation.objects.get()
    response = services.response_submit(
        survey=survey, invitation=invitation, answers={nps.pk: {"value": 9}}
    )
    assert response.contact == customers["ann"] and response.segment == "enterprise"
    with pytest.raises(DomainError) as refused:
        services.response_submit(
            survey=survey, invitation=invitation, answers={nps.pk: {"value": 1}}
        )
    assert refused.value.status_code == 409
    assert Response.objects.count() == 1


def test_anonymous_survey_keeps_no_contact(now, editor, customers):
    survey = make_survey(editor, anonymous=True)
    nps = survey.questions.get()
    services.distribution_create(
        actor=editor, survey=survey, audience="list", emails="ann@bigco.com"
    )
    invitation = Invitation.objects.get()
    response = services.response_submit(
        survey=survey, invitation=invitation, answers={nps.pk: {"value": 4, "text": "Meh"}}
    )
    assert (response.contact, response.company, response.invitation, response.segment) == (
        None,
        None,
        None,
        "",
    )
    assert Feedback.objects.get().contact is None
    invitation.refresh_from_db()
    assert invitation.responded_at is not None


def test_reminders_go_once_to_those_who_did_not_answer(
    survey, editor, customers, nps, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.distribution_create(
            actor=editor, survey=survey, audience="segment", segments=["enterprise", "smb"]
        )
    ann = Invitation.objects.get(contact=customers["ann"])
    services.response_submit(survey=survey, invitation=ann, answers={nps.pk: {"value": 9}})
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.survey_remind(actor=editor, survey=survey) == 1
    assert [m.to[0] for m in mail.outbox] == ["ben@smallco.com"]
    assert mail.outbox[0].subject.startswith("Reminder")
    with pytest.raises(DomainError):
        services.survey_remind(actor=editor, survey=survey)


def test_unsubscribe_link_stops_surveys(survey, editor, customers):
    url = services.unsubscribe_url(customers["ann"])
    services.survey_unsubscribe(token=url.rstrip("/").rsplit("/", 1)[1])
    customers["ann"].refresh_from_db()
    assert customers["ann"].unsubscribed_at is not None
    with pytest.raises(DomainError):
        services.survey_unsubscribe(token="forged:abc")


def test_follow_up_is_sent_days_after_general_availability(editor, customers, product):
    start = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
    with clock.travel(start):
        feature = FeatureFactory(product=product, stage="beta")
        item = Feedback.objects.create(text="Need exports", contact=customers["ann"])
        FeedbackLink.objects.create(feedback=item, feature=feature)
        survey = services.survey_create(
            actor=editor, title="Exports: how is it?", feature=feature, follow_up_days=14
        )
        services.question_add(actor=editor, survey=survey, kind="csat", text="Satisfied?")
        catalog.feature_move_stage(actor=editor, feature=feature, stage="generally_available")
    with clock.travel(start + dt.timedelta(days=13, hours=23)):
        assert services.follow_ups_send() == 0
    with clock.travel(start + dt.timedelta(days=14, hours=1)):
        assert services.follow_ups_send() == 1
        assert services.follow_ups_send() == 0
    survey.refresh_from_db()
    assert survey.status == "open"
    assert [i.contact for i in survey.invitations.all()] == [customers["ann"]]
