"""Stale writes of playbooks, required playbooks and onboarding are refused: the API answers
an ETag and a stale If-Match is a 412 that changes nothing; an edit page carries the version it
was built from and a stale save shows both versions, keeps what was typed and changes nothing."""

import re
from dataclasses import dataclass

import pytest
from django.urls import reverse

from tests.api.utils import bearer_client, errors, url
from tests.conftest import client_for
from tests.processes.conftest import make_playbook
from wavelength.catalog import services as catalog
from wavelength.processes import services
from wavelength.processes.models import (
    Playbook,
    PlaybookVersion,
    ProductRequirement,
    ReleaseRequirement,
    TeamOnboarding,
)
from wavelength.processes.services import StepSpec

pytestmark = pytest.mark.django_db

STALE = "Someone else saved this"


@pytest.fixture
def release(editor, product):
    return catalog.release_create(actor=editor, product=product, version="2.0")


@pytest.fixture
def welcome(editor):
    return make_playbook(editor, name="Welcome", steps=[StepSpec(title="Say hello")])


def _rows(model) -> list[dict]:
    return list(model.objects.order_by("pk").values())


# The API ----------------------------------------------------------------------------------


@dataclass
class ApiCase:
    read: str
    write: str
    method: str
    first: dict
    second: dict
    model: type


API_CASES = {
    "playbook": ApiCase(
        "playbook-detail", "playbook-update", "patch", {"description": "New text."},
        {"name": "Mine"}, Playbook,
    ),
    "release": ApiCase(
        "release-playbooks", "release-playbooks-set", "put", {"playbooks": ["launch"]},
        {"playbooks": ["welcome"]}, ReleaseRequirement,
    ),
    "product": ApiCase(
        "product-playbooks", "product-playbooks-set", "put", {"playbooks": ["launch"]},
        {"playbooks": ["welcome"]}, ProductRequirement,
    ),
}  # fmt: skip


@pytest.fixture
def api_target(request, editor, product, playbook, welcome):
    args = {"playbook": (playbook.slug,), "product": (product.slug,)}.get(request.param)
    if request.param == "release":
        args = (request.getfixturevalue("release").pk,)
    return API_CASES[request.param], args, bearer_client(editor)


def _write(api, kind: ApiCase, args, data, etag=None):
    headers = {"If-Match": etag} if etag else {}
    call = getattr(api, kind.method)
    return call(url(kind.write, *args), data, content_type="application/json", headers=headers)


@pytest.mark.parametrize("api_target", list(API_CASES), indirect=True)
def test_api_answers_an_etag_and_refuses_a_stale_if_match(api_target):
    kind, args, api = api_target
    read = api.get(url(kind.read, *args))
    assert read.status_code == 200
    etag = read.headers["ETag"]
    assert re.fullmatch(r'"[0-9a-f]{16}"', etag)

    first = _write(api, kind, args, kind.first, etag)
    assert first.status_code == 200, first.content
    assert first.headers["ETag"] not in ("", etag)
    assert api.get(url(kind.read, *args)).headers["ETag"] == first.headers["ETag"]

    saved = _rows(kind.model)
    stale = _write(api, kind, args, kind.second, etag)
    assert stale.status_code == 412
    assert STALE in errors(stale)["edit_version"]
    assert _rows(kind.model) == saved  # nothing changed

    fresh = _write(api, kind, args, kind.second, first.headers["ETag"])
    assert fresh.status_code == 200 and fresh.headers["ETag"] != first.headers["ETag"]
    assert _rows(kind.model) != saved


@pytest.mark.parametrize("api_target", list(API_CASES), indirect=True)
def test_api_write_without_if_match_still_works(api_target):
    kind, args, api = api_target
    assert _write(api, kind, args, kind.first).status_code == 200
    response = _write(api, kind, args, kind.second)
    assert response.status_code == 200
    assert response.headers["ETag"] == api.get(url(kind.read, *args)).headers["ETag"]


def test_new_steps_built_on_a_stale_read_are_refused(editor, playbook):
    api = bearer_client(editor)
    etag = api.get(url("playbook-detail", playbook.slug)).headers["ETag"]
    services.playbook_update(actor=editor, playbook=playbook, name="Launch", description="New")
    steps = {"steps": [{"title": "Only step"}], "note": "Mine"}
    path = url("playbook-version-create", playbook.slug)
    stale = api.post(path, steps, content_type="application/json", headers={"If-Match": etag})
    assert stale.status_code == 412
    assert PlaybookVersion.objects.filter(playbook=playbook).count() == 1
    fresh_tag = api.get(url("playbook-detail", playbook.slug)).headers["ETag"]
    fresh = api.post(path, steps, content_type="application/json", headers={"If-Match": fresh_tag})
    assert fresh.status_code == 201 and fresh.headers["ETag"] != fresh_tag


# Pages ------------------------------------------------------------------------------------


def _version_in(html: str, form_id: str = "") -> str:
    """The version an edit form carries (the one whose fields' ids start with ``form_id``)."""
    pattern = r'name="edit_version" value="([0-9a-f]{16})"'
    found = re.search(pattern + (f' id="{form_id}' if form_id else ""), html)
    assert found, "the edit form carries no version"
    return found.group(1)


def assert_stale_save_refused(client, path, data, *, theirs, saved, typed, rows, form_id=""):
    version = _version_in(client.get(path).text, form_id)
    theirs()
    before = rows()
    response = client.post(path, {**data, "edit_version": version})
    html = response.content.decode()
    assert response.status_code == 422
    assert STALE in html and 'class="conflict-saved"' in html
    assert saved in html  # their version, beside yours
    assert typed in html  # nothing typed is lost
    assert rows() == before
    assert _version_in(html, form_id) != version  # saving again keeps what was typed


def test_playbook_edit_page(editor, playbook):
    assert_stale_save_refused(
        client_for(editor),
        reverse("processes:playbook-edit", args=[playbook.slug]),
        {"name": "My playbook", "description": ""},
        theirs=lambda: services.playbook_update(
            actor=editor, playbook=playbook, name="Launch", description="Theirs."
        ),
        saved="Theirs.",
        typed='value="My playbook"',
        rows=lambda: _rows(Playbook),
    )


def test_step_edit_page(editor, playbook):
    data = {"title": "My step", "owner_kind": "starter", "due_offset_days": "1", "check_kind": ""}
    assert_stale_save_refused(
        client_for(editor),
        reverse("processes:step-edit", args=[playbook.slug, 1]),
        data,
        theirs=lambda: services.playbook_step_save(
            actor=editor, playbook=playbook, spec=StepSpec(title="Their step"), position=1
        ),
        saved='data-label="Saved meanwhile">Their step</td>',
        typed='value="My step"',
        rows=lambda: _rows(PlaybookVersion),
    )


def test_onboarding_settings_page(admin, product_team, playbook, welcome):
    assert_stale_save_refused(
        client_for(admin),
        reverse("processes:onboarding-settings"),
        {"team": product_team.pk, "playbook": playbook.pk},
        theirs=lambda: services.team_onboarding_set(
            actor=admin, team=product_team, playbook=welcome
        ),
        saved='data-label="Saved meanwhile">Welcome</td>',
        typed=f'<option value="{playbook.pk}" selected>Launch</option>',
        rows=lambda: _rows(TeamOnboarding),
        form_id=f"onboarding-{product_team.pk}-",
    )


@pytest.mark.parametrize("owner", ["release", "product"])
def test_required_playbooks_forms_refuse_a_stale_choice(request, editor, owner, playbook, welcome):
    obj = request.getfixturevalue(owner)
    client = client_for(editor)
    version = _version_in(client.get(obj.get_absolute_url()).text)
    key = obj.pk if owner == "release" else obj.slug
    require = getattr(services, f"{owner}_playbooks_require")
    model = ReleaseRequirement if owner == "release" else ProductRequirement
    require(actor=editor, playbooks=[welcome], **{owner: obj})
    before = _rows(model)
    response = client.post(
        reverse(f"processes:{owner}-playbooks", args=[key]),
        {"playbooks": [playbook.pk], "edit_version": version},
        follow=True,
    )
    assert STALE in response.content.decode()
    assert _rows(model) == before
    fresh = _version_in(client.get(obj.get_absolute_url()).text)
    client.post(
        reverse(f"processes:{owner}-playbooks", args=[key]),
        {"playbooks": [playbook.pk], "edit_version": fresh},
    )
    assert [r["playbook_id"] for r in _rows(model)] == [playbook.pk]


def test_step_buttons_refuse_a_move_or_removal_over_someone_else_s(editor, playbook):
    """Steps are named by position: after someone reordered them, "remove step 1" would remove
    another step than the one the person saw."""
    client = client_for(editor)
    version = _version_in(client.get(playbook.get_absolute_url()).text)
    services.playbook_step_move(actor=editor, playbook=playbook, position=1, by=1)
    before = _rows(PlaybookVersion)
    remove = reverse("processes:step-change", args=[playbook.slug, 1, "remove"])
    response = client.post(remove, {"edit_version": version}, follow=True)
    assert STALE in response.content.decode()
    assert _rows(PlaybookVersion) == before
    fresh = _version_in(client.get(playbook.get_absolute_url()).text)
    assert client.post(remove, {"edit_version": fresh}).status_code == 302
    assert len(_rows(PlaybookVersion)) == len(before) + 1
