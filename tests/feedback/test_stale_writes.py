"""Stale writes are refused across the feedback family: customers, feedback triage, the
portal's settings and ideas, close-the-loop drafts and a feature's estimates (core.versioning).

The API answers an ETag, takes it back as If-Match and refuses a stale one with 412; an edit
page carries the version and a stale save shows the other person's value beside yours."""

import re
from types import SimpleNamespace

import pytest
from django.urls import reverse

from tests.api.utils import bearer_client, errors, patch
from tests.conftest import client_for
from tests.demo.test_stale_writes import _versioned_form
from wavelength.feedback import services as feedback_services
from wavelength.feedback.models import Company, Feedback
from wavelength.outreach import services as outreach_services
from wavelength.outreach.models import LoopMessage
from wavelength.portal import services as portal_services
from wavelength.portal.models import PortalIdea, PortalSettings
from wavelength.prioritisation import services as prioritisation_services
from wavelength.prioritisation.models import FeatureScore

ETAG = re.compile(r'"[0-9a-f]{16}"')


def _draft(f):
    return LoopMessage.objects.create(
        feature=f.feature,
        contact=f.item.contact,
        company=f.acme,
        trigger="ga",
        subject="It shipped",
        body="Hello, it shipped.",
    )


def _idea(f):
    return portal_services.portal_idea_open(actor=f.editor, feature=f.feature, title="Exports")


def _score(f):
    return prioritisation_services.feature_score_update(actor=f.editor, feature=f.feature, reach=10)


# kind -> (make the object, its API path, the field, read the field back)
API = {
    "company": (
        lambda f: f.acme,
        "/api/v1/companies/{}",
        "name",
        lambda o: Company.objects.get(pk=o.pk).name,
    ),
    "feedback": (
        lambda f: f.item,
        "/api/v1/feedback/{}",
        "title",
        lambda o: Feedback.objects.get(pk=o.pk).title,
    ),
    "loop-message": (
        _draft,
        "/api/v1/loop/messages/{}",
        "subject",
        lambda o: LoopMessage.objects.get(pk=o.pk).subject,
    ),
    "score": (
        lambda f: _score(f).feature,
        "/api/v1/features/{}/score",
        "reach",
        lambda o: FeatureScore.objects.get(feature=o).reach,
    ),
}
VALUES = {"name": "Acme {}", "title": "Title {}", "subject": "Subject {}", "reach": None}


def _value(field: str, n: int):
    return 4000 + n if field == "reach" else VALUES[field].format(n)


@pytest.fixture
def f(editor, admin, feature, acme, item):
    return SimpleNamespace(editor=editor, admin=admin, feature=feature, acme=acme, item=item)


@pytest.mark.parametrize("kind", API)
def test_api_answers_an_etag_and_refuses_a_stale_if_match(f, kind):
    make, path, field, read = API[kind]
    obj = make(f)
    path = path.format(obj.pk)
    api = bearer_client(f.editor)

    read_first = api.get(path)
    assert read_first.status_code == 200 and ETAG.fullmatch(read_first["ETag"])
    first = read_first["ETag"]

    saved = patch_with(api, path, {field: _value(field, 1)}, first)
    assert saved.status_code == 200, saved.content
    assert ETAG.fullmatch(saved["ETag"]) and saved["ETag"] != first
    assert api.get(path)["ETag"] == saved["ETag"]

    stale = patch_with(api, path, {field: _value(field, 2)}, first)
    assert stale.status_code == 412
    assert "Someone else saved this" in errors(stale)["edit_version"]
    assert read(obj) == _value(field, 1)
    assert api.get(path)["ETag"] == saved["ETag"]

    unchecked = patch(api, path, {field: _value(field, 3)})
    assert unchecked.status_code == 200
    assert read(obj) == _value(field, 3)


def patch_with(api, path, body, etag):
    return api.patch(path, body, content_type="application/json", HTTP_IF_MATCH=etag)


# kind -> (who edits, make the object, the page's URL, the field, their save, read back)
PAGES = {
    "company": (
        "editor",
        lambda f: f.acme,
        lambda o: reverse("feedback:company-edit", args=[o.pk]),
        ("name", "Their Acme", "My Acme"),
        lambda f, o, v: feedback_services.company_update(actor=f.editor, company=o, name=v),
        lambda o: Company.objects.get(pk=o.pk).name,
    ),
    "feedback-triage": (
        "editor",
        lambda f: f.item,
        lambda o: o.get_absolute_url(),
        ("tags", "their-tag", "my-tag"),
        lambda f, o, v: feedback_services.feedback_update(actor=f.editor, feedback=o, tags=[v]),
        lambda o: ", ".join(t.name for t in Feedback.objects.get(pk=o.pk).tags.all()),
    ),
    "portal-settings": (
        "admin",
        lambda f: portal_services.portal_settings_get(),
        lambda o: reverse("portal:settings"),
        ("name", "Their portal", "My portal"),
        lambda f, o, v: portal_services.portal_settings_update(
            actor=f.admin, enabled=True, name=v, accent_colour="#112233"
        ),
        lambda o: PortalSettings.objects.get(pk=o.pk).name,
    ),
    "portal-idea": (
        "editor",
        _idea,
        lambda o: reverse("portal:idea-edit", args=[o.feature_id]),
        ("title", "Their public title", "My public title"),
        lambda f, o, v: portal_services.portal_idea_open(
            actor=f.editor, feature=f.feature, title=v
        ),
        lambda o: PortalIdea.objects.get(pk=o.pk).title,
    ),
    "loop-message": (
        "editor",
        _draft,
        lambda o: reverse("outreach:loop-message-edit", args=[o.pk]),
        ("subject", "Their subject", "My subject"),
        lambda f, o, v: outreach_services.loop_message_update(
            actor=f.editor, message=o, subject=v, body=o.body
        ),
        lambda o: LoopMessage.objects.get(pk=o.pk).subject,
    ),
    "score": (
        "editor",
        _score,
        lambda o: reverse("prioritisation:prioritisation-edit", args=[o.feature_id]),
        ("reach", "424242", "737373"),
        lambda f, o, v: prioritisation_services.feature_score_update(
            actor=f.editor, feature=f.feature, reach=v
        ),
        lambda o: str(FeatureScore.objects.get(pk=o.pk).reach),
    ),
}


@pytest.mark.parametrize("kind", PAGES)
def test_a_stale_edit_page_shows_their_value_and_keeps_mine(f, kind):
    who, make, page_url, (field, theirs, mine), their_save, read = PAGES[kind]
    obj = make(f)
    client = client_for(getattr(f, who))
    url = page_url(obj)
    page = client.get(url)
    assert page.status_code == 200 and 'name="edit_version"' in page.content.decode()
    form = _versioned_form(page.content.decode())
    data = {k: v for k, v in form["data"].items() if k != "csrfmiddlewaretoken"}

    their_save(f, obj, theirs)  # someone saves after the page was opened
    data[field] = [mine]
    stale = client.post(form["action"] or url, data)

    assert stale.status_code == 422
    html = stale.content.decode()
    assert "Someone else saved this" in html
    assert 'class="conflict-saved"' in html and theirs in html  # their version, beside mine
    assert mine in html  # nothing typed is lost
    assert read(obj) == theirs


def test_a_feature_opened_or_estimated_meanwhile_is_not_overwritten(f):
    """The portal idea and the estimates may not exist yet: their absence is a version too."""
    client = client_for(f.editor)
    score_path = f"/api/v1/features/{f.feature.pk}/score"
    api = bearer_client(f.editor)
    unestimated = api.get(score_path)["ETag"]
    assert patch_with(api, score_path, {"reach": 5}, unestimated).status_code == 200
    assert patch_with(api, score_path, {"reach": 6}, unestimated).status_code == 412
    assert FeatureScore.objects.get(feature=f.feature).reach == 5

    url = reverse("portal:idea-edit", args=[f.feature.pk])
    form = _versioned_form(client.get(url).content.decode())
    _idea(f)  # someone opens the feature to the portal first
    data = {**form["data"], "title": ["My public title"]}
    assert client.post(url, data).status_code == 422
    assert PortalIdea.objects.get(feature=f.feature).title == "Exports"
