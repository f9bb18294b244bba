"""The product page's "Playbook runs" section and the runs list filtered to a product."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import client_for
from tests.factories import FeatureFactory, ProductFactory, ReleaseFactory
from wavelength.catalog.models import ReleaseStatus
from wavelength.processes import registrations, selectors, services
from wavelength.processes.services import StepSpec

from .conftest import make_playbook


def _runs(editor, product, n=1):
    playbook = make_playbook(editor, name="Launch", steps=[StepSpec(title="Go")])
    release = ReleaseFactory(product=product, version="2.0", status=ReleaseStatus.PLANNED)
    feature = FeatureFactory(product=product)
    made = []
    for i in range(n):
        target = release if i % 2 == 0 else feature
        made.append(services.run_start(actor=editor, playbook=playbook, target=target))
    return playbook, release, feature, made


def test_runs_for_product_are_its_releases_and_features_newest_first(editor, viewer, product):
    playbook, release, feature, made = _runs(editor, product, n=3)
    other = ReleaseFactory(product=ProductFactory(), version="9.0")
    services.run_start(actor=editor, playbook=playbook, target=other)
    services.run_start(actor=editor, playbook=playbook)  # for nothing in particular
    runs = list(selectors.runs_for_product(user=viewer, product=product))
    assert runs == list(reversed(made))


def test_section_on_the_product_page_with_start_link_for_editors(editor, viewer, product):
    _playbook, release, _feature, made = _runs(editor, product, n=2)
    page = client_for(editor).get(product.get_absolute_url()).content.decode()
    assert 'id="section-runs"' in page
    # After the required playbooks' section.
    assert page.index('id="section-playbooks"') < page.index('id="section-runs"')
    for run in made:
        assert run.get_absolute_url() in page
    assert f"/runs/?product={product.slug}" in page
    assert f"/runs/start/?target_kind=release&amp;target_id={release.pk}" in page
    viewer_page = client_for(viewer).get(product.get_absolute_url()).content.decode()
    assert made[0].get_absolute_url() in viewer_page
    assert "/runs/start/" not in viewer_page


def test_section_when_nothing_ran(editor, viewer, product):
    viewer_page = client_for(viewer).get(product.get_absolute_url()).content.decode()
    text = "No playbook has been run for a release or feature of this product yet."
    assert text in viewer_page
    page = client_for(editor).get(product.get_absolute_url()).content.decode()
    assert text in page and 'href="/runs/start/"' in page


def test_section_is_capped_and_reads_in_a_fixed_number_of_queries(editor, viewer, product):
    def loader_queries():
        with CaptureQueriesContext(connection) as ctx:
            items = registrations._product_runs(user=editor, product=product)
        return items, len(ctx)

    _runs(editor, product, n=3)
    _items, few = loader_queries()
    playbook, release = selectors.playbook_get(user=editor, key="launch"), product.releases.first()
    for _i in range(registrations.PRODUCT_RUNS):
        services.run_start(actor=editor, playbook=playbook, target=release)
    items, many = loader_queries()
    assert len(items[0]["runs"]) == registrations.PRODUCT_RUNS
    assert items[0]["total"] == registrations.PRODUCT_RUNS + 3
    assert many <= few + 1  # the full count, only when there are more than shown
    page = client_for(viewer).get(product.get_absolute_url()).content.decode()
    assert f"See all {registrations.PRODUCT_RUNS + 3} runs" in page


def test_runs_list_filters_by_product(editor, viewer, product):
    playbook, _release, _feature, made = _runs(editor, product, n=2)
    other = ReleaseFactory(product=ProductFactory(), version="1.0")
    elsewhere = services.run_start(actor=editor, playbook=playbook, target=other)
    page = client_for(viewer).get(f"/runs/?product={product.slug}").content.decode()
    for run in made:
        assert run.get_absolute_url() in page
    assert elsewhere.get_absolute_url() not in page
    everything = client_for(viewer).get("/runs/").content.decode()
    assert elsewhere.get_absolute_url() in everything
