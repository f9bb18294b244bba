"""Stale writes of playbooks, required playbooks and onboarding are refused: the API answers
an ETag and a stale If-Match is a 412 that changes nothing; an edit page carries the version it
was built from and a stale save shows both versions, keeps what was typed and changes nothing."""

import pytest
from django.urls import reverse

from tests.api.utils import bearer_client, url
from tests.conftest import client_for
from tests.processes.conftest import make_playbook
from tests.stale import (
    STALE,
    ApiCase,
    assert_api_refuses_a_stale_if_match,
    assert_api_writes_without_if_match,
    assert_stale_save_refused,
    rows,
    version_in,
)
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


@pytest.fixture
def release(editor, product):
    return catalog.release_create(actor=editor, product=product, version="2.0")


@pytest.fixture
def welcome(editor):
    return make_playbook(editor, name="Welcome", steps=[StepSpec(title="Say hello")])


# The API ----------------------------------------------------------------------------------


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


@pytest.mark.parametrize("api_target", list(API_CASES), indirect=True)
def test_api_answers_an_etag_and_refuses_a_stale_if_match(api_target):
    assert_api_refuses_a_stale_if_match(*api_target)


@pytest.mark.parametrize("api_target", list(API_CASES), indirect=True)
def test_api_write_without_if_match_still_works(api_target):
    assert_api_writes_without_if_match(*api_target)


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
        rows=lambda: rows(Playbook),
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
        rows=lambda: rows(PlaybookVersion),
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
        rows=lambda: rows(TeamOnboarding),
        form_id=f"onboarding-{product_team.pk}-",
    )


@pytest.mark.parametrize("owner", ["release", "product"])
def test_required_playbooks_forms_refuse_a_stale_choice(request, editor, owner, playbook, welcome):
    obj = request.getfixturevalue(owner)
    client = client_for(editor)
    version = version_in(client.get(obj.get_absolute_url()).text)
    key = obj.pk if owner == "release" else obj.slug
    require = getattr(services, f"{owner}_playbooks_require")
    model = ReleaseRequirement if owner == "release" else ProductRequirement
    require(actor=editor, playbooks=[welcome], **{owner: obj})
    before = rows(model)
    response = client.post(
        reverse(f"processes:{owner}-playbooks", args=[key]),
        {"playbooks": [playbook.pk], "edit_version": version},
        follow=True,
    )
    assert STALE in response.content.decode()
    assert rows(model) == before
    fresh = version_in(client.get(obj.get_absolute_url()).text)
    client.post(
        reverse(f"processes:{owner}-playbooks", args=[key]),
        {"playbooks": [playbook.pk], "edit_version": fresh},
    )
    assert [r["playbook_id"] for r in rows(model)] == [playbook.pk]


def test_step_buttons_refuse_a_move_or_removal_over_someone_else_s(editor, playbook):
    """Steps are named by position: after someone reordered them, "remove step 1" would remove
    another step than the one the person saw."""
    client = client_for(editor)
    version = version_in(client.get(playbook.get_absolute_url()).text)
    services.playbook_step_move(actor=editor, playbook=playbook, position=1, by=1)
    before = rows(PlaybookVersion)
    remove = reverse("processes:step-change", args=[playbook.slug, 1, "remove"])
    response = client.post(remove, {"edit_version": version}, follow=True)
    assert STALE in response.content.decode()
    assert rows(PlaybookVersion) == before
    fresh = version_in(client.get(playbook.get_absolute_url()).text)
    assert client.post(remove, {"edit_version": fresh}).status_code == 302
    assert len(rows(PlaybookVersion)) == len(before) + 1
