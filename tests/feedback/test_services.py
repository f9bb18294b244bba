"""Feedback services: every write, its refusals (nothing written), permissions, bulk
all-or-nothing with per-item errors, idempotent external ids, links and quotes."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from tests.api.utils import nothing_written
from wavelength.core.exceptions import Conflict, DomainError
from wavelength.core.models import Activity, SearchEntry
from wavelength.feedback import services
from wavelength.feedback.models import Company, Contact, Feedback, FeedbackLink, Status, Theme

pytestmark = pytest.mark.django_db


# Companies and contacts -------------------------------------------------------------------


def test_company_create_records_activity_and_search(editor):
    company = services.company_create(
        actor=editor, name=" Initech ", domains=["INITECH.com", "@initech.fr"], arr="5000.5"
    )
    assert company.name == "Initech"
    assert company.domains == ["initech.com", "initech.fr"]
    assert company.arr == Decimal("5000.50")
    created = Activity.objects.for_target(company).get()
    assert created.verb == "created" and created.scope == "feedback"
    assert created.payload["snapshot"]["name"] == "Initech"
    assert SearchEntry.objects.get(kind="company", object_id=company.pk).title == "Initech"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "Acme"}, "name"),
        ({"name": "New", "domains": ["not a domain"]}, "domains"),
        ({"name": "New", "domains": ["acme.com"]}, "domains"),
        ({"name": "New", "arr": "-1"}, "arr"),
        ({"name": "New", "arr": "lots"}, "arr"),
        ({"name": "New", "segment": "galactic"}, "segment"),
        ({"name": "New", "health": "dead"}, "health"),
    ],
)
def test_company_create_refuses_bad_input(editor, acme, kwargs, field):
    with nothing_written(Company), pytest.raises(DomainError) as exc:
        services.company_create(actor=editor, **kwargs)
    assert field in exc.value.errors


def test_company_update_records_changes(editor, acme):
    services.company_update(actor=editor, company=acme, arr=Decimal("150000"), health="at_risk")
    acme.refresh_from_db()
    assert acme.arr == Decimal("150000") and acme.health == "at_risk"
    update = Activity.objects.for_target(acme).last()
    assert update.changes == {"arr": ["120000.00", "150000.00"], "health": ["good", "at_risk"]}


def test_company_update_keeps_its_own_domains(editor, acme):
    services.company_update(actor=editor, company=acme, domains=["acme.com", "acme.io"])
    acme.refresh_from_db()
    assert acme.domains == ["acme.com", "acme.io"]


def test_viewer_cannot_write_customers(viewer, acme):
    with nothing_written(Company, Contact), pytest.raises(PermissionDenied):
        services.company_create(actor=viewer, name="Nope")
    with nothing_written(Company), pytest.raises(PermissionDenied):
        services.company_update(actor=viewer, company=acme, name="Renamed")
    with nothing_written(Contact), pytest.raises(PermissionDenied):
        services.contact_create(actor=viewer, email="x@acme.com")


def test_contact_create_finds_the_company_from_the_domain(editor, acme):
    contact = services.contact_create(actor=editor, email="Bob@ACME.com", name="Bob")
    assert contact.email == "bob@acme.com"
    assert contact.company == acme


def test_contact_create_creates_the_company_of_a_new_domain(editor):
    contact = services.contact_create(actor=editor, email="ann@umbrella-corp.io")
    assert contact.company.name == "Umbrella Corp"
    assert contact.company.domains == ["umbrella-corp.io"]


def test_contact_at_free_mail_has_no_company(editor):
    contact = services.contact_create(actor=editor, email="someone@gmail.com")
    assert contact.company is None
    assert not Company.objects.exists()


def test_contact_create_refuses_bad_or_taken_email(editor, acme):
    services.contact_create(actor=editor, email="bob@acme.com")
    with nothing_written(Contact, Company), pytest.raises(DomainError) as exc:
        services.contact_create(actor=editor, email="bob@acme.com")
    assert "email" in exc.value.errors
    with nothing_written(Contact, Company), pytest.raises(DomainError) as exc:
        services.contact_create(actor=editor, email="not-an-address")
    assert "email" in exc.value.errors


# Feedback ---------------------------------------------------------------------------------


def test_feedback_create_links_contact_and_company(editor, acme):
    item = services.feedback_create(
        actor=editor, text="Slow exports\r\nevery day", contact_email="jo@acme.com", tags=["Perf"]
    )
    assert item.company == acme and item.contact.email == "jo@acme.com"
    assert item.text == "Slow exports\nevery day"
    assert item.status == Status.NEW
    assert [t.name for t in item.tags.all()] == ["perf"]
    assert Activity.objects.for_target(item).get().verb == "created"
    assert SearchEntry.objects.filter(kind="feedback", object_id=item.pk).exists()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"text": "  "}, "text"),
        ({"text": "x", "source": "pigeon"}, "source"),
        ({"text": "x", "type": "rant"}, "type"),
        ({"text": "x", "sentiment": "angry"}, "sentiment"),
        ({"text": "x", "contact_email": "nope"}, "contact_email"),
        ({"text": "x", "title": "t" * 201}, "title"),
    ],
)
def test_feedback_create_refuses_bad_input(editor, kwargs, field):
    with nothing_written(Feedback, Contact, Company), pytest.raises(DomainError) as exc:
        services.feedback_create(actor=editor, **kwargs)
    assert field in exc.value.errors


def test_feedback_create_refuses_a_repeated_external_id(editor):
    first = services.feedback_create(actor=editor, text="a", source="support", external_id="T-1")
    with nothing_written(Feedback), pytest.raises(Conflict) as exc:
        services.feedback_create(actor=editor, text="b", source="support", external_id="T-1")
    assert str(first.pk) in exc.value.errors["external_id"]
    # The same id from another channel is another item.
    services.feedback_create(actor=editor, text="c", source="email", external_id="T-1")
    assert Feedback.objects.count() == 2


def test_viewer_cannot_write_feedback(viewer, item, feature, theme):
    calls = [
        lambda: services.feedback_create(actor=viewer, text="x"),
        lambda: services.feedback_bulk_create(actor=viewer, items=[{"text": "x"}]),
        lambda: services.feedback_update(actor=viewer, feedback=item, status="triaged"),
        lambda: services.feedback_bulk_update(actor=viewer, ids=[item.pk], action="archive"),
        lambda: services.feedback_link(actor=viewer, feedback=item, feature=feature),
        lambda: services.theme_create(actor=viewer, name="Other"),
    ]
    for call in calls:
        with nothing_written(Feedback, FeedbackLink, Theme), pytest.raises(PermissionDenied):
            call()


def test_viewer_cannot_unlink(editor, viewer, item, feature):
    link = services.feedback_link(actor=editor, feedback=item, feature=feature)
    with nothing_written(FeedbackLink), pytest.raises(PermissionDenied):
        services.feedback_unlink(actor=viewer, link=link)


def test_bulk_create_records_every_item(editor, acme, theme):
    when = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    result = services.feedback_bulk_create(
        actor=editor,
        items=[
            {
                "text": f"Item {n}",
                "source": "csv",
                "external_id": f"r{n}",
                "contact_email": "amy@acme.com",
                "tags": ["import", "Import "],
                "theme": theme.pk,
                "received_at": when,
            }  # fmt: skip
            for n in range(3)
        ],
    )
    assert len(result["created"]) == 3 and result["skipped"] == []
    items = Feedback.objects.order_by("pk")
    assert [i.text for i in items] == ["Item 0", "Item 1", "Item 2"]
    assert {i.company_id for i in items} == {acme.pk}
    assert {i.theme_id for i in items} == {theme.pk}
    assert all([t.name for t in i.tags.all()] == ["import"] for i in items)
    assert Contact.objects.filter(email="amy@acme.com").count() == 1
    assert Activity.objects.filter(verb="created", target_id__in=[i.pk for i in items]).count() >= 3
    assert SearchEntry.objects.filter(kind="feedback").count() == 3


def test_bulk_create_records_new_contacts_as_one_by_one(editor, acme):
    """A bulk inserts its new contacts at once; each gets the company its domain finds or
    makes and the activity row ``contact_create`` writes, and each item's search entry
    links to its page."""
    services.contact_create(actor=editor, email="known@acme.com", name="Known")
    result = services.feedback_bulk_create(
        actor=editor,
        items=[
            {"text": "a", "contact_email": "known@acme.com"},
            {"text": "b", "contact_email": "new@acme.com", "contact_name": "New"},
            {"text": "c", "contact_email": "new@acme.com"},
            {"text": "d", "contact_email": "ann@globex.io", "contact_name": "Ann"},
            {"text": "e", "contact_email": "bob@gmail.com"},
        ],
    )
    by_email = {c.email: c for c in Contact.objects.select_related("company")}
    assert set(by_email) == {"known@acme.com", "new@acme.com", "ann@globex.io", "bob@gmail.com"}
    assert by_email["new@acme.com"].company == acme and by_email["new@acme.com"].name == "New"
    assert by_email["ann@globex.io"].company.name == "Globex"
    assert by_email["bob@gmail.com"].company is None  # a free mailbox names no company
    for email in ("new@acme.com", "ann@globex.io", "bob@gmail.com"):
        contact = by_email[email]
        created = Activity.objects.for_target(contact).get(verb="created")
        assert created.actor == editor and created.scope == "feedback"
        assert created.payload == {
            "snapshot": {"email": email, "name": contact.name, "company": contact.company_id}
        }
    items = result["created"]
    assert [i.contact.email for i in items] == [
        "known@acme.com", "new@acme.com", "new@acme.com", "ann@globex.io", "bob@gmail.com"
    ]  # fmt: skip
    entries = SearchEntry.objects.filter(kind="feedback").values_list("object_id", "url")
    assert dict(entries) == {i.pk: i.get_absolute_url() for i in items}


def test_bulk_create_is_all_or_nothing_with_errors_per_item(editor):
    items = [
        {"text": "fine"},
        {"text": ""},
        {"text": "ok", "type": "rant"},
        {"text": "ok", "contact_email": "broken"},
        {"text": "ok", "theme": 999},
    ]
    with nothing_written(Feedback, Contact, Company), pytest.raises(DomainError) as exc:
        services.feedback_bulk_create(actor=editor, items=items)
    assert set(exc.value.errors) == {
        "items.1.text",
        "items.2.type",
        "items.3.contact_email",
        "items.4.theme",
    }


def test_bulk_create_refuses_too_many_or_none(editor):
    with nothing_written(Feedback), pytest.raises(DomainError) as exc:
        services.feedback_bulk_create(actor=editor, items=[{"text": "x"}] * 1001)
    assert "items" in exc.value.errors
    with pytest.raises(DomainError):
        services.feedback_bulk_create(actor=editor, items=[])


def test_bulk_create_skips_known_external_ids(editor):
    services.feedback_bulk_create(
        actor=editor, items=[{"text": "a", "source": "csv", "external_id": "1"}]
    )
    known = Feedback.objects.get()
    result = services.feedback_bulk_create(
        actor=editor,
        items=[
            {"text": "a again", "source": "csv", "external_id": "1"},
            {"text": "b", "source": "csv", "external_id": "2"},
        ],
    )
    assert result["skipped"] == [{"index": 0, "external_id": "1", "id": known.pk}]
    assert [f.text for f in result["created"]] == ["b"]
    assert Feedback.objects.count() == 2


def test_bulk_create_refuses_duplicates_within_the_call(editor):
    items = [{"text": "a", "external_id": "x"}, {"text": "b", "external_id": "x"}]
    with nothing_written(Feedback), pytest.raises(DomainError) as exc:
        services.feedback_bulk_create(actor=editor, items=items)
    assert "items.1.external_id" in exc.value.errors


def test_feedback_update_triages_and_records_changes(editor, item, theme):
    services.feedback_update(
        actor=editor,
        feedback=item,
        type="feature_request",
        sentiment="positive",
        status="triaged",
        theme=theme,
        tags=["csv"],
        language="EN",
    )
    item.refresh_from_db()
    assert (item.type, item.sentiment, item.status, item.theme) == (
        "feature_request",
        "positive",
        "triaged",
        theme,
    )
    changes = Activity.objects.for_target(item).last().changes
    assert changes["status"] == ["new", "triaged"]
    assert changes["theme"] == [None, theme.pk]
    assert changes["tags"] == [[], ["csv"]]


def test_feedback_update_refuses_unknown_status(editor, item):
    with nothing_written(Feedback), pytest.raises(DomainError) as exc:
        services.feedback_update(actor=editor, feedback=item, status="lost")
    assert "status" in exc.value.errors


def test_bulk_update_sets_status_type_theme_and_archives(editor, item, theme):
    other = services.feedback_create(actor=editor, text="Another")
    ids = [item.pk, other.pk]
    services.feedback_bulk_update(actor=editor, ids=ids, action="type", value="bug")
    services.feedback_bulk_update(actor=editor, ids=ids, action="theme", value=theme)
    services.feedback_bulk_update(actor=editor, ids=ids, action="status", value="triaged")
    assert set(Feedback.objects.values_list("type", "theme", "status")) == {
        ("bug", theme.pk, "triaged")
    }
    services.feedback_bulk_update(actor=editor, ids=ids, action="archive")
    assert set(Feedback.objects.values_list("status", flat=True)) == {"archived"}


def test_bulk_update_refuses_unknown_ids_and_values(editor, item):
    with nothing_written(Feedback), pytest.raises(DomainError) as exc:
        services.feedback_bulk_update(actor=editor, ids=[item.pk, 999], action="archive")
    assert "999" in exc.value.errors["ids"]
    with nothing_written(Feedback), pytest.raises(DomainError) as exc:
        services.feedback_bulk_update(actor=editor, ids=[item.pk], action="type", value="rant")
    assert "value" in exc.value.errors
    with nothing_written(Feedback), pytest.raises(DomainError) as exc:
        services.feedback_bulk_update(actor=editor, ids=[item.pk], action="delete")
    assert "action" in exc.value.errors


# Links ------------------------------------------------------------------------------------


def test_link_with_quote_sets_status_and_records_on_the_product(editor, item, feature):
    text = item.text
    start = text.index("Please")
    quote = "Please let us export them to CSV every week."
    link = services.feedback_link(
        actor=editor,
        feedback=item,
        feature=feature,
        importance="critical",
        quote=quote,
        quote_start=start,
        quote_end=start + len(quote),
    )
    assert (link.quote, link.quote_start, link.quote_end) == (quote, start, start + len(quote))
    item.refresh_from_db()
    assert item.status == Status.LINKED
    linked = Activity.objects.get(verb="linked")
    assert linked.scope == f"catalog.product:{feature.product_id}"
    assert linked.payload["quote"] == quote


def test_link_fixes_wrong_offsets_and_refuses_foreign_quotes(editor, item, feature):
    link = services.feedback_link(
        actor=editor, feedback=item, feature=feature, quote="charts", quote_start=0, quote_end=6
    )
    assert item.text[link.quote_start : link.quote_end] == "charts"
    with nothing_written(FeedbackLink), pytest.raises(DomainError) as exc:
        services.feedback_link(actor=editor, feedback=item, feature=feature, quote="not said")
    assert "quote" in exc.value.errors


def test_same_feature_twice_needs_another_quote(editor, item, feature):
    services.feedback_link(actor=editor, feedback=item, feature=feature)
    with nothing_written(FeedbackLink), pytest.raises(DomainError) as exc:
        services.feedback_link(actor=editor, feedback=item, feature=feature)
    assert "feature" in exc.value.errors
    services.feedback_link(actor=editor, feedback=item, feature=feature, quote="We love")
    assert FeedbackLink.objects.count() == 2


def test_link_refuses_unknown_importance(editor, item, feature):
    with nothing_written(FeedbackLink), pytest.raises(DomainError) as exc:
        services.feedback_link(actor=editor, feedback=item, feature=feature, importance="meh")
    assert "importance" in exc.value.errors


def test_unlink_last_link_returns_item_to_triaged(editor, item, feature, other_feature):
    first = services.feedback_link(actor=editor, feedback=item, feature=feature)
    second = services.feedback_link(actor=editor, feedback=item, feature=other_feature)
    services.feedback_unlink(actor=editor, link=first)
    item.refresh_from_db()
    assert item.status == Status.LINKED
    services.feedback_unlink(actor=editor, link=second)
    item.refresh_from_db()
    assert item.status == Status.TRIAGED
    assert Activity.objects.filter(verb="unlinked").count() == 2


def test_theme_create_refuses_duplicates(editor, theme):
    with nothing_written(Theme), pytest.raises(DomainError) as exc:
        services.theme_create(actor=editor, name="reporting")
    assert "name" in exc.value.errors


def test_search_reindex_rebuilds_companies_and_feedback(editor, item, acme):
    SearchEntry.objects.filter(kind__in=["company", "feedback"]).delete()
    SearchEntry.objects.create(kind="feedback", object_id=9999, title="gone", url="/x")
    counts = services.search_reindex()
    assert counts == {"company": 1, "feedback": 1}
    assert set(SearchEntry.objects.filter(kind="feedback").values_list("object_id", flat=True)) == {
        item.pk
    }
