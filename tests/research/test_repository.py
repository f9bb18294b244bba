"""The research repository's services: studies, notes, highlights as evidence, personas,
competitors; and the follow-ups a release schedules."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from tests.factories import FeatureFactory
from wavelength.catalog import services as catalog
from wavelength.catalog.models import Release
from wavelength.core import clock, search
from wavelength.core.exceptions import DomainError
from wavelength.core.models import Activity
from wavelength.core.versioning import StaleVersion, version_of
from wavelength.feedback.models import Company, Feedback, FeedbackLink, Source
from wavelength.feedback.selectors import feature_demand
from wavelength.research import selectors, services
from wavelength.research.models import Highlight, Note, Study, Survey


def test_study_is_created_with_its_owner_participants_history_and_search_entry(study, editor):
    assert study.owner == editor
    assert [c.email for c in study.participants.all()] == ["ann@bigco.com"]
    assert Activity.objects.filter(verb="created", target_id=study.pk).exists()
    hits = search.query("exports", kinds=["study"])
    assert [h.object_id for h in hits] == [study.pk]


def test_study_refuses_bad_input_naming_the_field(now, editor):
    cases = [
        ({"title": ""}, "title"),
        ({"title": "x", "method": "telepathy"}, "method"),
        ({"title": "x", "status": "someday"}, "status"),
        ({"title": "x", "starts_on": dt.date(2026, 3, 2), "ends_on": dt.date(2026, 3, 1)},
         "ends_on"),
    ]  # fmt: skip
    for fields, field in cases:
        with pytest.raises(DomainError) as refused:
            services.study_create(actor=editor, **fields)
        assert field in refused.value.errors
    assert Study.objects.count() == 0


def test_viewer_cannot_create_a_study(now, viewer):
    with pytest.raises(PermissionDenied):
        services.study_create(actor=viewer, title="Mine")


def test_study_update_replaces_participants_and_refuses_a_stale_version(study, editor, customers):
    seen = version_of(study)
    services.study_update(actor=editor, study=study, participants=[customers["ben"]],
                          status="done", if_version=seen)  # fmt: skip
    study.refresh_from_db()
    assert [c.email for c in study.participants.all()] == ["ben@smallco.com"]
    with pytest.raises(StaleVersion):
        services.study_update(actor=editor, study=study, title="Lost", if_version=seen)
    study.refresh_from_db()
    assert study.title == "Why exports fail" and study.status == "done"


def test_only_the_owner_or_an_admin_deletes_a_study(study, note, outsider, admin):
    with pytest.raises(PermissionDenied):
        services.study_delete(actor=outsider, study=study)
    assert Study.objects.filter(pk=study.pk).exists()
    services.study_delete(actor=admin, study=study)
    assert not Study.objects.exists() and not Note.objects.exists()
    assert not search.query("Monday", kinds=["research_note"])


def test_contacts_for_emails_makes_unknown_ones_and_refuses_malformed(now, editor, customers):
    found = services.contacts_for_emails(actor=editor, emails=["ann@bigco.com", "new@bigco.com"])
    assert [c.email for c in found] == ["ann@bigco.com", "new@bigco.com"]
    with pytest.raises(DomainError) as refused:
        services.contacts_for_emails(actor=editor, emails=["not an address"])
    assert "participants" in refused.value.errors


def test_note_adds_its_participant_to_the_study_and_is_searchable(study, editor, customers):
    note = services.note_create(
        actor=editor, study=study, title="Ben", body="Ben likes it.",
        participant=customers["ben"], taken_on=dt.date(2026, 3, 11),
    )  # fmt: skip
    assert customers["ben"] in study.participants.all()
    assert [h.object_id for h in search.query("likes", kinds=["research_note"])] == [note.pk]


def test_note_needs_a_body(study, editor):
    with pytest.raises(DomainError) as refused:
        services.note_create(actor=editor, study=study, title="Empty", body="  ")
    assert "body" in refused.value.errors


def test_highlight_must_be_a_passage_of_the_note(note, editor):
    with pytest.raises(DomainError) as refused:
        services.highlight_create(actor=editor, note=note, quote="Words nobody said")
    assert "quote" in refused.value.errors
    assert not Highlight.objects.exists()


def test_highlight_selected_on_the_rendered_page_matches_across_markup(note, editor):
    # On the page "**every Monday**" reads "every Monday", and lines are folded.
    highlight = services.highlight_create(
        actor=editor, note=note, quote="Ann exports every Monday  to build\nthe board deck.",
        tags=["Exports", "pain"],
    )  # fmt: skip
    assert highlight.quote == "Ann exports every Monday to build the board deck."
    assert sorted(t.name for t in highlight.tags.all()) == ["exports", "pain"]
    with pytest.raises(DomainError):
        services.highlight_create(actor=editor, note=note, quote=highlight.quote)


def test_linked_highlight_counts_in_demand_like_an_inbox_quote(note, editor, feature):
    quote = "the export takes ten minutes and often fails on large accounts."
    highlight = services.highlight_create(actor=editor, note=note, quote=quote,
                                          features=[feature])  # fmt: skip
    highlight.refresh_from_db()
    item = highlight.feedback
    assert item.source == Source.RESEARCH and item.status == "linked"
    assert item.contact.email == "ann@bigco.com" and item.company.name == "Bigco"
    assert item.received_at == dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC)
    link = FeedbackLink.objects.get(feedback=item)
    assert link.feature == feature and link.quote == quote
    demand = feature_demand(user=editor, feature=feature)
    assert demand.feedback_count == 1 and demand.unique_companies == 1
    assert demand.revenue == Decimal("200000.00")
    assert [h.pk for h in selectors.feature_research(user=editor, feature=feature)] == [
        highlight.pk
    ]


def test_a_second_feature_reuses_the_item_and_unlinking_takes_the_evidence_back(
    note, editor, feature, product
):
    other = FeatureFactory(product=product, title="Scheduled exports")
    highlight = services.highlight_create(actor=editor, note=note, quote="every Monday")
    services.highlight_link(actor=editor, highlight=highlight, feature=feature)
    services.highlight_link(actor=editor, highlight=highlight, feature=other)
    assert Feedback.objects.filter(source=Source.RESEARCH).count() == 1
    with pytest.raises(DomainError):  # linked already
        services.highlight_link(actor=editor, highlight=highlight, feature=feature)
    highlight.refresh_from_db()
    services.highlight_unlink(actor=editor, highlight=highlight, feature=feature)
    assert feature_demand(user=editor, feature=feature).feedback_count == 0
    assert feature_demand(user=editor, feature=other).feedback_count == 1
    with pytest.raises(DomainError) as refused:
        services.highlight_unlink(actor=editor, highlight=highlight, feature=feature)
    assert "feature" in refused.value.errors


def test_deleting_a_highlight_archives_its_item_and_unlinks_it(note, editor, feature):
    highlight = services.highlight_create(actor=editor, note=note, quote="every Monday",
                                          features=[feature])  # fmt: skip
    item_id = Highlight.objects.get(pk=highlight.pk).feedback_id
    services.highlight_delete(actor=editor, highlight=highlight)
    assert Feedback.objects.get(pk=item_id).status == "archived"
    assert not FeedbackLink.objects.exists()
    assert not Highlight.objects.exists()


def test_note_edit_cannot_drop_a_highlighted_passage(note, editor):
    services.highlight_create(actor=editor, note=note, quote="every Monday")
    with pytest.raises(DomainError) as refused:
        services.note_update(actor=editor, note=note, body="Nothing left.")
    assert "body" in refused.value.errors
    note.refresh_from_db()
    assert "every Monday" in note.body
    services.note_update(actor=editor, note=note, body=note.body + "\n\nOne more thing.")


def test_viewer_cannot_highlight(note, viewer):
    with pytest.raises(PermissionDenied):
        services.highlight_create(actor=viewer, note=note, quote="every Monday")


def test_highlights_filter_by_tag_feature_and_study(note, editor, feature):
    a = services.highlight_create(actor=editor, note=note, quote="every Monday", tags=["cadence"])
    b = services.highlight_create(actor=editor, note=note, quote="board deck",
                                  features=[feature])  # fmt: skip
    assert [h.pk for h in selectors.highlight_list(user=editor, tag="Cadence")] == [a.pk]
    assert [h.pk for h in selectors.highlight_list(user=editor, feature=feature.pk)] == [b.pk]
    assert {h.pk for h in selectors.highlight_list(user=editor, study=note.study_id)} == {
        a.pk, b.pk
    }  # fmt: skip


# Personas and competitors ---------------------------------------------------------------


def test_persona_with_companies_and_segments_shows_on_their_companies(now, editor, customers):
    big = Company.objects.get(name="Bigco")
    small = Company.objects.get(name="Smallco")
    persona = services.persona_create(actor=editor, name="Ops lead", description="Runs the ops.",
                                      segments=["smb"], companies=[big])  # fmt: skip
    assert selectors.company_personas(user=editor, company=big) == [persona]
    assert selectors.company_personas(user=editor, company=small) == [persona]  # by segment
    with pytest.raises(DomainError) as refused:
        services.persona_create(actor=editor, name="Other", segments=["galactic"])
    assert "segments" in refused.value.errors
    with pytest.raises(DomainError) as taken:
        services.persona_create(actor=editor, name="Ops lead")
    assert taken.value.status_code == 409 and "name" in taken.value.errors


def test_companies_named_refuses_an_unknown_name(now, customers):
    assert [c.name for c in services.companies_named(["bigco", "Smallco"])] == ["Bigco", "Smallco"]
    with pytest.raises(DomainError) as refused:
        services.companies_named(["Nobody Inc"])
    assert "companies" in refused.value.errors


def test_competitor_mentions_are_found_in_feedback_by_any_name(now, editor, customers):
    from wavelength.feedback.services import feedback_create

    def say(text):
        return feedback_create(actor=editor, text=text, contact_email="ann@bigco.com")

    named = say("We also looked at Acme Analytics, their exports are faster.")
    aliased = say("AcmeBI has scheduled exports; why not you?")
    say("Acmeflow is unrelated to any competitor.")  # a longer word is no mention
    competitor = services.competitor_create(actor=editor, name="Acme Analytics",
                                            website="https://acme.example",
                                            aliases=["AcmeBI"])  # fmt: skip
    mentions = selectors.competitor_mentions(user=editor, competitor=competitor)
    assert {m.pk for m in mentions} == {named.pk, aliased.pk}
    with pytest.raises(DomainError) as refused:
        services.competitor_update(actor=editor, competitor=competitor, website="javascript:x")
    assert "website" in refused.value.errors


def test_viewer_cannot_add_a_competitor(now, viewer):
    with pytest.raises(PermissionDenied):
        services.competitor_create(actor=viewer, name="Acme")


def test_reindex_rebuilds_research_entries(study, note, editor):
    services.persona_create(actor=editor, name="Analyst")
    search.remove(kind="study", object_id=study.pk)
    counts = services.search_reindex()
    assert counts == {"study": 1, "research_note": 1, "persona": 1, "competitor": 0}
    assert search.query("exports", kinds=["study"])


# A release's follow-ups -----------------------------------------------------------------


def test_release_schedules_a_follow_up_per_feature_sent_days_after_it_ships(
    editor, admin, customers, product
):
    start = dt.datetime(2026, 2, 2, 9, 0, tzinfo=dt.UTC)
    with clock.travel(start):
        asked = FeatureFactory(product=product, title="Faster exports", stage="in_development")
        quiet = FeatureFactory(product=product, title="Dark mode", stage="in_development")
        item = Feedback.objects.create(text="Exports are slow", contact=customers["ann"],
                                       company=customers["ann"].company)  # fmt: skip
        FeedbackLink.objects.create(feedback=item, feature=asked)
        release = catalog.release_create(actor=editor, product=product, version="2.4",
                                         features=[asked, quiet])  # fmt: skip
        surveys = services.release_follow_ups_schedule(actor=editor, release=release,
                                                       kind="csat", days=14)  # fmt: skip
        assert [s.feature for s in surveys] == [quiet, asked]
        assert all(s.status == "draft" and s.release == release for s in surveys)
        first = surveys[1].questions.order_by("position")[0]
        assert first.kind == "csat" and "Faster exports" in first.text
        with pytest.raises(DomainError) as again:  # every feature has its follow-up
            services.release_follow_ups_schedule(actor=editor, release=release)
        assert "release" in again.value.errors
        assert services.follow_ups_send() == 0  # not shipped yet
    with clock.travel(start + dt.timedelta(days=3)):
        catalog.release_ship(actor=admin, release=release, override_reason="Demo day")
    shipped = Release.objects.get(pk=release.pk).released_on
    after = dt.datetime.combine(shipped, dt.time(), tzinfo=dt.UTC)
    with clock.travel(after + dt.timedelta(days=13, hours=23)):
        assert services.follow_ups_send() == 0
    with clock.travel(after + dt.timedelta(days=14, hours=1)):
        assert services.follow_ups_send() == 1  # Ann, who asked; nobody asked for dark mode
        assert services.follow_ups_send() == 0
    exports = Survey.objects.get(feature=asked)
    assert exports.status == "open"
    assert [i.contact for i in exports.invitations.all()] == [customers["ann"]]


def test_follow_up_schedule_refuses_bad_input_and_viewers(now, editor, viewer, product):
    release = catalog.release_create(actor=editor, product=product, version="9.0",
                                     features=[FeatureFactory(product=product)])  # fmt: skip
    for fields, field in (({"kind": "rating"}, "kind"), ({"days": 400}, "days")):
        with pytest.raises(DomainError) as refused:
            services.release_follow_ups_schedule(actor=editor, release=release, **fields)
        assert field in refused.value.errors
    with pytest.raises(PermissionDenied):
        services.release_follow_ups_schedule(actor=viewer, release=release)
    assert not Survey.objects.exists()


def test_feature_outcome_sets_the_result_beside_the_demand(now, editor, customers, product):
    from wavelength.research.services import response_submit

    feature = FeatureFactory(product=product, title="Faster exports", stage="beta")
    item = Feedback.objects.create(text="Exports!", contact=customers["ann"],
                                   company=customers["ann"].company)  # fmt: skip
    FeedbackLink.objects.create(feedback=item, feature=feature)
    catalog.feature_move_stage(actor=editor, feature=feature, stage="generally_available")
    survey = services.survey_create(actor=editor, title="Exports CSAT", feature=feature)
    question = services.question_add(actor=editor, survey=survey, kind="csat", text="Happy?")
    services.survey_update(actor=editor, survey=survey, status="open")
    distribution = services.distribution_create(actor=editor, survey=survey, audience="feature",
                                                feature=feature, send=False)  # fmt: skip
    assert distribution.invited == 1
    invitation = survey.invitations.get()
    response_submit(survey=survey, answers={question.pk: {"value": 4}}, invitation=invitation)
    response_submit(survey=survey, answers={question.pk: {"value": 2}})
    [row] = selectors.feature_outcome(user=editor, feature=feature)
    assert row["n"] == 2 and row["average"] == 3 and row["from_askers"] == 1
    assert row["asked_by"] == 1 and row["asked_revenue"] == Decimal("200000.00")
    assert row["shipped_on"] == now.date()


def test_outcome_compares_the_askers_nps_before_and_after_shipping(editor, customers, product):
    from wavelength.research.services import response_submit

    start = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
    ann, ben = customers["ann"], customers["ben"]
    with clock.travel(start):
        feature = FeatureFactory(product=product, title="Faster exports", stage="beta")
        item = Feedback.objects.create(text="Exports!", contact=ann, company=ann.company)
        FeedbackLink.objects.create(feedback=item, feature=feature)
        quarterly = services.survey_create(actor=editor, title="Quarterly NPS")
        nps = services.question_add(actor=editor, survey=quarterly, kind="nps", text="Rec?")
        services.survey_update(actor=editor, survey=quarterly, status="open")
        about = services.survey_create(actor=editor, title="Exports CSAT", feature=feature)
        services.question_add(actor=editor, survey=about, kind="csat", text="Happy?")
        services.survey_update(actor=editor, survey=about, status="open")

    def answer(contact, score, day):
        invitation = quarterly.invitations.create(contact=contact)
        with clock.travel(start + dt.timedelta(days=day)):
            response_submit(survey=quarterly, invitation=invitation,
                            answers={nps.pk: {"value": score}})  # fmt: skip

    # Before: Bigco answers 3 and 8 (one detractor of two: NPS −50); Smallco did not ask.
    answer(ann, 3, 1)
    answer(ann, 8, 2)
    answer(ben, 0, 2)
    with clock.travel(start + dt.timedelta(days=10)):
        catalog.feature_move_stage(actor=editor, feature=feature, stage="generally_available")
    # After: 10, 9 and 7 (two promoters of three: NPS 66.7).
    for day, score in ((11, 10), (12, 9), (13, 7)):
        answer(ann, score, day)
    with clock.travel(start + dt.timedelta(days=20)):
        [row] = selectors.feature_outcome(user=editor, feature=feature)
    change = row["nps_change"]
    assert (change["before"].n, change["before"].score) == (2, -50)
    assert change["after"].n == 3 and round(change["after"].score, 1) == 66.7
