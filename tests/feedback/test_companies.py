"""One company per customer: matching by domain and by name, merging with undo."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from tests.api.utils import bearer_client
from tests.integrations.conftest import csv_bytes
from wavelength.core.exceptions import DomainError
from wavelength.core.models import Activity, SearchEntry
from wavelength.feedback import selectors, services
from wavelength.feedback.matching import company_key, domain_key
from wavelength.feedback.models import Company, CompanyMerge, Contact, Feedback
from wavelength.integrations import services as import_services
from wavelength.outreach.models import FollowUpTask

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Globex", "globex"),
        ("GLOBEX Inc.", "globex"),
        ("Globex, S.A.S.", "globex"),
        ("Globex GmbH", "globex"),
        ("Globex Co. Ltd", "globex"),
        ("Société Générale SA", "societegenerale"),
        ("AT&T", "atandt"),
        ("The Home Depot", "homedepot"),
        ("The Company", "thecompany"),  # nothing but legal words: kept
        ("Globex Group", "globexgroup"),  # another company than Globex, often
    ],
)
def test_company_key_leaves_out_case_accents_punctuation_and_legal_forms(name, key):
    assert company_key(name) == key


@pytest.mark.parametrize(
    ("domain", "key"),
    [("globex.com", "globex"), ("mail.globex.co.uk", "globex"), ("acme-corp.io", "acme")],
)
def test_domain_key_is_the_name_the_domain_spells(domain, key):
    assert domain_key(domain) == key


def test_a_second_company_with_the_same_name_in_another_form_is_refused(editor, globex):
    with pytest.raises(DomainError) as refused:
        services.company_create(actor=editor, name="GLOBEX S.A.S.")
    assert refused.value.errors["name"] == "“GLOBEX S.A.S.” is already a customer: Globex."
    assert Company.objects.count() == 1


def test_a_contact_from_a_new_domain_joins_the_company_its_domain_names(editor):
    globex = services.company_create(actor=editor, name="Globex Corporation")
    contact = services.contact_create(actor=editor, email="ann@globex.com")
    assert contact.company == globex
    globex.refresh_from_db()
    assert globex.domains == ["globex.com"]  # the next contact finds it by domain
    assert services.contact_create(actor=editor, email="bo@globex.com").company == globex
    assert Company.objects.count() == 1
    assert Activity.objects.filter(target_id=globex.pk, verb="updated").exists()


def test_the_csv_company_column_joins_the_company_its_contacts_domain_found(editor):
    """The issue's case: "Organization: Globex" and addresses at globex.com are one company,
    whichever came first."""
    known = services.company_create(actor=editor, name="Globex Inc.", domains=["globex.com"])
    header = ["Body", "Email", "Organization"]
    data = csv_bytes(
        header,
        ["Exports time out", "ann@globex.com", "Globex"],
        ["Need SSO", "bo@globex.com", "GLOBEX"],
        ["Love the charts", "cy@initech.io", "Initech"],
        ["Dark mode please", "di@initech.io", "Initech SAS"],
    )
    mapping = {"Body": "text", "Email": "contact_email", "Organization": "company"}
    job = import_services.import_csv(actor=editor, file_name="f.csv", data=data, mapping=mapping)
    assert job.created == 4
    assert set(Company.objects.values_list("name", flat=True)) == {"Globex Inc.", "Initech"}
    initech = Company.objects.get(name="Initech")
    assert initech.domains == ["initech.io"]  # so its contacts' domain finds it next time
    assert set(Feedback.objects.values_list("company__name", flat=True)) == {
        "Globex Inc.", "Initech"
    }  # fmt: skip
    assert set(Contact.objects.values_list("email", "company_id")) == {
        ("ann@globex.com", known.pk), ("bo@globex.com", known.pk),
        ("cy@initech.io", initech.pk), ("di@initech.io", initech.pk),
    }  # fmt: skip


def test_an_explicit_other_company_is_not_replaced_by_the_contacts_domain(editor, globex):
    """A consultant writing from globex.fr about Initech: the column wins."""
    company = services.company_resolve(actor=editor, name="Initech", emails=["max@globex.fr"])
    assert company.name == "Initech" and company.domains == []


@pytest.fixture
def twins(editor, feature):
    """Globex (the one that stays) and "globex.com", which an import made on the side."""
    globex = services.company_create(
        actor=editor, name="Globex", domains=["globex.fr"], arr=Decimal("30000")
    )
    other = services.company_create(
        actor=editor, name="globex.com", domains=["globex.com"], segment="enterprise",
        plan="Scale", arr=Decimal("50000"),
    )  # fmt: skip
    for email, text in [("ann@globex.fr", "CSV export please"), ("bo@globex.com", "CSV!")]:
        item = services.feedback_create(actor=editor, text=text, contact_email=email)
        services.feedback_link(actor=editor, feedback=item, feature=feature)
    return globex, other


def test_likely_duplicates_name_the_company_its_domain_spells(editor, twins):
    globex, other = twins
    assert selectors.company_likely_duplicates(user=editor, company=globex) == [other]
    assert selectors.company_likely_duplicates(user=editor, company=other) == [globex]


def test_merge_moves_everything_the_company_owns_and_undo_puts_it_back(
    editor, twins, feature, other_feature
):
    globex, other = twins
    assert len(selectors.companies_asking(user=editor, feature=feature)) == 2
    # A follow-up each for one feature (only one may stay with Globex), one more for another.
    FollowUpTask.objects.create(company=globex, feature=feature, trigger="shipped", text="a")
    clash = FollowUpTask.objects.create(company=other, feature=feature, trigger="shipped", text="b")
    moved_task = FollowUpTask.objects.create(
        company=other, feature=other_feature, trigger="shipped", text="c"
    )

    merge = services.company_merge(actor=editor, target=globex, source=other)

    globex.refresh_from_db()
    other.refresh_from_db()
    assert other.merged_into == globex and other.domains == []
    assert globex.domains == ["globex.com", "globex.fr"]
    # The details Globex lacked come from the duplicate; its own revenue stays.
    assert (globex.segment, globex.plan, globex.arr) == ("enterprise", "Scale", Decimal("30000"))
    assert Contact.objects.filter(company=globex).count() == 2
    assert Feedback.objects.filter(company=globex).count() == 2
    asking = selectors.companies_asking(user=editor, feature=feature)
    assert [c.pk for c in asking] == [globex.pk]  # one customer asking, not two
    clash.refresh_from_db()
    moved_task.refresh_from_db()
    assert (clash.company_id, moved_task.company_id) == (other.pk, globex.pk)
    assert merge.moved["feedback.contact.company"] and merge.moved_count == 3
    # The duplicate leaves the lists and the search; a new contact from its domain comes here.
    assert other not in selectors.company_list(user=editor)
    assert not SearchEntry.objects.filter(kind="company", object_id=other.pk).exists()
    assert services.contact_create(actor=editor, email="cy@globex.com").company == globex
    with pytest.raises(DomainError):
        services.company_merge(actor=editor, target=globex, source=other)

    services.company_merge_undo(actor=editor, merge=merge)

    globex.refresh_from_db()
    other.refresh_from_db()
    assert other.merged_into is None and other.domains == ["globex.com"]
    assert (globex.domains, globex.segment, globex.plan) == (["globex.fr"], "", "")
    assert set(Contact.objects.filter(company=other).values_list("email", flat=True)) == {
        "bo@globex.com"
    }  # the contact added to Globex after the merge stays there
    assert Feedback.objects.filter(company=other).count() == 1
    moved_task.refresh_from_db()
    assert moved_task.company_id == other.pk
    assert len(selectors.companies_asking(user=editor, feature=feature)) == 2
    with pytest.raises(DomainError, match="already undone"):
        services.company_merge_undo(actor=editor, merge=merge)
    verbs = set(Activity.objects.filter(target_id__in=[globex.pk, other.pk]).values_list("verb"))
    assert {("company_merged",), ("company_merged_into",), ("company_unmerged",)} <= verbs


def test_merge_refuses_itself_a_chain_and_viewers(editor, viewer, twins):
    globex, other = twins
    with pytest.raises(DomainError, match="into itself"):
        services.company_merge(actor=editor, target=globex, source=globex)
    with pytest.raises(PermissionDenied):
        services.company_merge(actor=viewer, target=globex, source=other)
    merge = services.company_merge(actor=editor, target=globex, source=other)
    third = services.company_create(actor=editor, name="Initech")
    services.company_merge(actor=editor, target=third, source=globex)
    with pytest.raises(DomainError, match="undo that merge first"):
        services.company_merge_undo(actor=editor, merge=merge)
    with pytest.raises(PermissionDenied):
        services.company_merge_undo(actor=viewer, merge=merge)


def test_company_page_offers_the_likely_duplicate_and_merges_it(
    editor_client, viewer_client, twins
):
    globex, other = twins
    page = editor_client.get(globex.get_absolute_url())
    html = page.content.decode()
    assert "Likely the same company" in html and "globex.com" in html
    assert "Merge a duplicate" in html
    assert "Merge a duplicate" not in viewer_client.get(globex.get_absolute_url()).content.decode()
    url = reverse("feedback:company-merge", args=[globex.pk])
    assert viewer_client.post(url, {"source": other.pk}).status_code == 403
    assert not CompanyMerge.objects.exists()
    bad = editor_client.post(url, {"source": "nope"}, follow=True)
    assert bad.status_code == 200 and not CompanyMerge.objects.exists()
    done = editor_client.post(url, {"source": other.pk}, follow=True)
    assert "was merged into this company" in done.content.decode()
    merge = CompanyMerge.objects.get()
    merged_page = editor_client.get(other.get_absolute_url()).content.decode()
    assert "This company was merged into" in merged_page
    editor_client.post(reverse("feedback:company-merge-undo", args=[merge.pk]))
    other.refresh_from_db()
    assert other.merged_into is None


def test_merge_api_and_undo(editor, viewer, twins):
    globex, other = twins
    api = bearer_client(editor)
    url = f"/api/v1/companies/{globex.pk}/merge"
    assert (
        bearer_client(viewer).post(url, {"duplicate": other.pk}, "application/json").status_code
        == 403
    )
    assert api.post(url, {"duplicate": 999999}, "application/json").status_code == 404
    assert api.post(url, {"duplicate": globex.pk}, "application/json").status_code == 422
    made = api.post(url, {"duplicate": other.pk}, "application/json")
    assert made.status_code == 201
    body = made.json()
    assert body["source"]["name"] == "globex.com" and body["moved"]["feedback.contact.company"] == 1
    shown = api.get(f"/api/v1/companies/{other.pk}").json()
    assert shown["merged_into"] == {"id": globex.pk, "name": "Globex"}
    listed = [c["id"] for c in api.get("/api/v1/companies").json()["items"]]
    assert other.pk not in listed
    undone = api.post(f"/api/v1/companies/merges/{body['id']}/undo")
    assert undone.status_code == 200 and undone.json()["undone_at"]
    assert api.post(f"/api/v1/companies/merges/{body['id']}/undo").status_code == 422


def test_a_company_an_import_named_after_a_hyphenated_domain_is_a_likely_duplicate(editor):
    studio = services.company_create(
        actor=editor, name="Driftwood Studio", domains=["driftwood-studio.fr"]
    )
    other = services.company_create(
        actor=editor, name="driftwood-studio.io", domains=["driftwood-studio.io"]
    )
    services.company_create(actor=editor, name="Driftwood Labs", domains=["driftwoodlabs.com"])
    assert selectors.company_likely_duplicates(user=editor, company=studio) == [other]
    assert selectors.company_likely_duplicates(user=editor, company=other) == [studio]
