"""Feedback fixtures: a feature to link to, two customers and some feedback, all made
through the services so that every row has its history."""

from decimal import Decimal

import pytest

from wavelength.catalog import services as catalog
from wavelength.feedback import services


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
def acme(editor):
    return services.company_create(
        actor=editor,
        name="Acme",
        domains=["acme.com"],
        segment="enterprise",
        plan="Scale",
        arr=Decimal("120000"),
        health="good",
    )


@pytest.fixture
def globex(editor):
    return services.company_create(
        actor=editor, name="Globex", domains=["globex.fr"], segment="smb", arr=Decimal("30000")
    )


@pytest.fixture
def theme(editor):
    return services.theme_create(actor=editor, name="Reporting")


@pytest.fixture
def item(editor, acme):
    return services.feedback_create(
        actor=editor,
        title="Exports",
        text="We love the charts. Please let us export them to CSV every week.",
        source="support",
        contact_email="jane@acme.com",
        contact_name="Jane",
        language="en",
    )
