"""Stage standards: what a feature must have before it enters a stage, checked on every move
(board, feature form, API, the move page), with an editor's override kept in its history."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from tests.api.utils import bearer_client, errors, patch, post, url
from tests.factories import FeatureFactory, ProductFactory
from wavelength.catalog import services as catalog
from wavelength.catalog.models import Stage
from wavelength.catalog.standards import StandardRefused
from wavelength.core.models import Activity
from wavelength.core.versioning import StaleVersion
from wavelength.knowledge import services as knowledge
from wavelength.knowledge.models import PageTemplate, Space
from wavelength.planning import selectors, services, standards
from wavelength.planning.models import StageRequirement
from wavelength.prioritisation.models import FeatureScore

PRD = "feature.page_from_template:product-requirements"

# A stage a feature can enter each standard's stage from.
FROM = {
    Stage.DISCOVERY: Stage.IDEA,
    Stage.PLANNED: Stage.DISCOVERY,
    Stage.IN_DEVELOPMENT: Stage.PLANNED,
    Stage.BETA: Stage.IN_DEVELOPMENT,
    Stage.GENERALLY_AVAILABLE: Stage.BETA,
    Stage.DEPRECATED: Stage.GENERALLY_AVAILABLE,
    Stage.RETIRED: Stage.DEPRECATED,
}


@pytest.fixture
def idea(now, product):
    return FeatureFactory(product=product, title="Dark mode", stage=Stage.DISCOVERY)


@pytest.fixture
def standard(now, admin, product):
    services.stage_standard_set(
        actor=admin, product=product,
        requirements={Stage.PLANNED: [PRD, "feature.estimate"]},
    )  # fmt: skip
    return product


def _prd(editor, feature, *, keep_headings=True):
    template = PageTemplate.objects.get(key="product-requirements")
    body = template.body if keep_headings else "Some notes."
    return knowledge.page_create(
        actor=editor, space=Space.objects.get(slug="procedures"),
        title=f"{feature.title} requirements", body=f"[[feature:{feature.pk}]]\n\n{body}",
    )  # fmt: skip


def test_every_stage_can_require_things_before_a_feature_enters_it(now, admin, editor, product):
    assert set(FROM) == set(standards.STAGES)
    requirements = {stage: ["feature.owner"] for stage in standards.STAGES}
    services.stage_standard_set(actor=admin, product=product, requirements=requirements)
    for stage, before in FROM.items():
        feature = FeatureFactory(product=product, stage=before)
        with pytest.raises(StandardRefused) as refused:
            catalog.feature_move_stage(actor=editor, feature=feature, stage=stage)
        assert "An owner" in refused.value.message, stage
        feature.owner = editor
        feature.save()
        moved = catalog.feature_move_stage(actor=editor, feature=feature, stage=stage)
        assert moved.stage == stage


def test_a_refused_move_says_what_is_missing_with_links(standard, editor, idea):
    with pytest.raises(StandardRefused) as refused:
        catalog.feature_move_stage(actor=editor, feature=idea, stage=Stage.PLANNED)
    labels = [item.label for item in refused.value.unmet]
    assert labels == ["A page made from a template: Product requirements", "An estimate"]
    links = [url for item in refused.value.unmet for _label, url in item.missing]
    assert any("template=product-requirements" in u and f"feature%3A{idea.pk}" in u for u in links)
    assert reverse("prioritisation:prioritisation-edit", args=[idea.pk]) in links
    assert refused.value.url.endswith(f"/roadmap/features/{idea.pk}/stage/?stage=planned")
    idea.refresh_from_db()
    assert idea.stage == Stage.DISCOVERY  # nothing moved


def test_the_move_passes_once_the_requirements_are_met(standard, editor, idea):
    _prd(editor, idea, keep_headings=False)  # a page about it, but not from the template
    FeatureScore.objects.create(feature=idea, effort=2)
    assert [u.label for u in standards.unmet(feature=idea, stage=Stage.PLANNED)] == [
        "A page made from a template: Product requirements"
    ]
    _prd(editor, idea)
    moved = catalog.feature_move_stage(actor=editor, feature=idea, stage=Stage.PLANNED)
    assert moved.stage == Stage.PLANNED


def test_an_editor_overrides_with_a_reason_kept_in_history(standard, editor, idea):
    services.feature_move_stage(actor=editor, feature=idea, stage=Stage.PLANNED,
                                override_reason="Promised to a customer")  # fmt: skip
    row = Activity.objects.filter(verb="stage_changed", target_id=idea.pk).get()
    assert row.payload["reason"] == "Promised to a customer"
    assert [u["label"] for u in row.payload["unmet"]] == [
        "A page made from a template: Product requirements", "An estimate",
    ]  # fmt: skip
    overrides = list(selectors.standard_overrides(user=editor, product=standard))
    assert [o.pk for o in overrides] == [row.pk]


def test_a_viewer_cannot_move_or_override(standard, viewer, idea):
    with pytest.raises(PermissionDenied):
        services.feature_move_stage(actor=viewer, feature=idea, stage=Stage.PLANNED,
                                    override_reason="Because")  # fmt: skip


def test_only_administrators_set_standards(now, editor, viewer, product):
    for person in (editor, viewer):
        with pytest.raises(PermissionDenied):
            services.stage_standard_set(actor=person, product=product,
                                        requirements={"planned": ["feature.owner"]})  # fmt: skip
    assert not StageRequirement.objects.exists()


@pytest.mark.parametrize(
    "requirements, field",
    [
        ({"planned": ["feature.nothing"]}, "planned"),
        ({"planned": ["feature.owner:someone"]}, "planned"),
        ({"someday": ["feature.owner"]}, "stage"),
    ],
)
def test_bad_requirements_are_refused(now, admin, product, requirements, field):
    from wavelength.core.exceptions import DomainError

    with pytest.raises(DomainError) as refused:
        services.stage_standard_set(actor=admin, product=product, requirements=requirements)
    assert field in refused.value.errors
    assert not StageRequirement.objects.exists()


def test_a_stale_standard_edit_is_refused(standard, admin):
    seen = services.standard_version(standard)
    services.stage_standard_set(actor=admin, product=standard,
                                requirements={"beta": ["feature.owner"]})  # fmt: skip
    with pytest.raises(StaleVersion):
        services.stage_standard_set(actor=admin, product=standard, if_version=seen,
                                    requirements={"beta": []})  # fmt: skip
    assert StageRequirement.objects.filter(stage="beta").count() == 1


def test_standards_are_per_product(standard, editor):
    other = FeatureFactory(product=ProductFactory(name="Nova"), stage=Stage.DISCOVERY)
    assert catalog.feature_move_stage(actor=editor, feature=other, stage=Stage.PLANNED)


def test_each_condition_reads_what_the_feature_has(now, admin, editor, product, idea):
    from wavelength.processes.models import Playbook, PlaybookVersion, Run, RunStatus
    from wavelength.quality.services import cases
    from wavelength.training.services.courses import CourseData, course_create

    def ok(key, **params):
        from wavelength.core import conditions

        return conditions.evaluate(key, target=idea, params=params).ok

    assert not ok("feature.test_case")
    suite = cases.suite_create(actor=editor, product=product, name="Core")
    cases.case_create(actor=editor, suite=suite, title="Works offline", features=[idea])
    assert ok("feature.test_case")
    assert not ok("feature.enablement")
    course_create(actor=admin, data=CourseData(title="Dark mode 101", owner=admin,
                                               features=[idea]))  # fmt: skip
    assert ok("feature.enablement")
    playbook = Playbook.objects.create(name="Launch", slug="launch")
    version = PlaybookVersion.objects.create(playbook=playbook, number=1)
    assert not ok("feature.playbook_run", playbook="launch")
    run = Run.objects.create(playbook=playbook, version=version, title="Launch dark mode",
                             started_on=now.date(), status=RunStatus.ACTIVE)  # fmt: skip
    run.target_type_id = _feature_type()
    run.target_id = idea.pk
    run.save()
    assert not ok("feature.playbook_run", playbook="launch")  # not completed yet
    Run.objects.filter(pk=run.pk).update(status=RunStatus.COMPLETED, completed_at=now)
    assert ok("feature.playbook_run", playbook="launch") and ok("feature.playbook_run")
    assert not ok("feature.owner")


def _feature_type():
    from django.contrib.contenttypes.models import ContentType

    from wavelength.catalog.models import Feature

    return ContentType.objects.get_for_model(Feature).pk


# Pages ------------------------------------------------------------------------------------


def test_the_standards_page_for_admins_and_readers(standard, admin_client, viewer_client, editor):
    page = reverse("planning:standards-edit", args=[standard.slug])
    html = viewer_client.get(page).content.decode()
    assert "A page made from a template: Product requirements" in html
    assert "Only an administrator can change the stage standards." in html
    assert viewer_client.post(page, {"beta": ["feature.owner"]}).status_code == 403
    form = admin_client.get(page).content.decode()
    assert 'name="edit_version"' in form and 'value="feature.owner"' in form
    version = services.standard_version(standard)
    saved = admin_client.post(page, {"planned": ["feature.owner"], "edit_version": version})
    assert saved.status_code == 302
    rows = StageRequirement.objects.filter(product=standard).values_list("stage", "condition")
    assert list(rows) == [("planned", "feature.owner")]
    bad = admin_client.post(page, {"planned": ["feature.nothing"]})
    assert bad.status_code == 422


def test_the_product_page_shows_its_standards(standard, viewer_client):
    html = viewer_client.get(standard.get_absolute_url()).content.decode()
    assert "Stage standards" in html and "An estimate" in html


def test_try_to_plan_without_the_requirements_page(standard, editor_client, idea):
    page = reverse("planning:feature-stage", args=[idea.pk]) + "?stage=planned"
    html = editor_client.get(page).content.decode()
    assert "0 of 2 met" in html and "Write the “Product requirements” page" in html
    refused = editor_client.post(page, {"stage": "planned"})
    assert refused.status_code == 422
    assert "does not meet the standard" in refused.content.decode()
    idea.refresh_from_db()
    assert idea.stage == Stage.DISCOVERY
    moved = editor_client.post(page, {"stage": "planned", "override_reason": "Board decision"})
    assert moved.status_code == 302
    idea.refresh_from_db()
    assert idea.stage == Stage.PLANNED
    history = editor_client.get(idea.get_absolute_url()).content.decode()
    assert "without meeting the stage" in history and "Board decision" in history


def test_the_board_says_what_is_missing_with_a_link(standard, editor_client, idea):
    move = reverse("catalog:feature-move", args=[idea.pk])
    response = editor_client.post(move, {"stage": "planned"}, headers={"HX-Request": "true"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "An estimate" in html and "See what is missing" in html
    assert reverse("planning:feature-stage", args=[idea.pk]) in html


def test_the_feature_form_refuses_and_a_viewer_sees_no_move(standard, editor_client,
                                                            viewer_client, idea):  # fmt: skip
    page = reverse("planning:feature-stage", args=[idea.pk])
    assert 'id="stage-move-form"' not in viewer_client.get(page).content.decode()
    assert viewer_client.post(page, {"stage": "planned", "override_reason": "x"}).status_code == 403


def test_the_pages_read_in_french(standard, editor_client, idea):
    editor_client.cookies["django_language"] = "fr"
    html = editor_client.get(reverse("planning:feature-stage", args=[idea.pk])).content.decode()
    assert "Une estimation" in html and "Avant «\u00a0Planifiée\u00a0»" in html


# API --------------------------------------------------------------------------------------


def test_the_standards_api(standard, admin, editor):
    api = bearer_client(admin)
    got = api.get(url("standards", standard.slug))
    assert got.status_code == 200
    planned = next(s for s in got.json()["stages"] if s["stage"] == "planned")
    assert [r["value"] for r in planned["requirements"]] == [PRD, "feature.estimate"]
    etag = got["ETag"]
    body = {"stages": {"beta": ["feature.owner"]}}
    saved = api.put(url("standards", standard.slug), body, content_type="application/json",
                    headers={"If-Match": etag})  # fmt: skip
    assert saved.status_code == 200 and saved["ETag"] != etag
    stale = api.put(url("standards", standard.slug), body, content_type="application/json",
                    headers={"If-Match": etag})  # fmt: skip
    assert stale.status_code == 412
    bad = api.put(url("standards", standard.slug), {"stages": {"beta": ["nope"]}},
                  content_type="application/json")  # fmt: skip
    assert bad.status_code == 422 and "beta" in errors(bad)
    refused = bearer_client(editor).put(url("standards", standard.slug), body,
                                        content_type="application/json")  # fmt: skip
    assert refused.status_code == 403
    options = api.get(url("requirement-list")).json()
    assert {"value": PRD, "label": "A page made from a template: Product requirements"} in options


def test_readiness_moves_and_overrides_in_the_api(standard, editor, idea):
    api = bearer_client(editor)
    ready = api.get(url("feature-readiness", idea.pk)).json()
    planned = next(r for r in ready if r["stage"] == "planned")
    assert planned["ready"] is False and len(planned["checks"]) == 2
    assert planned["checks"][1]["missing"][0][0] == "Estimate it"
    refused = post(api, url("feature-stage-move", idea.pk), {"stage": "planned"})
    assert refused.status_code == 422 and "An estimate" in errors(refused)["stage"]
    via_patch = patch(api, url("feature-update", idea.pk), {"stage": "planned"})
    assert via_patch.status_code == 422 and "stage" in errors(via_patch)
    moved = patch(api, url("feature-update", idea.pk),
                  {"stage": "planned", "stage_override_reason": "Agreed"})  # fmt: skip
    assert moved.status_code == 200 and moved.json()["stage"] == "planned"
    listed = api.get(url("standard-overrides", product=standard.slug)).json()
    assert listed["items"][0]["feature"] == idea.pk
    assert listed["items"][0]["reason"] == "Agreed" and listed["items"][0]["stage"] == "planned"


def test_the_write_the_page_link_starts_it_from_the_template_about_the_feature(
    standard, editor_client, idea
):
    unmet = standards.unmet(feature=idea, stage=Stage.PLANNED)
    link = unmet[0].missing[0][1]
    html = editor_client.get(link + "&space=procedures").content.decode()
    assert f"[[feature:{idea.pk}]]" in html and "## Requirements" in html


def test_shipping_moves_features_short_of_the_standard_and_says_so(now, admin, editor, product):
    from tests.factories import ReleaseFactory

    requirements = {Stage.GENERALLY_AVAILABLE: ["feature.owner"]}
    services.stage_standard_set(actor=admin, product=product, requirements=requirements)
    ready = FeatureFactory(product=product, title="Owned", stage=Stage.IN_DEVELOPMENT,
                           owner=editor)  # fmt: skip
    short = FeatureFactory(product=product, title="Unowned", stage=Stage.IN_DEVELOPMENT)
    release = ReleaseFactory(product=product, version="4.0")
    release.features.set([ready, short])
    catalog.release_ship(actor=editor, release=release, features_to=Stage.GENERALLY_AVAILABLE)
    short.refresh_from_db()
    assert short.stage == Stage.GENERALLY_AVAILABLE  # shipping is the decision
    overrides = list(selectors.standard_overrides(user=editor, product=product))
    assert [o.target_id for o in overrides] == [short.pk]
    assert overrides[0].payload["reason"] == "Shipped in Orbit 4.0"
    assert [u["label"] for u in overrides[0].payload["unmet"]] == ["An owner"]


def test_the_ship_confirmation_lists_features_short_of_the_standard(
    now, admin, editor_client, product
):
    from tests.factories import ReleaseFactory

    requirements = {Stage.GENERALLY_AVAILABLE: ["feature.owner"]}
    release = ReleaseFactory(product=product, version="4.0")
    short = FeatureFactory(product=product, title="Unowned", stage=Stage.IN_DEVELOPMENT)
    release.features.set([short])
    page = reverse("catalog:release-ship", args=[release.pk])
    assert "short of the stage" not in editor_client.get(page).content.decode()  # no standard
    services.stage_standard_set(actor=admin, product=product, requirements=requirements)
    html = editor_client.get(page).content.decode()
    assert "Features short of the stage&#x27;s standard" in html
    assert "Unowned: An owner" in html
    assert reverse("planning:feature-stage", args=[short.pk]) in html
