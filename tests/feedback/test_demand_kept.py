"""Each feature's demand figures (``FeatureDemand``) are kept in the transaction of the write
that changes them: after every kind of write, delete, merge or undo, by a service or straight
through the models, they equal a recount from the live rows, and a write rolled back leaves
them as they were."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, transaction

from wavelength.catalog import services as catalog
from wavelength.catalog.models import Feature
from wavelength.feedback import selectors, services
from wavelength.feedback.models import Company, Contact, FeatureDemand, Feedback, FeedbackLink
from wavelength.feedback.services import demand
from wavelength.portal import services as portal_services
from wavelength.portal.models import PortalIdea, PortalVote

pytestmark = pytest.mark.django_db


def kept() -> dict[int, tuple]:
    rows = FeatureDemand.objects.exclude(items=0, votes=0)
    return {r.feature_id: tuple(getattr(r, f) for f in FeatureDemand.FIGURES) for r in rows}


def recounted() -> dict[int, tuple]:
    ids = Feature.objects.values_list("pk", flat=True)
    rows = [r for r in demand.live(ids).values() if r.items or r.votes]
    return {r.feature_id: tuple(getattr(r, f) for f in FeatureDemand.FIGURES) for r in rows}


def assert_kept(feature=None, **expected):
    figures = kept()
    assert figures == recounted()
    if feature is not None:
        assert dict(zip(FeatureDemand.FIGURES, figures.get(feature.pk, (0,) * 5), strict=True)) == {
            "items": 0, "support_items": 0, "votes": 0, "companies": 0, "revenue": 0, **expected
        }  # fmt: skip


@pytest.fixture
def idea(admin, editor, feature):
    portal_services.portal_settings_update(actor=admin, enabled=True, name="Ideas",
                                           accent_colour="#4f46e5")  # fmt: skip
    return portal_services.portal_idea_open(actor=editor, feature=feature, title="Export charts")


def test_links_items_and_companies_keep_the_figures(editor, feature, other_feature, item, acme,
                                                    globex):  # fmt: skip
    assert_kept(feature)  # nobody asks yet
    link = services.feedback_link(actor=editor, feedback=item, feature=feature)
    assert_kept(feature, items=1, support_items=1, companies=1, revenue=Decimal("120000"))
    services.feedback_link(actor=editor, feedback=item, feature=feature, quote="export them")
    assert_kept(feature, items=1, support_items=1, companies=1, revenue=Decimal("120000"))
    # The company's revenue changes, the item moves to another company and channel.
    services.company_update(actor=editor, company=acme, arr=Decimal("200000"))
    assert_kept(feature, items=1, support_items=1, companies=1, revenue=Decimal("200000"))
    moved = Feedback.objects.get(pk=item.pk)
    moved.company, moved.source = globex, "email"
    moved.save()
    assert_kept(feature, items=1, companies=1, revenue=Decimal("30000"))
    # A second item from another company, then the first link goes.
    other = services.feedback_create(actor=editor, text="CSV please", source="support",
                                      contact_email="ann@acme.com")  # fmt: skip
    services.feedback_link(actor=editor, feedback=other, feature=feature)
    assert_kept(feature, items=2, support_items=1, companies=2, revenue=Decimal("230000"))
    services.feedback_unlink(actor=editor, link=link)
    assert_kept(feature, items=2, support_items=1, companies=2, revenue=Decimal("230000"))
    # Deleting a company leaves its items without one; deleting an item takes its links.
    Company.objects.get(pk=globex.pk).delete()
    assert_kept(feature, items=2, support_items=1, companies=1, revenue=Decimal("200000"))
    Feedback.objects.get(pk=other.pk).delete()
    assert_kept(feature, items=1)
    services.feedback_link(actor=editor, feedback=item, feature=other_feature)
    assert_kept(other_feature, items=1)


def test_votes_contacts_and_ideas_keep_the_figures(editor, feature, item, acme, globex, idea):
    services.feedback_link(actor=editor, feedback=item, feature=feature)
    pending = portal_services.portal_vote_cast(idea=idea, email="late@globex.fr", verified=False)
    assert_kept(feature, items=1, support_items=1, companies=1, revenue=Decimal("120000"))
    pending.verified_at = pending.created_at  # confirmed by its link
    pending.save()
    assert_kept(feature, items=1, support_items=1, votes=1, companies=2,
                revenue=Decimal("150000"))  # fmt: skip
    portal_services.portal_vote_proxy(actor=editor, idea=idea, email="mia@acme.com", name="Mia")
    assert_kept(feature, items=1, support_items=1, votes=2, companies=2,
                revenue=Decimal("150000"))  # fmt: skip
    # A voter changes company; a vote goes; a contact goes with its votes.
    voter = Contact.objects.get(email="late@globex.fr")
    voter.company = acme
    voter.save()
    assert_kept(feature, items=1, support_items=1, votes=2, companies=1,
                revenue=Decimal("120000"))  # fmt: skip
    PortalVote.objects.filter(contact__email="mia@acme.com").delete()
    assert_kept(feature, items=1, support_items=1, votes=1, companies=1,
                revenue=Decimal("120000"))  # fmt: skip
    Contact.objects.get(pk=voter.pk).delete()
    assert_kept(feature, items=1, support_items=1, companies=1, revenue=Decimal("120000"))
    # An idea pointed at another feature takes its votes with it; deleted, it takes them away.
    portal_services.portal_vote_proxy(actor=editor, idea=idea, email="bob@globex.fr", name="Bob")
    elsewhere = catalog.feature_create(actor=editor, product=feature.product, title="Charts")
    moved = PortalIdea.objects.get(pk=idea.pk)
    moved.feature = elsewhere
    moved.save()
    assert_kept(elsewhere, votes=1, companies=1, revenue=Decimal("30000"))
    assert_kept(feature, items=1, support_items=1, companies=1, revenue=Decimal("120000"))
    PortalIdea.objects.get(pk=idea.pk).delete()
    assert_kept(elsewhere)


def test_merges_and_their_undo_keep_the_figures(editor, feature, other_feature, item, acme,
                                                globex):  # fmt: skip
    duplicate = services.feedback_create(actor=editor, text="CSV export please",
                                          contact_email="bob@globex.fr")  # fmt: skip
    services.feedback_link(actor=editor, feedback=duplicate, feature=other_feature)
    services.feedback_link(actor=editor, feedback=item, feature=feature)
    merge = services.feedback_merge(actor=editor, survivor=item, duplicate=duplicate)
    assert_kept(other_feature, items=2, support_items=1, companies=2, revenue=Decimal("150000"))
    services.feedback_merge_undo(actor=editor, merge=merge)
    assert_kept(other_feature, items=1, companies=1, revenue=Decimal("30000"))
    # Globex merged into Acme: one company asking, Acme's revenue; undone: two again.
    company_merge = services.company_merge(actor=editor, target=acme, source=globex)
    services.feedback_link(actor=editor, feedback=duplicate, feature=feature)
    assert_kept(feature, items=2, support_items=1, companies=1, revenue=Decimal("120000"))
    services.company_merge_undo(actor=editor, merge=company_merge)
    assert_kept(feature, items=2, support_items=1, companies=2, revenue=Decimal("150000"))


def test_a_deleted_feature_takes_its_figures_and_a_rolled_back_write_leaves_them(
    editor, feature, other_feature, item
):
    services.feedback_link(actor=editor, feedback=item, feature=feature)
    services.feedback_link(actor=editor, feedback=item, feature=other_feature)
    before = kept()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.feedback_unlink(actor=editor, link=FeedbackLink.objects.filter(
            feature=feature).get())  # fmt: skip
        raise RuntimeError("refused")
    assert kept() == before
    Feature.objects.filter(pk=feature.pk).delete()
    assert not FeatureDemand.objects.filter(feature_id=feature.pk).exists()
    assert_kept(other_feature, items=1, support_items=1, companies=1, revenue=Decimal("120000"))


def test_the_reads_are_the_kept_figures(viewer, editor, feature, item):
    services.feedback_link(actor=editor, feedback=item, feature=feature)
    FeatureDemand.objects.filter(feature=feature).update(items=7)  # only a kept figure says 7
    assert selectors.demand_for_features(user=viewer, feature_ids=[feature.pk])[
        feature.pk
    ].feedback_count == 7  # fmt: skip
    assert selectors.feature_demand(user=viewer, feature=feature).feedback_count == 7


@pytest.mark.django_db(transaction=True)
def test_two_people_linking_to_one_feature_at_once_both_count(editor, feature, acme):
    """Each recount locks the feature's row first, so the second waits for the first to
    commit and counts both links (PostgreSQL; SQLite has one writer at a time anyway)."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL")
    items = [services.feedback_create(actor=editor, text=f"CSV {n}", contact_email="a@acme.com")
             for n in range(8)]  # fmt: skip
    start = threading.Barrier(len(items))
    errors = []

    def link(item):
        try:
            start.wait(timeout=60)
            services.feedback_link(actor=editor, feedback=item, feature=feature)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=link, args=(i,)) for i in items]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors
    assert_kept(feature, items=8, companies=1, revenue=Decimal("120000"))


def test_a_bulk_link_counts_its_feature_once_at_the_end(editor, feature, acme, monkeypatch):
    items = [services.feedback_create(actor=editor, text=f"CSV {n}", contact_email="a@acme.com")
             for n in range(5)]  # fmt: skip
    counted = []
    live = demand.live
    monkeypatch.setattr(demand, "live", lambda ids: counted.append(list(ids)) or live(ids))
    services.feedback_bulk_update(actor=editor, ids=[i.pk for i in items], action="link",
                                  value=feature)  # fmt: skip
    assert counted == [[feature.pk]]
    assert_kept(feature, items=5, companies=1, revenue=Decimal("120000"))


@pytest.mark.django_db(transaction=True)
def test_deferred_recounts_need_the_writes_transaction():
    with pytest.raises(RuntimeError, match="inside the writes' transaction"), demand.deferred():
        pass
