"""The playbooks every release of a product requires: set on the product, added to each
release's own, and checked by the release gate."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.api.utils import errors, nothing_written
from tests.conftest import client_for
from tests.factories import ProductFactory, ReleaseFactory
from wavelength.catalog import gates
from wavelength.catalog import services as catalog_services
from wavelength.catalog.models import ReleaseStatus
from wavelength.core.exceptions import DomainError
from wavelength.core.models import Activity
from wavelength.processes import selectors, services
from wavelength.processes.models import Playbook, ProductRequirement, ReleaseRequirement
from wavelength.processes.registrations import runs_complete
from wavelength.processes.services import StepSpec

from .conftest import make_playbook


def _one_step(editor, name):
    return make_playbook(editor, name=name, steps=[StepSpec(title=f"{name} sign-off")])


@pytest.fixture
def readiness(editor):
    return _one_step(editor, "Release readiness")


@pytest.fixture
def security(editor):
    return _one_step(editor, "Security review")


@pytest.fixture
def required(product, editor, readiness):
    services.product_playbooks_require(actor=editor, product=product, playbooks=[readiness])
    return product


def _finish(run, actor):
    for step in run.steps.order_by("position"):
        services.runstep_complete(actor=actor, step=step)


def _put(client, path, data):
    return client.put(path, data, content_type="application/json")


# The union --------------------------------------------------------------------------------


def test_release_requires_its_products_playbooks_and_its_own_once_each_by_name(
    editor, required, readiness, security
):
    launch = _one_step(editor, "Announce")
    release = ReleaseFactory(product=required, version="2.0")
    # The release also requires readiness itself: it is listed once, as its product's.
    services.release_playbooks_require(
        actor=editor, release=release, playbooks=[security, readiness, launch]
    )
    playbooks = selectors.required_playbooks(release=release)
    assert [p.name for p in playbooks] == ["Announce", "Release readiness", "Security review"]
    assert [p.required_by for p in playbooks] == ["release", "product", "release"]
    assert all(p.by_release for p in playbooks)
    other = ReleaseFactory(product=ProductFactory(), version="1.0")
    assert selectors.required_playbooks(release=other) == []


def test_required_playbooks_is_one_query_however_many(editor, required, security):
    release = ReleaseFactory(product=required, version="2.0")
    services.release_playbooks_require(actor=editor, release=release, playbooks=[security])
    for name in ("A", "B", "C"):
        services.product_playbooks_require(
            actor=editor,
            product=required,
            playbooks=[
                *selectors.product_required_playbooks(product=required),
                _one_step(editor, name),
            ],
        )
    with CaptureQueriesContext(connection) as ctx:
        playbooks = selectors.required_playbooks(release=release)
        [p.current_version.number for p in playbooks]
    assert len(playbooks) == 5 and len(ctx.captured_queries) == 1


def test_gate_reads_product_requirements_without_a_query_per_playbook(editor, required):
    release = ReleaseFactory(product=required, version="2.0")
    runs_complete(release=release)  # the content type is cached from here on
    with CaptureQueriesContext(connection) as one:
        runs_complete(release=release)
    more = [_one_step(editor, name) for name in ("A", "B", "C")]
    services.product_playbooks_require(
        actor=editor,
        product=required,
        playbooks=[*more, *selectors.product_required_playbooks(product=required)],
    )
    with CaptureQueriesContext(connection) as four:
        result = runs_complete(release=release)
    assert len(result.missing) == 4
    assert len(four.captured_queries) == len(one.captured_queries) == 2


# The gate ---------------------------------------------------------------------------------


def test_gate_refuses_a_release_of_the_product_until_its_run_completes(editor, required, readiness):
    release = ReleaseFactory(product=required, version="2.0")
    with pytest.raises(gates.GateRefused) as exc:
        catalog_services.release_ship(actor=editor, release=release)
    assert "Release readiness: not started" in exc.value.message
    run = services.run_start(actor=editor, playbook=readiness, target=release)
    with pytest.raises(gates.GateRefused) as exc:
        catalog_services.release_ship(actor=editor, release=release)
    assert "Release readiness: in progress" in exc.value.message
    _finish(run, editor)
    catalog_services.release_ship(actor=editor, release=release)
    release.refresh_from_db()
    assert release.status == ReleaseStatus.RELEASED


def test_another_products_release_is_not_held(editor, required):
    other = ReleaseFactory(product=ProductFactory(), version="1.0")
    catalog_services.release_ship(actor=editor, release=other)


def test_a_run_for_another_release_of_the_product_does_not_count(editor, required, readiness):
    first = ReleaseFactory(product=required, version="2.0")
    second = ReleaseFactory(product=required, version="2.1")
    _finish(services.run_start(actor=editor, playbook=readiness, target=first), editor)
    catalog_services.release_ship(actor=editor, release=first)
    with pytest.raises(gates.GateRefused):
        catalog_services.release_ship(actor=editor, release=second)


# The service ------------------------------------------------------------------------------


def test_setting_them_is_recorded_in_the_products_history(editor, product, readiness, security):
    services.product_playbooks_require(actor=editor, product=product, playbooks=[readiness])
    chosen = services.product_playbooks_require(
        actor=editor, product=product, playbooks=[security, readiness]
    )
    assert [p.name for p in chosen] == ["Release readiness", "Security review"]
    rows = Activity.objects.in_scope(product.scope).for_target(product).order_by("id")
    assert [a.payload["changes"]["release_playbooks"] for a in rows] == [
        [[], ["Release readiness"]],
        [["Release readiness"], ["Release readiness", "Security review"]],
    ]
    # The same set again changes nothing and records nothing.
    services.product_playbooks_require(
        actor=editor, product=product, playbooks=[readiness, security]
    )
    assert rows.count() == 2
    services.product_playbooks_require(actor=editor, product=product, playbooks=[])
    assert not ProductRequirement.objects.filter(product=product).exists()
    assert rows.last().payload["changes"]["release_playbooks"][1] == []


def test_viewer_cannot_set_them(viewer, product, readiness):
    with nothing_written(ProductRequirement), pytest.raises(PermissionDenied):
        services.product_playbooks_require(actor=viewer, product=product, playbooks=[readiness])


def test_a_playbook_without_steps_or_that_does_not_exist_is_refused(editor, product, readiness):
    empty = Playbook.objects.create(name="Draft", slug="draft")
    with nothing_written(ProductRequirement), pytest.raises(DomainError) as exc:
        services.product_playbooks_require(
            actor=editor, product=product, playbooks=[readiness, empty]
        )
    assert set(exc.value.errors) == {"playbooks"} and "Draft" in exc.value.message
    with nothing_written(ProductRequirement), pytest.raises(DomainError) as exc:
        services.product_playbooks_require(
            actor=editor, product=product, playbooks=[Playbook(name="Ghost", slug="ghost")]
        )
    assert set(exc.value.errors) == {"playbooks"} and "Ghost" in exc.value.message


# Pages ------------------------------------------------------------------------------------


def test_product_page_section_for_editors_and_viewers(editor, viewer, product, readiness):
    page = client_for(editor).get(product.get_absolute_url()).content.decode()
    assert "Playbooks every release requires" in page
    assert f'action="/products/{product.slug}/playbooks/"' in page
    viewer_page = client_for(viewer).get(product.get_absolute_url()).content.decode()
    assert "No playbook is required of every release of this product." in viewer_page
    assert 'name="playbooks"' not in viewer_page
    services.product_playbooks_require(actor=editor, product=product, playbooks=[readiness])
    viewer_page = client_for(viewer).get(product.get_absolute_url()).content.decode()
    assert f'href="{readiness.get_absolute_url()}">Release readiness</a>' in viewer_page
    assert 'name="playbooks"' not in viewer_page


def test_product_page_form_saves_and_refuses_viewers(editor, viewer, product, readiness):
    url = f"/products/{product.slug}/playbooks/"
    response = client_for(editor).post(url, {"playbooks": [readiness.pk]})
    assert response.status_code == 302
    assert response["Location"].endswith("#section-playbooks")
    assert selectors.product_required_playbooks(product=product) == [readiness]
    with nothing_written(ProductRequirement):
        assert client_for(viewer).post(url, {"playbooks": []}).status_code == 403
        client_for(editor).post(url, {"playbooks": ["999999"]})
        empty = Playbook.objects.create(name="Draft", slug="draft")
        follow = client_for(editor).post(url, {"playbooks": [empty.pk]}, follow=True)
    assert "has no steps yet" in follow.content.decode()
    assert client_for(editor).post("/products/nope/playbooks/", {}).status_code == 404


def test_release_page_says_which_come_from_the_product_and_keeps_them(
    editor, required, readiness, security
):
    release = ReleaseFactory(product=required, version="2.0")
    services.release_playbooks_require(actor=editor, release=release, playbooks=[readiness])
    page = client_for(editor).get(release.get_absolute_url()).content.decode()
    assert "required by every Orbit release" in page
    assert f'<input type="checkbox" name="playbooks" value="{readiness.pk}"' not in page
    assert f'<input type="hidden" name="playbooks" value="{readiness.pk}">' in page
    # Saving the release's form keeps what the product requires, and the release's own choice.
    client_for(editor).post(f"/releases/{release.pk}/playbooks/", {"playbooks": [security.pk]})
    playbooks = selectors.required_playbooks(release=release)
    assert [(p.name, p.required_by) for p in playbooks] == [
        ("Release readiness", "product"),
        ("Security review", "release"),
    ]
    assert not ReleaseRequirement.objects.filter(release=release, playbook=readiness).exists()


# API --------------------------------------------------------------------------------------


def test_api_reads_and_sets_a_products_playbooks(editor, viewer, product, readiness, security):
    client = client_for(editor)
    path = f"/api/v1/products/{product.slug}/playbooks"
    assert client.get(path).json() == {"playbooks": []}
    response = _put(client, path, {"playbooks": [security.slug, str(readiness.pk)]})
    assert response.status_code == 200
    assert [p["slug"] for p in response.json()["playbooks"]] == [
        "release-readiness",
        "security-review",
    ]
    by_id = client_for(viewer).get(f"/api/v1/products/{product.pk}/playbooks")
    assert by_id.status_code == 200 and len(by_id.json()["playbooks"]) == 2
    release = ReleaseFactory(product=product, version="2.0")
    listed = client.get(f"/api/v1/releases/{release.pk}/playbooks").json()["playbooks"]
    assert {p["slug"]: p["required_by"] for p in listed} == {
        "release-readiness": "product",
        "security-review": "product",
    }


def test_api_refuses_viewers_unknown_and_empty_playbooks(editor, viewer, product, readiness):
    path = f"/api/v1/products/{product.slug}/playbooks"
    Playbook.objects.create(name="Draft", slug="draft")
    with nothing_written(ProductRequirement):
        refused = _put(client_for(viewer), path, {"playbooks": [readiness.slug]})
        assert refused.status_code == 403
        unknown = _put(client_for(editor), path, {"playbooks": [readiness.slug, "nope"]})
        assert unknown.status_code == 422 and set(errors(unknown)) == {"playbooks.1"}
        empty = _put(client_for(editor), path, {"playbooks": ["draft"]})
        assert empty.status_code == 422 and set(errors(empty)) == {"playbooks"}
    assert client_for(editor).get("/api/v1/products/nope/playbooks").status_code == 404
