"""The portal, the outreach and prioritisation left the feedback app with their tables: going
back to before the split and forward again keeps every row, and the content types (which
activity rows, permissions and links point at) keep their ids, labelled with the app that
holds the model.

The tests run outside a transaction (SQLite cannot migrate inside one) and put back the rows
migrations create (the scoring formulas, the default teams) for the tests after them."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from wavelength.catalog import services as catalog
from wavelength.core.models import Activity
from wavelength.feedback import services as feedback
from wavelength.outreach.models import FollowUpTask, LoopSend
from wavelength.portal import services as portal
from wavelength.portal.models import PortalIdea
from wavelength.prioritisation import services as prioritisation

BEFORE_SPLIT = [
    ("feedback", "0010_loop_message_claimed_at"),
    ("prioritisation", None),
    ("portal", None),
    ("outreach", None),
]
MOVED = {
    "prioritisation": ["scoringformula", "featurescore"],
    "portal": ["portalsettings", "portalidea", "portalvote", "portalcomment", "portalsubscription"],
    "outreach": ["loopsend", "loopmessage", "followuptask", "followernotification"],
}


def _migrate(targets):
    """Migrate to ``targets``; the apps (historical models) as they stand there."""
    MigrationExecutor(connection).migrate(targets)
    nodes = [(app, name) for app, name in targets if name is not None]
    return MigrationExecutor(connection).loader.project_state(nodes).apps


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _rows() -> dict[str, int]:
    """Rows per moved table, read with SQL: the tables never change names."""
    with connection.cursor() as cursor:
        counts = {}
        for model in [m for models in MOVED.values() for m in models]:
            cursor.execute(f"SELECT COUNT(*) FROM feedback_{model}")  # noqa: S608 - our names
            counts[model] = cursor.fetchone()[0]
    return counts


def _type_ids() -> dict[str, int]:
    return {m: ContentType.objects.get(app_label=a, model=m).pk for a in MOVED for m in MOVED[a]}


def _labels(ids: dict[str, int]) -> dict[str, str]:
    rows = ContentType.objects.filter(pk__in=ids.values()).values_list("model", "app_label")
    return dict(rows)


@pytest.fixture(autouse=True)
def _forget_content_types():
    """Content types are cached per process; the next test must not trust ids from this one
    (a live-server test after it may start on a database without them)."""
    yield
    ContentType.objects.clear_cache()


@pytest.fixture
def split_data(admin, editor, product):
    feature = catalog.feature_create(actor=editor, product=product, title="Export to CSV")
    acme = feedback.company_create(actor=editor, name="Acme", domains=["acme.com"])
    portal.portal_settings_update(actor=admin, enabled=True, name="Ideas", accent_colour="#123456")
    idea = portal.portal_idea_open(actor=editor, feature=feature, title="Export your charts")
    portal.portal_vote_cast(idea=idea, email="jane+crm@acme.com", verified=True)
    portal.portal_comment_create(idea=idea, email="jane@acme.com", name="Jane", text="Yes!")
    portal.portal_subscribe(idea=idea, email="jane@acme.com")
    prioritisation.feature_score_update(actor=editor, feature=feature, effort=2)
    FollowUpTask.objects.create(company=acme, feature=feature, trigger="stage:beta", text="Call")
    LoopSend.objects.create(feature=feature)
    return idea


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_migrating_back_before_the_split_and_forward_keeps_rows_and_content_types(split_data):
    rows = _rows()
    assert all(rows[m] for m in ("featurescore", "portalidea", "portalvote", "followuptask"))
    ids = {
        m: ContentType.objects.get(app_label=app, model=m).pk for app in MOVED for m in MOVED[app]
    }
    opened = Activity.objects.get(verb="opened to the portal")
    assert opened.target_type_id == ids["portalidea"]

    old = _migrate(BEFORE_SPLIT)
    assert _rows() == rows
    assert set(_labels(ids).values()) == {"feedback"}  # same rows, back under feedback
    assert old.get_model("feedback", "PortalVote").objects.count() == rows["portalvote"]
    assert old.get_model("feedback", "FeatureScore").objects.get().effort == 2
    assert old.get_model("feedback", "PortalIdea").objects.get().title == "Export your charts"

    new = _migrate(_latest())
    after = _rows()
    # Going forward may add the scoring formulas later migrations install (the load formula,
    # when an earlier test on this worker emptied the table); it never loses a row.
    assert after.pop("scoringformula") >= rows["scoringformula"]
    assert after == {m: n for m, n in rows.items() if m != "scoringformula"}
    assert _labels(ids) == {m: app for app in MOVED for m in MOVED[app]}
    assert new.get_model("portal", "PortalVote").objects.count() == rows["portalvote"]
    # votes cast before mailboxes were kept get theirs on the way forward
    assert list(new.get_model("portal", "PortalVote").objects.values_list("mailbox", flat=True))[
        :1
    ] == ["jane@acme.com"]
    assert new.get_model("outreach", "FollowUpTask").objects.get().text == "Call"
    ContentType.objects.clear_cache()
    assert ContentType.objects.get_for_model(PortalIdea).pk == opened.target_type_id
    history = Activity.objects.filter(target_type_id=ids["portalidea"], target_id=split_data.pk)
    assert list(Activity.objects.for_target(split_data)) == list(
        history.order_by("created_at", "id")
    )
    assert history.count() == 4  # opened, voted for, commented on, subscribed to


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_content_types_made_meanwhile_yield_to_the_ones_history_points_at(split_data):
    """``migrate`` creates the installed models' content types after each run: after going
    back, the new app's labels exist again beside the old rows; going forward keeps the old
    rows (history points at them) and drops the unused new ones."""
    ids = {
        m: ContentType.objects.get(app_label=app, model=m).pk for app in MOVED for m in MOVED[app]
    }
    _migrate(BEFORE_SPLIT)
    fresh = ContentType.objects.create(app_label="portal", model="portalidea")
    _migrate(_latest())
    assert not ContentType.objects.filter(pk=fresh.pk).exists()
    assert _labels(ids) == {m: app for app in MOVED for m in MOVED[app]}
