"""The research repository's pages: lists, forms, a highlight from a note, the feature's
research evidence and measured outcome, the release's follow-ups, search and permissions."""

import pytest
from django.urls import reverse

from tests.conftest import client_for
from tests.factories import FeatureFactory, ReleaseFactory
from wavelength.research import services
from wavelength.research.models import Highlight, Note, Study, Survey


def test_pages_answer_for_members(note, editor, viewer, customers):
    services.persona_create(actor=editor, name="Ops lead", companies=[customers["ann"].company])
    competitor = services.competitor_create(actor=editor, name="Chartwell")
    client = client_for(viewer)
    pages = [
        reverse("research:study-list"),
        reverse("research:study-detail", args=[note.study_id]),
        reverse("research:study-note-detail", args=[note.pk]),
        reverse("research:study-highlight-list") + "?tag=pain",
        reverse("research:persona-list"),
        reverse("research:competitor-list"),
        reverse("research:competitor-detail", args=[competitor.pk]),
        reverse("feedback:company-detail", args=[customers["ann"].company_id]),
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
    company = client.get(pages[-1]).content.decode()
    assert "Ops lead" in company and "Why exports fail" in company  # persona, study
    listed = client.get(pages[0]).content.decode()
    assert "Why exports fail" in listed and "New study" not in listed  # viewers read only


def test_viewer_cannot_open_forms_or_write(note, viewer):
    client = client_for(viewer)
    for name, args in [("study-create", []), ("study-edit", [note.study_id]),
                       ("study-note-create", [note.study_id]), ("study-note-edit", [note.pk]),
                       ("persona-create", []), ("competitor-create", [])]:  # fmt: skip
        assert client.get(reverse(f"research:{name}", args=args)).status_code == 403, name
    response = client.post(reverse("research:study-highlight-add", args=[note.pk]),
                           {"quote": "every Monday"})  # fmt: skip
    assert response.status_code == 403 and not Highlight.objects.exists()


def test_editor_runs_a_study_from_the_pages(now, editor, feature):
    client = client_for(editor)
    bad = client.post(reverse("research:study-create"), {
        "title": "Exports", "method": "interview", "status": "planned",
        "participants": "not an address",
    })  # fmt: skip
    assert bad.status_code == 422 and not Study.objects.exists()
    assert "Enter a valid e-mail address." in bad.content.decode()
    created = client.post(reverse("research:study-create"), {
        "title": "Exports", "method": "interview", "status": "planned",
        "participants": "ann@bigco.com\nzoe@example.org", "owner": editor.pk,
    })  # fmt: skip
    study = Study.objects.get()
    assert created.status_code == 302 and study.participants.count() == 2
    note = client.post(reverse("research:study-note-create", args=[study.pk]), {
        "title": "Zoe", "taken_on": "2026-03-12", "participant": "zoe@example.org",
        "body": "Zoe exports **every Friday** and the file is too big to open.",
    })  # fmt: skip
    assert note.status_code == 302
    note = Note.objects.get()
    page = client.get(note.get_absolute_url()).content.decode()
    assert "data-quote-source" in page and "<strong>every Friday</strong>" in page
    refused = client.post(reverse("research:study-highlight-add", args=[note.pk]),
                          {"quote": "something else"})  # fmt: skip
    assert refused.status_code == 422 and "passage of the note" in refused.content.decode()
    kept = client.post(reverse("research:study-highlight-add", args=[note.pk]), {
        "quote": "the file is too big to open", "tags": "exports, size", "feature": feature.pk,
    })  # fmt: skip
    assert kept.status_code == 302
    feature_page = client.get(feature.get_absolute_url()).content.decode()
    assert "Research evidence" in feature_page and "the file is too big to open" in feature_page
    found = client.get(reverse("core:search"), {"q": "Friday"}).content.decode()
    assert note.title in found


def test_a_stale_study_form_keeps_what_was_typed(study, editor):
    client = client_for(editor)
    url = reverse("research:study-edit", args=[study.pk])
    form = {"title": "Mine", "method": "interview", "status": "running",
            "edit_version": "0" * 16}  # fmt: skip
    response = client.post(url, form)
    assert response.status_code == 422 and "Someone else saved this" in response.content.decode()
    study.refresh_from_db()
    assert study.title == "Why exports fail"


def test_only_the_owner_sees_and_uses_delete(study, outsider):
    client = client_for(outsider)
    page = client.get(study.get_absolute_url()).content.decode()
    assert reverse("research:study-delete", args=[study.pk]) not in page
    response = client.post(reverse("research:study-delete", args=[study.pk]))
    assert response.status_code == 403 and Study.objects.filter(pk=study.pk).exists()


def test_persona_and_competitor_forms_name_the_field(now, editor, customers):
    client = client_for(editor)
    bad = client.post(reverse("research:persona-create"), {"name": "P", "companies": "Nobody"})
    assert bad.status_code == 422 and "No customer is called" in bad.content.decode()
    good = client.post(reverse("research:persona-create"), {
        "name": "P", "companies": "bigco", "segments": ["smb"],
    })  # fmt: skip
    assert good.status_code == 302
    bad = client.post(reverse("research:competitor-create"), {"name": "C", "website": "x"})
    assert bad.status_code == 422 and "https://" in bad.content.decode()


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_release_page_schedules_follow_ups_for_editors_only(now, role, request, product):
    user = request.getfixturevalue(role)
    release = ReleaseFactory(product=product, version="3.1")
    release.features.set([FeatureFactory(product=product, title="Dark mode")])
    client = client_for(user)
    page = client.get(release.get_absolute_url()).content.decode()
    assert "Follow-up surveys" in page
    assert ('id="follow-up-form"' in page) == (role == "editor")
    client.post(reverse("research:survey-release-follow-ups", args=[release.pk]),
                {"kind": "csat", "days": "14"})  # fmt: skip
    assert Survey.objects.filter(release=release).exists() == (role == "editor")
    if role == "editor":
        feature = release.features.get()
        outcome = client.get(feature.get_absolute_url()).content.decode()
        assert "Scheduled: sent 14 days after" in outcome
