"""A stage standard as an editor meets it: moving a feature to "planned" without its
requirements document on the product board is refused with what is missing; the move page
lists it with a link to write it, and the editor moves it anyway with a reason."""

import pytest
from playwright.sync_api import expect

from wavelength.catalog import services as catalog
from wavelength.knowledge.defaults import TEMPLATES
from wavelength.knowledge.models import PageTemplate
from wavelength.planning import services as planning

pytestmark = pytest.mark.browser


def test_see_what_is_missing_then_move_with_a_reason(page, sign_in, admin, editor, product):
    # The template a migration installs (a test that migrates back and forth may have left
    # this worker's database without it).
    key, name, description, body = next(t for t in TEMPLATES if t[0] == "product-requirements")
    PageTemplate.objects.get_or_create(
        key=key, defaults={"name": name, "description": description, "body": body}
    )
    planning.stage_standard_set(actor=admin, product=product, requirements={
        "planned": ["feature.page_from_template:product-requirements"]})  # fmt: skip
    feature = catalog.feature_create(actor=editor, product=product, title="Offline mode",
                                     stage="discovery")  # fmt: skip
    sign_in(editor)
    page.goto(product.get_absolute_url())
    card = page.locator(f"#card-{feature.pk}")
    card.get_by_label("Move “Offline mode” to").select_option("planned")
    card.get_by_role("button", name="Move").click()
    error = page.locator(f"#card-{feature.pk} .card-error")
    expect(error).to_contain_text("does not meet the standard for this stage")
    expect(error).to_contain_text("A page made from a template: Product requirements")

    error.get_by_role("link", name="See what is missing").click()
    expect(page.get_by_role("heading", name="Before “Planned”")).to_be_visible()
    expect(page.get_by_role("link", name="Write the “Product requirements” page")).to_be_visible()
    page.get_by_label("Stage").select_option("planned")
    page.get_by_label("Why move it without meeting the standard").fill("Promised this quarter")
    page.get_by_role("button", name="Move").click()
    expect(page.get_by_text("“Offline mode” moved to Planned.")).to_be_visible()
    feature.refresh_from_db()
    assert feature.stage == "planned"
