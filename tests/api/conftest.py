"""API fixtures: a token-authenticated client per persona, and catalog data made through the
services so that every row has its history."""

import pytest

from tests.api.utils import bearer_client
from wavelength.catalog import services


@pytest.fixture(autouse=True)
def _static_root(settings, tmp_path):
    # WhiteNoise warns on every request when the collected-static directory is missing.
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATIC_ROOT.mkdir()


@pytest.fixture
def admin_api(admin):
    return bearer_client(admin)


@pytest.fixture
def editor_api(editor):
    return bearer_client(editor)


@pytest.fixture
def viewer_api(viewer):
    return bearer_client(viewer)


@pytest.fixture
def area(editor, product):
    return services.area_create(actor=editor, product=product, name="Dashboards")


@pytest.fixture
def feature(editor, product, area, product_team):
    return services.feature_create(
        actor=editor,
        product=product,
        area=area,
        title="Export to CSV",
        description="Download any *chart* as a spreadsheet.",
        owner_team=product_team,
        owner=editor,
        tags=["Export", "reporting"],
    )


@pytest.fixture
def release(editor, product, feature):
    return services.release_create(
        actor=editor, product=product, version="2.0", name="Spring", features=[feature]
    )


@pytest.fixture
def entry(editor, release):
    return services.changelog_entry_create(
        actor=editor, release=release, title="CSV export", body="Charts export to **CSV**."
    )
