"""Quality fixtures: a feature and a release to test, a suite tree and a case, all made through
the services so that every row has its history."""

import pytest

from tests.api.utils import bearer_client
from wavelength.catalog import services as catalog
from wavelength.quality import services


@pytest.fixture(autouse=True)
def _static_root(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATIC_ROOT.mkdir()


@pytest.fixture
def feature(editor, product):
    return catalog.feature_create(actor=editor, product=product, title="Export to CSV")


@pytest.fixture
def other_feature(editor, product):
    return catalog.feature_create(actor=editor, product=product, title="Single sign-on")


@pytest.fixture
def release(editor, product, feature):
    return catalog.release_create(actor=editor, product=product, version="2.0", features=[feature])


@pytest.fixture
def suite(editor, product):
    return services.suite_create(actor=editor, product=product, name="Exports")


@pytest.fixture
def child_suite(editor, product, suite):
    return services.suite_create(actor=editor, product=product, name="CSV", parent=suite)


@pytest.fixture
def case(editor, suite, feature):
    return services.case_create(
        actor=editor,
        suite=suite,
        title="Export a chart",
        preconditions="A dashboard with one chart.",
        steps_=[
            {"action": "Open the chart menu", "expected": "The menu lists Export"},
            {"action": "Choose Export → CSV", "expected": "A .csv file downloads"},
        ],
        priority="high",
        tags_=["smoke", "Export"],
        features=[feature],
    )


@pytest.fixture
def editor_api(editor):
    return bearer_client(editor)


@pytest.fixture
def viewer_api(viewer):
    return bearer_client(viewer)
