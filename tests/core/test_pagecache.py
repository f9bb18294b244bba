"""The most-read pages are served from memory while nothing they read has changed, and never
once something has (core/pagecache.py): writes by the ORM, ``update()``, raw SQL and committed
transactions all renew what the kept pages are checked against."""

import datetime as dt
import re

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import client_for
from tests.factories import FeatureFactory
from wavelength.catalog.forms import FeatureForm
from wavelength.catalog.models import Feature
from wavelength.core import pagecache
from wavelength.core.models import Generation
from wavelength.core.versioning import version_of

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(START, tick=False):
        yield


@pytest.fixture
def feature(product):
    return FeatureFactory(product=product, title="Offline mode")


def _get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_a_page_read_again_is_served_from_memory(viewer_client, feature):
    url = reverse("catalog:feature-detail", args=[feature.pk])
    _get(viewer_client, url)  # learns what the view reads
    kept, _ = _get(viewer_client, url)  # then keeps the page
    again, queries = _get(viewer_client, url)
    # the session, the person, the page and the generations: the view does not run
    assert queries <= 4
    token = re.compile(r'(?:csrfmiddlewaretoken" value="|X-CSRFToken": ")\w+')
    assert token.sub("", again) == token.sub("", kept)  # with a token of its own


def test_every_token_of_a_kept_page_is_left_out():
    """A part of a page rendered on its own masks the CSRF secret anew: each token found is
    left out of the kept page, to be replaced by the asking browser's."""
    first, second = b"a" * 64, b"b" * 64
    body = (
        b'<body hx-headers=\'{"X-CSRFToken": "' + first + b"\"}'>"
        b'<input type="hidden" name="csrfmiddlewaretoken" value="' + second + b'">'
    )
    kept = pagecache._without_token(body)
    assert first not in kept and second not in kept
    assert kept.count(pagecache._PLACEHOLDER) == 2


@pytest.mark.parametrize(
    "write",
    [
        lambda f: Feature.objects.filter(pk=f.pk).update(title="Offline sync"),
        lambda f: (setattr(f, "title", "Offline sync"), f.save()),
        lambda f: connection.cursor().execute(
            f"UPDATE {Feature._meta.db_table} SET title = %s WHERE id = %s",  # noqa: S608
            ["Offline sync", f.pk],
        ),
    ],
    ids=["update", "save", "raw SQL"],
)
def test_a_write_of_any_kind_shows_at_once(viewer_client, feature, write):
    url = reverse("catalog:feature-detail", args=[feature.pk])
    for _ in range(3):
        page, _n = _get(viewer_client, url)
    assert "Offline mode" in page

    write(feature)

    page, queries = _get(viewer_client, url)
    assert "Offline sync" in page and "Offline mode" not in page
    assert queries > 4  # built again


def test_the_inbox_shows_new_feedback_at_once(editor_client, editor, product):
    from wavelength.feedback import services

    url = reverse("feedback:feedback-list")
    for _ in range(3):
        page, _n = _get(editor_client, url)
    services.feedback_create(actor=editor, text="The export button does nothing on Safari")
    page, _n = _get(editor_client, url)
    assert "The export button does nothing on Safari" in page


def test_pages_are_kept_apart_by_person_and_language(viewer, editor, feature):
    url = reverse("catalog:feature-detail", args=[feature.pk])
    first, other = client_for(viewer), client_for(editor)
    for _ in range(3):
        _get(first, url)
    assert _get(other, url)[1] > 4
    first.cookies["django_language"] = "fr"
    page, queries = _get(first, url)
    assert queries > 4 and 'lang="fr"' in page


def test_the_minute_changes_the_page(viewer_client, feature):
    url = reverse("core:home")
    for _ in range(3):
        _get(viewer_client, url)
    with time_machine.travel(START + dt.timedelta(minutes=1), tick=False):
        assert _get(viewer_client, url)[1] > 4


def test_a_page_with_a_message_waiting_is_built_for_it(editor_client, feature):
    url = reverse("catalog:feature-detail", args=[feature.pk])
    for _ in range(3):
        _get(editor_client, url)
    form = {k: v for k, v in FeatureForm.initial_for(feature).items() if v is not None}
    form.update(title="Offline sync", edit_version=version_of(feature))
    response = editor_client.post(reverse("catalog:feature-edit", args=[feature.pk]), form)
    assert response.status_code == 302
    page, _n = _get(editor_client, url)
    assert "Offline sync" in page and "Feature saved." in page


def test_turned_off_the_view_runs_every_time(viewer_client, feature, settings):
    settings.PAGE_CACHE_SECONDS = 0
    url = reverse("catalog:feature-detail", args=[feature.pk])
    counts = [_get(viewer_client, url)[1] for _ in range(3)]
    assert min(counts) > 4


@pytest.mark.parametrize(
    ("sql", "table"),
    [
        ('INSERT INTO "catalog_feature" ("title") VALUES (%s)', "catalog_feature"),
        ('INSERT OR IGNORE INTO "core_searchentry" VALUES (1)', "core_searchentry"),
        ('UPDATE "feedback_feedback" SET "status" = %s', "feedback_feedback"),
        ('DELETE FROM "catalog_feature" WHERE "id" = 1', "catalog_feature"),
        ("update catalog_feature set title = 'x'", "catalog_feature"),
        ('WITH x AS (SELECT 1) INSERT INTO "a" SELECT * FROM x', pagecache.EVERY_TABLE),
        ('WITH RECURSIVE x AS (SELECT 1) SELECT * FROM "catalog_feature"', None),
        ('SELECT * FROM "catalog_feature"', None),
        ('(SELECT "id" FROM "a") UNION ALL (SELECT "id" FROM "b")', None),
        ('SAVEPOINT "s1"', None),
        ("BEGIN IMMEDIATE", None),
        ('CREATE TABLE "t" (id int)', None),
        ("TRUNCATE catalog_feature", None),
    ],
)
def test_which_table_a_statement_writes(sql, table):
    assert pagecache._written(sql) == table


@pytest.mark.django_db(transaction=True)
def test_a_transaction_renews_at_its_commit_and_a_rolled_back_savepoint_loses_nothing(product):
    table = Feature._meta.db_table
    pagecache.flush()
    before = pagecache._generations({table})[table]
    with transaction.atomic():
        try:
            with transaction.atomic():
                FeatureFactory(product=product, title="Dropped")
                raise RuntimeError
        except RuntimeError:
            pass
        FeatureFactory(product=product, title="Kept")
        assert Generation.objects.get(table=table).token == before  # not before the commit
    assert Generation.objects.get(table=table).token != before


def test_a_kept_page_is_served_to_another_browser_with_that_browsers_token(editor, product):
    """Built in one browser, the inbox is served to the same person's other browser with a
    token of its own CSRF secret: archiving from it works as from a page just built."""
    from django.test import Client

    from wavelength.feedback import services
    from wavelength.feedback.models import Feedback

    item = services.feedback_create(actor=editor, text="Dark mode, please")
    url = reverse("feedback:feedback-list")
    laptop, phone = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    laptop.force_login(editor)
    phone.force_login(editor)
    for _ in range(2):
        built, _n = _get(laptop, url)
    page, queries = _get(phone, url)
    assert queries <= 4  # served from memory
    tokens = set(re.findall(r'(?:csrfmiddlewaretoken" value="|X-CSRFToken": ")(\w+)"', page))
    assert len(tokens) == 1 and tokens.isdisjoint(re.findall(r"\w{64}", built))
    response = phone.post(
        reverse("feedback:feedback-bulk"),
        {"csrfmiddlewaretoken": tokens.pop(), "ids": [item.pk], "action": "archive"},
    )
    assert response.status_code == 302
    assert Feedback.objects.get(pk=item.pk).status == "archived"
