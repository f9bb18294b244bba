"""Suites and test cases through the services: the tree, versions, checks and permissions."""

import pytest
from django.core.exceptions import PermissionDenied

from tests.api.utils import nothing_written
from tests.factories import FeatureFactory, ProductFactory
from wavelength.core.exceptions import Conflict, DomainError
from wavelength.core.models import Activity
from wavelength.quality import selectors, services
from wavelength.quality.models import CaseVersion, Suite, TestCase

pytestmark = pytest.mark.django_db


def test_suites_nest_and_the_tree_lists_them_depth_first(editor, viewer, product, suite):
    child = services.suite_create(actor=editor, product=product, name="CSV", parent=suite)
    services.suite_create(actor=editor, product=product, name="PDF", parent=suite)
    services.suite_create(actor=editor, product=product, name="Billing")
    services.suite_create(actor=editor, product=product, name="Quoting", parent=child)
    tree = selectors.suite_tree(user=viewer, product=product)
    assert [(n.suite.name, n.depth) for n in tree] == [
        ("Billing", 0),
        ("Exports", 0),
        ("CSV", 1),
        ("Quoting", 2),
        ("PDF", 1),
    ]


def test_suite_names_are_unique_per_level(editor, product, suite):
    with pytest.raises(DomainError) as exc, nothing_written(Suite):
        services.suite_create(actor=editor, product=product, name="exports")
    assert "name" in exc.value.errors
    # The same name one level down is fine.
    services.suite_create(actor=editor, product=product, name="Exports", parent=suite)


def test_suite_cannot_move_inside_itself(editor, suite, child_suite):
    with pytest.raises(DomainError) as exc:
        services.suite_update(actor=editor, suite=suite, parent=child_suite)
    assert "inside itself" in exc.value.errors["parent"]
    suite.refresh_from_db()
    assert suite.parent is None


def test_suite_parent_must_be_of_the_same_product(editor, suite):
    other = ProductFactory(name="Nova")
    with pytest.raises(DomainError) as exc:
        services.suite_create(actor=editor, product=other, name="X", parent=suite)
    assert "parent" in exc.value.errors


def test_case_create_writes_version_one_and_an_activity(editor, case, feature):
    assert case.version == 1
    version = case.versions.get()
    assert version.number == 1 and version.title == "Export a chart"
    assert version.steps[1] == {
        "action": "Choose Export → CSV",
        "expected": "A .csv file downloads",
    }
    assert version.tags == ["export", "smoke"] and version.feature_ids == [feature.pk]
    assert version.author == editor
    created = Activity.objects.for_target(case).get()
    assert created.verb == "created" and created.scope == f"catalog.product:{case.product_id}"


def test_every_edit_is_a_new_immutable_version(editor, case, other_feature):
    services.case_update(actor=editor, case=case, title="Export a chart as CSV")
    services.case_update(
        actor=editor,
        case=case,
        steps_=[{"action": "Press E", "expected": "A file downloads"}],
        features=[other_feature],
    )
    case.refresh_from_db()
    assert case.version == 3
    versions = {v.number: v for v in case.versions.all()}
    assert versions[1].title == "Export a chart" and len(versions[1].steps) == 2
    assert versions[2].title == "Export a chart as CSV" and len(versions[2].steps) == 2
    assert versions[3].steps == [{"action": "Press E", "expected": "A file downloads"}]
    assert versions[3].feature_ids == [other_feature.pk]
    update = Activity.objects.for_target(case).last()
    assert update.changes["features"] and update.payload["version"] == 3


def test_saving_without_changes_makes_no_version(editor, case):
    services.case_update(actor=editor, case=case, title="Export a chart")
    case.refresh_from_db()
    assert case.version == 1 and CaseVersion.objects.filter(case=case).count() == 1


def test_an_edit_over_a_newer_version_is_refused(editor, case):
    services.case_update(actor=editor, case=case, title="Newer", expected_version=1)
    with pytest.raises(Conflict) as exc:
        services.case_update(actor=editor, case=case, title="Older", expected_version=1)
    assert "version 2" in exc.value.errors["expected_version"]
    case.refresh_from_db()
    assert case.title == "Newer"


def test_blank_steps_are_dropped_and_a_step_needs_an_action(editor, suite):
    case = services.case_create(
        actor=editor,
        suite=suite,
        title="T",
        steps_=[{"action": "A", "expected": "B"}, {"action": "", "expected": ""}],
    )
    assert case.steps == [{"action": "A", "expected": "B"}]
    with pytest.raises(DomainError) as exc, nothing_written(TestCase, CaseVersion):
        services.case_create(
            actor=editor, suite=suite, title="T", steps_=[{"action": "", "expected": "Only"}]
        )
    assert "steps.0.action" in exc.value.errors


def test_case_features_must_belong_to_the_product(editor, suite):
    elsewhere = FeatureFactory()
    with pytest.raises(DomainError) as exc, nothing_written(TestCase, CaseVersion):
        services.case_create(actor=editor, suite=suite, title="T", features=[elsewhere])
    assert "features" in exc.value.errors


def test_automation_ids_are_unique_per_product(editor, suite):
    services.case_create(actor=editor, suite=suite, title="A", automation_id="t.py::test_a")
    with pytest.raises(DomainError) as exc:
        services.case_create(actor=editor, suite=suite, title="B", automation_id="t.py::test_a")
    assert "automation_id" in exc.value.errors


def test_unknown_priority_is_refused_naming_the_field(editor, suite):
    with pytest.raises(DomainError) as exc:
        services.case_create(actor=editor, suite=suite, title="T", priority="urgent")
    assert "priority" in exc.value.errors


def test_viewer_cannot_write(viewer, product, suite, case):
    with nothing_written(Suite, TestCase, CaseVersion):
        with pytest.raises(PermissionDenied):
            services.suite_create(actor=viewer, product=product, name="X")
        with pytest.raises(PermissionDenied):
            services.suite_update(actor=viewer, suite=suite, name="X")
        with pytest.raises(PermissionDenied):
            services.case_create(actor=viewer, suite=suite, title="X")
        with pytest.raises(PermissionDenied):
            services.case_update(actor=viewer, case=case, title="X")


def test_case_list_filters(editor, viewer, product, suite, child_suite, case, feature):
    deep = services.case_create(
        actor=editor, suite=child_suite, title="Quote fields", tags_=["regression"]
    )
    auto = services.case_create(actor=editor, suite=child_suite, title="Auto", automation_id="x::y")

    def titles(**kw):
        return {
            c.title for c in selectors.case_list(user=viewer, filters=selectors.CaseFilter(**kw))
        }

    assert titles(product=product.pk) == {"Export a chart", "Quote fields", "Auto"}
    assert titles(suite=child_suite.pk) == {deep.title, auto.title}
    assert titles(suite=suite.pk) == {"Export a chart", "Quote fields", "Auto"}
    assert titles(tag="SMOKE") == {"Export a chart"}
    assert titles(feature=feature.pk) == {"Export a chart"}
    assert titles(priority="high") == {"Export a chart"}
    assert titles(automated=True) == {"Auto"}
    assert titles(q="quote") == {"Quote fields"}


def test_case_list_reads_in_a_fixed_number_of_queries(
    editor, viewer, suite, feature, django_assert_max_num_queries
):
    for n in range(15):
        services.case_create(
            actor=editor, suite=suite, title=f"Case {n}", tags_=[f"t{n}"], features=[feature]
        )
    with django_assert_max_num_queries(4):
        rows = list(selectors.case_list(user=viewer))
        assert sum(len(r.tags.all()) + len(r.features.all()) for r in rows) == 30


def test_signed_out_people_cannot_read(product):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        selectors.case_list(user=AnonymousUser())
    with pytest.raises(PermissionDenied):
        selectors.suite_tree(user=AnonymousUser(), product=product)
